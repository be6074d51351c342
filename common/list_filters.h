/* SPDX-License-Identifier: MIT */
/* The filters of Describe lists, as EC2's --filters: {"Name", "Values"} pairs, several
 * ANDed, values ORed, with * and ? as wildcards. The names each list takes are defined here
 * once: the agent applies them to every front door's answer (the socket's Args "Filters",
 * the AWS endpoint's Filter.N), and the CLI's help lists them. */
#ifndef XL_LIST_FILTERS_H
#define XL_LIST_FILTERS_H

#include <json-c/json.h>
#include <stddef.h>

#include "error.h"

#define LIST_MAX_FILTERS 16  /* per request */
#define LIST_MAX_VALUES	 200 /* per filter, as EC2 allows */

/* A filter name, and the member of an item it looks at ("State"; "ServiceType.ServiceType"
 * goes into objects and lists). */
struct list_filter_spec {
	const char *name;
	const char *path;
};

/* The filters an action's list takes: EC2's own names where EC2 has the action, names in
 * its style for the ELBv2 lists (which AWS does not filter). */
struct list_filters_of {
	const char *action;		      /* "DescribeVpcEndpoints" */
	const char *list_key;		      /* "VpcEndpoints" */
	const struct list_filter_spec *specs; /* ended by an entry without name */
};

/* The filters of `action`, or NULL when its list takes none. */
const struct list_filters_of *list_filters_for(const char *action);

struct list_filters {
	const struct list_filters_of *of;
	size_t count;
	struct list_filter {
		const struct list_filter_spec *spec; /* NULL: a tag filter */
		json_object *values;		     /* strings */
		json_object *tag_key; /* tag:KEY's key; NULL for tag-key (values are keys) */
	} items[LIST_MAX_FILTERS];
};

/* Takes Args "Filters" out of `args` for `action` into *filters (none: count 0). Refused
 * (-1): a filter name the list does not know, InvalidParameterValue "The filter 'x' is
 * invalid" as EC2 says it (tag:KEY and tag-key, which look at the items' Tags, are known to
 * every list); no value
 * or too many; a Filters that is not [{Name, Values}], ValidationError. An action without
 * filters leaves "Filters" to the strict reader of its arguments. */
int list_filters_take(const char *action, json_object *args, struct list_filters *filters,
		      struct api_error *err);
/* Keeps in the result's list only the items every filter takes. */
void list_filters_apply(const struct list_filters *filters, json_object *result);
void list_filters_free(struct list_filters *filters);

#endif
