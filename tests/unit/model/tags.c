/* SPDX-License-Identifier: MIT */
/* Tags (tags.c) and connection notifications (notifications.c): AWS's limits and refusals,
 * tags only of the caller's resources and gone with them, and an endpoint's events taken
 * once the change that made them is committed, never for a change undone. */
#include "harness.h"

static char *tag_list(const char *principal, const char *resource)
{
	json_object *result = GET(principal, "DescribeTags", "{'Resources': ['%s']}", resource);
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	for (size_t i = 0; i < count_at(result, "Tags"); i++) {
		json_object *tag = json_object_array_get_idx(at(result, "Tags"), i);

		fprintf(out, "%s%s=%s", i ? " " : "", text_at(tag, "Key"), text_at(tag, "Value"));
	}
	fclose(out);
	json_object_put(result);
	return text;
}

#define CHECK_TAGS(principal, resource, expected)                                                  \
	do {                                                                                       \
		char *tags_ = tag_list(principal, resource);                                       \
		CHECK_STR(tags_, expected);                                                        \
		free(tags_);                                                                       \
	} while (0)

void tags_follow_aws_limits_and_their_resource(void)
{
	json_object *lb, *created;
	char lb_arn[ARN_MAX], many[4096];
	size_t used = 0;

	fresh_model();
	provider_lab(true);
	created = GET(PROVIDER, "CreateLoadBalancer",
		      "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.11'}],"
		      " 'Tags': [{'Key': 'env', 'Value': 'prod'}]}");
	snprintf(lb_arn, sizeof(lb_arn), "%s", text_at(created, "LoadBalancer.LoadBalancerArn"));
	CHECK_STR(text_at(created, "LoadBalancer.Tags.0.Key"), "env");
	json_object_put(created);

	DO(PROVIDER, "CreateTags",
	   "{'Resources': ['%s', '%s'], 'Tags': [{'Key': 'team', 'Value': 'web'}, {'Key': 'x'}]}",
	   service_id, lb_arn);
	CHECK_TAGS(PROVIDER, service_id, "team=web x=");
	CHECK_TAGS(PROVIDER, lb_arn, "env=prod team=web x=");
	DO(PROVIDER, "CreateTags",
	   "{'Resources': ['%s'], 'Tags': [{'Key': 'team', 'Value': 'api'}]}", service_id);
	CHECK_TAGS(PROVIDER, service_id, "team=api x=");

	/* AWS's limits, each refusal in its API's words, and nothing changed. */
	REFUSE("InvalidParameterValue", PROVIDER, "CreateTags",
	       "{'Resources': ['%s'], 'Tags': [{'Key': 'AWS:name', 'Value': 'v'}]}", service_id);
	REFUSE("ValidationError", PROVIDER, "CreateTags",
	       "{'Resources': ['%s'], 'Tags': [{'Key': 'aws:name', 'Value': 'v'}]}", lb_arn);
	REFUSE("InvalidTagKey.Malformed", PROVIDER, "CreateTags",
	       "{'Resources': ['%s'], 'Tags': [{'Key': '', 'Value': 'v'}]}", service_id);
	/* 128 characters of two bytes each is a key; 129 is not. */
	used = 0;
	for (int i = 0; i < 128; i++)
		used += (size_t)snprintf(many + used, sizeof(many) - used, "\u00e9");
	DO(PROVIDER, "CreateTags", "{'Resources': ['%s'], 'Tags': [{'Key': '%s'}]}", service_id,
	   many);
	REFUSE("InvalidTagKey.Malformed", PROVIDER, "CreateTags",
	       "{'Resources': ['%s'], 'Tags': [{'Key': '%se'}]}", service_id, many);
	DO(PROVIDER, "DeleteTags", "{'Resources': ['%s'], 'Tags': [{'Key': '%s'}]}", service_id,
	   many);
	REFUSE("InvalidParameterValue", PROVIDER, "CreateTags",
	       "{'Resources': ['%s'], 'Tags': [{'Key': 'k', 'Value': '%0257d'}]}", service_id, 0);
	REFUSE("InvalidParameterValue", PROVIDER, "CreateTags",
	       "{'Resources': ['%s'], 'Tags': [{'Key': 'k', 'Value': 'a\\u0001b'}]}", service_id);
	REFUSE("DuplicateTagKeys", PROVIDER, "CreateTags",
	       "{'Resources': ['%s'], 'Tags': [{'Key': 'k'}, {'Key': 'k'}]}", lb_arn);
	REFUSE("InvalidID", PROVIDER, "CreateTags",
	       "{'Resources': ['i-0123456789abcdef0'], 'Tags': [{'Key': 'k'}]}");
	/* 48 more make 50 on the service; one more is one too many, and on the load balancer
	 * (3 tags) the whole request is refused, the service's part with it. */
	used = 0;
	for (int i = 0; i < 48; i++)
		used += (size_t)snprintf(many + used, sizeof(many) - used, "%s{'Key': 'k%d'}",
					 i ? ", " : "", i);
	DO(PROVIDER, "CreateTags", "{'Resources': ['%s'], 'Tags': [%s]}", service_id, many);
	REFUSE("TagLimitExceeded", PROVIDER, "CreateTags",
	       "{'Resources': ['%s'], 'Tags': [{'Key': 'one-more'}]}", service_id);
	REFUSE("TooManyTags", PROVIDER, "CreateTags", "{'Resources': ['%s', '%s'], 'Tags': [%s]}",
	       lb_arn, service_id, many);
	DO(PROVIDER, "DeleteTags", "{'Resources': ['%s']}", service_id);
	CHECK_TAGS(PROVIDER, service_id, "");

	/* Another account's resource is as missing, to tag or to read. */
	REFUSE("InvalidVpcEndpointServiceId.NotFound", CONSUMER, "CreateTags",
	       "{'Resources': ['%s'], 'Tags': [{'Key': 'k'}]}", service_id);
	REFUSE("LoadBalancerNotFound", CONSUMER, "DescribeTags", "{'Resources': ['%s']}", lb_arn);
	lb = GET(CONSUMER, "DescribeTags", "{}");
	CHECK_EQ(count_at(lb, "Tags"), 0);
	json_object_put(lb);

	/* EC2 deletes a tag given with a value only when it has that value. */
	DO(PROVIDER, "DeleteTags",
	   "{'Resources': ['%s'], 'Tags': [{'Key': 'env', 'Value': 'test'}, {'Key': 'x'}]}",
	   lb_arn);
	CHECK_TAGS(PROVIDER, lb_arn, "env=prod team=web");

	/* Tags go with their resource: a load balancer made again has none. */
	DO(PROVIDER, "DeleteLoadBalancer", "{'Name': 'api'}");
	created = GET(PROVIDER, "CreateLoadBalancer",
		      "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.11'}]}");
	CHECK_EQ(count_at(created, "LoadBalancer.Tags"), 0);
	json_object_put(created);
	lb = GET(PROVIDER, "DescribeTags", "{}");
	CHECK_EQ(count_at(lb, "Tags"), 0);
	json_object_put(lb);
}

static bool hooks_only(const char *target)
{
	return strncmp(target, "http://hooks.test/", 18) == 0;
}

/* "EVENT ENDPOINT-STATE TARGET" of each event taken, one a line. */
static char *taken(void)
{
	struct model_notification *events = NULL;
	char *text = NULL;
	size_t count = 0, size = 0;
	FILE *out = open_memstream(&text, &size);

	CHECK_EQ(model_take_notifications(m, &events, &count, &last_error), 0);
	for (size_t i = 0; i < count; i++)
		fprintf(out, "%s %s %s\n", events[i].event, events[i].endpoint_state,
			events[i].target);
	fclose(out);
	free(events);
	return text;
}

#define CHECK_TAKEN(expected)                                                                      \
	do {                                                                                       \
		char *taken_ = taken();                                                            \
		CHECK_STR(taken_, expected);                                                       \
		free(taken_);                                                                      \
	} while (0)

void notifications_are_sent_once_committed(void)
{
	char endpoint[ID_MAX], notification[ID_MAX];
	json_object *created;

	options.notification_target_allowed = hooks_only;
	fresh_model();
	provider_lab(true);
	REFUSE("InvalidParameterValue", PROVIDER, "CreateVpcEndpointConnectionNotification",
	       "{'ServiceId': '%s', 'ConnectionNotificationArn': 'http://169.254.169.254/x',"
	       " 'ConnectionEvents': ['Connect']}",
	       service_id);
	REFUSE("InvalidParameterValue", PROVIDER, "CreateVpcEndpointConnectionNotification",
	       "{'ServiceId': '%s', 'ConnectionNotificationArn': 'arn:aws:sns:us-east-1:1:t',"
	       " 'ConnectionEvents': ['Connect']}",
	       service_id);
	REFUSE("InvalidParameterValue", PROVIDER, "CreateVpcEndpointConnectionNotification",
	       "{'ServiceId': '%s', 'ConnectionNotificationArn': 'http://hooks.test/a',"
	       " 'ConnectionEvents': ['Modify']}",
	       service_id);
	REFUSE(
	    "InvalidParameter", PROVIDER, "CreateVpcEndpointConnectionNotification",
	    "{'ConnectionNotificationArn': 'http://hooks.test/a', 'ConnectionEvents': ['Accept']}");
	REFUSE("InvalidVpcEndpointServiceId.NotFound", CONSUMER,
	       "CreateVpcEndpointConnectionNotification",
	       "{'ServiceId': '%s', 'ConnectionNotificationArn': 'http://hooks.test/a',"
	       " 'ConnectionEvents': ['Accept']}",
	       service_id);
	created = GET(PROVIDER, "CreateVpcEndpointConnectionNotification",
		      "{'ServiceId': '%s', 'ConnectionNotificationArn': 'http://hooks.test/p',"
		      " 'ConnectionEvents': ['Reject', 'Connect', 'Accept', 'Connect']}",
		      service_id);
	snprintf(notification, sizeof(notification), "%s",
		 text_at(created, "ConnectionNotification.ConnectionNotificationId"));
	CHECK(matches(notification, "^vpce-nfn-[0-9a-f]{17}$"));
	CHECK_STR(text_at(created, "ConnectionNotification.ConnectionEvents.0"), "Accept");
	CHECK_EQ(count_at(created, "ConnectionNotification.ConnectionEvents"), 3);
	json_object_put(created);
	CHECK_TAKEN("");

	create_endpoint(CONSUMER, 50, endpoint);
	CHECK_TAKEN("Connect pendingAcceptance http://hooks.test/p\n");
	/* A refused change sends nothing: the Connect of an endpoint refused after its row was
	 * written (its second ENI's address is taken) went with it. */
	REFUSE("DuplicateEndpointAddress", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'VpcEndpointType': 'Interface', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.51'},"
	       " {'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.1.2.50'}]}",
	       service);
	CHECK_TAKEN("");
	DO(CONSUMER, "CreateVpcEndpointConnectionNotification",
	   "{'VpcEndpointId': '%s', 'ConnectionNotificationArn': 'http://hooks.test/c',"
	   " 'ConnectionEvents': ['Delete', 'Accept']}",
	   endpoint);
	DO(PROVIDER, "AcceptVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, endpoint);
	CHECK_TAKEN("Accept available http://hooks.test/p\nAccept available http://hooks.test/c\n");
	/* Accepting again changes nothing, and says nothing. */
	DO(PROVIDER, "AcceptVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, endpoint);
	CHECK_TAKEN("");
	DO(PROVIDER, "ModifyVpcEndpointConnectionNotification",
	   "{'ConnectionNotificationId': '%s', 'ConnectionEvents': ['Delete']}", notification);
	DO(CONSUMER, "DeleteVpcEndpoints", "{'VpcEndpointIds': ['%s']}", endpoint);
	CHECK_TAKEN("Delete deleted http://hooks.test/p\nDelete deleted http://hooks.test/c\n");

	REFUSE("InvalidConnectionNotification", CONSUMER, "ModifyVpcEndpointConnectionNotification",
	       "{'ConnectionNotificationId': '%s', 'ConnectionEvents': ['Accept']}", notification);
	UNSUCCESSFUL("InvalidConnectionNotification", CONSUMER,
		     "DeleteVpcEndpointConnectionNotifications",
		     "{'ConnectionNotificationIds': ['%s']}", notification);
	DO(PROVIDER, "DeleteVpcEndpointConnectionNotifications",
	   "{'ConnectionNotificationIds': ['%s']}", notification);
	options.notification_target_allowed = NULL;
}
