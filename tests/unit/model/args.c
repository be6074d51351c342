/* SPDX-License-Identifier: MIT */
/* Arguments are read strictly: every field typed, unknown ones refused (args.c). */
#include "harness.h"

void arguments_are_read_strictly(void)
{
	fresh_model();
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer",
	       "{'Nmae': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'}]}");
	CHECK_STR(refusal.message, "unknown argument Nmae");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Adress': '10.0.1.10'}]}");
	CHECK_STR(refusal.message, "unknown argument Zones[0].Adress");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer", "{'Name': 'web'}");
	CHECK_STR(refusal.message, "missing argument Zones");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'}],"
	       " 'CrossZone': 'yes'}");
	CHECK_STR(refusal.message, "argument CrossZone must be true or false");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'web', 'Zones': {'ZoneId': 'use1-az1'}}");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'web', 'Zones': ['use1-az1=10.0.1.10']}");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 7, 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'}]}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup", "{'Name': 'tg', 'Port': '80'}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup", "{'Name': 'tg', 'Port': 80.0}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup", "{'Name': 'tg', 'Port': 0}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup", "{'Name': 'tg', 'Port': 65536}");
	CHECK_STR(refusal.message, "argument Port must be from 1 to 65535");
	REFUSE("ValidationError", PROVIDER, "DescribeLoadBalancers", "{'Names': 'web'}");
	REFUSE("ValidationError", PROVIDER, "DescribeLoadBalancers", "{'Names': [1]}");
	REFUSE("ValidationError", PROVIDER, "DescribeLoadBalancers", "[]");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'ProxyProtocolV2': 1}");
	REFUSE("ValidationError", PROVIDER, "ModifyTargetGroupAttributes",
	       "{'HealthCheckIntervalSeconds': 10}");
	CHECK_STR(refusal.message, "missing argument Name");
	REFUSE("InvalidParameterValue", "arn:aws:iam::1:root", "DescribeLoadBalancers", "{}");
	REFUSE("InvalidParameterValue", "*", "DescribeLoadBalancers", "{}");
	remove_model();
}
