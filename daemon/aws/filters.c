/* SPDX-License-Identifier: MIT */
/* Filters read for the model, and pages over its lists. */
#include "filters.h"

#include <stdio.h>

/* ---- Filters ----------------------------------------------------------------------------- */

int aws_filters_read(struct aws_call *c, json_object *args)
{
	size_t count = query_list_length(c->query, "Filter", false);
	json_object *filters;

	if (count == 0)
		return 0;
	filters = json_object_new_array();
	json_object_object_add(args, "Filters", filters);
	for (size_t i = 1; i <= count; i++) {
		char prefix[64], name_key[80], values_key[80];
		json_object *filter = json_object_new_object();
		const char *name;

		json_object_array_add(filters, filter);
		query_list_item("Filter", false, i, prefix, sizeof(prefix));
		snprintf(name_key, sizeof(name_key), "%s.Name", prefix);
		snprintf(values_key, sizeof(values_key), "%s.Value", prefix);
		name = aws_param(c, name_key, AWS_REQUIRED);
		if (!name)
			return -1;
		json_object_object_add(filter, "Name", json_object_new_string(name));
		if (aws_param_list(c, values_key, AWS_OPTIONAL, filter, "Values") < 0)
			return -1;
	}
	return 0;
}

/* ---- Pages ------------------------------------------------------------------------------- */

int aws_page_read(struct aws_call *c, int64_t max, struct aws_page *page)
{
	const char *limit_name = c->service->elbv2 ? "PageSize" : "MaxResults";
	const char *token_name = c->service->elbv2 ? "Marker" : "NextToken";
	const char *limit = aws_param(c, limit_name, AWS_OPTIONAL);
	const char *token = aws_param(c, token_name, AWS_OPTIONAL);

	*page = (struct aws_page){ 0 };
	if (limit && aws_int_value(c, limit_name, limit, 1, max, &page->limit) < 0)
		return -1;
	if (token && aws_int_value(c, token_name, token, 1, INT32_MAX, &page->offset) < 0)
		return aws_fail(c->err,
				c->service->elbv2 ? "ValidationError" : "InvalidPaginationToken",
				"The pagination token '%s' is invalid", token);
	return 0;
}

void aws_page_apply(struct aws_call *c, const struct aws_page *page, json_object *result,
		    const char *list_key)
{
	json_object *list, *kept;
	size_t length, end;

	if ((page->limit == 0 && page->offset == 0) ||
	    !json_object_object_get_ex(result, list_key, &list))
		return;
	length = json_object_array_length(list);
	end = page->limit && (size_t)(page->offset + page->limit) < length
		  ? (size_t)(page->offset + page->limit)
		  : length;
	kept = json_object_new_array();
	for (size_t i = (size_t)page->offset; i < end; i++)
		json_object_array_add(kept, json_object_get(json_object_array_get_idx(list, i)));
	json_object_object_add(result, list_key, kept);
	/* The token is where the next page starts: always further on, so the CLI's paginator
	 * never sees one twice. */
	if (end < length) {
		char token[24];

		snprintf(token, sizeof(token), "%zu", end);
		json_object_object_add(result, c->service->elbv2 ? "NextMarker" : "NextToken",
				       json_object_new_string(token));
	}
}
