/* SPDX-License-Identifier: MIT */
/* Load balancers and their listeners (lb.c). */
#include "harness.h"

void load_balancer_rules(void)
{
	json_object *lb;

	fresh_model();
	lb = GET(PROVIDER, "CreateLoadBalancer",
		 "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az2', 'Address': '10.0.2.10'},"
		 " {'ZoneId': 'use1-az1', 'Address': '10.0.1.10'}]}");
	CHECK_STR(text_at(lb, "LoadBalancer.LoadBalancerName"), "web");
	CHECK(matches(text_at(lb, "LoadBalancer.LoadBalancerArn"),
		      "^arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/web/"
		      "[0-9a-f]{16}$"));
	CHECK_STR(text_at(lb, "LoadBalancer.Type"), "network");
	CHECK_STR(text_at(lb, "LoadBalancer.Scheme"), "internal");
	CHECK_STR(text_at(lb, "LoadBalancer.State.Code"), "active");
	CHECK_STR(text_at(lb, "LoadBalancer.OwnerId"), "111111111111");
	CHECK_STR(text_at(lb, "LoadBalancer.AvailabilityZones.0.ZoneId"), "use1-az1");
	CHECK_STR(text_at(lb, "LoadBalancer.AvailabilityZones.0.ZoneName"), "us-east-1a");
	CHECK_STR(text_at(lb, "LoadBalancer.AvailabilityZones.1.LoadBalancerAddresses.0."
			      "PrivateIPv4Address"),
		  "10.0.2.10");
	CHECK(!json_object_get_boolean(at(lb, "LoadBalancer.CrossZoneEnabled")));
	CHECK(matches(text_at(lb, "LoadBalancer.CreatedTime"),
		      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"));
	json_object_put(lb);

	REFUSE("DuplicateLoadBalancerName", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.3.10'}]}");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer", "{'Name': 'api', 'Zones': []}");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.3.10'},"
	       " {'ZoneId': 'use1-az3', 'Address': '10.0.3.11'}]}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az9', 'Address': '10.0.3.10'}]}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'euw2-az1', 'Address': '10.0.3.10'}]}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'us-east-1c', 'Address': '10.0.3.10'}]}");
	CHECK_STR(refusal.message, "us-east-1c is a zone name: give its zone id, use1-az3");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.3'}]}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': 'fd00::10'}]}");
	CHECK_STR(refusal.message, "fd00::10: endpoint services support IPv4 only");
	REFUSE("DuplicateLoadBalancerAddress", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.1.10'}]}");
	REFUSE("DuplicateLoadBalancerAddress", CONSUMER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.2.10'}]}");
	REFUSE("DuplicateLoadBalancerAddress", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.3.10'},"
	       " {'ZoneId': 'use1-az4', 'Address': '10.0.3.10'}]}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api_1', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.3.10'}]}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': '-api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.3.10'}]}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'abcdefghijklmnopqrstuvwxyz0123456', 'Zones':"
	       " [{'ZoneId': 'use1-az3', 'Address': '10.0.3.10'}]}");
	/* Names are per account: another account may use the same one. */
	DO(CONSUMER, "CreateLoadBalancer",
	   "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.9.3.10'}]}");
	REFUSE("LoadBalancerNotFound", PROVIDER, "DescribeLoadBalancers", "{'Names': ['api']}");
	REFUSE("LoadBalancerNotFound", PROVIDER, "ModifyLoadBalancerAttributes",
	       "{'Name': 'api', 'CrossZone': true}");
	REFUSE("LoadBalancerNotFound", PROVIDER, "DeleteLoadBalancer", "{'Name': 'api'}");

	/* Deleting a load balancer deletes its listeners; its address is free again. */
	DO(PROVIDER, "CreateTargetGroup", "{'Name': 'web-tg', 'Port': 80}");
	DO(PROVIDER, "CreateListener",
	   "{'LoadBalancerName': 'web', 'Port': 80, 'TargetGroupName': 'web-tg'}");
	DO(PROVIDER, "DeleteLoadBalancer", "{'Name': 'web'}");
	lb = GET(PROVIDER, "DescribeListeners", "{}");
	CHECK_EQ(count_at(lb, "Listeners"), 0);
	json_object_put(lb);
	DO(PROVIDER, "DeleteTargetGroup", "{'Name': 'web-tg'}");
	DO(PROVIDER, "CreateLoadBalancer",
	   "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'}]}");
	remove_model();
}

void listener_rules(void)
{
	json_object *listener;

	fresh_model();
	DO(PROVIDER, "CreateLoadBalancer",
	   "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'}]}");
	DO(PROVIDER, "CreateLoadBalancer",
	   "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.11'}]}");
	DO(PROVIDER, "CreateTargetGroup", "{'Name': 'web-tg', 'Port': 80}");
	DO(CONSUMER, "CreateTargetGroup", "{'Name': 'theirs', 'Port': 80}");
	listener = GET(PROVIDER, "CreateListener",
		       "{'LoadBalancerName': 'web', 'Port': 443, 'TargetGroupName': 'web-tg',"
		       " 'Protocol': 'TCP'}");
	CHECK(matches(text_at(listener, "Listener.ListenerArn"),
		      "^arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/net/web/"
		      "[0-9a-f]{16}/[0-9a-f]{16}$"));
	CHECK_EQ(int_at(listener, "Listener.Port"), 443);
	CHECK_STR(text_at(listener, "Listener.Protocol"), "TCP");
	CHECK_STR(text_at(listener, "Listener.DefaultActions.0.Type"), "forward");
	json_object_put(listener);
	DO(PROVIDER, "CreateListener",
	   "{'LoadBalancerName': 'web', 'Port': 80, 'TargetGroupName': 'web-tg'}");
	listener = GET(PROVIDER, "DescribeListeners", "{'LoadBalancerName': 'web'}");
	CHECK_EQ(count_at(listener, "Listeners"), 2);
	CHECK_EQ(int_at(listener, "Listeners.0.Port"), 80);
	json_object_put(listener);
	listener = GET(PROVIDER, "DescribeTargetGroups", "{'Names': ['web-tg']}");
	CHECK_EQ(count_at(listener, "TargetGroups.0.LoadBalancerArns"), 1);
	json_object_put(listener);

	REFUSE("DuplicateListener", PROVIDER, "CreateListener",
	       "{'LoadBalancerName': 'web', 'Port': 80, 'TargetGroupName': 'web-tg'}");
	REFUSE("LoadBalancerNotFound", PROVIDER, "CreateListener",
	       "{'LoadBalancerName': 'nope', 'Port': 81, 'TargetGroupName': 'web-tg'}");
	REFUSE("TargetGroupNotFound", PROVIDER, "CreateListener",
	       "{'LoadBalancerName': 'web', 'Port': 81, 'TargetGroupName': 'theirs'}");
	REFUSE("UnsupportedProtocol", PROVIDER, "CreateListener",
	       "{'LoadBalancerName': 'web', 'Port': 81, 'TargetGroupName': 'web-tg',"
	       " 'Protocol': 'UDP'}");
	CHECK(strstr(refusal.message, "IPv4 traffic over TCP only") != NULL);
	REFUSE("UnsupportedProtocol", PROVIDER, "CreateListener",
	       "{'LoadBalancerName': 'web', 'Port': 81, 'TargetGroupName': 'web-tg',"
	       " 'Protocol': 'TLS'}");
	REFUSE("TargetGroupAssociationLimit", PROVIDER, "CreateListener",
	       "{'LoadBalancerName': 'api', 'Port': 80, 'TargetGroupName': 'web-tg'}");
	REFUSE("ListenerNotFound", PROVIDER, "DeleteListener",
	       "{'LoadBalancerName': 'web', 'Port': 81}");
	REFUSE("LoadBalancerNotFound", CONSUMER, "DeleteListener",
	       "{'LoadBalancerName': 'web', 'Port': 80}");
	REFUSE("ResourceInUse", PROVIDER, "DeleteTargetGroup", "{'Name': 'web-tg'}");
	DO(PROVIDER, "DeleteListener", "{'LoadBalancerName': 'web', 'Port': 80}");
	DO(PROVIDER, "DeleteListener", "{'LoadBalancerName': 'web', 'Port': 443}");
	DO(PROVIDER, "DeleteTargetGroup", "{'Name': 'web-tg'}");
	remove_model();
}

/* A listener added to a load balancer whose ENIs already reach its target group (no new
 * Maglev table) still reaches every ENI, and goes from every ENI when it goes: the change
 * touches the load balancer's ENIs, and only those entries. */
void listeners_reach_every_eni_of_their_load_balancer(void)
{
	char first[ID_MAX], second[ID_MAX];
	struct dataplane dp;
	size_t on_8080 = 0;

	fresh_model();
	provider_lab(false);
	create_endpoint(CONSUMER, 50, first);
	create_endpoint(CONSUMER, 51, second);
	DO(PROVIDER, "CreateListener",
	   "{'LoadBalancerName': 'web', 'Port': 8080, 'TargetGroupName': 'web-tg'}");
	project(&dp);
	for (size_t i = 0; i < dp.frontend_count; i++)
		on_8080 += dp.frontends[i].port == htons(8080) && dp.frontends[i].table != 0;
	CHECK_EQ(on_8080, 4); /* two ENIs of each endpoint */
	dataplane_free(&dp);
	DO(PROVIDER, "DeleteListener", "{'LoadBalancerName': 'web', 'Port': 8080}");
	project(&dp);
	on_8080 = 0;
	for (size_t i = 0; i < dp.frontend_count; i++)
		on_8080 += dp.frontends[i].port == htons(8080);
	CHECK_EQ(on_8080, 0);
	dataplane_free(&dp);
	remove_model();
}
