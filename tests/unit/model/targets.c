/* SPDX-License-Identifier: MIT */
/* Target health as AWS has it, tables failing open, flows reset and draining (targets.c,
 * projection.c). */
#include "harness.h"

void health_states_follow_aws(void)
{
	struct model_target *targets = NULL;
	struct api_error err = { 0 };
	size_t count = 0;

	fresh_model();
	DO(PROVIDER, "CreateLoadBalancer",
	   "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'},"
	   " {'ZoneId': 'use1-az2', 'Address': '10.0.2.10'}]}");
	DO(PROVIDER, "CreateTargetGroup",
	   "{'Name': 'web-tg', 'Port': 80, 'HealthCheckProtocol': 'HTTP', 'HealthCheckPath': '/up',"
	   " 'HealthCheckIntervalSeconds': 10, 'UnhealthyThresholdCount': 3}");
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'AvailabilityZone': 'use1-az1'},"
	   " {'Id': '10.0.3.21', 'AvailabilityZone': 'use1-az3'}]}");
	/* No listener forwards to the group: its targets are unused and not checked. */
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "unused Target.NotInUse");
	CHECK_EQ(set_health("web-tg", "10.0.1.21", "healthy", ""), 0);
	DO(PROVIDER, "CreateListener",
	   "{'LoadBalancerName': 'web', 'Port': 80, 'TargetGroupName': 'web-tg'}");
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "initial Elb.InitialHealthChecking");
	/* A zone the load balancer does not have: unused. */
	CHECK_STR(target_state("web-tg", "10.0.3.21"), "unused Target.NotInUse");
	CHECK_EQ(set_health("web-tg", "10.0.3.21", "healthy", ""), 0);

	CHECK_EQ(model_list_targets(m, &targets, &count, &err), 0);
	CHECK_EQ(count, 2);
	if (targets && count == 2) {
		CHECK_STR(targets[0].group, "web-tg");
		CHECK(strncmp(targets[0].group_arn, "arn:aws:elasticloadbalancing:", 29) == 0);
		CHECK_EQ(targets[0].addr, ip("10.0.1.21"));
		CHECK_EQ(targets[0].port, htons(80));
		CHECK_STR(targets[0].account, "111111111111");
		CHECK_EQ(targets[0].backend, 1);
		CHECK_EQ(targets[0].member, 1);
		CHECK_STR(targets[0].zone, "use1-az1");
		CHECK_STR(targets[0].state, "initial");
		CHECK_EQ(targets[0].source_addr, ip("10.0.1.10"));
		CHECK(targets[0].http);
		CHECK_EQ(targets[0].check_port, htons(80));
		CHECK_STR(targets[0].path, "/up");
		CHECK_STR(targets[0].matcher, "200-399");
		CHECK_EQ(targets[0].interval_s, 10);
		CHECK_EQ(targets[0].timeout_s, 6);
		CHECK_EQ(targets[0].healthy_threshold, 5);
		CHECK_EQ(targets[0].unhealthy_threshold, 3);
		CHECK_EQ(targets[1].source_addr, 0);
		CHECK_STR(targets[1].state, "unused");
	}
	free(targets);

	CHECK_EQ(set_health("web-tg", "10.0.1.21", "healthy", ""), 1);
	CHECK_EQ(set_health("web-tg", "10.0.1.21", "healthy", NULL), 0);
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "healthy -");
	CHECK_EQ(set_health("web-tg", "10.0.1.21", "unhealthy", "Target.Timeout"), 1);
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "unhealthy Target.Timeout");
	CHECK_EQ(set_health("web-tg", "10.0.1.21", "unhealthy", ""), 1);
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "unhealthy Target.FailedHealthChecks");
	CHECK_EQ(set_health("web-tg", "10.0.1.21", "sleepy", ""), -1);
	CHECK_EQ(set_health("web-tg", "10.0.1.21", "healthy", "Target.Timeout"), -1);
	CHECK_EQ(set_health("web-tg", "10.0.1.21", "unhealthy", "Bogus"), -1);
	CHECK_EQ(set_health("web-tg", "10.0.9.99", "healthy", ""), 0);

	/* Out of use and back: checked from scratch. */
	DO(PROVIDER, "DeleteListener", "{'LoadBalancerName': 'web', 'Port': 80}");
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "unused Target.NotInUse");
	DO(PROVIDER, "CreateListener",
	   "{'LoadBalancerName': 'web', 'Port': 80, 'TargetGroupName': 'web-tg'}");
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "initial Elb.InitialHealthChecking");
	remove_model();
}

void tables_fail_open_when_nothing_is_healthy(void)
{
	char endpoint[ID_MAX], members[64];

	fresh_model();
	provider_lab(false);
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.22', 'AvailabilityZone': 'use1-az1'},"
	   " {'Id': '10.0.1.23', 'AvailabilityZone': 'use1-az1'}]}");
	create_endpoint(CONSUMER, 50, endpoint);
	/* backends: 1 = .1.21, 2 = .2.21, 3 = .1.22, 4 = .1.23 */
	members_of("10.1.1.50", 80, members, sizeof(members));
	CHECK_STR(members, "1,3,4");
	set_health("web-tg", "10.0.1.22", "healthy", "");
	members_of("10.1.1.50", 80, members, sizeof(members));
	CHECK_STR(members, "3");
	set_health("web-tg", "10.0.1.22", "unhealthy", "");
	set_health("web-tg", "10.0.1.21", "unhealthy", "");
	set_health("web-tg", "10.0.1.23", "unhealthy", "");
	members_of("10.1.1.50", 80, members, sizeof(members));
	CHECK_STR(members, "1,3,4");
	/* Draining targets take no new flows, failing open or not. */
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.23'}]}");
	members_of("10.1.1.50", 80, members, sizeof(members));
	CHECK_STR(members, "1,3");
	members_of("10.1.2.50", 80, members, sizeof(members));
	CHECK_STR(members, "2");
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.2.21'}]}");
	members_of("10.1.2.50", 80, members, sizeof(members));
	CHECK_STR(members, "");
	/* Cross-zone: one table over every zone. */
	DO(PROVIDER, "ModifyLoadBalancerAttributes", "{'Name': 'web', 'CrossZone': true}");
	set_health("web-tg", "10.0.1.22", "healthy", "");
	members_of("10.1.2.50", 80, members, sizeof(members));
	CHECK_STR(members, "3");
	members_of("10.1.1.50", 0, members, sizeof(members));
	CHECK_STR(members, "(no table)");
	remove_model();
}

void unhealthy_targets_have_their_flows_reset(void)
{
	char endpoint[ID_MAX];

	fresh_model();
	provider_lab(false);
	create_endpoint(CONSUMER, 50, endpoint);
	/* Unhealthy alone in its zone: the zone fails open, flows stay. */
	set_health("web-tg", "10.0.1.21", "healthy", "");
	set_health("web-tg", "10.0.2.21", "unhealthy", "");
	CHECK_EQ(backend_flags(2), 0);
	/* Cross-zone: a healthy target elsewhere, so the unhealthy one is cut off. */
	DO(PROVIDER, "ModifyLoadBalancerAttributes", "{'Name': 'web', 'CrossZone': true}");
	CHECK_EQ(backend_flags(2), XL_BE_RESET_FLOWS);
	CHECK_EQ(backend_flags(1), 0);
	DO(PROVIDER, "ModifyTargetGroupAttributes",
	   "{'Name': 'web-tg', 'UnhealthyConnectionTermination': false}");
	CHECK_EQ(backend_flags(2), 0);
	DO(PROVIDER, "ModifyTargetGroupAttributes",
	   "{'Name': 'web-tg', 'UnhealthyConnectionTermination': true}");
	/* Registered healthy in another group: its flows there are kept. */
	DO(PROVIDER, "CreateTargetGroup", "{'Name': 'other', 'Port': 80}");
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'other', 'Targets': [{'Id': '10.0.2.21', 'AvailabilityZone': 'use1-az2'}]}");
	CHECK_EQ(backend_flags(2), 0);
	remove_model();
}

void deregistered_targets_drain_then_leave(void)
{
	char endpoint[ID_MAX];
	int64_t now = time(NULL);
	struct api_error err = { 0 };

	fresh_model();
	provider_lab(false);
	create_endpoint(CONSUMER, 50, endpoint);
	DO(PROVIDER, "ModifyTargetGroupAttributes",
	   "{'Name': 'web-tg', 'DeregistrationDelaySeconds': 60,"
	   " 'DeregistrationConnectionTermination': true}");
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.2.21'}]}");
	CHECK_STR(target_state("web-tg", "10.0.2.21"), "draining Target.DeregistrationInProgress");
	CHECK_EQ(backend_flags(2), 0);
	CHECK_EQ(set_health("web-tg", "10.0.2.21", "healthy", ""), 0);
	/* Deregistering again changes nothing: the delay runs on. */
	{
		char *before = snapshot(), *after;

		DO(PROVIDER, "DeregisterTargets",
		   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.2.21'}]}");
		after = snapshot();
		CHECK_STR(after, before);
		free(before);
		free(after);
	}
	CHECK_EQ(model_expire_draining(m, now + 30, &err), 0);
	CHECK_STR(target_state("web-tg", "10.0.2.21"), "draining Target.DeregistrationInProgress");
	CHECK_EQ(model_expire_draining(m, now + 61, &err), 1);
	CHECK_STR(target_state("web-tg", "10.0.2.21"), "(missing)");
	/* Gone from its group, past its delay, with termination on: its flows are reset. */
	CHECK_EQ(backend_flags(2), XL_BE_RESET_FLOWS);
	CHECK_EQ(model_expire_draining(m, now + 61, &err), 0);
	/* Registered again: welcome, no reset. */
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.2.21', 'AvailabilityZone': 'use1-az2'}]}");
	CHECK_EQ(backend_flags(2), 0);
	CHECK_STR(target_state("web-tg", "10.0.2.21"), "initial Elb.InitialHealthChecking");
	/* A draining target registered again is back at once. */
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21'}]}");
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'AvailabilityZone': 'use1-az1'}]}");
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "initial Elb.InitialHealthChecking");
	CHECK_EQ(model_expire_draining(m, now + 3600, &err), 0);
	/* Without termination, flows of a drained target end on their own. */
	DO(PROVIDER, "ModifyTargetGroupAttributes",
	   "{'Name': 'web-tg', 'DeregistrationConnectionTermination': false}");
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21'}]}");
	CHECK_EQ(model_expire_draining(m, now + 3600, &err), 1);
	CHECK_EQ(backend_flags(1), 0);
	remove_model();
}
