/* SPDX-License-Identifier: MIT */
/* An endpoint's rows as services, connections and endpoints all see them: its id, its DNS
 * entries, and its deletion (endpoint_rows.h). */
#include "endpoint_rows.h"

#include <stdio.h>

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
		       SQL_ARGS(SQL_INT(endpoint)), err) < 0)
		return -1;
	return 0;
}
