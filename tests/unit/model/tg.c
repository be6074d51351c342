/* SPDX-License-Identifier: MIT */
/* Target groups, their settings, and registering targets (tg.c). */
#include "harness.h"

void target_group_settings(void)
{
	json_object *tg;

	fresh_model();
	tg = GET(PROVIDER, "CreateTargetGroup", "{'Name': 'web-tg', 'Port': 80}");
	CHECK(matches(text_at(tg, "TargetGroup.TargetGroupArn"),
		      "^arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/web-tg/"
		      "[0-9a-f]{16}$"));
	CHECK_STR(text_at(tg, "TargetGroup.Protocol"), "TCP");
	CHECK_STR(text_at(tg, "TargetGroup.HealthCheckProtocol"), "TCP");
	CHECK_STR(text_at(tg, "TargetGroup.HealthCheckPort"), "traffic-port");
	CHECK_EQ(int_at(tg, "TargetGroup.HealthCheckIntervalSeconds"), 30);
	CHECK_EQ(int_at(tg, "TargetGroup.HealthCheckTimeoutSeconds"), 10);
	CHECK_EQ(int_at(tg, "TargetGroup.HealthyThresholdCount"), 5);
	CHECK_EQ(int_at(tg, "TargetGroup.UnhealthyThresholdCount"), 2);
	CHECK_EQ(int_at(tg, "TargetGroup.DeregistrationDelaySeconds"), 300);
	CHECK(!json_object_get_boolean(at(tg, "TargetGroup.DeregistrationConnectionTermination")));
	CHECK(json_object_get_boolean(at(tg, "TargetGroup.UnhealthyConnectionTermination")));
	CHECK(!json_object_get_boolean(at(tg, "TargetGroup.ProxyProtocolV2")));
	CHECK(at(tg, "TargetGroup.HealthCheckPath") == NULL);
	CHECK_EQ(count_at(tg, "TargetGroup.LoadBalancerArns"), 0);
	json_object_put(tg);

	/* HTTP has its own default timeout; path and matcher apply. */
	tg = GET(PROVIDER, "ModifyTargetGroupAttributes",
		 "{'Name': 'web-tg', 'HealthCheckProtocol': 'HTTP', 'HealthCheckPath': '/health',"
		 " 'Matcher': '200,202-204', 'HealthCheckPort': 8080}");
	CHECK_EQ(int_at(tg, "TargetGroup.HealthCheckTimeoutSeconds"), 6);
	CHECK_STR(text_at(tg, "TargetGroup.HealthCheckPath"), "/health");
	CHECK_STR(text_at(tg, "TargetGroup.Matcher"), "200,202-204");
	CHECK_STR(text_at(tg, "TargetGroup.HealthCheckPort"), "8080");
	CHECK_EQ(int_at(tg, "TargetGroup.Port"), 80);
	json_object_put(tg);
	tg = GET(PROVIDER, "ModifyTargetGroupAttributes",
		 "{'Name': 'web-tg', 'HealthCheckPort': 'traffic-port',"
		 " 'DeregistrationDelaySeconds': 0, 'ProxyProtocolV2': true}");
	CHECK_STR(text_at(tg, "TargetGroup.HealthCheckPort"), "traffic-port");
	CHECK_STR(text_at(tg, "TargetGroup.HealthCheckPath"), "/health");
	CHECK_EQ(int_at(tg, "TargetGroup.DeregistrationDelaySeconds"), 0);
	json_object_put(tg);

	REFUSE("DuplicateTargetGroupName", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'web-tg', 'Port': 81}");
	REFUSE("UnsupportedProtocol", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'udp', 'Port': 53, 'Protocol': 'UDP'}");
	REFUSE("UnsupportedProtocol", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tls', 'Port': 443, 'Protocol': 'TLS'}");
	REFUSE("UnsupportedProtocol", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'both', 'Port': 53, 'Protocol': 'TCP_UDP'}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckProtocol': 'HTTPS'}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckIntervalSeconds': 4}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckIntervalSeconds': 10}");
	CHECK(strstr(refusal.message, "below") != NULL);
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckTimeoutSeconds': 121}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthyThresholdCount': 11}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'UnhealthyThresholdCount': 1}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'DeregistrationDelaySeconds': 3601}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckPath': '/'}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckProtocol': 'HTTP', 'HealthCheckPath': 'x'}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckProtocol': 'HTTP', 'Matcher': '600'}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckProtocol': 'HTTP', 'Matcher': '299-200'}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckPort': 'other'}");
	REFUSE(
	    "ValidationError", PROVIDER, "ModifyTargetGroupAttributes",
	    "{'Name': 'web-tg', 'HealthCheckProtocol': 'TCP', 'HealthCheckIntervalSeconds': 10}");
	REFUSE("TargetGroupNotFound", CONSUMER, "ModifyTargetGroupAttributes",
	       "{'Name': 'web-tg', 'ProxyProtocolV2': false}");
	REFUSE("TargetGroupNotFound", CONSUMER, "DeleteTargetGroup", "{'Name': 'web-tg'}");
	REFUSE("TargetGroupNotFound", PROVIDER, "DescribeTargetGroups", "{'Names': ['nope']}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'web.tg', 'Port': 80}");
	remove_model();
}

void target_registration_rules(void)
{
	json_object *health;

	fresh_model();
	DO(PROVIDER, "CreateTargetGroup", "{'Name': 'web-tg', 'Port': 80}");
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'AvailabilityZone': 'use1-az1'},"
	   " {'Id': '10.0.1.21', 'Port': 8080, 'AvailabilityZone': 'use1-az1'}]}");
	health = GET(PROVIDER, "DescribeTargetHealth", "{'Name': 'web-tg'}");
	CHECK_EQ(count_at(health, "TargetHealthDescriptions"), 2);
	CHECK_EQ(int_at(health, "TargetHealthDescriptions.1.Target.Port"), 8080);
	CHECK_STR(text_at(health, "TargetHealthDescriptions.0.Target.AvailabilityZone"),
		  "use1-az1");
	json_object_put(health);

	/* Registered already: nothing changes. */
	{
		char *before = snapshot(), *after;

		DO(PROVIDER, "RegisterTargets",
		   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'AvailabilityZone': "
		   "'use1-az1'}]}");
		after = snapshot();
		CHECK_STR(after, before);
		free(before);
		free(after);
	}
	REFUSE(
	    "TargetGroupNotFound", PROVIDER, "RegisterTargets",
	    "{'Name': 'nope', 'Targets': [{'Id': '10.0.1.22', 'AvailabilityZone': 'use1-az1'}]}");
	REFUSE(
	    "TargetGroupNotFound", CONSUMER, "RegisterTargets",
	    "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.22', 'AvailabilityZone': 'use1-az1'}]}");
	REFUSE("InvalidTarget", PROVIDER, "RegisterTargets",
	       "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.22', 'AvailabilityZone': 'use1-az1'},"
	       " {'Id': 'i-0123', 'AvailabilityZone': 'use1-az1'}]}");
	REFUSE(
	    "InvalidTarget", PROVIDER, "RegisterTargets",
	    "{'Name': 'web-tg', 'Targets': [{'Id': 'fd00::21', 'AvailabilityZone': 'use1-az1'}]}");
	REFUSE(
	    "InvalidTarget", PROVIDER, "RegisterTargets",
	    "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.22', 'AvailabilityZone': 'use1-az7'}]}");
	REFUSE(
	    "InvalidTarget", PROVIDER, "RegisterTargets",
	    "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'AvailabilityZone': 'use1-az2'}]}");
	/* A node IP is the load balancer's own: as a target, it would loop. */
	DO(PROVIDER, "CreateLoadBalancer",
	   "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'}]}");
	REFUSE(
	    "InvalidTarget", PROVIDER, "RegisterTargets",
	    "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.10', 'AvailabilityZone': 'use1-az1'}]}");
	CHECK_STR(refusal.message,
		  "10.0.1.10 is the node IP of a load balancer: a target is a host behind one");
	REFUSE("DuplicateLoadBalancerAddress", CONSUMER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.21'}]}");
	CHECK_STR(refusal.message,
		  "address 10.0.1.21 is a registered target: a node IP cannot be one");
	REFUSE("ValidationError", PROVIDER, "RegisterTargets",
	       "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.22'}]}");
	REFUSE("ValidationError", PROVIDER, "RegisterTargets", "{'Name': 'web-tg', 'Targets': []}");
	REFUSE("InvalidTarget", PROVIDER, "DeregisterTargets",
	       "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21'}, {'Id': '10.0.1.99'}]}");
	REFUSE("InvalidTarget", PROVIDER, "DeregisterTargets",
	       "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'Port': 81}]}");
	REFUSE(
	    "ValidationError", PROVIDER, "DeregisterTargets",
	    "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'AvailabilityZone': 'use1-az1'}]}");
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21'}]}");
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "draining Target.DeregistrationInProgress");
	remove_model();
}
