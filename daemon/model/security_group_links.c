/* SPDX-License-Identifier: MIT */
/* The security groups of an endpoint: groups of its own VPC and account, at most five,
 * given at creation and changed by ModifyVpcEndpoint. An endpoint without groups lets every
 * consumer host of its VPC in (as before groups existed); once it has one, it keeps at
 * least one. */
#include <stdbool.h>

#include "checks.h"
#include "model_internal.h"
#include "result.h"
#include "security_group.h"

int endpoint_groups_add(struct model *m, const struct principal *caller, int64_t endpoint,
			int64_t vpc, json_object *ids, struct api_error *err)
{
	for (size_t i = 0; ids && i < json_object_array_length(ids); i++) {
		const char *group_id = json_object_get_string(json_object_array_get_idx(ids, i));
		char vpc_id[ID_MAX] = "";
		int64_t group, group_vpc = 0;

		if (sg_find(m, caller, group_id, &group, err) < 0 ||
		    store_int(m->store, "SELECT vpc FROM security_group WHERE id = ?",
			      SQL_ARGS(SQL_INT(group)), &group_vpc, err) < 0 ||
		    store_text(m->store, "SELECT vpc_id FROM vpc WHERE id = ?",
			       SQL_ARGS(SQL_INT(vpc)), vpc_id, sizeof(vpc_id), err) < 0)
			return -1;
		if (group_vpc != vpc)
			return api_fail(err, API_InvalidGroup_NotFound,
					"The security group '%s' does not exist in VPC '%s'",
					group_id, vpc_id);
		if (store_exec(m->store,
			       "INSERT OR IGNORE INTO endpoint_security_group (endpoint, sg)"
			       " VALUES (?, ?)",
			       SQL_ARGS(SQL_INT(endpoint), SQL_INT(group)), err) < 0)
			return -1;
	}
	return 0;
}

int endpoint_groups_remove(struct model *m, const struct principal *caller, int64_t endpoint,
			   json_object *ids, struct api_error *err)
{
	for (size_t i = 0; ids && i < json_object_array_length(ids); i++) {
		const char *group_id = json_object_get_string(json_object_array_get_idx(ids, i));
		int64_t group;

		if (sg_find(m, caller, group_id, &group, err) < 0 ||
		    store_exec(m->store,
			       "DELETE FROM endpoint_security_group WHERE endpoint = ? AND sg = ?",
			       SQL_ARGS(SQL_INT(endpoint), SQL_INT(group)), err) < 0)
			return -1;
		if (store_changes(m->store) == 0)
			return api_fail(
			    err, API_InvalidGroup_NotFound,
			    "The security group '%s' is not associated with the endpoint",
			    group_id);
	}
	return 0;
}

int endpoint_has_groups(struct model *m, int64_t endpoint, struct api_error *err)
{
	int64_t count = 0;

	if (store_int(m->store, "SELECT count(*) FROM endpoint_security_group WHERE endpoint = ?",
		      SQL_ARGS(SQL_INT(endpoint)), &count, err) < 0)
		return -1;
	return count > 0;
}

int endpoint_groups_check(struct model *m, int64_t endpoint, bool had_groups, struct api_error *err)
{
	int64_t count = 0;

	if (store_int(m->store, "SELECT count(*) FROM endpoint_security_group WHERE endpoint = ?",
		      SQL_ARGS(SQL_INT(endpoint)), &count, err) < 0)
		return -1;
	if (count > GROUPS_PER_ENDPOINT)
		return api_fail(err, API_SecurityGroupsPerInterfaceLimitExceeded,
				"The maximum number of security groups per interface has been "
				"reached (%d).",
				GROUPS_PER_ENDPOINT);
	if (had_groups && count == 0)
		return api_fail(err, API_InvalidParameter,
				"an interface endpoint with security groups keeps at least one "
				"(without any, every consumer host could connect)");
	return 0;
}

int endpoint_groups_json(struct model *m, int64_t endpoint, json_object *out, struct api_error *err)
{
	json_object *list = put_array(out, "Groups");
	sqlite3_stmt *stmt = store_query(m->store,
					 "SELECT g.group_id, g.name FROM endpoint_security_group l"
					 " JOIN security_group g ON g.id = l.sg"
					 " WHERE l.endpoint = ? ORDER BY g.group_id",
					 SQL_ARGS(SQL_INT(endpoint)), err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0) {
		json_object *item = append_object(list);

		put_string(item, "GroupId", store_column_text(stmt, 0));
		put_string(item, "GroupName", store_column_text(stmt, 1));
	}
	sqlite3_finalize(stmt);
	return rc;
}
