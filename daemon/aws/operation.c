/* SPDX-License-Identifier: MIT */
/* Reading an operation's parameters into the model's arguments, and calling the model. */
#include "operation.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"

int aws_fail(struct aws_error *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->code, sizeof(err->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- Parameters -------------------------------------------------------------------------- */

const char *aws_param(struct aws_call *c, const char *name, enum aws_need need)
{
	const char *value = query_get(c->query, name);

	if (!value && need == AWS_REQUIRED)
		aws_fail(c->err, "MissingParameter", "The request must contain the parameter %s",
			 name);
	return value;
}

int aws_bool_value(struct aws_call *c, const char *name, const char *text, bool *out)
{
	if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
		*out = text[0] == 't';
		return 0;
	}
	return aws_fail(c->err, c->service->invalid_value_code,
			"Invalid value '%s' for %s: true or false", text, name);
}

int aws_int_value(struct aws_call *c, const char *name, const char *text, int64_t min, int64_t max,
		  int64_t *out)
{
	char *end;
	long long value;

	errno = 0;
	value = strtoll(text, &end, 10);
	if (errno || end == text || *end || value < min || value > max)
		return aws_fail(c->err, c->service->invalid_value_code,
				"Invalid value '%s' for %s: a whole number from %lld to %lld", text,
				name, (long long)min, (long long)max);
	*out = value;
	return 0;
}

int aws_param_string(struct aws_call *c, const char *name, enum aws_need need, json_object *args,
		     const char *key)
{
	const char *value = aws_param(c, name, need);

	if (value)
		json_object_object_add(args, key, json_object_new_string(value));
	return value || need == AWS_OPTIONAL ? 0 : -1;
}

int aws_param_bool(struct aws_call *c, const char *name, enum aws_need need, json_object *args,
		   const char *key)
{
	const char *text = aws_param(c, name, need);
	bool value = false;

	if (!text)
		return need == AWS_OPTIONAL ? 0 : -1;
	if (aws_bool_value(c, name, text, &value) < 0)
		return -1;
	json_object_object_add(args, key, json_object_new_boolean(value));
	return 0;
}

int aws_param_int(struct aws_call *c, const char *name, enum aws_need need, int64_t min,
		  int64_t max, json_object *args, const char *key)
{
	const char *text = aws_param(c, name, need);
	int64_t value = 0;

	if (!text)
		return need == AWS_OPTIONAL ? 0 : -1;
	if (aws_int_value(c, name, text, min, max, &value) < 0)
		return -1;
	json_object_object_add(args, key, json_object_new_int64(value));
	return 0;
}

int aws_param_list(struct aws_call *c, const char *name, enum aws_need need, json_object *args,
		   const char *key)
{
	size_t count = query_list_length(c->query, name, c->service->elbv2);
	json_object *list;

	if (count == 0 && !query_has(c->query, name)) {
		if (need == AWS_REQUIRED)
			return aws_fail(c->err, "MissingParameter",
					"The request must contain the parameter %s", name);
		return 0;
	}
	list = json_object_new_array();
	for (size_t i = 1; i <= count; i++) {
		char item[160];
		const char *value;

		query_list_item(name, c->service->elbv2, i, item, sizeof(item));
		value = query_get(c->query, item);
		if (!value) {
			json_object_put(list);
			return aws_fail(c->err, c->service->invalid_value_code,
					"%s must be a list of values", name);
		}
		json_object_array_add(list, json_object_new_string(value));
	}
	json_object_object_add(args, key, list);
	return 0;
}

int aws_param_refused(struct aws_call *c, const char *name, const char *why)
{
	if (!query_has(c->query, name))
		return 0;
	return aws_fail(c->err, c->service->unsupported_code, "%s: %s", name, why);
}

int aws_param_only(struct aws_call *c, const char *name, const char *value, const char *why)
{
	const char *given = aws_param(c, name, AWS_OPTIONAL);

	if (!given || strcmp(given, value) == 0)
		return 0;
	return aws_fail(c->err, c->service->unsupported_code, "%s '%s': %s", name, given, why);
}

int aws_params_done(struct aws_call *c)
{
	const char *unread = query_unread(c->query);

	if (!unread)
		return 0;
	return aws_fail(c->err, "UnknownParameter", "The parameter %s is not recognized", unread);
}

/* ---- The model --------------------------------------------------------------------------- */

static int call(struct aws_call *c, const char *action, json_object *args, bool dry_run,
		json_object **result)
{
	json_object *request = envelope_request(action, c->principal, args), *answer, *value;
	const char *code = NULL, *message = NULL;
	int rc = -1;

	json_object_put(args); /* the request holds it */
	if (dry_run)
		envelope_set_dry_run(request);
	answer = c->handler(c->handler_ctx, request);
	json_object_put(request);
	*result = NULL;
	switch (envelope_read_answer(answer, &value, &code, &message)) {
	case 1:
		*result = value ? json_object_get(value) : json_object_new_object();
		rc = 0;
		break;
	case 0:
		aws_fail(c->err, code, "%s", message);
		break;
	default:
		aws_fail(c->err, "InternalError", "the agent gave no answer");
	}
	json_object_put(answer);
	return rc;
}

int aws_model_read(struct aws_call *c, const char *action, json_object *args, json_object **result)
{
	return call(c, action, args, false, result);
}

int aws_model_call(struct aws_call *c, const char *action, json_object *args, json_object **result)
{
	return call(c, action, args, c->dry_run, result);
}

/* ---- The model's JSON -------------------------------------------------------------------- */

json_object *aws_json_member(json_object *object, const char *key)
{
	json_object *value = NULL;

	if (!object || !json_object_is_type(object, json_type_object) ||
	    !json_object_object_get_ex(object, key, &value))
		return NULL;
	return value;
}

const char *aws_json_string(json_object *object, const char *key)
{
	json_object *value = aws_json_member(object, key);

	return value ? json_object_get_string(value) : "";
}

size_t aws_json_length(json_object *object, const char *key)
{
	json_object *value = aws_json_member(object, key);

	return value && json_object_is_type(value, json_type_array)
		   ? json_object_array_length(value)
		   : 0;
}

void aws_put_string(json_object *object, const char *key, const char *value)
{
	json_object_object_add(object, key, json_object_new_string(value));
}

void aws_complete_each(json_object *result, const char *list_key,
		       void (*complete)(json_object *item))
{
	json_object *list = aws_json_member(result, list_key);

	for (size_t i = 0; list && i < json_object_array_length(list); i++)
		complete(json_object_array_get_idx(list, i));
}

int aws_drop(json_object *args)
{
	json_object_put(args);
	return -1;
}
