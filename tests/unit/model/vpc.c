/* SPDX-License-Identifier: MIT */
/* Consumer VPCs and subnets (vpc.c): their ranges, who owns them, and where an
 * endpoint's ENIs may go: only in the caller's own subnets, on free addresses. */
#include "harness.h"

void vpcs_and_subnets_are_the_owners(void)
{
	json_object *vpc, *subnet, *list;
	char vpc_id[ID_MAX], subnet_id[ID_MAX];

	fresh_model();
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpc",
	       "{'CidrBlock': '10.1.0.0/16', 'Interface': 'lo'}");
	CHECK(strstr(refusal.message, "not attached facing consumers") != NULL);
	DO(CONSUMER, "AttachInterface", "{'Name': 'lo', 'Role': 'provider'}");
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpc",
	       "{'CidrBlock': '10.1.0.0/16', 'Interface': 'lo'}");
	DO(CONSUMER, "AttachInterface", "{'Name': 'lo', 'Role': 'consumer'}");
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpc",
	       "{'CidrBlock': '10.1.0.1/16', 'Interface': 'lo'}"); /* host bits set */
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpc",
	       "{'CidrBlock': '10.1.0.0/ 16', 'Interface': 'lo'}");
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpc",
	       "{'CidrBlock': 'fd00::/16', 'Interface': 'lo'}");
	REFUSE("InvalidVpc.Range", CONSUMER, "CreateVpc",
	       "{'CidrBlock': '10.0.0.0/8', 'Interface': 'lo'}");
	REFUSE("InvalidVpc.Range", CONSUMER, "CreateVpc",
	       "{'CidrBlock': '10.1.0.0/29', 'Interface': 'lo'}");
	vpc = GET(CONSUMER, "CreateVpc", "{'CidrBlock': '10.1.0.0/16', 'Interface': 'lo'}");
	snprintf(vpc_id, sizeof(vpc_id), "%s", text_at(vpc, "Vpc.VpcId"));
	CHECK(matches(vpc_id, "^vpc-[0-9a-f]{17}$"));
	CHECK_STR(text_at(vpc, "Vpc.OwnerId"), "222222222222");
	CHECK_STR(text_at(vpc, "Vpc.CidrBlock"), "10.1.0.0/16");
	CHECK_STR(text_at(vpc, "Vpc.Interface"), "lo");
	json_object_put(vpc);
	/* VPCs of one interface share its network: no overlap, whoever asks. */
	REFUSE("InvalidVpc.Range", STRANGER, "CreateVpc",
	       "{'CidrBlock': '10.1.128.0/20', 'Interface': 'lo'}");
	DO(STRANGER, "CreateVpc", "{'CidrBlock': '10.2.0.0/16', 'Interface': 'lo'}");

	/* Another account's VPC is not found, to describe or to build in. */
	list = GET(STRANGER, "DescribeVpcs", "{}");
	CHECK_EQ(count_at(list, "Vpcs"), 1);
	CHECK_STR(text_at(list, "Vpcs.0.CidrBlock"), "10.2.0.0/16");
	json_object_put(list);
	REFUSE("InvalidVpcID.NotFound", STRANGER, "DescribeVpcs", "{'VpcIds': ['%s']}", vpc_id);
	REFUSE("InvalidVpcID.NotFound", STRANGER, "CreateSubnet",
	       "{'VpcId': '%s', 'CidrBlock': '10.1.1.0/24', 'AvailabilityZoneId': 'use1-az1'}",
	       vpc_id);
	REFUSE("InvalidSubnet.Range", CONSUMER, "CreateSubnet",
	       "{'VpcId': '%s', 'CidrBlock': '10.2.1.0/24', 'AvailabilityZoneId': 'use1-az1'}",
	       vpc_id);
	REFUSE("InvalidParameterValue", CONSUMER, "CreateSubnet",
	       "{'VpcId': '%s', 'CidrBlock': '10.1.1.0/24', 'AvailabilityZoneId': 'use1-az9'}",
	       vpc_id);
	subnet =
	    GET(CONSUMER, "CreateSubnet",
		"{'VpcId': '%s', 'CidrBlock': '10.1.1.0/24', 'AvailabilityZone': 'us-east-1a'}",
		vpc_id);
	snprintf(subnet_id, sizeof(subnet_id), "%s", text_at(subnet, "Subnet.SubnetId"));
	CHECK(matches(subnet_id, "^subnet-[0-9a-f]{17}$"));
	CHECK_STR(text_at(subnet, "Subnet.AvailabilityZoneId"), "use1-az1");
	CHECK_STR(text_at(subnet, "Subnet.VpcId"), vpc_id);
	CHECK_EQ(int_at(subnet, "Subnet.AvailableIpAddressCount"), 251);
	json_object_put(subnet);
	REFUSE("InvalidSubnet.Conflict", CONSUMER, "CreateSubnet",
	       "{'VpcId': '%s', 'CidrBlock': '10.1.1.128/25', 'AvailabilityZoneId': 'use1-az2'}",
	       vpc_id);
	REFUSE("InvalidSubnetID.NotFound", STRANGER, "DescribeSubnets", "{'SubnetIds': ['%s']}",
	       subnet_id);
	REFUSE("DependencyViolation", CONSUMER, "DeleteVpc", "{'VpcId': '%s'}", vpc_id);
	REFUSE("InvalidSubnetID.NotFound", STRANGER, "DeleteSubnet", "{'SubnetId': '%s'}",
	       subnet_id);
	DO(CONSUMER, "DeleteSubnet", "{'SubnetId': '%s'}", subnet_id);
	DO(CONSUMER, "DeleteVpc", "{'VpcId': '%s'}", vpc_id);
	list = GET(CONSUMER, "DescribeVpcs", "{}");
	CHECK_EQ(count_at(list, "Vpcs"), 0);
	json_object_put(list);
	remove_model();
}

/* The first subnet of `principal`'s VPCs in use1-az1, by its id. */
/* The caller's subnet in use1-az1 (DescribeSubnets lists them by id, which is random). */
static void az1_subnet(const char *principal, char out[ID_MAX])
{
	json_object *list = GET(principal, "DescribeSubnets", "{}"), *subnets, *subnet;

	out[0] = 0;
	if (json_object_object_get_ex(list, "Subnets", &subnets))
		for (size_t i = 0; i < json_object_array_length(subnets); i++) {
			subnet = json_object_array_get_idx(subnets, i);
			if (!strcmp(text_at(subnet, "AvailabilityZoneId"), "use1-az1"))
				snprintf(out, ID_MAX, "%s", text_at(subnet, "SubnetId"));
		}
	CHECK(out[0] != 0);
	json_object_put(list);
}

void enis_go_only_in_the_callers_free_addresses(void)
{
	char mine[ID_MAX], theirs[ID_MAX], endpoint[ID_MAX];
	json_object *created;

	fresh_model();
	provider_lab(false); /* VPCs 10.1.0.0/16 (222222222222), 10.2.0.0/16 (333333333333) */
	DO(PROVIDER, "ModifyVpcEndpointServicePermissions",
	   "{'ServiceId': '%s', 'AddAllowedPrincipals': ['*']}", service_id);
	az1_subnet(CONSUMER, theirs);
	az1_subnet(STRANGER, mine);

	/* Squatting: another account's subnet, or an address in its network. */
	REFUSE("InvalidSubnetID.NotFound", STRANGER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations': [{'SubnetId': '%s'}]}", service,
	       theirs);
	REFUSE("InvalidParameterValue", STRANGER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.11'}]}",
	       service);
	REFUSE("InvalidParameterValue", STRANGER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'SubnetId': '%s', 'Ipv4': '10.1.1.11'}]}",
	       service, mine);
	CHECK(strstr(refusal.message, "does not fall within") != NULL);

	/* AWS's reserved addresses: the first four of a subnet and its last. */
	for (int host = 0; host < 4; host++)
		REFUSE("InvalidParameterValue", STRANGER, "CreateVpcEndpoint",
		       "{'ServiceName': '%s', 'SubnetConfigurations':"
		       " [{'SubnetId': '%s', 'Ipv4': '10.2.1.%d'}]}",
		       service, mine, host);
	REFUSE("InvalidParameterValue", STRANGER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'SubnetId': '%s', 'Ipv4': '10.2.1.255'}]}",
	       service, mine);
	CHECK(strstr(refusal.message, "reserved") != NULL);

	/* Without an address, the first free one, as EC2 picks it. */
	created = GET(STRANGER, "CreateVpcEndpoint",
		      "{'ServiceName': '%s', 'SubnetConfigurations': [{'SubnetId': '%s'}]}",
		      service, mine);
	CHECK_STR(text_at(created, "VpcEndpoint.NetworkInterfaces.0.PrivateIpAddress"), "10.2.1.4");
	CHECK_STR(text_at(created, "VpcEndpoint.NetworkInterfaces.0.SubnetId"), mine);
	CHECK_STR(text_at(created, "VpcEndpoint.SubnetIds.0"), mine);
	CHECK(matches(text_at(created, "VpcEndpoint.VpcId"), "^vpc-[0-9a-f]{17}$"));
	json_object_put(created);
	created = GET(STRANGER, "CreateVpcEndpoint",
		      "{'ServiceName': '%s', 'SubnetConfigurations': [{'SubnetId': '%s'}]}",
		      service, mine);
	CHECK_STR(text_at(created, "VpcEndpoint.NetworkInterfaces.0.PrivateIpAddress"), "10.2.1.5");
	snprintf(endpoint, sizeof(endpoint), "%s", text_at(created, "VpcEndpoint.VpcEndpointId"));
	json_object_put(created);

	/* An endpoint's ENIs are in one VPC: the caller's, and the one it names. */
	consumer_vpc(CONSUMER, 3, 2); /* a second VPC of 222222222222: 10.3.0.0/16 */
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.60'},"
	       " {'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.3.2.60'}]}",
	       service);
	REFUSE("InvalidVpcID.NotFound", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'VpcId': 'vpc-00000000000000000', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.60'}]}",
	       service);

	/* A subnet with an ENI stays; once the endpoint is gone, it may go. */
	REFUSE("DependencyViolation", STRANGER, "DeleteSubnet", "{'SubnetId': '%s'}", mine);
	DO(STRANGER, "ModifyVpcEndpoint",
	   "{'VpcEndpointId': '%s', 'RemoveSubnetConfigurations': [{'SubnetId': '%s'}],"
	   " 'AddSubnetConfigurations': [{'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.2.2.9'}]}",
	   endpoint, mine);
	remove_model();
}
