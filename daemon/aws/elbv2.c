/* SPDX-License-Identifier: MIT */
/* ELBv2's Query API (Version 2015-12-01) for network load balancers, target groups,
 * targets and listeners: ARNs become the socket API's names (resources.h), attributes
 * its fields, and the model's answer ELBv2's XML (PascalCase elements, lists of <member>s,
 * inside <ActionResult>). The operations are in elbv2_lb.c and elbv2_tg.c. */
#include "elbv2.h"
#include "tagging.h"

#include <stdio.h>
#include <string.h>

#include "network.h"

static const struct xml_field attribute[] = {
	XML_TEXT_FIELD("Key", "Key"),
	XML_TEXT_FIELD("Value", "Value"),
	XML_END,
};

const struct xml_field elbv2_no_output[] = {
	XML_END,
};

const struct xml_field elbv2_attributes_output[] = {
	XML_OBJECTS_FIELD("Attributes", "Attributes", attribute),
	XML_END,
};

void elbv2_add_vpc(json_object *object)
{
	char vpc[AWS_VPC_ID_MAX];

	aws_vpc_of(aws_json_string(object, "OwnerId"), vpc);
	aws_put_string(object, "VpcId", vpc);
	aws_put_string(object, "IpAddressType", "ipv4");
}

/* ---- Attributes ------------------------------------------------------------------------------- */

static const struct elbv2_attribute *find_attribute(const struct elbv2_attribute *table,
						    size_t count, const char *key)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(table[i].key, key) == 0)
			return &table[i];
	}
	return NULL;
}

int elbv2_read_attributes(struct aws_call *c, const struct elbv2_attribute *table, size_t count,
			  json_object *args)
{
	size_t given = query_list_length(c->query, "Attributes", true);

	if (given == 0)
		return aws_fail(c->err, "MissingParameter",
				"The request must contain the parameter Attributes");
	for (size_t i = 1; i <= given; i++) {
		char prefix[64], name[96];
		const char *key, *value;
		const struct elbv2_attribute *a;

		query_list_item("Attributes", true, i, prefix, sizeof(prefix));
		snprintf(name, sizeof(name), "%s.Key", prefix);
		key = aws_param(c, name, AWS_REQUIRED);
		snprintf(name, sizeof(name), "%s.Value", prefix);
		value = key ? aws_param(c, name, AWS_REQUIRED) : NULL;
		if (!value)
			return -1;
		a = find_attribute(table, count, key);
		if (!a)
			return aws_fail(c->err, "InvalidConfigurationRequest",
					"xdplink does not have the attribute '%s'", key);
		if (a->boolean) {
			bool on;

			if (aws_bool_value(c, key, value, &on) < 0)
				return -1;
			json_object_object_add(args, a->arg, json_object_new_boolean(on));
		} else {
			int64_t seconds;

			if (aws_int_value(c, key, value, INT32_MIN, INT32_MAX, &seconds) < 0)
				return -1;
			json_object_object_add(args, a->arg, json_object_new_int64(seconds));
		}
	}
	return 0;
}

json_object *elbv2_attributes_of(json_object *resource, const struct elbv2_attribute *table,
				 size_t count)
{
	json_object *result = json_object_new_object(), *list = json_object_new_array();

	for (size_t i = 0; i < count; i++) {
		json_object *item = json_object_new_object();

		aws_put_string(item, "Key", table[i].key);
		aws_put_string(item, "Value", aws_json_string(resource, table[i].output));
		json_object_array_add(list, item);
	}
	json_object_object_add(result, "Attributes", list);
	return result;
}

/* ---- ARN lists ---------------------------------------------------------------------------------- */

int elbv2_find_each(struct aws_call *c, const char *name,
		    int (*find)(struct aws_call *, const char *, json_object **),
		    json_object *arns_holder, json_object *result, const char *list_key)
{
	json_object *arns = aws_json_member(arns_holder, name), *list = json_object_new_array();

	json_object_object_add(result, list_key, list);
	for (size_t i = 0; arns && i < json_object_array_length(arns); i++) {
		json_object *found;

		if (find(c, json_object_get_string(json_object_array_get_idx(arns, i)), &found) < 0)
			return -1;
		json_object_array_add(list, found);
	}
	return 0;
}

/* ---- The service ------------------------------------------------------------------------------- */

static const struct aws_operation *const tables[] = {
	elbv2_lb_operations,
	elbv2_tg_operations,
	elbv2_tag_operations,
	NULL,
};

const struct aws_service aws_elbv2 = {
	.name = "elasticloadbalancing",
	.version = "2015-12-01",
	.xmlns = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
	.elbv2 = true,
	.invalid_value_code = "ValidationError",
	.unsupported_code = "InvalidConfigurationRequest",
	.auth_failure_code = "SignatureDoesNotMatch",
	.unknown_key_code = "InvalidClientTokenId",
	.tables = tables,
};
