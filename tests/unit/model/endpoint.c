/* SPDX-License-Identifier: MIT */
/* Interface endpoints: subnets and zones, the state machine with acceptance, and what
 * removing a principal leaves (endpoint.c, connections.c). */
#include "harness.h"

void endpoint_subnet_rules(void)
{
	char endpoint[ID_MAX];

	fresh_model();
	provider_lab(true);
	create_endpoint(CONSUMER, 50, endpoint);
	REFUSE("DuplicateSubnetsInSameZone", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.60'},"
	       " {'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.61'}]}",
	       service);
	REFUSE("InvalidParameter", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.60'},"
	       " {'AvailabilityZoneId': 'use1-az3', 'Ipv4': '10.1.3.60'}]}",
	       service);
	{
		char expected[512];

		snprintf(
		    expected, sizeof(expected),
		    "The VPC endpoint service %s does not support the availability zone of the "
		    "subnet: use1-az3",
		    service);
		CHECK_STR(refusal.message, expected);
	}
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az', 'Ipv4': '10.1.1.60'}]}",
	       service);
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.600'}]}",
	       service);
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': 'fd00:1::50'}]}",
	       service);
	CHECK(strstr(refusal.message, "IPv4 only") != NULL);
	REFUSE("ValidationError", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv6': 'fd00:1::50'}]}",
	       service);
	REFUSE("ValidationError", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations': []}", service);
	REFUSE("InvalidVpcEndpointType", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'VpcEndpointType': 'Gateway', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.60'}]}",
	       service);
	REFUSE("DuplicateEndpointAddress", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.50'}]}",
	       service);
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.0.1.10'}]}",
	       service);
	CHECK(strstr(refusal.message, "in none of your subnets") != NULL);
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.5'}]}",
	       service);
	CHECK(strstr(refusal.message, "load balancer node itself") != NULL);
	REFUSE("DuplicateLoadBalancerAddress", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.1.1.50'}]}");
	/* A rejected endpoint keeps its addresses; a deleted one frees them. */
	DO(PROVIDER, "RejectVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, endpoint);
	REFUSE("DuplicateEndpointAddress", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.1.2.50'}]}",
	       service);
	DO(CONSUMER, "DeleteVpcEndpoints", "{'VpcEndpointIds': ['%s']}", endpoint);
	create_endpoint(CONSUMER, 50, endpoint);
	remove_model();
}

/* Whether the projection has a frontend (an ENI's own entry or a listener) at `address`. */
static bool has_frontend(const char *address)
{
	struct dataplane dp;
	bool found = false;

	project(&dp);
	for (size_t i = 0; i < dp.frontend_count && !found; i++)
		found = dp.frontends[i].eni_addr == ip(address);
	dataplane_free(&dp);
	return found;
}

/* ModifyVpcEndpoint: ENIs go, then come; the endpoint keeps its id, state and names, its
 * zonal names follow its zones, and the data path follows its addresses. */
void endpoint_subnets_change_in_place(void)
{
	char endpoint[ID_MAX], regional[DNS_NAME_MAX];
	json_object *view;

	fresh_model();
	provider_lab(false);
	create_endpoint(CONSUMER, 50, endpoint);
	view = GET(CONSUMER, "DescribeVpcEndpoints", "{'VpcEndpointIds': ['%s']}", endpoint);
	snprintf(regional, sizeof(regional), "%s",
		 text_at(view, "VpcEndpoints.0.DnsEntries.0.DnsName"));
	json_object_put(view);
	DO(CONSUMER, "ModifyVpcEndpoint",
	   "{'VpcEndpointId': '%s', 'RemoveSubnetConfigurations':"
	   " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.50'}], 'AddSubnetConfigurations':"
	   " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.51'}]}",
	   endpoint);
	view = GET(CONSUMER, "DescribeVpcEndpoints", "{'VpcEndpointIds': ['%s']}", endpoint);
	CHECK_STR(text_at(view, "VpcEndpoints.0.State"), "available");
	CHECK_STR(text_at(view, "VpcEndpoints.0.DnsEntries.0.DnsName"), regional);
	CHECK_EQ(count_at(view, "VpcEndpoints.0.DnsEntries"), 3);
	CHECK_STR(text_at(view, "VpcEndpoints.0.NetworkInterfaces.0.PrivateIpAddress"),
		  "10.1.1.51");
	json_object_put(view);
	CHECK(has_frontend("10.1.1.51"));
	CHECK(!has_frontend("10.1.1.50"));

	DO(CONSUMER, "ModifyVpcEndpoint",
	   "{'VpcEndpointId': '%s', 'RemoveSubnetConfigurations':"
	   " [{'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.1.2.50'}]}",
	   endpoint);
	view = GET(CONSUMER, "DescribeVpcEndpoints", "{'VpcEndpointIds': ['%s']}", endpoint);
	CHECK_EQ(count_at(view, "VpcEndpoints.0.NetworkInterfaces"), 1);
	CHECK_EQ(count_at(view, "VpcEndpoints.0.DnsEntries"), 2);
	json_object_put(view);
	CHECK(!has_frontend("10.1.2.50"));

	REFUSE("InvalidParameter", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'RemoveSubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.51'}]}",
	       endpoint);
	CHECK_STR(refusal.message, "an interface endpoint keeps at least one subnet");
	REFUSE("InvalidParameter", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'RemoveSubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.50'}]}",
	       endpoint);
	REFUSE("DuplicateSubnetsInSameZone", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'AddSubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.52'}]}",
	       endpoint);
	REFUSE("InvalidParameter", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'AddSubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az3', 'Ipv4': '10.1.3.50'}]}",
	       endpoint);
	REFUSE("InvalidParameterValue", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'AddSubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.0.1.10'}]}",
	       endpoint);
	/* only the owner changes it: to the provider it does not exist */
	REFUSE("InvalidVpcEndpointId.NotFound", PROVIDER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'AddSubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.1.2.50'}]}",
	       endpoint);
	DO(CONSUMER, "DeleteVpcEndpoints", "{'VpcEndpointIds': ['%s']}", endpoint);
	REFUSE("InvalidState", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'AddSubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.1.2.50'}]}",
	       endpoint);
	remove_model();
}

void endpoint_state_machine(void)
{
	char first[ID_MAX], second[ID_MAX], third[ID_MAX];
	json_object *view;
	struct dataplane dp;

	fresh_model();
	provider_lab(true);
	create_endpoint(CONSUMER, 50, first);
	create_endpoint(CONSUMER, 51, second);
	CHECK_STR(endpoint_state(CONSUMER, first), "pendingAcceptance");
	DO(PROVIDER, "AcceptVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, first);
	CHECK_STR(endpoint_state(CONSUMER, first), "available");
	/* Accepting again is harmless. */
	DO(PROVIDER, "AcceptVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, first);
	/* The provider may reject an endpoint it accepted, or one still pending. */
	DO(PROVIDER, "RejectVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s', '%s']}", service_id, first, second);
	CHECK_STR(endpoint_state(CONSUMER, first), "rejected");
	CHECK_STR(endpoint_state(CONSUMER, second), "rejected");
	UNSUCCESSFUL("InvalidState", PROVIDER, "AcceptVpcEndpointConnections",
		     "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, first);
	UNSUCCESSFUL("InvalidVpcEndpointId.NotFound", PROVIDER, "AcceptVpcEndpointConnections",
		     "{'ServiceId': '%s', 'VpcEndpointIds': ['vpce-00000000000000000']}",
		     service_id);
	UNSUCCESSFUL("InvalidVpcEndpointId.Malformed", PROVIDER, "RejectVpcEndpointConnections",
		     "{'ServiceId': '%s', 'VpcEndpointIds': ['vpce-xyz']}", service_id);
	REFUSE("ValidationError", PROVIDER, "AcceptVpcEndpointConnections",
	       "{'ServiceId': '%s', 'VpcEndpointIds': []}", service_id);
	/* A batch answers for each id: the good one moves, the bad one is listed. */
	create_endpoint(CONSUMER, 52, third);
	view =
	    GET(PROVIDER, "AcceptVpcEndpointConnections",
		"{'ServiceId': '%s', 'VpcEndpointIds': ['%s', '%s']}", service_id, second, third);
	CHECK_EQ(count_at(view, "Unsuccessful"), 1);
	CHECK_STR(text_at(view, "Unsuccessful.0.ResourceId"), second);
	json_object_put(view);
	CHECK_STR(endpoint_state(CONSUMER, third), "available");

	/* Rejected endpoints keep a slot and frontends, so their packets are counted. */
	project(&dp);
	CHECK_EQ(dp.endpoint_count, 3);
	CHECK_EQ(dp.endpoints[0].state, XL_EP_REJECTED);
	CHECK_EQ(dp.frontend_count, 12);
	dataplane_free(&dp);

	/* Deleted: listed as deleted, without ENIs, slot and frontends. */
	DO(CONSUMER, "DeleteVpcEndpoints", "{'VpcEndpointIds': ['%s']}", first);
	view = GET(CONSUMER, "DescribeVpcEndpoints", "{'VpcEndpointIds': ['%s']}", first);
	CHECK_STR(text_at(view, "VpcEndpoints.0.State"), "deleted");
	CHECK_EQ(count_at(view, "VpcEndpoints.0.NetworkInterfaces"), 0);
	CHECK_EQ(count_at(view, "VpcEndpoints.0.DnsEntries"), 0);
	json_object_put(view);
	DO(CONSUMER, "DeleteVpcEndpoints", "{'VpcEndpointIds': ['%s']}", first);
	UNSUCCESSFUL("InvalidState", PROVIDER, "AcceptVpcEndpointConnections",
		     "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, first);
	UNSUCCESSFUL("InvalidState", PROVIDER, "RejectVpcEndpointConnections",
		     "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, first);
	UNSUCCESSFUL("InvalidVpcEndpointId.Malformed", CONSUMER, "DeleteVpcEndpoints",
		     "{'VpcEndpointIds': ['vpce-1']}");
	project(&dp);
	CHECK_EQ(dp.endpoint_count, 2);
	CHECK_EQ(dp.endpoints[0].slot, 2);
	CHECK_EQ(dp.frontend_count, 8);
	dataplane_free(&dp);
	/* Its slot is free for the next endpoint. */
	create_endpoint(CONSUMER, 53, first);
	project(&dp);
	CHECK_EQ(dp.endpoints[0].slot, 1);
	CHECK_STR(dp.endpoints[0].id, first);
	dataplane_free(&dp);
	remove_model();
}

void endpoints_without_acceptance_are_available_at_once(void)
{
	char endpoint[ID_MAX];

	fresh_model();
	provider_lab(false);
	create_endpoint(CONSUMER, 50, endpoint);
	CHECK_STR(endpoint_state(CONSUMER, endpoint), "available");
	/* Changing acceptance leaves existing endpoints as they are. */
	DO(PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	   "{'ServiceId': '%s', 'AcceptanceRequired': true}", service_id);
	CHECK_STR(endpoint_state(CONSUMER, endpoint), "available");
	create_endpoint(CONSUMER, 51, endpoint);
	CHECK_STR(endpoint_state(CONSUMER, endpoint), "pendingAcceptance");
	DO(PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	   "{'ServiceId': '%s', 'AcceptanceRequired': false}", service_id);
	CHECK_STR(endpoint_state(CONSUMER, endpoint), "pendingAcceptance");
	remove_model();
}

/* AWS lists a deleted endpoint for about an hour; then it is not found. */
void deleted_endpoints_are_purged_after_their_retention(void)
{
	char first[ID_MAX], second[ID_MAX];
	json_object *purged = json_object_new_array(), *view;
	struct api_error err;
	int64_t deleted_at = time(NULL), due;

	fresh_model();
	provider_lab(false);
	create_endpoint(CONSUMER, 50, first);
	create_endpoint(CONSUMER, 51, second);
	CHECK_EQ(model_next_purge(m, 3600, &due, &err), 0); /* nothing deleted */
	DO(CONSUMER, "DeleteVpcEndpoints", "{'VpcEndpointIds': ['%s']}", first);
	CHECK_EQ(model_next_purge(m, 3600, &due, &err), 1);
	CHECK(due >= deleted_at + 3600 && due <= time(NULL) + 3600);
	/* Within the retention: still listed, as deleted. */
	CHECK_EQ(model_purge_deleted_endpoints(m, due - 1, 3600, purged, &err), 0);
	CHECK_STR(endpoint_state(CONSUMER, first), "deleted");
	CHECK_EQ(json_object_array_length(purged), 0);
	/* Past it: gone, and only it. */
	CHECK_EQ(model_purge_deleted_endpoints(m, due, 3600, purged, &err), 1);
	CHECK_EQ(json_object_array_length(purged), 1);
	CHECK_STR(json_object_get_string(json_object_array_get_idx(purged, 0)), first);
	REFUSE("InvalidVpcEndpointId.NotFound", CONSUMER, "DescribeVpcEndpoints",
	       "{'VpcEndpointIds': ['%s']}", first);
	view = GET(CONSUMER, "DescribeVpcEndpoints", "{}");
	CHECK_EQ(count_at(view, "VpcEndpoints"), 1);
	CHECK_STR(text_at(view, "VpcEndpoints.0.VpcEndpointId"), second);
	json_object_put(view);
	view = GET(PROVIDER, "DescribeVpcEndpointConnections", "{}");
	CHECK_EQ(count_at(view, "VpcEndpointConnections"), 1);
	json_object_put(view);
	CHECK_EQ(model_next_purge(m, 3600, &due, &err), 0);
	CHECK_EQ(model_purge_deleted_endpoints(m, due + 7200, 3600, purged, &err), 0);
	CHECK_STR(endpoint_state(CONSUMER, second), "available");
	json_object_put(purged);
	remove_model();
}

void removing_a_principal_keeps_accepted_endpoints(void)
{
	char endpoint[ID_MAX];
	struct dataplane dp;

	fresh_model();
	provider_lab(true);
	create_endpoint(CONSUMER, 50, endpoint);
	DO(PROVIDER, "AcceptVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, endpoint);
	DO(PROVIDER, "ModifyVpcEndpointServicePermissions",
	   "{'ServiceId': '%s', 'RemoveAllowedPrincipals': ['arn:aws:iam::222222222222:root']}",
	   service_id);
	CHECK_STR(endpoint_state(CONSUMER, endpoint), "available");
	project(&dp);
	CHECK_EQ(dp.endpoint_count, 1);
	CHECK_EQ(dp.endpoints[0].state, XL_EP_AVAILABLE);
	dataplane_free(&dp);
	REFUSE("InvalidServiceName", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.60'}]}",
	       service);
	remove_model();
}
