/* SPDX-License-Identifier: MIT */
/* EC2's DescribeVpcs and DescribeSubnets: the caller's consumer VPCs and their subnets,
 * where its endpoints' ENIs go. They are the host's networks, made by its operator
 * (xdplink vpc create, xdplink subnet create); the API does not make or delete them. */
#include "ec2.h"

#define NOT_HERE                                                                                   \
	"VPCs and subnets are the host's networks: its operator makes them with xdplink vpc "      \
	"create and xdplink subnet create"

static const struct xml_field tag_item[] = {
	XML_TEXT_FIELD("Key", "key"),
	XML_TEXT_FIELD("Value", "value"),
	XML_END,
};

static const struct xml_field vpc[] = {
	XML_TEXT_FIELD("VpcId", "vpcId"),
	XML_TEXT_FIELD("OwnerId", "ownerId"),
	XML_TEXT_FIELD("State", "state"),
	XML_TEXT_FIELD("CidrBlock", "cidrBlock"),
	XML_TEXT_FIELD("InstanceTenancy", "instanceTenancy"),
	XML_TEXT_FIELD("IsDefault", "isDefault"),
	XML_OBJECTS_FIELD("Tags", "tagSet", tag_item),
	XML_END,
};

static const struct xml_field subnet[] = {
	XML_TEXT_FIELD("SubnetId", "subnetId"),
	XML_TEXT_FIELD("VpcId", "vpcId"),
	XML_TEXT_FIELD("OwnerId", "ownerId"),
	XML_TEXT_FIELD("State", "state"),
	XML_TEXT_FIELD("CidrBlock", "cidrBlock"),
	XML_TEXT_FIELD("AvailabilityZone", "availabilityZone"),
	XML_TEXT_FIELD("AvailabilityZoneId", "availabilityZoneId"),
	XML_TEXT_FIELD("AvailableIpAddressCount", "availableIpAddressCount"),
	XML_TEXT_FIELD("DefaultForAz", "defaultForAz"),
	XML_OBJECTS_FIELD("Tags", "tagSet", tag_item),
	XML_END,
};

static const struct xml_field vpcs_output[] = {
	XML_OBJECTS_FIELD("Vpcs", "vpcSet", vpc),
	XML_TEXT_FIELD("NextToken", "nextToken"),
	XML_END,
};

static const struct xml_field subnets_output[] = {
	XML_OBJECTS_FIELD("Subnets", "subnetSet", subnet),
	XML_TEXT_FIELD("NextToken", "nextToken"),
	XML_END,
};

static void complete_vpc(json_object *item)
{
	aws_put_string(item, "InstanceTenancy", "default");
}

static void complete_subnet(json_object *item)
{
	json_object_object_add(item, "DefaultForAz", json_object_new_boolean(false));
}

static int describe_network(struct aws_call *c, const char *action, const char *id_param,
			    const char *ids_key, const char *list_key,
			    void (*complete)(json_object *item), json_object **result)
{
	json_object *args = json_object_new_object();
	struct aws_page page;

	if (aws_param_list(c, id_param, AWS_OPTIONAL, args, ids_key) < 0 ||
	    ec2_read_listing(c, args, &page) < 0) {
		json_object_put(args);
		return -1;
	}
	return ec2_describe(c, action, args, &page, list_key, complete, result);
}

static int describe_vpcs(struct aws_call *c, json_object **result)
{
	return describe_network(c, "DescribeVpcs", "VpcId", "VpcIds", "Vpcs", complete_vpc, result);
}

static int describe_subnets(struct aws_call *c, json_object **result)
{
	return describe_network(c, "DescribeSubnets", "SubnetId", "SubnetIds", "Subnets",
				complete_subnet, result);
}

static int made_by_the_operator(struct aws_call *c, json_object **result)
{
	(void)result;
	return aws_fail(c->err, "UnsupportedOperation", "%s", NOT_HERE);
}

const struct aws_operation ec2_vpc_operations[] = {
	{ "DescribeVpcs", describe_vpcs, vpcs_output, false },
	{ "DescribeSubnets", describe_subnets, subnets_output, false },
	{ "CreateVpc", made_by_the_operator, NULL, false },
	{ "DeleteVpc", made_by_the_operator, NULL, false },
	{ "CreateSubnet", made_by_the_operator, NULL, false },
	{ "DeleteSubnet", made_by_the_operator, NULL, false },
	{ NULL, NULL, NULL, false },
};
