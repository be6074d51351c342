/* SPDX-License-Identifier: MIT */
/* Reading tags from both APIs' parameters (tagging.h). */
#include "tagging.h"

#include <stdio.h>
#include <string.h>

#define MAX_TAGS 50 /* in one request, as AWS takes them */

bool aws_is_elbv2_arn(const char *id)
{
	return strncmp(id, "arn:aws:elasticloadbalancing:", 29) == 0;
}

static int read_tag(struct aws_call *c, const char *prefix, json_object *tags)
{
	json_object *tag = json_object_new_object();
	char name[128];

	json_object_array_add(tags, tag);
	snprintf(name, sizeof(name), "%s.Key", prefix);
	if (aws_param_string(c, name, AWS_REQUIRED, tag, "Key") < 0)
		return -1;
	snprintf(name, sizeof(name), "%s.Value", prefix);
	return aws_param_string(c, name, AWS_OPTIONAL, tag, "Value");
}

int aws_read_tags(struct aws_call *c, const char *list, json_object *args)
{
	bool member = c->service->elbv2;
	size_t count = query_list_length(c->query, list, member);
	json_object *tags;

	if (!count)
		return 0;
	if (count > MAX_TAGS)
		return aws_fail(c->err, member ? "TooManyTags" : "TagLimitExceeded",
				"at most %d tags in one request", MAX_TAGS);
	tags = json_object_new_array();
	json_object_object_add(args, "Tags", tags);
	for (size_t i = 1; i <= count; i++) {
		char prefix[96];

		query_list_item(list, member, i, prefix, sizeof(prefix));
		if (read_tag(c, prefix, tags) < 0)
			return -1;
	}
	return 0;
}

int ec2_read_tag_specifications(struct aws_call *c, const char *resource_type, json_object *args)
{
	size_t count = query_list_length(c->query, "TagSpecification", false);

	for (size_t i = 1; i <= count; i++) {
		char prefix[64], name[96];
		const char *type;

		query_list_item("TagSpecification", false, i, prefix, sizeof(prefix));
		snprintf(name, sizeof(name), "%s.ResourceType", prefix);
		type = aws_param(c, name, AWS_REQUIRED);
		if (!type)
			return -1;
		if (strcmp(type, resource_type) != 0)
			return aws_fail(c->err, "InvalidParameterValue",
					"'%s' is not a valid taggable resource type for this "
					"operation: it makes a %s",
					type, resource_type);
		if (i > 1)
			return aws_fail(c->err, "InvalidParameterValue",
					"The resource type %s is specified more than once",
					resource_type);
		snprintf(name, sizeof(name), "%s.Tag", prefix);
		if (aws_read_tags(c, name, args) < 0)
			return -1;
	}
	return 0;
}
