/* SPDX-License-Identifier: MIT */
/* EC2's CreateTags, DeleteTags and DescribeTags on the resources of EC2's that xdplink has
 * (endpoint services, endpoints, VPCs, subnets), the caller's own only. */
#include <string.h>

#include "ec2.h"
#include "filters.h"
#include "tagging.h"

static const struct xml_field tag_description[] = {
	XML_TEXT_FIELD("ResourceId", "resourceId"),
	XML_TEXT_FIELD("ResourceType", "resourceType"),
	XML_TEXT_FIELD("Key", "key"),
	XML_TEXT_FIELD("Value", "value"),
	XML_END,
};

static const struct xml_field tags_output[] = {
	XML_OBJECTS_FIELD("Tags", "tagSet", tag_description),
	XML_TEXT_FIELD("NextToken", "nextToken"),
	XML_END,
};

/* ResourceId.N, EC2's ids only: an ELBv2 ARN is ELBv2's to tag. */
static int read_resources(struct aws_call *c, json_object *args)
{
	json_object *ids;

	if (aws_param_list(c, "ResourceId", AWS_REQUIRED, args, "Resources") < 0)
		return -1;
	ids = aws_json_member(args, "Resources");
	for (size_t i = 0; i < json_object_array_length(ids); i++) {
		const char *id = json_object_get_string(json_object_array_get_idx(ids, i));

		if (aws_is_elbv2_arn(id))
			return aws_fail(c->err, "InvalidID", "The ID '%s' is not valid", id);
	}
	return 0;
}

static int change_tags(struct aws_call *c, const char *action, bool tags_required,
		       json_object **result)
{
	json_object *args = json_object_new_object();

	if (read_resources(c, args) < 0 || aws_read_tags(c, "Tag", args) < 0 ||
	    aws_params_done(c) < 0)
		return aws_drop(args);
	if (tags_required && !aws_json_member(args, "Tags")) {
		aws_fail(c->err, "MissingParameter", "The request must contain the parameter Tag");
		return aws_drop(args);
	}
	if (aws_model_call(c, action, args, result) < 0)
		return -1;
	json_object_object_add(*result, "Return", json_object_new_boolean(true));
	return 0;
}

static int create_tags(struct aws_call *c, json_object **result)
{
	return change_tags(c, "CreateTags", true, result);
}

static int delete_tags(struct aws_call *c, json_object **result)
{
	return change_tags(c, "DeleteTags", false, result);
}

static void keep_ec2_tags(json_object *result)
{
	json_object *list = aws_json_member(result, "Tags"), *kept = json_object_new_array();

	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		json_object *tag = json_object_array_get_idx(list, i);

		if (!aws_is_elbv2_arn(aws_json_string(tag, "ResourceId")))
			json_object_array_add(kept, json_object_get(tag));
	}
	json_object_object_add(result, "Tags", kept);
}

static int describe_tags(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();
	struct aws_page page;

	if (ec2_read_listing(c, args, &page) < 0)
		return aws_drop(args);
	if (aws_model_call(c, "DescribeTags", args, result) < 0)
		return -1;
	keep_ec2_tags(*result);
	aws_page_apply(c, &page, *result, "Tags");
	return 0;
}

const struct aws_operation ec2_tag_operations[] = {
	{ "CreateTags", create_tags, ec2_return_output, false },
	{ "DeleteTags", delete_tags, ec2_return_output, false },
	{ "DescribeTags", describe_tags, tags_output, false },
	{ NULL, NULL, NULL, false },
};
