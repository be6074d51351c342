/* SPDX-License-Identifier: MIT */
/* EC2's security groups: CreateSecurityGroup, DeleteSecurityGroup, Authorize and
 * RevokeSecurityGroupIngress, DescribeSecurityGroups. Groups belong to a consumer VPC and
 * guard the endpoints that have them; only inbound TCP rules from IPv4 blocks or groups of
 * the same VPC are theirs to hold. */
#include <stdio.h>
#include <string.h>

#include "ec2.h"

#define NO_TAGS	     "xdplink keeps no tags on security groups"
#define BY_ID	     "xdplink's VPCs are never default VPCs: name a group by its GroupId"
#define IPV4_SOURCES "endpoint services support IPv4 only: give IPv4 blocks (CidrIp)"
#define NO_PREFIX_LISTS                                                                            \
	"xdplink has no managed prefix lists: give IPv4 blocks (CidrIp) or groups (GroupId)"
#define NO_EGRESS                                                                                  \
	"endpoints' security groups filter inbound connections only: the outbound traffic of "     \
	"consumers is not the load balancer's to filter"
#define SOURCE_BY_ID                                                                               \
	"name the source group by its id: IpPermissions.N.Groups.M.GroupId (--source-group "       \
	"sg-...)"

/* ---- Shapes ------------------------------------------------------------------------------- */

static const struct xml_field ip_range[] = {
	XML_TEXT_FIELD("CidrIp", "cidrIp"),
	XML_TEXT_FIELD("Description", "description"),
	XML_END,
};

static const struct xml_field group_pair[] = {
	XML_TEXT_FIELD("GroupId", "groupId"),
	XML_TEXT_FIELD("UserId", "userId"),
	XML_TEXT_FIELD("Description", "description"),
	XML_END,
};

static const struct xml_field ip_permission[] = {
	XML_TEXT_FIELD("IpProtocol", "ipProtocol"),
	XML_TEXT_FIELD("FromPort", "fromPort"),
	XML_TEXT_FIELD("ToPort", "toPort"),
	XML_OBJECTS_FIELD("UserIdGroupPairs", "groups", group_pair),
	XML_OBJECTS_FIELD("IpRanges", "ipRanges", ip_range),
	XML_END,
};

static const struct xml_field security_group[] = {
	XML_TEXT_FIELD("OwnerId", "ownerId"),
	XML_TEXT_FIELD("GroupId", "groupId"),
	XML_TEXT_FIELD("GroupName", "groupName"),
	XML_TEXT_FIELD("Description", "groupDescription"),
	XML_TEXT_FIELD("VpcId", "vpcId"),
	XML_OBJECTS_FIELD("IpPermissions", "ipPermissions", ip_permission),
	XML_OBJECTS_FIELD("IpPermissionsEgress", "ipPermissionsEgress", ip_permission),
	XML_END,
};

static const struct xml_field referenced_group[] = {
	XML_TEXT_FIELD("GroupId", "groupId"),
	XML_TEXT_FIELD("UserId", "userId"),
	XML_END,
};

static const struct xml_field rule[] = {
	XML_TEXT_FIELD("SecurityGroupRuleId", "securityGroupRuleId"),
	XML_TEXT_FIELD("GroupId", "groupId"),
	XML_TEXT_FIELD("GroupOwnerId", "groupOwnerId"),
	XML_TEXT_FIELD("IsEgress", "isEgress"),
	XML_TEXT_FIELD("IpProtocol", "ipProtocol"),
	XML_TEXT_FIELD("FromPort", "fromPort"),
	XML_TEXT_FIELD("ToPort", "toPort"),
	XML_TEXT_FIELD("CidrIpv4", "cidrIpv4"),
	XML_OBJECT_FIELD("ReferencedGroupInfo", "referencedGroupInfo", referenced_group),
	XML_TEXT_FIELD("Description", "description"),
	XML_END,
};

static const struct xml_field created_output[] = {
	XML_TEXT_FIELD("GroupId", "groupId"),
	XML_END,
};

static const struct xml_field deleted_output[] = {
	XML_TEXT_FIELD("Return", "return"),
	XML_TEXT_FIELD("GroupId", "groupId"),
	XML_END,
};

static const struct xml_field authorized_output[] = {
	XML_TEXT_FIELD("Return", "return"),
	XML_OBJECTS_FIELD("SecurityGroupRules", "securityGroupRuleSet", rule),
	XML_END,
};

static const struct xml_field groups_output[] = {
	XML_OBJECTS_FIELD("SecurityGroups", "securityGroupInfo", security_group),
	XML_TEXT_FIELD("NextToken", "nextToken"),
	XML_END,
};

/* ---- Reading rules ---------------------------------------------------------------------- */

/* A parameter `prefix.field` copied to object[field] as text, or as a number. */
static int copy_text(struct aws_call *c, const char *prefix, const char *field, json_object *object)
{
	char name[224];

	snprintf(name, sizeof(name), "%s.%s", prefix, field);
	return aws_param_string(c, name, AWS_OPTIONAL, object, field);
}

static int copy_port(struct aws_call *c, const char *prefix, const char *field, json_object *object)
{
	char name[160];

	snprintf(name, sizeof(name), "%s%s%s", prefix, prefix[0] ? "." : "", field);
	return aws_param_int(c, name, AWS_OPTIONAL, -1, 65535, object, field);
}

/* The items of list `prefix.list` (IpRanges, Groups), each with `fields`, as
 * object[key]. */
static int copy_items(struct aws_call *c, const char *prefix, const char *list, const char *key,
		      const char *const *fields, json_object *object)
{
	char name[128], item[160];
	size_t count;
	json_object *items;

	snprintf(name, sizeof(name), "%s.%s", prefix, list);
	count = query_list_length(c->query, name, false);
	if (!count)
		return 0;
	items = json_object_new_array();
	json_object_object_add(object, key, items);
	for (size_t i = 1; i <= count; i++) {
		json_object *one = json_object_new_object();

		json_object_array_add(items, one);
		query_list_item(name, false, i, item, sizeof(item));
		for (size_t f = 0; fields[f]; f++)
			if (copy_text(c, item, fields[f], one) < 0)
				return -1;
	}
	return 0;
}

/* IpPermissions.N as the model's IpPermissions; or, as older clients send a single rule,
 * IpProtocol, FromPort, ToPort and CidrIp. */
static int read_permissions(struct aws_call *c, json_object *args)
{
	static const char *const range_fields[] = { "CidrIp", "Description", NULL };
	static const char *const pair_fields[] = { "GroupId", "UserId", "Description", NULL };
	size_t count = query_list_length(c->query, "IpPermissions", false);
	json_object *list = json_object_new_array(), *one, *ranges, *range;
	const char *cidr;

	json_object_object_add(args, "IpPermissions", list);
	for (size_t i = 1; i <= count; i++) {
		char item[64], name[160];

		one = json_object_new_object();
		json_object_array_add(list, one);
		query_list_item("IpPermissions", false, i, item, sizeof(item));
		if (copy_text(c, item, "IpProtocol", one) < 0 ||
		    copy_port(c, item, "FromPort", one) < 0 ||
		    copy_port(c, item, "ToPort", one) < 0 ||
		    copy_items(c, item, "IpRanges", "IpRanges", range_fields, one) < 0 ||
		    copy_items(c, item, "Groups", "UserIdGroupPairs", pair_fields, one) < 0)
			return -1;
		snprintf(name, sizeof(name), "%s.Ipv6Ranges", item);
		if (aws_param_refused(c, name, IPV4_SOURCES) < 0)
			return -1;
		snprintf(name, sizeof(name), "%s.PrefixListIds", item);
		if (aws_param_refused(c, name, NO_PREFIX_LISTS) < 0)
			return -1;
	}
	if (aws_param_refused(c, "SourceSecurityGroupName", SOURCE_BY_ID) < 0 ||
	    aws_param_refused(c, "SourceSecurityGroupOwnerId", SOURCE_BY_ID) < 0)
		return -1;
	if (count || !query_has(c->query, "IpProtocol"))
		return 0;
	one = json_object_new_object();
	json_object_array_add(list, one);
	if (aws_param_string(c, "IpProtocol", AWS_REQUIRED, one, "IpProtocol") < 0 ||
	    copy_port(c, "", "FromPort", one) < 0 || copy_port(c, "", "ToPort", one) < 0)
		return -1;
	cidr = aws_param(c, "CidrIp", AWS_REQUIRED);
	if (!cidr)
		return -1;
	ranges = json_object_new_array();
	range = json_object_new_object();
	aws_put_string(range, "CidrIp", cidr);
	json_object_array_add(ranges, range);
	json_object_object_add(one, "IpRanges", ranges);
	return 0;
}

/* ---- Operations -------------------------------------------------------------------------- */

static int create_group(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (aws_param_string(c, "GroupName", AWS_REQUIRED, args, "GroupName") < 0 ||
	    aws_param_string(c, "GroupDescription", AWS_REQUIRED, args, "Description") < 0 ||
	    aws_param_string(c, "VpcId", AWS_REQUIRED, args, "VpcId") < 0 ||
	    aws_param_refused(c, "TagSpecification", NO_TAGS) < 0 || aws_params_done(c) < 0)
		return aws_drop(args);
	return aws_model_call(c, "CreateSecurityGroup", args, result);
}

static int delete_group(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (aws_param_refused(c, "GroupName", BY_ID) < 0 ||
	    aws_param_string(c, "GroupId", AWS_REQUIRED, args, "GroupId") < 0 ||
	    aws_params_done(c) < 0)
		return aws_drop(args);
	return aws_model_call(c, "DeleteSecurityGroup", args, result);
}

static int change_ingress(struct aws_call *c, const char *action, json_object **result)
{
	json_object *args = json_object_new_object();

	if (aws_param_refused(c, "GroupName", BY_ID) < 0 ||
	    aws_param_string(c, "GroupId", AWS_REQUIRED, args, "GroupId") < 0 ||
	    aws_param_refused(c, "TagSpecification", NO_TAGS) < 0 ||
	    aws_param_refused(c, "SecurityGroupRuleId", "name the rule by its permission") < 0 ||
	    read_permissions(c, args) < 0 || aws_params_done(c) < 0)
		return aws_drop(args);
	return aws_model_call(c, action, args, result);
}

static int authorize_ingress(struct aws_call *c, json_object **result)
{
	return change_ingress(c, "AuthorizeSecurityGroupIngress", result);
}

static int revoke_ingress(struct aws_call *c, json_object **result)
{
	return change_ingress(c, "RevokeSecurityGroupIngress", result);
}

static int describe_groups(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();
	struct aws_page page;

	if (aws_param_refused(c, "GroupName", BY_ID " (or filter by group-name)") < 0 ||
	    aws_param_list(c, "GroupId", AWS_OPTIONAL, args, "GroupIds") < 0 ||
	    ec2_read_listing(c, args, &page) < 0)
		return aws_drop(args);
	return ec2_describe(c, "DescribeSecurityGroups", args, &page, "SecurityGroups", NULL,
			    result);
}

static int egress_refused(struct aws_call *c, json_object **result)
{
	(void)result;
	return aws_fail(c->err, c->service->unsupported_code, "%s", NO_EGRESS);
}

const struct aws_operation ec2_sg_operations[] = {
	{ "CreateSecurityGroup", create_group, created_output, false },
	{ "DeleteSecurityGroup", delete_group, deleted_output, false },
	{ "AuthorizeSecurityGroupIngress", authorize_ingress, authorized_output, false },
	{ "RevokeSecurityGroupIngress", revoke_ingress, ec2_return_output, false },
	{ "DescribeSecurityGroups", describe_groups, groups_output, false },
	{ "AuthorizeSecurityGroupEgress", egress_refused, NULL, false },
	{ "RevokeSecurityGroupEgress", egress_refused, NULL, false },
	{ NULL, NULL, NULL, false },
};
