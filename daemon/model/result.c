/* SPDX-License-Identifier: MIT */
/* The JSON of results, and timestamps (result.h). */
#include "result.h"

#include <time.h>

#include "model_internal.h"

void timestamp_now(char out[TIMESTAMP_MAX])
{
	time_t now = time(NULL);
	struct tm utc;

	gmtime_r(&now, &utc);
	strftime(out, TIMESTAMP_MAX, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

void put_string(json_object *object, const char *key, const char *value)
{
	json_object_object_add(object, key, json_object_new_string(value));
}

void put_int(json_object *object, const char *key, int64_t value)
{
	json_object_object_add(object, key, json_object_new_int64(value));
}

void put_bool(json_object *object, const char *key, bool value)
{
	json_object_object_add(object, key, json_object_new_boolean(value));
}

json_object *put_object(json_object *object, const char *key)
{
	json_object *member = json_object_new_object();

	json_object_object_add(object, key, member);
	return member;
}

json_object *put_array(json_object *object, const char *key)
{
	json_object *member = json_object_new_array();

	json_object_object_add(object, key, member);
	return member;
}

json_object *append_object(json_object *array)
{
	json_object *item = json_object_new_object();

	json_object_array_add(array, item);
	return item;
}

void put_first(json_object *object, const char *key, json_object *list)
{
	json_object_object_add(object, key, json_object_get(json_object_array_get_idx(list, 0)));
	json_object_put(list);
}

void append_string(json_object *array, const char *value)
{
	json_object_array_add(array, json_object_new_string(value));
}

int put_column(struct model *m, json_object *object, const char *key, const char *sql, int64_t id,
	       struct api_error *err)
{
	json_object *array = put_array(object, key);
	sqlite3_stmt *stmt = store_query(m->store, sql, SQL_ARGS(SQL_INT(id)), err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0)
		append_string(array, store_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return rc;
}
