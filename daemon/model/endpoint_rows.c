/* SPDX-License-Identifier: MIT */
/* An endpoint's rows as services, connections and endpoints all see them: its id, its DNS
 * entries, and its deletion (endpoint_rows.h). */
#include "endpoint_rows.h"

#include <stdio.h>
#include <time.h>

#include "model_internal.h"
#include "private_dns.h"
#include "result.h"

int check_endpoint_id(const char *id, struct api_error *err)
{
	if (!id_is_endpoint(id))
		return api_fail(err, API_InvalidVpcEndpointId_Malformed,
				"'%s' is not an endpoint id (vpce- and 17 hex digits)", id);
	return 0;
}

static void add_dns_entry(json_object *entries, const char *name, const char *hosted_zone)
{
	json_object *entry = append_object(entries);

	put_string(entry, "DnsName", name);
	if (hosted_zone)
		put_string(entry, "HostedZoneId", hosted_zone);
}

/* The regional name first, then one zonal name per ENI; none once deleted. */
int endpoint_dns_entries(struct model *m, int64_t endpoint, json_object *entries,
			 struct api_error *err)
{
	const char *hosted_zone = vpce_hosted_zone(m->region);
	char name[DNS_NAME_MAX];
	sqlite3_stmt *stmt = store_query(
	    m->store,
	    "SELECT p.endpoint_id, p.dns_suffix, p.service_id, e.zone FROM endpoint p"
	    " LEFT JOIN eni e ON e.endpoint = p.id WHERE p.id = ? AND p.state != 'deleted'"
	    " ORDER BY e.zone",
	    SQL_ARGS(SQL_INT(endpoint)), err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0) {
		const char *id = store_column_text(stmt, 0), *suffix = store_column_text(stmt, 1);
		const char *service_id = store_column_text(stmt, 2);
		char zone_name[ZONE_MAX];

		if (json_object_array_length(entries) == 0) {
			endpoint_dns_name(name, sizeof(name), id, suffix, NULL, service_id,
					  m->region);
			add_dns_entry(entries, name, hosted_zone);
		}
		if (!zone_name_of(m->region, store_column_text(stmt, 3), zone_name))
			continue;
		endpoint_dns_name(name, sizeof(name), id, suffix, zone_name, service_id, m->region);
		add_dns_entry(entries, name, hosted_zone);
	}
	sqlite3_finalize(stmt);
	return rc < 0 ? -1 : endpoint_private_dns_entry(m, endpoint, entries, err);
}

int endpoint_mark_deleted(struct model *m, int64_t endpoint, struct api_error *err)
{
	if (store_exec(m->store, "DELETE FROM eni WHERE endpoint = ?", SQL_ARGS(SQL_INT(endpoint)),
		       err) < 0 ||
	    store_exec(m->store, "DELETE FROM endpoint_security_group WHERE endpoint = ?",
		       SQL_ARGS(SQL_INT(endpoint)), err) < 0 ||
	    store_exec(m->store, "UPDATE endpoint SET state = 'deleted', slot = NULL WHERE id = ?",
		       SQL_ARGS(SQL_INT(endpoint)), err) < 0 ||
	    store_exec(
		m->store,
		"INSERT OR REPLACE INTO endpoint_deleted (endpoint, deleted_at) VALUES (?, ?)",
		SQL_ARGS(SQL_INT(endpoint), SQL_INT((int64_t)time(NULL))), err) < 0)
		return -1;
	return 0;
}

/* Deleted endpoints, each with when it was deleted (0: before that was recorded). */
#define DELETED_ENDPOINTS                                                                          \
	" FROM endpoint p LEFT JOIN endpoint_deleted d ON d.endpoint = p.id"                       \
	" WHERE p.state = 'deleted'"

int model_purge_deleted_endpoints(struct model *m, int64_t now_unix, int64_t retention_s,
				  json_object *purged, struct api_error *err)
{
	int64_t before = now_unix - retention_s;
	sqlite3_stmt *stmt;
	int rc, count = 0;

	stmt = store_query(m->store,
			   "SELECT p.endpoint_id" DELETED_ENDPOINTS
			   " AND coalesce(d.deleted_at, 0) <= ? ORDER BY p.endpoint_id",
			   SQL_ARGS(SQL_INT(before)), err);
	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0) {
		json_object_array_add(purged, json_object_new_string(store_column_text(stmt, 0)));
		count++;
	}
	sqlite3_finalize(stmt);
	if (rc < 0 ||
	    (count && store_exec(m->store,
				 "DELETE FROM endpoint WHERE id IN (SELECT p.id" DELETED_ENDPOINTS
				 " AND coalesce(d.deleted_at, 0) <= ?)",
				 SQL_ARGS(SQL_INT(before)), err) < 0))
		return -1;
	return count;
}

int model_next_purge(struct model *m, int64_t retention_s, int64_t *deadline, struct api_error *err)
{
	return store_int(m->store,
			 "SELECT min(coalesce(d.deleted_at, 0)) + ?" DELETED_ENDPOINTS
			 " HAVING count(*) > 0",
			 SQL_ARGS(SQL_INT(retention_s)), deadline, err);
}
