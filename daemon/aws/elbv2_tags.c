/* SPDX-License-Identifier: MIT */
/* ELBv2's AddTags, RemoveTags and DescribeTags on the caller's load balancers, target groups
 * and listeners, named by their ARNs. */
#include <string.h>

#include "elbv2.h"
#include "tagging.h"

#define MAX_ARNS 20 /* in one request, as ELBv2 takes them */

static const struct xml_field tag[] = {
	XML_TEXT_FIELD("Key", "Key"),
	XML_TEXT_FIELD("Value", "Value"),
	XML_END,
};

static const struct xml_field tag_description[] = {
	XML_TEXT_FIELD("ResourceArn", "ResourceArn"),
	XML_OBJECTS_FIELD("Tags", "Tags", tag),
	XML_END,
};

static const struct xml_field descriptions_output[] = {
	XML_OBJECTS_FIELD("TagDescriptions", "TagDescriptions", tag_description),
	XML_END,
};

/* ResourceArns.member.N: ELBv2's ARNs, at most 20. */
static int read_arns(struct aws_call *c, json_object *args)
{
	json_object *arns;

	if (aws_param_list(c, "ResourceArns", AWS_REQUIRED, args, "Resources") < 0)
		return -1;
	arns = aws_json_member(args, "Resources");
	if (json_object_array_length(arns) == 0 || json_object_array_length(arns) > MAX_ARNS)
		return aws_fail(c->err, "ValidationError", "ResourceArns takes 1 to %d ARNs",
				MAX_ARNS);
	for (size_t i = 0; i < json_object_array_length(arns); i++) {
		const char *arn = json_object_get_string(json_object_array_get_idx(arns, i));

		if (!aws_is_elbv2_arn(arn))
			return aws_fail(c->err, "ValidationError",
					"'%s' is not a valid load balancer, target group or "
					"listener ARN",
					arn);
	}
	return 0;
}

static int add_tags(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (read_arns(c, args) < 0 || aws_read_tags(c, "Tags", args) < 0 || aws_params_done(c) < 0)
		return aws_drop(args);
	if (!aws_json_member(args, "Tags")) {
		aws_fail(c->err, "ValidationError", "Tags needs at least one tag");
		return aws_drop(args);
	}
	return aws_model_call(c, "CreateTags", args, result);
}

/* TagKeys.member.N as the model's Tags without values (any value goes). */
static int remove_tags(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *holder = json_object_new_object(), *keys,
		    *tags = json_object_new_array();

	json_object_object_add(args, "Tags", tags);
	if (read_arns(c, args) < 0 ||
	    aws_param_list(c, "TagKeys", AWS_REQUIRED, holder, "Keys") < 0 ||
	    aws_params_done(c) < 0) {
		json_object_put(holder);
		return aws_drop(args);
	}
	keys = aws_json_member(holder, "Keys");
	for (size_t i = 0; i < json_object_array_length(keys); i++) {
		json_object *item = json_object_new_object();

		json_object_object_add(item, "Key",
				       json_object_get(json_object_array_get_idx(keys, i)));
		json_object_array_add(tags, item);
	}
	json_object_put(holder);
	if (json_object_array_length(tags) == 0) {
		aws_fail(c->err, "ValidationError", "TagKeys needs at least one key");
		return aws_drop(args);
	}
	return aws_model_call(c, "DeleteTags", args, result);
}

/* One description per ARN asked, in its order, with its tags (none: an empty list). */
static int describe_tags(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *arns, *flat, *descriptions;

	if (read_arns(c, args) < 0 || aws_params_done(c) < 0)
		return aws_drop(args);
	arns = json_object_get(aws_json_member(args, "Resources"));
	if (aws_model_read(c, "DescribeTags", args, &flat) < 0) {
		json_object_put(arns);
		return -1;
	}
	*result = json_object_new_object();
	descriptions = json_object_new_array();
	json_object_object_add(*result, "TagDescriptions", descriptions);
	for (size_t i = 0; i < json_object_array_length(arns); i++) {
		const char *arn = json_object_get_string(json_object_array_get_idx(arns, i));
		json_object *description = json_object_new_object(),
			    *tags = json_object_new_array();
		json_object *all = aws_json_member(flat, "Tags");

		aws_put_string(description, "ResourceArn", arn);
		json_object_object_add(description, "Tags", tags);
		json_object_array_add(descriptions, description);
		for (size_t k = 0; k < json_object_array_length(all); k++) {
			json_object *t = json_object_array_get_idx(all, k), *one;

			if (strcmp(aws_json_string(t, "ResourceId"), arn) != 0)
				continue;
			one = json_object_new_object();
			aws_put_string(one, "Key", aws_json_string(t, "Key"));
			aws_put_string(one, "Value", aws_json_string(t, "Value"));
			json_object_array_add(tags, one);
		}
	}
	json_object_put(arns);
	json_object_put(flat);
	return 0;
}

const struct aws_operation elbv2_tag_operations[] = {
	{ "AddTags", add_tags, elbv2_no_output, false },
	{ "RemoveTags", remove_tags, elbv2_no_output, false },
	{ "DescribeTags", describe_tags, descriptions_output, false },
	{ NULL, NULL, NULL, false },
};
