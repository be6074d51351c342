/* SPDX-License-Identifier: MIT */
/* Private DNS names: a provider proves a name with a TXT record (the DNS front door looks
 * it up, model_dns.h), and a consumer's endpoint resolves it only once it is verified
 * (private_dns.h). Also what the resolver reads: the endpoints whose names resolve. */
#include "private_dns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "args.h"
#include "model_dns.h"
#include "model_internal.h"
#include "owned.h"
#include "result.h"
#include "rows.h"

/* ---- The consumer's switch --------------------------------------------------------------- */

int endpoint_set_private_dns(struct model *m, int64_t endpoint, bool enabled, struct api_error *err)
{
	char service_id[ID_MAX] = "", name[DNS_NAME_MAX] = "", state[24] = "";
	char service[DNS_NAME_MAX];

	if (enabled &&
	    (store_text(m->store, "SELECT service_id FROM endpoint WHERE id = ?",
			SQL_ARGS(SQL_INT(endpoint)), service_id, sizeof(service_id), err) < 0 ||
	     store_text(
		 m->store,
		 "SELECT s.private_dns_name FROM endpoint p JOIN service s ON s.id = p.service"
		 " WHERE p.id = ?",
		 SQL_ARGS(SQL_INT(endpoint)), name, sizeof(name), err) < 0 ||
	     store_text(
		 m->store,
		 "SELECT s.private_dns_state FROM endpoint p JOIN service s ON s.id = p.service"
		 " WHERE p.id = ?",
		 SQL_ARGS(SQL_INT(endpoint)), state, sizeof(state), err) < 0))
		return -1;
	service_name(service, sizeof(service), m->region, service_id);
	if (enabled && !name[0])
		return api_fail(err, API_InvalidParameter,
				"Private DNS can't be enabled because the service %s does not "
				"provide a private DNS name.",
				service);
	if (enabled && strcmp(state, "verified") != 0)
		return api_fail(
		    err, API_InvalidParameter,
		    "Private DNS can't be enabled because the private DNS name %s of the "
		    "service %s is not verified (it is %s).",
		    name, service, state);
	return store_exec(m->store, "UPDATE endpoint SET private_dns = ? WHERE id = ?",
			  SQL_ARGS(SQL_INT(enabled), SQL_INT(endpoint)), err);
}

int endpoint_private_dns_entry(struct model *m, int64_t endpoint, json_object *entries,
			       struct api_error *err)
{
	char name[DNS_NAME_MAX] = "";
	int rc = store_text(m->store,
			    "SELECT s.private_dns_name FROM endpoint p JOIN service s"
			    " ON s.id = p.service WHERE p.id = ? AND p.private_dns"
			    " AND s.private_dns_state = 'verified' AND p.state != 'deleted'",
			    SQL_ARGS(SQL_INT(endpoint)), name, sizeof(name), err);

	if (rc > 0)
		put_string(append_object(entries), "DnsName", name);
	return rc < 0 ? -1 : 0;
}

/* ---- The provider's verification ------------------------------------------------------------ */

/* StartVpcEndpointServicePrivateDnsVerification: the name is pending again, and the DNS
 * front door looks its TXT record up at once. */
int private_dns_verify(struct model *m, const struct principal *caller, json_object *args,
		       json_object **result, struct api_error *err)
{
	const char *service_id = NULL;
	int64_t service, named = 0;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "ServiceId", ARG_REQUIRED, &service_id);
	if (args_close(&a) < 0 ||
	    find_owned(m, &ENDPOINT_SERVICE, caller->account, service_id, &service, err) < 0 ||
	    store_int(m->store, "SELECT private_dns_name IS NOT NULL FROM service WHERE id = ?",
		      SQL_ARGS(SQL_INT(service)), &named, err) < 0)
		return -1;
	if (!named)
		return api_fail(err, API_InvalidParameter,
				"The endpoint service %s has no private DNS name to verify",
				service_id);
	if (store_exec(m->store,
		       "UPDATE service SET private_dns_state = 'pendingVerification' WHERE id = ?",
		       SQL_ARGS(SQL_INT(service)), err) < 0)
		return -1;
	*result = json_object_new_object();
	put_bool(*result, "ReturnValue", true);
	return 0;
}

static void fill_check(sqlite3_stmt *row, void *element)
{
	struct model_private_dns_check *c = element;
	const char *name = store_column_text(row, 1);

	snprintf(c->service_id, sizeof(c->service_id), "%s", store_column_text(row, 0));
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (strncmp(name, "*.", 2) == 0)
		name += 2; /* a wildcard is proved on the name it covers */
	snprintf(c->txt_name, sizeof(c->txt_name), "%s.%s", store_column_text(row, 2), name);
	snprintf(c->value, sizeof(c->value), "%s", store_column_text(row, 3));
	snprintf(c->state, sizeof(c->state), "%s", store_column_text(row, 4));
}

int model_private_dns_checks(struct model *m, struct model_private_dns_check **checks,
			     size_t *count, struct api_error *err)
{
	*checks =
	    load_rows(m,
		      "SELECT service_id, private_dns_name, private_dns_record,"
		      " private_dns_value, private_dns_state FROM service"
		      " WHERE private_dns_name IS NOT NULL AND private_dns_state != 'verified'"
		      " ORDER BY service_id",
		      sizeof(**checks), fill_check, count, err);
	return *checks ? 0 : -1;
}

int model_private_dns_result(struct model *m, const struct model_private_dns_check *check,
			     bool found, struct api_error *err)
{
	const char *state = found ? "verified" : "failed";

	if (store_exec(m->store,
		       "UPDATE service SET private_dns_state = ? WHERE service_id = ?"
		       " AND private_dns_name = ? AND private_dns_value = ?"
		       " AND private_dns_state != ?",
		       SQL_ARGS(SQL_STR(state), SQL_STR(check->service_id), SQL_STR(check->name),
				SQL_STR(check->value), SQL_STR(state)),
		       err) < 0)
		return -1;
	return store_changes(m->store) > 0;
}

/* ---- What the resolver answers ---------------------------------------------------------------- */

/* One row per ENI of an available endpoint. A zone is healthy for an ENI when its load
 * balancer has a healthy target there, or anywhere with cross-zone on. */
static const char endpoint_rows_sql[] =
    "WITH healthy (lb, zone) AS ("
    "  SELECT DISTINCT t.lb, CASE WHEN b.cross_zone THEN '*' ELSE t.zone END"
    "  FROM target_state t JOIN load_balancer b ON b.id = t.lb WHERE t.state = 'healthy')"
    " SELECT p.endpoint_id, p.dns_suffix, p.service_id, p.account,"
    "  CASE WHEN p.private_dns AND s.private_dns_state = 'verified'"
    "   THEN s.private_dns_name ELSE '' END,"
    "  e.zone, e.address,"
    "  EXISTS (SELECT 1 FROM healthy h WHERE h.lb = e.lb AND h.zone IN ('*', e.zone)),"
    "  v.vpc_id"
    " FROM endpoint p JOIN eni e ON e.endpoint = p.id JOIN vpc v ON v.id = p.vpc"
    " LEFT JOIN service s ON s.id = p.service"
    " WHERE p.state = 'available' ORDER BY p.endpoint_id, e.zone";

static void start_endpoint(struct model_dns_endpoint *e, sqlite3_stmt *row)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->endpoint_id, sizeof(e->endpoint_id), "%s", store_column_text(row, 0));
	snprintf(e->dns_suffix, sizeof(e->dns_suffix), "%s", store_column_text(row, 1));
	snprintf(e->service_id, sizeof(e->service_id), "%s", store_column_text(row, 2));
	snprintf(e->account, sizeof(e->account), "%s", store_column_text(row, 3));
	snprintf(e->private_name, sizeof(e->private_name), "%s", store_column_text(row, 4));
	snprintf(e->vpc_id, sizeof(e->vpc_id), "%s", store_column_text(row, 8));
}

static void add_eni(struct model_dns_endpoint *e, sqlite3_stmt *row)
{
	struct model_dns_eni *eni;

	if (e->eni_count == MODEL_DNS_MAX_ENIS) /* one per zone: cannot happen */
		return;
	eni = &e->enis[e->eni_count++];
	snprintf(eni->zone, sizeof(eni->zone), "%s", store_column_text(row, 5));
	eni->addr = column_addr(row, 6);
	eni->healthy = sqlite3_column_int(row, 7) != 0;
}

static void fill_vpc(sqlite3_stmt *row, void *element)
{
	struct model_dns_vpc *v = element;

	snprintf(v->vpc_id, sizeof(v->vpc_id), "%s", store_column_text(row, 0));
	snprintf(v->interface, sizeof(v->interface), "%s", store_column_text(row, 1));
	v->first = (uint32_t)sqlite3_column_int64(row, 2);
	v->last = (uint32_t)sqlite3_column_int64(row, 3);
}

int model_dns_vpcs(struct model *m, struct model_dns_vpc **vpcs, size_t *count,
		   struct api_error *err)
{
	*vpcs = load_rows(m, "SELECT vpc_id, interface, first, last FROM vpc ORDER BY vpc_id",
			  sizeof(**vpcs), fill_vpc, count, err);
	return *vpcs ? 0 : -1;
}

int model_dns_endpoints(struct model *m, struct model_dns_endpoint **endpoints, size_t *count,
			struct api_error *err)
{
	sqlite3_stmt *stmt = store_query(m->store, endpoint_rows_sql, NO_ARGS, err);
	struct model_dns_endpoint *list = NULL;
	size_t used = 0, capacity = 0;
	int rc;

	*endpoints = NULL;
	*count = 0;
	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0) {
		if (!used || strcmp(list[used - 1].endpoint_id, store_column_text(stmt, 0)) != 0) {
			if (used == capacity) {
				size_t grown = capacity ? 2 * capacity : 64;
				struct model_dns_endpoint *bigger =
				    realloc(list, grown * sizeof(*list));

				if (!bigger) {
					rc = api_fail(err, API_InternalError, "out of memory");
					break;
				}
				list = bigger;
				capacity = grown;
			}
			start_endpoint(&list[used++], stmt);
		}
		add_eni(&list[used - 1], stmt);
	}
	sqlite3_finalize(stmt);
	if (rc < 0) {
		free(list);
		return -1;
	}
	*endpoints = list;
	*count = used;
	return 0;
}
