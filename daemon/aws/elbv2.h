/* SPDX-License-Identifier: MIT */
/* What the ELBv2 operations share: their files' operation tables, the attributes of load
 * balancers and target groups, and the parts of the model's JSON ELBv2 adds. */
#ifndef XL_AWS_ELBV2_H
#define XL_AWS_ELBV2_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "operation.h"

#define ELBV2_IPV4_ONLY	    "endpoint services support IPv4 only"
#define ELBV2_MAX_PAGE_SIZE 400
#define ELBV2_COUNT(table)  (sizeof(table) / sizeof(table[0]))

/* Each ended by an entry without action. */
extern const struct aws_operation elbv2_lb_operations[]; /* load balancers and listeners */
extern const struct aws_operation elbv2_tg_operations[]; /* target groups and targets */

extern const struct xml_field elbv2_no_output[], elbv2_attributes_output[];

/* The VpcId of a resource (its owner's VPC: network.h) and its IpAddressType. */
void elbv2_add_vpc(json_object *object);

/* An ELBv2 attribute and the model's field for it: booleans, or whole seconds. */
struct elbv2_attribute {
	const char *key;
	const char *arg;    /* the model's argument */
	const char *output; /* the model's field in its answer */
	bool boolean;
};

/* Attributes.member.N.{Key,Value} into the model's arguments. */
int elbv2_read_attributes(struct aws_call *c, const struct elbv2_attribute *table, size_t count,
			  json_object *args);
/* {"Attributes": [{Key, Value}]} of every attribute of the table, from the model's JSON. */
json_object *elbv2_attributes_of(json_object *resource, const struct elbv2_attribute *table,
				 size_t count);

/* The resources behind the ARN list holder[name] (each resolved by `find`), as
 * result[list_key]. */
int elbv2_find_each(struct aws_call *c, const char *name,
		    int (*find)(struct aws_call *, const char *, json_object **),
		    json_object *holder, json_object *result, const char *list_key);

#endif
