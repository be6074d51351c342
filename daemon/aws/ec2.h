/* SPDX-License-Identifier: MIT */
/* What EC2's files share (ec2.c, ec2_vpc.c, ec2_sg.c, ec2_tags.c, ec2_notifications.c): a
 * Describe call's listing and its answer, and the answers of the calls that return little. */
#ifndef XL_AWS_EC2_H
#define XL_AWS_EC2_H

#include "filters.h"
#include "operation.h"

/* Reads Filter.N into args "Filters" and the page of a Describe call, then ends reading. */
int ec2_read_listing(struct aws_call *c, json_object *args, struct aws_page *page);
/* Runs the model's `action` (which filters its list), completes each item of the list and
 * pages it. */
int ec2_describe(struct aws_call *c, const char *action, json_object *args,
		 const struct aws_page *page, const char *list_key,
		 void (*complete)(json_object *item), json_object **result);

/* The answers of calls that say only true ({"Return"} or {"ReturnValue"}) or list the items they refused
 * ({"Unsuccessful": [{"Error": {Code, Message}, "ResourceId"}]}). */
extern const struct xml_field ec2_return_output[];
extern const struct xml_field ec2_return_value_output[];
extern const struct xml_field ec2_unsuccessful_output[];

/* DescribeVpcs and DescribeSubnets; VPCs themselves are the host operator's. */
extern const struct aws_operation ec2_vpc_operations[];
/* Security groups and their inbound rules (ec2_sg.c). */
extern const struct aws_operation ec2_sg_operations[];

#endif
