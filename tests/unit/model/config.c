/* SPDX-License-Identifier: MIT */
/* The node's configuration as a file: an export applied to a fresh node rebuilds the same
 * objects with the same ids, applied to its own node changes nothing, a changed file is
 * made true by the steps its plan lists, and a bad file changes nothing. */
#include "harness.h"

static char *export_text(void)
{
	json_object *result = GET(PROVIDER, "ExportConfiguration", "{}");
	char *text = strdup(json_object_to_json_string_ext(
	    json_object_object_get(result, "Configuration"), JSON_C_TO_STRING_PLAIN));

	json_object_put(result);
	return text;
}

/* The seed lab with an accepted endpoint, a pending one, a private DNS name. */
static void lab_with_endpoints(void)
{
	char accepted[ID_MAX], waiting[ID_MAX];

	provider_lab(true);
	create_endpoint(CONSUMER, 50, accepted);
	create_endpoint(CONSUMER, 51, waiting);
	DO(PROVIDER, "AcceptVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, accepted);
	DO(PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	   "{'ServiceId': '%s', 'PrivateDnsName': 'web.example.com'}", service_id);
	DO(PROVIDER, "ModifyLoadBalancerAttributes", "{'Name': 'web', 'CrossZone': true}");
}

static size_t plan_length(const char *config)
{
	json_object *result = GET(PROVIDER, "PlanConfiguration", "{'Configuration': %s}", config);
	size_t length = count_at(result, "Plan");

	json_object_put(result);
	return length;
}

void an_export_rebuilds_a_fresh_node(void)
{
	char *exported, *rebuilt;
	json_object *result;

	fresh_model();
	lab_with_endpoints();
	exported = export_text();
	CHECK(strstr(exported, service_id) != NULL);
	CHECK_EQ(plan_length(exported), 0); /* a node's own export is a no-op */
	remove_model();

	fresh_model();
	DO(PROVIDER, "AttachInterface", "{'Name': 'lo', 'Role': 'consumer'}");
	result = GET(PROVIDER, "ApplyConfiguration", "{'Configuration': %s}", exported);
	CHECK(count_at(result, "Plan") > 10);
	CHECK_STR(text_at(result, "Plan.0.Change"), "create");
	json_object_put(result);
	rebuilt = export_text();
	CHECK_STR(rebuilt, exported);
	CHECK_EQ(plan_length(rebuilt), 0);
	free(rebuilt);

	/* a deleted endpoint's id stays its own: the file cannot make it again */
	result = json_tokener_parse(exported);
	DO(CONSUMER, "DeleteVpcEndpoints", "{'VpcEndpointIds': ['%s']}",
	   text_at(result, "Endpoints.0.VpcEndpointId"));
	REFUSE("InvalidParameterValue", PROVIDER, "ApplyConfiguration", "{'Configuration': %s}",
	       exported);
	CHECK(strstr(refusal.message, "is in use (or was, by an object since deleted)") != NULL);
	json_object_put(result);
	free(exported);
	remove_model();
}

void a_changed_file_is_applied_by_its_plan(void)
{
	json_object *config, *result, *lb, *tg, *svc;
	char *exported;

	fresh_model();
	lab_with_endpoints();
	exported = export_text();
	config = json_tokener_parse(exported);
	lb = json_object_array_get_idx(json_object_object_get(config, "LoadBalancers"), 0);
	json_object_object_add(lb, "CrossZone", json_object_new_boolean(false));
	tg = json_object_array_get_idx(json_object_object_get(config, "TargetGroups"), 0);
	json_object_array_del_idx(json_object_object_get(tg, "Targets"), 1, 1);
	json_object_object_add(tg, "HealthCheckIntervalSeconds", json_object_new_int(20));
	svc = json_object_array_get_idx(json_object_object_get(config, "Services"), 0);
	json_object_array_add(json_object_object_get(svc, "AllowedPrincipals"),
			      json_object_new_string(STRANGER));
	/* the second endpoint goes */
	json_object_array_del_idx(json_object_object_get(config, "Endpoints"), 1, 1);

	/* a plan changes nothing */
	free(export_text());
	result = GET(PROVIDER, "PlanConfiguration", "{'Configuration': %s}",
		     json_object_to_json_string_ext(config, JSON_C_TO_STRING_PLAIN));
	CHECK_EQ(count_at(result, "Plan"), 5);
	CHECK_STR(text_at(result, "Plan.0.Change"), "delete");
	CHECK_STR(text_at(result, "Plan.0.Kind"), "Endpoint");
	json_object_put(result);
	{
		char *after = export_text();

		CHECK_STR(after, exported);
		free(after);
	}
	result = GET(PROVIDER, "ApplyConfiguration", "{'Configuration': %s}",
		     json_object_to_json_string_ext(config, JSON_C_TO_STRING_PLAIN));
	json_object_put(result);
	CHECK_EQ(plan_length(json_object_to_json_string_ext(config, JSON_C_TO_STRING_PLAIN)), 0);
	CHECK_STR(target_state("web-tg", "10.0.2.21"), "draining Target.DeregistrationInProgress");
	json_object_put(config);
	free(exported);
	remove_model();
}

void a_bad_file_changes_nothing(void)
{
	fresh_model();
	provider_lab(true);
	REFUSE(
	    "ValidationError", PROVIDER, "ApplyConfiguration",
	    "{'Configuration': {'XdplinkConfiguration': 1, 'Region': 'us-east-1', 'Colour': 1}}");
	CHECK(strstr(refusal.message, "Colour: unknown key") != NULL);
	REFUSE("ValidationError", PROVIDER, "ApplyConfiguration",
	       "{'Configuration': {'XdplinkConfiguration': 1, 'Region': 'us-east-1',"
	       " 'LoadBalancers': [{'Name': 'web', 'Owner': '111111111111', 'Zones': [],"
	       " 'CrossZone': 'yes'}]}}");
	CHECK(strstr(refusal.message, "LoadBalancers[0].CrossZone must be true or false") != NULL);
	REFUSE("ValidationError", PROVIDER, "ApplyConfiguration",
	       "{'Configuration': {'XdplinkConfiguration': 1, 'Region': 'us-east-1',"
	       " 'LoadBalancers': [{'Name': 'web', 'Owner': '111111111111', 'Zones': [],"
	       " 'Listeners': [{'Port': 80, 'TargetGroupName': 'nope'}]}]}}");
	CHECK(strstr(refusal.message, "Listeners[0].TargetGroupName: the file has no target group "
				      "nope of 111111111111") != NULL);
	REFUSE("ValidationError", PROVIDER, "ApplyConfiguration",
	       "{'Configuration': {'XdplinkConfiguration': 1, 'Region': 'eu-west-1'}}");
	/* an empty file deletes everything, but the service has a live endpoint... no: none
	 * here; a malformed id is refused by the model's step, and all of it is undone */
	REFUSE("InvalidParameterValue", PROVIDER, "ApplyConfiguration",
	       "{'Configuration': {'XdplinkConfiguration': 1, 'Region': 'us-east-1', 'Vpcs':"
	       " [{'VpcId': 'vpc-nothex', 'Owner': '111111111111', 'Interface': 'lo',"
	       " 'CidrBlock': '10.7.0.0/16'}]}}");
	CHECK(strstr(refusal.message, "'vpc-nothex' is not a VPC id") != NULL);
	REFUSE("ValidationError", PROVIDER, "ApplyConfiguration",
	       "{'Configuration': {'XdplinkConfiguration': 1, 'Region': 'us-east-1',"
	       " 'TargetGroups': [{'Name': 'a', 'Owner': '111111111111', 'Port': 80, 'Arn': 'x'},"
	       " {'Name': 'b', 'Owner': '111111111111', 'Port': 80, 'Arn': 'x'}]}}");
	CHECK(strstr(refusal.message, "TargetGroups[1].Arn: x is in the file twice") != NULL);
	/* an ARN that is not the object's own (another account's here) is not made */
	REFUSE("InvalidParameterValue", PROVIDER, "ApplyConfiguration",
	       "{'Configuration': {'XdplinkConfiguration': 1, 'Region': 'us-east-1',"
	       " 'TargetGroups': [{'Name': 'other', 'Owner': '111111111111', 'Port': 80, 'Arn':"
	       " 'arn:aws:elasticloadbalancing:us-east-1:999999999999:targetgroup/other/"
	       "0123456789abcdef'}]}}");
	CHECK(strstr(refusal.message, "would not hold what the file says at TargetGroups[0].Arn") !=
	      NULL);
	/* only the node's account reads or applies every tenant's objects */
	REFUSE("UnauthorizedOperation", CONSUMER, "ExportConfiguration", "{}");
	remove_model();
}

/* Endpoints follow the file: an ENI moves to another address, a pending one is rejected, and
 * an empty file takes everything away. */
void endpoints_follow_the_file(void)
{
	json_object *config, *endpoints;
	char *after;

	fresh_model();
	lab_with_endpoints();
	after = export_text();
	config = json_tokener_parse(after);
	free(after);
	endpoints = json_object_object_get(config, "Endpoints");
	/* the accepted endpoint's ENI at 10.1.1.50 moves (the ids, so the order, are random) */
	for (size_t e = 0; e < json_object_array_length(endpoints); e++) {
		json_object *enis = json_object_object_get(json_object_array_get_idx(endpoints, e),
							   "SubnetConfigurations");

		for (size_t i = 0; i < json_object_array_length(enis); i++) {
			json_object *eni = json_object_array_get_idx(enis, i);

			if (!strcmp(json_object_get_string(json_object_object_get(eni, "Ipv4")),
				    "10.1.1.50"))
				json_object_object_add(eni, "Ipv4",
						       json_object_new_string("10.1.1.70"));
		}
	}
	json_object_object_add(json_object_array_get_idx(endpoints, 1), "State",
			       json_object_new_string("rejected"));
	DO(PROVIDER, "ApplyConfiguration", "{'Configuration': %s}",
	   json_object_to_json_string_ext(config, JSON_C_TO_STRING_PLAIN));
	CHECK_EQ(plan_length(json_object_to_json_string_ext(config, JSON_C_TO_STRING_PLAIN)), 0);
	CHECK_STR(endpoint_state(CONSUMER,
				 json_object_get_string(json_object_object_get(
				     json_object_array_get_idx(endpoints, 1), "VpcEndpointId"))),
		  "rejected");
	after = export_text();
	CHECK(strstr(after, "10.1.1.70") != NULL && strstr(after, "10.1.1.50") == NULL);
	free(after);
	/* a rejected endpoint cannot go back to pendingAcceptance */
	json_object_object_add(json_object_array_get_idx(endpoints, 1), "State",
			       json_object_new_string("pendingAcceptance"));
	REFUSE("InvalidParameterValue", PROVIDER, "ApplyConfiguration", "{'Configuration': %s}",
	       json_object_to_json_string_ext(config, JSON_C_TO_STRING_PLAIN));
	json_object_put(config);
	/* nothing in the file: every object goes */
	DO(PROVIDER, "ApplyConfiguration",
	   "{'Configuration': {'XdplinkConfiguration': 1, 'Region': 'us-east-1'}}");
	after = export_text();
	CHECK_STR(after,
		  "{\"XdplinkConfiguration\":1,\"Region\":\"us-east-1\",\"LoadBalancers\":[],"
		  "\"TargetGroups\":[],\"Services\":[],\"Vpcs\":[],\"Endpoints\":[]}");
	free(after);
	remove_model();
}
