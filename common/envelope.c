/* SPDX-License-Identifier: MIT */
/* The envelope of every request and answer, written and read in this one place. */
#include "envelope.h"

#include <string.h>

json_object *envelope_request(const char *action, const char *principal, json_object *args)
{
	json_object *request = json_object_new_object();

	json_object_object_add(request, "Action", json_object_new_string(action));
	if (principal)
		json_object_object_add(request, "Principal", json_object_new_string(principal));
	json_object_object_add(request, "Args", json_object_get(args));
	return request;
}

void envelope_set_dry_run(json_object *request)
{
	json_object_object_add(request, "DryRun", json_object_new_boolean(1));
}

int envelope_read(json_object *request, struct envelope *out, struct api_error *err)
{
	json_object *value;

	*out = (struct envelope){ .principal = XL_DEFAULT_PRINCIPAL };
	if (!request)
		return api_fail(err, API_MalformedRequest, "the request is not one JSON object");
	json_object_object_foreach(request, key, field)
	{
		(void)field;
		if (strcmp(key, "Action") && strcmp(key, "Principal") && strcmp(key, "Args") &&
		    strcmp(key, "DryRun"))
			return api_fail(err, API_MalformedRequest,
					"unknown request field \"%s\" (expected Action, Principal, "
					"Args, DryRun)",
					key);
	}
	if (!json_object_object_get_ex(request, "Action", &value) ||
	    !json_object_is_type(value, json_type_string))
		return api_fail(err, API_MalformedRequest, "the request has no Action string");
	out->action = json_object_get_string(value);
	if (json_object_object_get_ex(request, "Principal", &value)) {
		if (!json_object_is_type(value, json_type_string))
			return api_fail(err, API_MalformedRequest, "Principal must be a string");
		out->principal = json_object_get_string(value);
	}
	if (json_object_object_get_ex(request, "Args", &value)) {
		if (!json_object_is_type(value, json_type_object))
			return api_fail(err, API_MalformedRequest, "Args must be an object");
		out->args = value;
	}
	if (json_object_object_get_ex(request, "DryRun", &value)) {
		if (!json_object_is_type(value, json_type_boolean))
			return api_fail(err, API_MalformedRequest, "DryRun must be true or false");
		out->dry_run = json_object_get_boolean(value);
	}
	return 0;
}

json_object *envelope_ok(json_object *result)
{
	json_object *answer = json_object_new_object();

	json_object_object_add(answer, "Ok", json_object_new_boolean(1));
	json_object_object_add(answer, "Result", result);
	return answer;
}

json_object *envelope_refusal(const struct api_error *err)
{
	json_object *error = json_object_new_object(), *answer = json_object_new_object();

	json_object_object_add(error, "Code", json_object_new_string(api_code_name(err->code)));
	json_object_object_add(error, "Message", json_object_new_string(err->message));
	json_object_object_add(answer, "Ok", json_object_new_boolean(0));
	json_object_object_add(answer, "Error", error);
	return answer;
}

static const char *text_of(json_object *object, const char *key)
{
	json_object *value;

	if (!json_object_object_get_ex(object, key, &value) ||
	    json_object_is_type(value, json_type_null))
		return "-";
	return json_object_get_string(value);
}

int envelope_read_answer(json_object *answer, json_object **result, const char **code,
			 const char **message)
{
	json_object *ok, *error = NULL;

	if (!json_object_object_get_ex(answer, "Ok", &ok) ||
	    !json_object_is_type(ok, json_type_boolean))
		return -1;
	if (json_object_get_boolean(ok)) {
		if (!json_object_object_get_ex(answer, "Result", result))
			*result = NULL;
		return 1;
	}
	json_object_object_get_ex(answer, "Error", &error);
	*code = text_of(error, "Code");
	*message = text_of(error, "Message");
	return 0;
}
