/* SPDX-License-Identifier: MIT */
/* Strict reading of an action's JSON arguments: each field is read with its type, and
 * closing the reader refuses every field nobody read, so a typo never goes unnoticed. */
#ifndef XL_ARGS_H
#define XL_ARGS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

#define ARGS_MAX_FIELDS 24

enum arg_need {
	ARG_OPTIONAL,
	ARG_REQUIRED,
};

/* One object being read. The first problem found is kept in *err (ValidationError). */
struct args {
	json_object *object;
	char path[64]; /* "" at the top, "Zones[0]." inside an item */
	const char *read[ARGS_MAX_FIELDS];
	size_t read_count;
	bool failed;
	struct api_error *err;
};

/* Starts reading `object` (which must be a JSON object, else ValidationError). */
void args_open(struct args *a, json_object *object, struct api_error *err);
/* Starts reading item `index` of the list named `list_name` (read with args_list). */
void args_open_item(struct args *item, json_object *list, const char *list_name, size_t index,
		    struct api_error *err);

/* Each reader returns true when the field is present and valid, and only then sets
 * *out; an absent optional field leaves *out as it was (the caller's default). */
bool args_string(struct args *a, const char *name, enum arg_need need, const char **out);
bool args_int(struct args *a, const char *name, enum arg_need need, int64_t min, int64_t max,
	      int64_t *out);
bool args_bool(struct args *a, const char *name, enum arg_need need, bool *out);
/* An array whose items are all of `item_type` (json_type_string or json_type_object). */
bool args_list(struct args *a, const char *name, enum arg_need need, json_type item_type,
	       json_object **out);
/* Any JSON value, for fields that take more than one type. */
bool args_value(struct args *a, const char *name, enum arg_need need, json_object **out);

/* Ends reading: 0 if every field was valid and read, else -1 with *err filled. An
 * unknown field is reported before any other problem, since it usually explains it. */
int args_close(struct args *a);

#endif
