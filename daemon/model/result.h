/* SPDX-License-Identifier: MIT */
/* Building an action's result: JSON members and list items, and the timestamps of
 * created resources. */
#ifndef XL_MODEL_RESULT_H
#define XL_MODEL_RESULT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

#define TIMESTAMP_MAX 32

struct model;

void timestamp_now(char out[TIMESTAMP_MAX]); /* RFC 3339, UTC */

void put_string(json_object *object, const char *key, const char *value);
void put_int(json_object *object, const char *key, int64_t value);
void put_bool(json_object *object, const char *key, bool value);
json_object *put_object(json_object *object, const char *key); /* the new member */
json_object *put_array(json_object *object, const char *key);
json_object *append_object(json_object *array);
/* object[key] = list[0]; frees the list (one resource described by a list builder). */
void put_first(json_object *object, const char *key, json_object *list);
void append_string(json_object *array, const char *value);
/* object[key]: the first column of every row of `sql`, asked with the one parameter id. */
int put_column(struct model *m, json_object *object, const char *key, const char *sql, int64_t id,
	       struct api_error *err);

#endif
