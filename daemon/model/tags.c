/* SPDX-License-Identifier: MIT */
/* Tags of the caller's resources (tags.h), and the actions CreateTags, DeleteTags and
 * DescribeTags. A resource is named by its id, or by its ARN for ELBv2's; whose API it is
 * decides the refusals' codes, as each API has its own. */
#include "tags.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "actions.h"
#include "args.h"
#include "model_internal.h"
#include "result.h"

#define KEY_MAX	  128 /* characters */
#define VALUE_MAX 256
#define ELB_ARN	  "arn:aws:elasticloadbalancing:"

/* A kind of resource that takes tags: how its id looks, and how the caller's is found. */
struct tagged_kind {
	const char *marker; /* the id's prefix, or (ELBv2) what its ARN holds */
	const char *type;   /* EC2's or ELBv2's resource type */
	bool elbv2;
	enum api_code not_found;
	const char *missing; /* the refusal, of the id */
	const char *owned_sql;
};

/* In this order: "vpce-svc-" before "vpce-". */
static const struct tagged_kind kinds[] = {
	{ "vpce-svc-", "vpc-endpoint-service", false, API_InvalidVpcEndpointServiceId_NotFound,
	  "The VpcEndpointService Id '%s' does not exist",
	  "SELECT 1 FROM service WHERE service_id = ?1 AND account = ?2" },
	{ "vpce-", "vpc-endpoint", false, API_InvalidVpcEndpointId_NotFound,
	  "The Vpc Endpoint Id '%s' does not exist",
	  "SELECT 1 FROM endpoint WHERE endpoint_id = ?1 AND account = ?2"
	  " AND state != 'deleted'" },
	{ "vpc-", "vpc", false, API_InvalidVpcID_NotFound, "The vpc ID '%s' does not exist",
	  "SELECT 1 FROM vpc WHERE vpc_id = ?1 AND account = ?2" },
	{ "subnet-", "subnet", false, API_InvalidSubnetID_NotFound,
	  "The subnet ID '%s' does not exist",
	  "SELECT 1 FROM subnet WHERE subnet_id = ?1 AND account = ?2" },
	{ ":loadbalancer/", "loadbalancer", true, API_LoadBalancerNotFound,
	  "Load balancer '%s' not found",
	  "SELECT 1 FROM load_balancer WHERE arn = ?1 AND account = ?2" },
	{ ":targetgroup/", "targetgroup", true, API_TargetGroupNotFound,
	  "Target group '%s' not found",
	  "SELECT 1 FROM target_group WHERE arn = ?1 AND account = ?2" },
	{ ":listener/", "listener", true, API_ListenerNotFound, "Listener '%s' not found",
	  "SELECT 1 FROM listener l JOIN load_balancer b ON b.id = l.lb"
	  " WHERE l.arn = ?1 AND b.account = ?2" },
};

static const struct tagged_kind *kind_of(const char *resource)
{
	bool arn = strncmp(resource, ELB_ARN, strlen(ELB_ARN)) == 0;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const struct tagged_kind *k = &kinds[i];

		if (k->elbv2 ? arn && strstr(resource, k->marker)
			     : !strncmp(resource, k->marker, strlen(k->marker)))
			return k;
	}
	return NULL;
}

/* The kind of the caller's resource `resource`; another account's is as missing. */
static const struct tagged_kind *find_resource(struct model *m, const struct principal *caller,
					       const char *resource, struct api_error *err)
{
	const struct tagged_kind *kind = kind_of(resource);
	int64_t found = 0;
	int rc;

	if (!kind) {
		api_fail(err, API_InvalidID, "The ID '%s' is not valid", resource);
		return NULL;
	}
	rc = store_int(m->store, kind->owned_sql,
		       SQL_ARGS(SQL_STR(resource), SQL_STR(caller->account)), &found, err);
	if (rc == 0)
		api_fail(err, kind->not_found, kind->missing, resource);
	return rc > 0 ? kind : NULL;
}

/* ---- Keys and values ----------------------------------------------------------------------- */

/* Characters of UTF-8 text, or -1 when it holds a control character (which no XML answer
 * could carry). */
static long characters(const char *utf8)
{
	long count = 0;

	for (const unsigned char *at = (const unsigned char *)utf8; *at; at++) {
		if (*at < 0x20 || *at == 0x7f)
			return -1;
		count += (*at & 0xc0) != 0x80;
	}
	return count;
}

static int check_key(const struct tagged_kind *kind, const char *key, struct api_error *err)
{
	long length = characters(key);

	if (length <= 0 || length > KEY_MAX)
		return api_fail(err,
				kind->elbv2 ? API_ValidationError : API_InvalidTagKey_Malformed,
				"Tag key '%s' is not valid: a key has 1 to %d characters, none a "
				"control character",
				key, KEY_MAX);
	if (strncasecmp(key, "aws:", 4) == 0)
		return api_fail(err, kind->elbv2 ? API_ValidationError : API_InvalidParameterValue,
				"Tag key '%s': keys starting with 'aws:' are reserved for internal "
				"use",
				key);
	return 0;
}

static int check_value(const struct tagged_kind *kind, const char *key, const char *value,
		       struct api_error *err)
{
	long length = characters(value);

	if (length < 0 || length > VALUE_MAX)
		return api_fail(err, kind->elbv2 ? API_ValidationError : API_InvalidParameterValue,
				"The value of tag '%s' is not valid: a value has at most %d "
				"characters, none a control character",
				key, VALUE_MAX);
	return 0;
}

/* Item `index` of Tags: {Key, Value} (a missing Value: "" to set, any to delete). */
static int read_tag(json_object *tags, size_t index, const char **key, const char **value,
		    struct api_error *err)
{
	struct args a;

	*key = NULL;
	*value = NULL;
	args_open_item(&a, tags, "Tags", index, err);
	args_string(&a, "Key", ARG_REQUIRED, key);
	args_string(&a, "Value", ARG_OPTIONAL, value);
	return args_close(&a);
}

/* Every key of Tags once, each valid for the kind. */
static int check_tags(const struct tagged_kind *kind, json_object *tags, bool deleting,
		      struct api_error *err)
{
	for (size_t i = 0; i < json_object_array_length(tags); i++) {
		const char *key, *value;

		if (read_tag(tags, i, &key, &value, err) < 0 || check_key(kind, key, err) < 0 ||
		    (!deleting && value && check_value(kind, key, value, err) < 0))
			return -1;
		for (size_t j = 0; j < i; j++) {
			const char *earlier, *ignored;

			read_tag(tags, j, &earlier, &ignored, err);
			if (strcmp(earlier, key) == 0)
				return api_fail(err,
						kind->elbv2 ? API_DuplicateTagKeys
							    : API_InvalidParameterValue,
						"Tag key '%s' is given twice", key);
		}
	}
	return 0;
}

/* Sets Tags on one resource of the kind, then holds it to its limit. */
static int set_tags(struct model *m, const struct principal *caller, const struct tagged_kind *kind,
		    const char *resource, json_object *tags, struct api_error *err)
{
	int64_t count = 0;

	for (size_t i = 0; i < json_object_array_length(tags); i++) {
		const char *key, *value;

		if (read_tag(tags, i, &key, &value, err) < 0 ||
		    store_exec(m->store,
			       "INSERT INTO tag (resource, type, account, key, value)"
			       " VALUES (?, ?, ?, ?, ?)"
			       " ON CONFLICT (resource, key) DO UPDATE SET value = excluded.value",
			       SQL_ARGS(SQL_STR(resource), SQL_STR(kind->type),
					SQL_STR(caller->account), SQL_STR(key),
					SQL_STR(value ? value : "")),
			       err) < 0)
			return -1;
	}
	if (store_int(m->store, "SELECT count(*) FROM tag WHERE resource = ?",
		      SQL_ARGS(SQL_STR(resource)), &count, err) < 0)
		return -1;
	if (count > TAGS_PER_RESOURCE)
		return api_fail(err, kind->elbv2 ? API_TooManyTags : API_TagLimitExceeded,
				"The maximum number of tags for resource '%s' is %d", resource,
				TAGS_PER_RESOURCE);
	return 0;
}

int tags_put(struct model *m, const struct principal *caller, const char *resource,
	     json_object *tags, struct api_error *err)
{
	const struct tagged_kind *kind = kind_of(resource);

	if (!tags || !kind)
		return 0;
	return check_tags(kind, tags, false, err) < 0
		   ? -1
		   : set_tags(m, caller, kind, resource, tags, err);
}

int put_tags(struct model *m, json_object *object, const char *resource, struct api_error *err)
{
	json_object *list = put_array(object, "Tags");
	sqlite3_stmt *stmt =
	    store_query(m->store, "SELECT key, value FROM tag WHERE resource = ? ORDER BY key",
			SQL_ARGS(SQL_STR(resource)), err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0) {
		json_object *tag = append_object(list);

		put_string(tag, "Key", store_column_text(stmt, 0));
		put_string(tag, "Value", store_column_text(stmt, 1));
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* ---- The actions ---------------------------------------------------------------------------- */

static int delete_tags(struct model *m, const char *resource, json_object *tags,
		       struct api_error *err)
{
	if (!tags)
		return store_exec(m->store, "DELETE FROM tag WHERE resource = ?",
				  SQL_ARGS(SQL_STR(resource)), err);
	for (size_t i = 0; i < json_object_array_length(tags); i++) {
		const char *key, *value;

		/* A value given deletes the tag only when it has that value, as EC2 does. */
		if (read_tag(tags, i, &key, &value, err) < 0 ||
		    store_exec(m->store,
			       "DELETE FROM tag WHERE resource = ?1 AND key = ?2"
			       " AND (?3 IS NULL OR value = ?3)",
			       SQL_ARGS(SQL_STR(resource), SQL_STR(key), SQL_STR(value)), err) < 0)
			return -1;
	}
	return 0;
}

/* CreateTags and DeleteTags: every resource is checked before any is changed. */
static int change_tags(struct model *m, const struct principal *caller, json_object *args,
		       bool deleting, struct api_error *err)
{
	json_object *resources = NULL, *tags = NULL;
	struct args a;

	args_open(&a, args, err);
	args_list(&a, "Resources", ARG_REQUIRED, json_type_string, &resources);
	args_list(&a, "Tags", deleting ? ARG_OPTIONAL : ARG_REQUIRED, json_type_object, &tags);
	if (args_close(&a) < 0)
		return -1;
	if (json_object_array_length(resources) == 0)
		return api_fail(err, API_InvalidParameterValue, "Resources names no resource");
	if (!deleting && json_object_array_length(tags) == 0)
		return api_fail(err, API_InvalidParameterValue, "Tags names no tag");
	for (size_t i = 0; i < json_object_array_length(resources); i++) {
		const char *resource =
		    json_object_get_string(json_object_array_get_idx(resources, i));
		const struct tagged_kind *kind = find_resource(m, caller, resource, err);

		if (!kind || (tags && check_tags(kind, tags, deleting, err) < 0) ||
		    (deleting ? delete_tags(m, resource, tags, err)
			      : set_tags(m, caller, kind, resource, tags, err)) < 0)
			return -1;
	}
	return 0;
}

int tags_create(struct model *m, const struct principal *caller, json_object *args,
		json_object **result, struct api_error *err)
{
	(void)result;
	return change_tags(m, caller, args, false, err);
}

int tags_delete(struct model *m, const struct principal *caller, json_object *args,
		json_object **result, struct api_error *err)
{
	(void)result;
	return change_tags(m, caller, args, true, err);
}

static int append_tags(struct model *m, const char *account, const char *resource,
		       json_object *list, struct api_error *err)
{
	sqlite3_stmt *stmt =
	    store_query(m->store,
			"SELECT resource, type, key, value FROM tag WHERE account = ?1"
			" AND (?2 IS NULL OR resource = ?2) ORDER BY resource, key",
			SQL_ARGS(SQL_STR(account), SQL_STR(resource)), err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0) {
		json_object *tag = append_object(list);

		put_string(tag, "ResourceId", store_column_text(stmt, 0));
		put_string(tag, "ResourceType", store_column_text(stmt, 1));
		put_string(tag, "Key", store_column_text(stmt, 2));
		put_string(tag, "Value", store_column_text(stmt, 3));
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* The caller's tags, of the resources named (each must be the caller's) or of all. */
int tags_describe(struct model *m, const struct principal *caller, json_object *args,
		  json_object **result, struct api_error *err)
{
	json_object *resources = NULL, *list;
	struct args a;

	args_open(&a, args, err);
	args_list(&a, "Resources", ARG_OPTIONAL, json_type_string, &resources);
	if (args_close(&a) < 0)
		return -1;
	*result = json_object_new_object();
	list = put_array(*result, "Tags");
	if (!resources)
		return append_tags(m, caller->account, NULL, list, err);
	for (size_t i = 0; i < json_object_array_length(resources); i++) {
		const char *resource =
		    json_object_get_string(json_object_array_get_idx(resources, i));

		if (!find_resource(m, caller, resource, err) ||
		    append_tags(m, caller->account, resource, list, err) < 0)
			return -1;
	}
	return 0;
}

int tags_put_row(struct model *m, const struct principal *caller, const char *key_sql, int64_t id,
		 json_object *tags, struct api_error *err)
{
	char resource[ARN_MAX] = "";

	if (!tags)
		return 0;
	if (store_text(m->store, key_sql, SQL_ARGS(SQL_INT(id)), resource, sizeof(resource), err) <=
	    0)
		return api_fail(err, API_InternalError, "the new resource %lld has no id",
				(long long)id);
	return tags_put(m, caller, resource, tags, err);
}
