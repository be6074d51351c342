/* SPDX-License-Identifier: MIT */
/* Reading the agent's results: values by dotted path, with "-" for what is absent,
 * so that printers stay one line per column. */
#include <string.h>

#include "cli.h"

json_object *jget(json_object *obj, const char *path)
{
	char key[64];

	while (obj && *path) {
		size_t len = strcspn(path, ".");

		if (len >= sizeof(key) || !json_object_is_type(obj, json_type_object))
			return NULL;
		memcpy(key, path, len);
		key[len] = '\0';
		if (!json_object_object_get_ex(obj, key, &obj))
			return NULL;
		path += len + (path[len] == '.');
	}
	return obj;
}

const char *jstr(json_object *obj, const char *path)
{
	json_object *value = jget(obj, path);

	return value ? json_object_get_string(value) : "-";
}

int64_t jint(json_object *obj, const char *path)
{
	return json_object_get_int64(jget(obj, path));
}

bool jbool(json_object *obj, const char *path)
{
	return json_object_get_boolean(jget(obj, path));
}

size_t jlen(json_object *obj, const char *path)
{
	json_object *array = jget(obj, path);

	return json_object_is_type(array, json_type_array) ? json_object_array_length(array) : 0;
}

json_object *jitem(json_object *obj, const char *path, size_t index)
{
	return index < jlen(obj, path) ? json_object_array_get_idx(jget(obj, path), index) : NULL;
}

const char *on_off(bool value)
{
	return value ? "on" : "off";
}

void arn_resource_name(const char *arn, char *out, size_t size)
{
	const char *end = strrchr(arn, '/');
	const char *start = end;

	while (start && start > arn && start[-1] != '/')
		start--;
	if (!end || !start || start == arn) {
		snprintf(out, size, "%s", arn);
		return;
	}
	snprintf(out, size, "%.*s", (int)(end - start), start);
}
