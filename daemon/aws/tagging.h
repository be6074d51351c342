/* SPDX-License-Identifier: MIT */
/* Tags as both APIs send them: EC2's Tag.N.{Key,Value} and TagSpecification.N (a resource
 * type and its tags, on the create calls), ELBv2's Tags.member.N.{Key,Value}; read into the
 * model's [{Key, Value}]. */
#ifndef XL_AWS_TAGGING_H
#define XL_AWS_TAGGING_H

#include <json-c/json.h>
#include <stdbool.h>

#include "operation.h"

/* list.N.{Key,Value} (EC2) or list.member.N.{Key,Value} (ELBv2) as args["Tags"]; absent:
 * no key. A missing Value is left out (the model reads it as "" or, deleting, any). */
int aws_read_tags(struct aws_call *c, const char *list, json_object *args);

/* TagSpecification.N of an EC2 create call that makes `resource_type`, as args["Tags"]: a
 * specification of another type is refused, as EC2 does. */
int ec2_read_tag_specifications(struct aws_call *c, const char *resource_type, json_object *args);

/* Whether `id` is an ELBv2 ARN (ELBv2's tags) rather than an EC2 id. */
bool aws_is_elbv2_arn(const char *id);

extern const struct aws_operation ec2_tag_operations[];
extern const struct aws_operation ec2_notification_operations[];
extern const struct aws_operation elbv2_tag_operations[];

#endif
