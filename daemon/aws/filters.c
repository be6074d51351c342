/* SPDX-License-Identifier: MIT */
/* Filters and pages over the model's lists. */
#include "filters.h"

#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAX_VALUES 200 /* per filter, as EC2 allows */

/* ---- Filters ----------------------------------------------------------------------------- */

static const struct aws_filter_spec *find_spec(const struct aws_filter_spec *specs,
					       const char *name)
{
	for (const struct aws_filter_spec *s = specs; s->name; s++) {
		if (strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

static int read_filter(struct aws_call *c, const struct aws_filter_spec *specs, size_t index,
		       struct aws_filter *filter)
{
	char prefix[64], name_key[80], values_key[80];
	const char *name;
	json_object *holder = json_object_new_object(), *values = NULL;

	query_list_item("Filter", false, index, prefix, sizeof(prefix));
	snprintf(name_key, sizeof(name_key), "%s.Name", prefix);
	snprintf(values_key, sizeof(values_key), "%s.Value", prefix);
	name = aws_param(c, name_key, AWS_REQUIRED);
	if (!name || aws_param_list(c, values_key, AWS_OPTIONAL, holder, "Values") < 0) {
		json_object_put(holder);
		return -1;
	}
	json_object_object_get_ex(holder, "Values", &values);
	filter->spec = find_spec(specs, name);
	if (!filter->spec && strncmp(name, "tag:", 4) != 0 && strcmp(name, "tag-key") != 0) {
		json_object_put(holder);
		return aws_fail(c->err, "InvalidParameterValue", "The filter '%s' is invalid",
				name);
	}
	if (!values || json_object_array_length(values) == 0 ||
	    json_object_array_length(values) > MAX_VALUES) {
		json_object_put(holder);
		return aws_fail(c->err, "InvalidParameterValue",
				"The filter '%s' needs 1 to %d values", name, MAX_VALUES);
	}
	filter->values = json_object_get(values);
	filter->tag_key = strncmp(name, "tag:", 4) ? NULL : json_object_new_string(name + 4);
	json_object_put(holder);
	return 0;
}

int aws_filters_read(struct aws_call *c, const struct aws_filter_spec *specs,
		     struct aws_filters *filters)
{
	size_t count = query_list_length(c->query, "Filter", false);

	*filters = (struct aws_filters){ 0 };
	if (count > AWS_MAX_FILTERS)
		return aws_fail(c->err, "InvalidParameterValue", "at most %d filters",
				AWS_MAX_FILTERS);
	for (size_t i = 0; i < count; i++) {
		if (read_filter(c, specs, i + 1, &filters->filters[i]) < 0) {
			aws_filters_free(filters);
			return -1;
		}
		filters->count = i + 1;
	}
	return 0;
}

void aws_filters_free(struct aws_filters *filters)
{
	for (size_t i = 0; i < filters->count; i++) {
		json_object_put(filters->filters[i].values);
		json_object_put(filters->filters[i].tag_key);
	}
	filters->count = 0;
}

static bool value_matches(json_object *values, const char *text)
{
	for (size_t i = 0; i < json_object_array_length(values); i++) {
		if (fnmatch(json_object_get_string(json_object_array_get_idx(values, i)), text,
			    0) == 0)
			return true;
	}
	return false;
}

/* Whether some value at `path` under `node` (into objects and through lists) matches. */
static bool path_matches(json_object *node, const char *path, json_object *values)
{
	if (!node)
		return false;
	if (json_object_is_type(node, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(node); i++) {
			if (path_matches(json_object_array_get_idx(node, i), path, values))
				return true;
		}
		return false;
	}
	if (!*path)
		return !json_object_is_type(node, json_type_object) &&
		       value_matches(values, json_object_get_string(node));
	if (json_object_is_type(node, json_type_object)) {
		const char *dot = strchr(path, '.');
		size_t length = dot ? (size_t)(dot - path) : strlen(path);
		char key[64];
		json_object *member;

		if (length >= sizeof(key))
			return false;
		memcpy(key, path, length);
		key[length] = '\0';
		return json_object_object_get_ex(node, key, &member) &&
		       path_matches(member, dot ? dot + 1 : "", values);
	}
	return false;
}

/* tag:KEY: a tag KEY whose value matches; tag-key: a tag whose key matches. */
static bool tags_match(json_object *item, const struct aws_filter *f)
{
	json_object *tags = NULL;

	if (!json_object_object_get_ex(item, "Tags", &tags) ||
	    !json_object_is_type(tags, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(tags); i++) {
		json_object *tag = json_object_array_get_idx(tags, i), *key = NULL, *value = NULL;

		json_object_object_get_ex(tag, "Key", &key);
		json_object_object_get_ex(tag, "Value", &value);
		if (!key)
			continue;
		if (!f->tag_key && value_matches(f->values, json_object_get_string(key)))
			return true;
		if (f->tag_key &&
		    !strcmp(json_object_get_string(f->tag_key), json_object_get_string(key)) &&
		    value_matches(f->values, value ? json_object_get_string(value) : ""))
			return true;
	}
	return false;
}

static bool item_passes(const struct aws_filters *filters, json_object *item)
{
	for (size_t i = 0; i < filters->count; i++) {
		const struct aws_filter *f = &filters->filters[i];

		if (f->spec ? !path_matches(item, f->spec->path, f->values) : !tags_match(item, f))
			return false;
	}
	return true;
}

void aws_filters_apply(const struct aws_filters *filters, json_object *result, const char *list_key)
{
	json_object *list, *kept;

	if (filters->count == 0 || !json_object_object_get_ex(result, list_key, &list))
		return;
	kept = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *item = json_object_array_get_idx(list, i);

		if (item_passes(filters, item))
			json_object_array_add(kept, json_object_get(item));
	}
	json_object_object_add(result, list_key, kept);
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
