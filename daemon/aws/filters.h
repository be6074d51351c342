/* SPDX-License-Identifier: MIT */
/* EC2's --filters on Describe calls (Filter.N.Name, Filter.N.Value.M, with * and ? as
 * wildcards), and the paging of both APIs (MaxResults and NextToken in EC2, PageSize and
 * Marker in ELBv2), applied to the model's answer the way AWS applies them to its own. */
#ifndef XL_AWS_FILTERS_H
#define XL_AWS_FILTERS_H

#include <json-c/json.h>
#include <stdint.h>

#include "operation.h"

/* A filter an operation knows: its name, and the member of an item it looks at ("State";
 * "ServiceType.ServiceType" goes into objects and lists). */
struct aws_filter_spec {
	const char *name;
	const char *path;
};

#define AWS_MAX_FILTERS 16

struct aws_filters {
	size_t count;
	struct aws_filter {
		const struct aws_filter_spec *spec; /* NULL: a tag filter */
		json_object *values;		    /* strings */
		json_object *tag_key; /* tag:KEY's key; NULL for tag-key (values are keys) */
	} filters[AWS_MAX_FILTERS];
};

/* Reads the request's filters, each of `specs` (ended by an entry without name) or a tag
 * filter (tag:KEY, tag-key), which looks at the items' Tags ([{Key, Value}]). */
int aws_filters_read(struct aws_call *c, const struct aws_filter_spec *specs,
		     struct aws_filters *filters);
/* Removes from the array result[list_key] the items some filter refuses. */
void aws_filters_apply(const struct aws_filters *filters, json_object *result,
		       const char *list_key);
void aws_filters_free(struct aws_filters *filters);

struct aws_page {
	int64_t limit; /* 0: all */
	int64_t offset;
};

/* Reads MaxResults/NextToken (EC2) or PageSize/Marker (ELBv2); limits 1..max. */
int aws_page_read(struct aws_call *c, int64_t max, struct aws_page *page);
/* Keeps the page of result[list_key], and sets NextToken (or NextMarker) when more follow. */
void aws_page_apply(struct aws_call *c, const struct aws_page *page, json_object *result,
		    const char *list_key);

#endif
