/* SPDX-License-Identifier: MIT */
/* Strict reading of JSON arguments: typed fields, required or optional, and refusal
 * of any field that was not read, all reported as ValidationError naming the field. */
#include "args.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void refuse(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void refuse(struct args *a, const char *fmt, ...)
{
	va_list ap;

	if (a->failed)
		return;
	a->failed = true;
	a->err->code = API_ValidationError;
	va_start(ap, fmt);
	vsnprintf(a->err->message, sizeof(a->err->message), fmt, ap);
	va_end(ap);
}

void args_open(struct args *a, json_object *object, struct api_error *err)
{
	*a = (struct args){ .object = object, .err = err };
	if (!json_object_is_type(object, json_type_object))
		refuse(a, "the arguments must be a JSON object");
}

void args_open_item(struct args *item, json_object *list, const char *list_name, size_t index,
		    struct api_error *err)
{
	args_open(item, json_object_array_get_idx(list, index), err);
	snprintf(item->path, sizeof(item->path), "%s[%zu].", list_name, index);
}

/* The field's value, or NULL when absent (refused when required). Marks it read. */
static json_object *field(struct args *a, const char *name, enum arg_need need)
{
	json_object *value = NULL;

	if (a->read_count < ARGS_MAX_FIELDS)
		a->read[a->read_count++] = name;
	if (json_object_is_type(a->object, json_type_object))
		json_object_object_get_ex(a->object, name, &value);
	if (!value && need == ARG_REQUIRED)
		refuse(a, "missing argument %s%s", a->path, name);
	return value;
}

bool args_string(struct args *a, const char *name, enum arg_need need, const char **out)
{
	json_object *value = field(a, name, need);

	if (!value)
		return false;
	/* A string with a NUL inside would be read shorter than it is. */
	if (!json_object_is_type(value, json_type_string) ||
	    strlen(json_object_get_string(value)) != (size_t)json_object_get_string_len(value)) {
		refuse(a, "argument %s%s must be a string", a->path, name);
		return false;
	}
	*out = json_object_get_string(value);
	return true;
}

bool args_int(struct args *a, const char *name, enum arg_need need, int64_t min, int64_t max,
	      int64_t *out)
{
	json_object *value = field(a, name, need);
	int64_t number;

	if (!value)
		return false;
	if (!json_object_is_type(value, json_type_int)) {
		refuse(a, "argument %s%s must be an integer", a->path, name);
		return false;
	}
	number = json_object_get_int64(value);
	if (number < min || number > max) {
		refuse(a, "argument %s%s must be from %lld to %lld", a->path, name, (long long)min,
		       (long long)max);
		return false;
	}
	*out = number;
	return true;
}

bool args_bool(struct args *a, const char *name, enum arg_need need, bool *out)
{
	json_object *value = field(a, name, need);

	if (!value)
		return false;
	if (!json_object_is_type(value, json_type_boolean)) {
		refuse(a, "argument %s%s must be true or false", a->path, name);
		return false;
	}
	*out = json_object_get_boolean(value);
	return true;
}

bool args_list(struct args *a, const char *name, enum arg_need need, json_type item_type,
	       json_object **out)
{
	json_object *value = field(a, name, need);
	bool items_ok = true;

	if (!value)
		return false;
	if (json_object_is_type(value, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(value); i++)
			items_ok &=
			    json_object_is_type(json_object_array_get_idx(value, i), item_type);
	}
	if (!json_object_is_type(value, json_type_array) || !items_ok) {
		refuse(a, "argument %s%s must be an array of %s", a->path, name,
		       item_type == json_type_object ? "objects" : "strings");
		return false;
	}
	*out = value;
	return true;
}

bool args_value(struct args *a, const char *name, enum arg_need need, json_object **out)
{
	json_object *value = field(a, name, need);

	if (!value)
		return false;
	*out = value;
	return true;
}

static bool was_read(const struct args *a, const char *name)
{
	for (size_t i = 0; i < a->read_count; i++) {
		if (strcmp(a->read[i], name) == 0)
			return true;
	}
	return false;
}

int args_close(struct args *a)
{
	struct json_object_iterator it, end;

	if (!json_object_is_type(a->object, json_type_object))
		return -1;
	it = json_object_iter_begin(a->object);
	end = json_object_iter_end(a->object);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *name = json_object_iter_peek_name(&it);

		if (!was_read(a, name)) {
			a->failed = false; /* this problem explains the others */
			refuse(a, "unknown argument %s%s", a->path, name);
			return -1;
		}
	}
	return a->failed ? -1 : 0;
}
