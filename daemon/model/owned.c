/* SPDX-License-Identifier: MIT */
/* Resources the caller owns (owned.h). */
#include "owned.h"

#include <stdio.h>

#include "args.h"
#include "checks.h"
#include "model_internal.h"
#include "result.h"

const struct resource_kind LOAD_BALANCER = {
	"load_balancer", "name", API_LoadBalancerNotFound, "no load balancer named ", "", "Names"
};
const struct resource_kind TARGET_GROUP = {
	"target_group", "name", API_TargetGroupNotFound, "no target group named ", "", "Names"
};
const struct resource_kind ENDPOINT_SERVICE = { "service",
						"service_id",
						API_InvalidVpcEndpointServiceId_NotFound,
						"The VpcEndpointService Id '",
						"' does not exist",
						"ServiceIds" };
const struct resource_kind ENDPOINT = { "endpoint",
					"endpoint_id",
					API_InvalidVpcEndpointId_NotFound,
					"The Vpc Endpoint Id '",
					"' does not exist",
					"VpcEndpointIds" };
const struct resource_kind VPC = { "vpc",	   "vpc_id",	       API_InvalidVpcID_NotFound,
				   "The vpc ID '", "' does not exist", "VpcIds" };
const struct resource_kind SUBNET = {
	"subnet",	   "subnet_id",	       API_InvalidSubnetID_NotFound,
	"The subnet ID '", "' does not exist", "SubnetIds"
};

const struct resource_kind SECURITY_GROUP = { "security_group",		 "group_id",
					      API_InvalidGroup_NotFound, "The security group '",
					      "' does not exist",	 "GroupIds" };

int lookup_owned(struct model *m, const struct resource_kind *kind, const char *account,
		 const char *key, int64_t *id, struct api_error *err)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE %s = ? AND account = ?", kind->table,
		 kind->key_column);
	return store_int(m->store, sql, SQL_ARGS(SQL_STR(key), SQL_STR(account)), id, err);
}

int created_result(struct model *m, int64_t id, resource_json_fn *to_json, const char *key,
		   json_object **result, struct api_error *err)
{
	json_object *one = json_object_new_array();
	int rc = to_json(m, id, one, err);

	*result = json_object_new_object();
	put_first(*result, key, one);
	return rc;
}

int describe_owned(struct model *m, const struct resource_kind *kind, const char *account,
		   json_object *args, resource_json_fn *to_json, const char *list_name,
		   json_object **result, struct api_error *err)
{
	json_object *names = NULL, *list;
	sqlite3_stmt *stmt;
	struct args a;
	char sql[128];
	int64_t id;
	int rc;

	args_open(&a, args, err);
	args_list(&a, kind->keys_arg, ARG_OPTIONAL, json_type_string, &names);
	if (args_close(&a) < 0)
		return -1;
	*result = json_object_new_object();
	list = put_array(*result, list_name);
	for (size_t i = 0; names && i < json_object_array_length(names); i++) {
		const char *key = json_object_get_string(json_object_array_get_idx(names, i));

		if (find_owned(m, kind, account, key, &id, err) < 0 ||
		    to_json(m, id, list, err) < 0)
			return -1;
	}
	if (names)
		return 0;
	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE account = ? ORDER BY %s", kind->table,
		 kind->key_column);
	stmt = store_query(m->store, sql, SQL_ARGS(SQL_STR(account)), err);
	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0 &&
	       (rc = to_json(m, sqlite3_column_int64(stmt, 0), list, err)) == 0)
		;
	sqlite3_finalize(stmt);
	return rc;
}

int delete_owned_unless_used(struct model *m, const struct resource_kind *kind,
			     const struct principal *caller, json_object *args,
			     const char *in_use_sql, const char *before, const char *after,
			     struct api_error *err)
{
	const char *name = NULL;
	struct args a;
	char sql[128];
	int64_t id;

	args_open(&a, args, err);
	args_string(&a, "Name", ARG_REQUIRED, &name);
	if (args_close(&a) < 0 || find_owned(m, kind, caller->account, name, &id, err) < 0 ||
	    refuse_if_found(m, in_use_sql, SQL_ARGS(SQL_INT(id)), err, API_ResourceInUse, "%s%s%s",
			    before, name, after) < 0)
		return -1;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = ?", kind->table);
	return store_exec(m->store, sql, SQL_ARGS(SQL_INT(id)), err);
}

int fail_not_found(const struct resource_kind *kind, const char *key, struct api_error *err)
{
	return api_fail(err, kind->not_found, "%s%s%s", kind->before, key, kind->after);
}

int find_owned(struct model *m, const struct resource_kind *kind, const char *account,
	       const char *key, int64_t *id, struct api_error *err)
{
	int rc = lookup_owned(m, kind, account, key, id, err);

	if (rc == 0)
		return fail_not_found(kind, key, err);
	return rc < 0 ? -1 : 0;
}
