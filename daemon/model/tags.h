/* SPDX-License-Identifier: MIT */
/* Tags: a key and a value on a resource of the caller's, with AWS's limits (50 a resource,
 * keys of 1-128 characters outside the reserved "aws:", values of 0-256). A tag is its
 * resource's account's: another account can neither set nor see it. */
#ifndef XL_MODEL_TAGS_H
#define XL_MODEL_TAGS_H

#include <json-c/json.h>
#include <stdint.h>

#include "error.h"
#include "ids.h"

struct model;

#define TAGS_PER_RESOURCE 50

/* A create call's Tags ([{Key, Value}], NULL: none) on the resource it just made for
 * `caller`. */
int tags_put(struct model *m, const struct principal *caller, const char *resource,
	     json_object *tags, struct api_error *err);

/* The same, of the resource whose id or ARN `key_sql` selects by its row id. */
int tags_put_row(struct model *m, const struct principal *caller, const char *key_sql, int64_t id,
		 json_object *tags, struct api_error *err);

/* object["Tags"]: the resource's tags, [{Key, Value}] in key order. */
int put_tags(struct model *m, json_object *object, const char *resource, struct api_error *err);

#endif
