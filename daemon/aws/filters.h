/* SPDX-License-Identifier: MIT */
/* EC2's --filters on Describe calls (Filter.N.Name, Filter.N.Value.M), handed to the agent,
 * and the paging of both APIs (MaxResults and NextToken in EC2, PageSize and Marker in
 * ELBv2), applied to the model's answer the way AWS applies them to its own. */
#ifndef XL_AWS_FILTERS_H
#define XL_AWS_FILTERS_H

#include <json-c/json.h>
#include <stdint.h>

#include "operation.h"

/* Filter.N.Name and Filter.N.Value.M into args "Filters" ([{Name, Values}]), which the
 * agent checks and applies to every front door's lists alike (common/list_filters.h). */
int aws_filters_read(struct aws_call *c, json_object *args);

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
