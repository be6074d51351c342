/* SPDX-License-Identifier: MIT */
/* Security groups: AWS's rules and errors, an endpoint's groups, and the data path's view
 * of them (every change's projection in pieces adds up to the whole: harness.c). */
#include "harness.h"

static char vpc[ID_MAX];

static void consumer_vpc_id(void)
{
	json_object *vpcs = GET(CONSUMER, "DescribeVpcs", "{}");

	snprintf(vpc, sizeof(vpc), "%s", text_at(vpcs, "Vpcs.0.VpcId"));
	json_object_put(vpcs);
}

static void create_group(const char *name, char id[ID_MAX])
{
	json_object *created =
	    GET(CONSUMER, "CreateSecurityGroup",
		"{'GroupName': '%s', 'Description': 'who may call', 'VpcId': '%s'}", name, vpc);

	snprintf(id, ID_MAX, "%s", text_at(created, "GroupId"));
	CHECK(matches(id, "^sg-[0-9a-f]{17}$"));
	json_object_put(created);
}

/* The guard of endpoint slot `slot` in the whole projection, as text; "" when none. */
static const char *guard_of(uint32_t slot)
{
	static char text[400];
	struct dataplane dp;
	size_t used = 0;

	text[0] = '\0';
	project(&dp);
	for (size_t i = 0; i < dp.guard_count; i++) {
		if (dp.guards[i].slot != slot)
			continue;
		used += (size_t)snprintf(text, sizeof(text), "guarded");
		for (size_t j = 0; j < dp.guards[i].count && used < sizeof(text); j++) {
			struct in_addr addr = { .s_addr = dp.guards[i].rules[j].addr };

			used +=
			    (size_t)snprintf(text + used, sizeof(text) - used, " %s/%u:%u-%u",
					     inet_ntoa(addr), dp.guards[i].rules[j].prefix,
					     dp.guards[i].rules[j].from, dp.guards[i].rules[j].to);
		}
	}
	dataplane_free(&dp);
	return text;
}

void security_groups_follow_aws_rules(void)
{
	char web[ID_MAX], rule[4096];
	size_t used;

	fresh_model();
	provider_lab(false);
	consumer_vpc_id();
	create_group("web", web);
	REFUSE("InvalidGroup.Duplicate", CONSUMER, "CreateSecurityGroup",
	       "{'GroupName': 'web', 'Description': 'd', 'VpcId': '%s'}", vpc);
	REFUSE("InvalidGroup.Reserved", CONSUMER, "CreateSecurityGroup",
	       "{'GroupName': 'default', 'Description': 'd', 'VpcId': '%s'}", vpc);
	REFUSE("InvalidVpcID.NotFound", STRANGER, "CreateSecurityGroup",
	       "{'GroupName': 'web', 'Description': 'd', 'VpcId': '%s'}", vpc);
	REFUSE("InvalidGroup.NotFound", STRANGER, "DescribeSecurityGroups", "{'GroupIds': ['%s']}",
	       web);
	REFUSE("InvalidGroupId.Malformed", CONSUMER, "DeleteSecurityGroup", "{'GroupId': 'web'}");

	DO(CONSUMER, "AuthorizeSecurityGroupIngress",
	   "{'GroupId': '%s', 'IpPermissions': [{'IpProtocol': 'tcp', 'FromPort': 80,"
	   " 'ToPort': 80, 'IpRanges': [{'CidrIp': '10.1.1.0/24'}]}]}",
	   web);
	REFUSE("InvalidPermission.Duplicate", CONSUMER, "AuthorizeSecurityGroupIngress",
	       "{'GroupId': '%s', 'IpPermissions': [{'IpProtocol': '6', 'FromPort': 80,"
	       " 'ToPort': 80, 'IpRanges': [{'CidrIp': '10.1.1.0/24'}]}]}",
	       web);
	REFUSE("InvalidParameterValue", CONSUMER, "AuthorizeSecurityGroupIngress",
	       "{'GroupId': '%s', 'IpPermissions': [{'IpProtocol': 'udp', 'FromPort': 53,"
	       " 'ToPort': 53, 'IpRanges': [{'CidrIp': '10.1.0.0/16'}]}]}",
	       web);
	REFUSE("InvalidParameterValue", CONSUMER, "AuthorizeSecurityGroupIngress",
	       "{'GroupId': '%s', 'IpPermissions': [{'IpProtocol': 'tcp', 'FromPort': 90,"
	       " 'ToPort': 80, 'IpRanges': [{'CidrIp': '10.1.0.0/16'}]}]}",
	       web);
	REFUSE("InvalidParameterValue", CONSUMER, "AuthorizeSecurityGroupIngress",
	       "{'GroupId': '%s', 'IpPermissions': [{'IpProtocol': 'tcp', 'FromPort': 80,"
	       " 'ToPort': 80, 'IpRanges': [{'CidrIp': '10.1.1.5/16'}]}]}",
	       web);
	REFUSE("InvalidPermission.NotFound", CONSUMER, "RevokeSecurityGroupIngress",
	       "{'GroupId': '%s', 'IpPermissions': [{'IpProtocol': '-1',"
	       " 'IpRanges': [{'CidrIp': '10.1.1.0/24'}]}]}",
	       web);

	/* 60 inbound rules a group, counting each source: 59 more fit, the 61st does not. */
	used = (size_t)snprintf(rule, sizeof(rule),
				"{'GroupId': '%s', 'IpPermissions': [{'IpProtocol': 'tcp',"
				" 'FromPort': 443, 'ToPort': 443, 'IpRanges': [",
				web);
	for (int i = 0; i < 59; i++)
		used += (size_t)snprintf(rule + used, sizeof(rule) - used,
					 "%s{'CidrIp': '10.9.%d.0/24'}", i ? ", " : "", i);
	snprintf(rule + used, sizeof(rule) - used, "]}]}");
	DO(CONSUMER, "AuthorizeSecurityGroupIngress", "%s", rule);
	REFUSE("RulesPerSecurityGroupLimitExceeded", CONSUMER, "AuthorizeSecurityGroupIngress",
	       "{'GroupId': '%s', 'IpPermissions': [{'IpProtocol': '-1',"
	       " 'IpRanges': [{'CidrIp': '10.1.0.0/16'}]}]}",
	       web);
	DO(CONSUMER, "RevokeSecurityGroupIngress", "%s", rule);
	CHECK_STR(guard_of(1), "");
}

void endpoints_are_guarded_by_their_groups(void)
{
	char web[ID_MAX], peers[ID_MAX], group[ID_MAX], first[ID_MAX], second[ID_MAX];
	json_object *created;

	fresh_model();
	provider_lab(false);
	consumer_vpc_id();
	create_group("web", web);
	create_group("peers", peers);
	DO(CONSUMER, "AuthorizeSecurityGroupIngress",
	   "{'GroupId': '%s', 'IpPermissions': [{'IpProtocol': 'tcp', 'FromPort': 80,"
	   " 'ToPort': 80, 'IpRanges': [{'CidrIp': '10.1.1.0/24'}]}]}",
	   web);
	REFUSE("InvalidGroup.NotFound", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations': [{'AvailabilityZoneId': 'use1-az1',"
	       " 'Ipv4': '10.1.1.50'}], 'SecurityGroupIds': ['sg-0123456789abcdef0']}",
	       service);

	/* Without groups an endpoint lets every consumer host in: no guard. */
	create_endpoint(CONSUMER, 40, first);
	CHECK_STR(guard_of(1), "");
	created = GET(CONSUMER, "CreateVpcEndpoint",
		      "{'ServiceName': '%s', 'SubnetConfigurations': [{'AvailabilityZoneId':"
		      " 'use1-az1', 'Ipv4': '10.1.1.50'}], 'SecurityGroupIds': ['%s']}",
		      service, web);
	snprintf(second, sizeof(second), "%s", text_at(created, "VpcEndpoint.VpcEndpointId"));
	CHECK_STR(text_at(created, "VpcEndpoint.Groups.0.GroupId"), web);
	CHECK_STR(text_at(created, "VpcEndpoint.Groups.0.GroupName"), "web");
	json_object_put(created);
	CHECK_STR(guard_of(2), "guarded 10.1.1.0/24:80-80");

	/* A rule naming a group matches the ENIs of that group's endpoints; they follow the
	 * members' ENIs. Every protocol is every port. */
	DO(CONSUMER, "AuthorizeSecurityGroupIngress",
	   "{'GroupId': '%s', 'IpPermissions': [{'IpProtocol': '-1',"
	   " 'UserIdGroupPairs': [{'GroupId': '%s'}]}]}",
	   web, peers);
	CHECK_STR(guard_of(2), "guarded 10.1.1.0/24:80-80");
	DO(CONSUMER, "ModifyVpcEndpoint", "{'VpcEndpointId': '%s', 'AddSecurityGroupIds': ['%s']}",
	   first, peers);
	CHECK_STR(guard_of(1), "guarded");
	CHECK_STR(guard_of(2),
		  "guarded 10.1.1.0/24:80-80 10.1.1.40/32:0-65535 10.1.2.40/32:0-65535");
	DO(CONSUMER, "ModifyVpcEndpoint",
	   "{'VpcEndpointId': '%s', 'RemoveSubnetConfigurations': [{'AvailabilityZoneId':"
	   " 'use1-az2', 'Ipv4': '10.1.2.40'}]}",
	   first);
	CHECK_STR(guard_of(2), "guarded 10.1.1.0/24:80-80 10.1.1.40/32:0-65535");

	/* Dependencies, limits, and the last group. */
	REFUSE("DependencyViolation", CONSUMER, "DeleteSecurityGroup", "{'GroupId': '%s'}", peers);
	REFUSE("InvalidParameter", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'RemoveSecurityGroupIds': ['%s']}", second, web);
	REFUSE("InvalidGroup.NotFound", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'RemoveSecurityGroupIds': ['%s']}", second, peers);
	for (int i = 0; i < 5; i++) {
		char name[16];

		snprintf(name, sizeof(name), "more-%d", i);
		create_group(name, group);
		if (i < 4)
			DO(CONSUMER, "ModifyVpcEndpoint",
			   "{'VpcEndpointId': '%s', 'AddSecurityGroupIds': ['%s']}", second, group);
	}
	REFUSE("SecurityGroupsPerInterfaceLimitExceeded", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'AddSecurityGroupIds': ['%s']}", second, group);

	/* A deleted endpoint lets its groups go. */
	DO(CONSUMER, "DeleteVpcEndpoints", "{'VpcEndpointIds': ['%s']}", first);
	CHECK_STR(guard_of(2), "guarded 10.1.1.0/24:80-80");
	REFUSE("DependencyViolation", CONSUMER, "DeleteSecurityGroup", "{'GroupId': '%s'}", peers);
	DO(CONSUMER, "RevokeSecurityGroupIngress",
	   "{'GroupId': '%s', 'IpPermissions': [{'IpProtocol': '-1',"
	   " 'UserIdGroupPairs': [{'GroupId': '%s'}]}]}",
	   web, peers);
	DO(CONSUMER, "DeleteSecurityGroup", "{'GroupId': '%s'}", peers);
	REFUSE("DependencyViolation", CONSUMER, "DeleteVpc", "{'VpcId': '%s'}", vpc);
}
