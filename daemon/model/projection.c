/* SPDX-License-Identifier: MIT */
/* What the data path must hold, read from the store: frontends (listeners of ENIs, and
 * markers of node IPs), endpoints, Maglev tables with their members, backends, members,
 * pools and interfaces; all of them at start, the keys of a change's scope after it. The
 * daemon writes it to the maps. Each query takes the scope's keys of its kind as a JSON
 * array (json_each), or reads every row. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "model_internal.h"
#include "rows.h"

static void fill_frontend(sqlite3_stmt *row, void *element)
{
	struct dp_frontend *fe = element;

	*fe = (struct dp_frontend){
		.eni_addr = column_addr(row, 0),
		.port = column_port(row, 1),
		.endpoint = column_u32(row, 2),
		.table = column_u32(row, 3),
		.snat_addr = column_addr(row, 4),
		.proxy_v2 = sqlite3_column_int(row, 5) != 0,
		.security_groups = sqlite3_column_int(row, 7) != 0,
	};
	snprintf(fe->iface, sizeof(fe->iface), "%s", store_column_text(row, 6));
}

/* Whether the endpoint p has security groups. */
#define GUARDED "EXISTS (SELECT 1 FROM endpoint_security_group WHERE endpoint = p.id)"

/* Per ENI its own entry (port 0), and one per listener of the load balancer it uses,
 * reaching the listener's group in the ENI's zone, or in every zone with cross-zone;
 * each serves the interface of the ENI's VPC only. `ONLY(column)` keeps the rows whose
 * address is in the scope. (The markers of node IPs follow the pools: the data path
 * adds them.) */
/* clang-format off */
#define FRONTENDS_SQL(ONLY)                                                                        \
	"SELECT e.address, 0, p.slot, 0, z.address, 0, v.interface, " GUARDED " FROM eni e"        \
	" JOIN endpoint p ON p.id = e.endpoint"                                                    \
	" JOIN subnet s ON s.id = e.subnet JOIN vpc v ON v.id = s.vpc"                             \
	" LEFT JOIN lb_zone z ON z.lb = e.lb AND z.zone = e.zone"                                  \
	ONLY("e.address")                                                                          \
	" UNION ALL"                                                                               \
	" SELECT e.address, l.port, p.slot, t.slot, z.address, g.proxy_protocol_v2, v.interface,"  \
	" " GUARDED " FROM eni e"                                                                  \
	" JOIN endpoint p ON p.id = e.endpoint"                                                    \
	" JOIN subnet s ON s.id = e.subnet JOIN vpc v ON v.id = s.vpc"                             \
	" JOIN load_balancer lb ON lb.id = e.lb"                                                   \
	" JOIN lb_zone z ON z.lb = e.lb AND z.zone = e.zone"                                       \
	" JOIN listener l ON l.lb = e.lb JOIN target_group g ON g.id = l.tg"                       \
	" JOIN maglev_table t ON t.tg = l.tg"                                                      \
	"  AND t.scope = CASE WHEN lb.cross_zone THEN 'all' ELSE e.zone END"                       \
	ONLY("e.address")                                                                          \
	" ORDER BY 3, 1, 2"
/* clang-format on */
#define EVERY(column)  ""
#define SCOPED(column) " WHERE " column " IN (SELECT value FROM json_each(?1))"

static void fill_endpoint(sqlite3_stmt *row, void *element)
{
	struct dp_endpoint *endpoint = element;

	endpoint->slot = column_u32(row, 0);
	endpoint->state = xl_endpoint_state_parse(store_column_text(row, 1));
	snprintf(endpoint->id, sizeof(endpoint->id), "%s", store_column_text(row, 2));
	snprintf(endpoint->service_id, sizeof(endpoint->service_id), "%s",
		 store_column_text(row, 3));
}

/* A registration of a target in a group, as the tables and flags need it. */
struct registration {
	int64_t group;
	uint32_t backend;
	uint32_t member;
	uint32_t addr;
	uint16_t port;
	char zone[ZONE_MAX];
	char state[16];
	bool unhealthy_termination;
	bool in_table; /* of some Maglev table */
};

static void fill_registration(sqlite3_stmt *row, void *element)
{
	struct registration *r = element;

	r->group = sqlite3_column_int64(row, 0);
	r->backend = column_u32(row, 1);
	r->member = column_u32(row, 2);
	snprintf(r->zone, sizeof(r->zone), "%s", store_column_text(row, 3));
	snprintf(r->state, sizeof(r->state), "%s", store_column_text(row, 4));
	r->addr = column_addr(row, 5);
	r->port = column_port(row, 6);
	r->unhealthy_termination = sqlite3_column_int(row, 7);
}

/* May take new flows: registered, in use, not draining. */
static bool candidate(const struct registration *r, int64_t group, const char *scope)
{
	return r->group == group && strcmp(r->state, "draining") != 0 &&
	       strcmp(r->state, "unused") != 0 &&
	       (strcmp(scope, "all") == 0 || strcmp(scope, r->zone) == 0);
}

struct table_row {
	uint32_t slot;
	int64_t group;
	char scope[ZONE_MAX];
};

static void fill_table_row(sqlite3_stmt *row, void *element)
{
	struct table_row *table = element;

	table->slot = column_u32(row, 0);
	table->group = sqlite3_column_int64(row, 1);
	snprintf(table->scope, sizeof(table->scope), "%s", store_column_text(row, 2));
}

/* The healthy candidates; when there is none, every candidate (AWS fails open). */
static int fill_members(struct dp_table *table, const struct table_row *row,
			struct registration *regs, size_t reg_count, struct api_error *err)
{
	size_t healthy = 0;

	for (size_t i = 0; i < reg_count; i++)
		healthy += candidate(&regs[i], row->group, row->scope) &&
			   strcmp(regs[i].state, "healthy") == 0;
	table->slot = row->slot;
	table->members = calloc(reg_count + 1, sizeof(*table->members));
	if (!table->members)
		return api_fail(err, API_InternalError, "out of memory");
	for (size_t i = 0; i < reg_count; i++) {
		if (!candidate(&regs[i], row->group, row->scope) ||
		    (healthy && strcmp(regs[i].state, "healthy") != 0))
			continue;
		regs[i].in_table = true;
		table->members[table->count++] =
		    (struct dp_table_member){ .member = regs[i].member,
					      .backend = regs[i].backend,
					      .addr = regs[i].addr,
					      .port = regs[i].port };
	}
	return 0;
}

/* The scope's keys of one kind as a JSON array (of dotted addresses for `addresses`),
 * the parameter of a query that reads only them; NULL when memory ran out. */
static char *keys_json(const struct dp_keys *keys, bool addresses)
{
	size_t size = 3 + keys->count * 19, used = 0; /* "[", items, "]", NUL */
	char *json = malloc(size);

	if (!json)
		return NULL;
	json[used++] = '[';
	for (size_t i = 0; i < keys->count; i++) {
		const char *comma = i ? "," : "";

		if (addresses) {
			struct in_addr addr = { .s_addr = keys->keys[i] };
			char text[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &addr, text, sizeof(text));
			used += (size_t)snprintf(json + used, size - used, "%s\"%s\"", comma, text);
		} else {
			used += (size_t)snprintf(json + used, size - used, "%s%u", comma,
						 keys->keys[i]);
		}
	}
	snprintf(json + used, size - used, "]");
	return json;
}

/* load_rows of `every` (all rows) or `scoped` (rows of the keys, bound as ?1). */
static void *load_scoped(struct model *m, const struct dataplane_scope *scope,
			 const struct dp_keys *keys, bool addresses, const char *every,
			 const char *scoped, size_t element_size, row_fn *fill, size_t *count,
			 struct api_error *err)
{
	char *json;
	void *rows;

	if (scope->all)
		return load_rows(m, every, element_size, fill, count, err);
	json = keys_json(keys, addresses);
	if (!json) {
		api_fail(err, API_InternalError, "out of memory");
		return NULL;
	}
	rows = load_rows_with(m, scoped, SQL_ARGS(SQL_STR(json)), element_size, fill, count, err);
	free(json);
	return rows;
}

static int load_tables(struct model *m, struct dataplane *dp, struct registration *regs,
		       size_t reg_count, struct api_error *err)
{
	size_t count = 0;
	struct table_row *rows =
	    load_scoped(m, dp->scope, &dp->scope->tables, false,
			"SELECT slot, tg, scope FROM maglev_table ORDER BY slot",
			"SELECT slot, tg, scope FROM maglev_table WHERE slot IN (SELECT value FROM "
			"json_each(?1))"
			" ORDER BY slot",
			sizeof(*rows), fill_table_row, &count, err);
	int rc = 0;

	if (!rows)
		return -1;
	dp->tables = calloc(count + 1, sizeof(*dp->tables));
	if (!dp->tables) {
		free(rows);
		return api_fail(err, API_InternalError, "out of memory");
	}
	for (size_t i = 0; rc == 0 && i < count; i++) {
		rc = fill_members(&dp->tables[i], &rows[i], regs, reg_count, err);
		dp->table_count = i + 1;
	}
	free(rows);
	return rc;
}

/* A target's flows are reset when a registration asks for it (unhealthy with
 * termination on and out of every table, or drained with termination on) and no
 * registration of the same address and port still serves them. */
static uint8_t backend_flags(uint32_t slot, bool drained_reset, const struct registration *regs,
			     size_t reg_count)
{
	bool reset = drained_reset, keep = false;

	for (size_t i = 0; i < reg_count; i++) {
		bool cut;

		if (regs[i].backend != slot)
			continue;
		cut = strcmp(regs[i].state, "unhealthy") == 0 && regs[i].unhealthy_termination &&
		      !regs[i].in_table;
		reset |= cut;
		keep |= !cut;
	}
	return reset && !keep ? XL_BE_RESET_FLOWS : 0;
}

static void fill_backend(sqlite3_stmt *row, void *element)
{
	struct dp_backend *backend = element;

	backend->slot = column_u32(row, 0);
	backend->addr = column_addr(row, 1);
	backend->port = column_port(row, 2);
	backend->flags = (uint8_t)sqlite3_column_int(row, 3); /* drained_reset, for now */
}

#define REGISTRATIONS_SQL                                                                          \
	"SELECT s.tg, s.backend, s.member, s.zone, s.state, s.address, s.port,"                    \
	" g.unhealthy_termination FROM target_state s JOIN target_group g ON g.id = s.tg"

/* The registrations of the scope's tables' groups and of its backends: what the tables
 * hold, and whether each registration of a backend is in some table of its group (the
 * scope holds every table of those groups). */
static struct registration *load_registrations(struct model *m, const struct dataplane_scope *scope,
					       size_t *count, struct api_error *err)
{
	char *tables, *backends;
	struct registration *regs;

	if (scope->all)
		return load_rows(m, REGISTRATIONS_SQL " ORDER BY s.backend, s.tg", sizeof(*regs),
				 fill_registration, count, err);
	tables = keys_json(&scope->tables, false);
	backends = keys_json(&scope->backends, false);
	regs = tables && backends
		   ? load_rows_with(m,
				    REGISTRATIONS_SQL
				    " WHERE s.tg IN (SELECT tg FROM maglev_table WHERE slot IN"
				    " (SELECT value FROM json_each(?1)))"
				    " OR s.backend IN (SELECT value FROM json_each(?2))"
				    " ORDER BY s.backend, s.tg",
				    SQL_ARGS(SQL_STR(tables), SQL_STR(backends)), sizeof(*regs),
				    fill_registration, count, err)
		   : NULL;
	if (!tables || !backends)
		api_fail(err, API_InternalError, "out of memory");
	free(tables);
	free(backends);
	return regs;
}

static int load_tables_and_backends(struct model *m, struct dataplane *dp, struct api_error *err)
{
	size_t reg_count = 0;
	struct registration *regs = load_registrations(m, dp->scope, &reg_count, err);
	int rc = -1;

	if (regs && load_tables(m, dp, regs, reg_count, err) == 0) {
		dp->backends = load_scoped(
		    m, dp->scope, &dp->scope->backends, false,
		    "SELECT slot, address, port, drained_reset FROM backend ORDER BY slot",
		    "SELECT slot, address, port, drained_reset FROM backend"
		    " WHERE slot IN (SELECT value FROM json_each(?1)) ORDER BY slot",
		    sizeof(*dp->backends), fill_backend, &dp->backend_count, err);
		rc = dp->backends ? 0 : -1;
	}
	for (size_t i = 0; rc == 0 && i < dp->backend_count; i++)
		dp->backends[i].flags =
		    backend_flags(dp->backends[i].slot, dp->backends[i].flags, regs, reg_count);
	free(regs);
	return rc;
}

static void fill_member(sqlite3_stmt *row, void *element)
{
	*(struct dp_member *)element = (struct dp_member){
		.slot = column_u32(row, 0),
		.backend = column_u32(row, 1),
	};
}

static void fill_pool(sqlite3_stmt *row, void *element)
{
	*(struct dp_pool *)element = (struct dp_pool){
		.slot = column_u32(row, 0),
		.snat_addr = column_addr(row, 1),
		.backend = column_u32(row, 2),
	};
}

static void fill_iface(sqlite3_stmt *row, void *element)
{
	struct dp_iface *iface = element;

	snprintf(iface->name, sizeof(iface->name), "%s", store_column_text(row, 0));
	if (!xl_role_parse(store_column_text(row, 1), &iface->role))
		iface->role = XL_ROLE_BOTH;
	iface->generic = strcmp(store_column_text(row, 2), "generic") == 0;
}

#define ENDPOINTS_SQL                                                                              \
	"SELECT slot, state, endpoint_id, service_id FROM endpoint WHERE slot IS NOT NULL"
#define IFACES_SQL "SELECT name, role, mode FROM interface ORDER BY name"

/* ---- Security groups ------------------------------------------------------------------- */

/* The endpoints (of the scope, as json_each(?1), or all) that have security groups, and
 * their rules with one source each: a CIDR block, or an ENI of a source group's members. */
#define GUARDED_SQL(ONLY)                                                                          \
	"SELECT p.slot FROM endpoint p WHERE p.slot IS NOT NULL AND " GUARDED ONLY                 \
	" ORDER BY p.slot"
#define GUARD_RULES_SQL(ONLY)                                                                      \
	"WITH p(id, slot) AS (SELECT id, slot FROM endpoint p WHERE slot IS NOT NULL" ONLY ")"     \
	" SELECT p.slot, r.protocol, r.from_port, r.to_port, r.cidr FROM p"                        \
	" JOIN endpoint_security_group l ON l.endpoint = p.id"                                     \
	" JOIN security_group_rule r ON r.sg = l.sg WHERE r.cidr IS NOT NULL"                      \
	" UNION ALL SELECT p.slot, r.protocol, r.from_port, r.to_port, n.address || '/32' FROM p"  \
	" JOIN endpoint_security_group l ON l.endpoint = p.id"                                     \
	" JOIN security_group_rule r ON r.sg = l.sg"                                               \
	" JOIN endpoint_security_group s ON s.sg = r.source_sg JOIN eni n ON n.endpoint = "        \
	"s.endpoint"                                                                               \
	" ORDER BY 1"
#define IN_SCOPE " AND slot IN (SELECT value FROM json_each(?1))"

struct guard_row {
	uint32_t slot;
	struct dp_guard_rule rule;
};

static void fill_guard(sqlite3_stmt *row, void *element)
{
	*(struct dp_guard *)element = (struct dp_guard){ .slot = column_u32(row, 0) };
}

/* Every protocol ('-1') is every TCP port. */
static void fill_guard_row(sqlite3_stmt *row, void *element)
{
	struct guard_row *g = element;
	bool every = strcmp(store_column_text(row, 1), "-1") == 0;
	unsigned int prefix = 0;
	uint32_t first = 0;

	g->slot = column_u32(row, 0);
	if (!cidr_parse(store_column_text(row, 4), &first, &prefix))
		prefix = 33; /* cannot be: the model checked it; fill_guards skips it */
	g->rule = (struct dp_guard_rule){
		.addr = htonl(first),
		.prefix = (uint8_t)prefix,
		.from = every ? 0 : (uint16_t)sqlite3_column_int(row, 2),
		.to = every ? UINT16_MAX : (uint16_t)sqlite3_column_int(row, 3),
	};
}

static int compare(uint32_t x, uint32_t y)
{
	return (x > y) - (x < y);
}

static int by_rule(const void *a, const void *b)
{
	const struct dp_guard_rule *x = a, *y = b;
	int c = compare(ntohl(x->addr), ntohl(y->addr));

	if (!c)
		c = compare(x->prefix, y->prefix);
	if (!c)
		c = compare(x->from, y->from);
	return c ? c : compare(x->to, y->to);
}

/* Hands each guarded endpoint its rows (both arrays sorted by slot), in one order. */
static int fill_guards(struct dataplane *dp, const struct guard_row *rows, size_t count,
		       struct api_error *err)
{
	size_t next = 0;

	for (size_t i = 0; i < dp->guard_count; i++) {
		struct dp_guard *g = &dp->guards[i];

		while (next < count && rows[next].slot < g->slot)
			next++;
		g->rules = calloc(count - next + 1, sizeof(*g->rules));
		if (!g->rules)
			return api_fail(err, API_InternalError, "out of memory");
		for (; next < count && rows[next].slot == g->slot; next++)
			if (rows[next].rule.prefix <= 32)
				g->rules[g->count++] = rows[next].rule;
		qsort(g->rules, g->count, sizeof(*g->rules), by_rule);
	}
	return 0;
}

static int load_guards(struct model *m, struct dataplane *dp, struct api_error *err)
{
	const struct dataplane_scope *scope = dp->scope;
	size_t count = 0;
	struct guard_row *rows;
	int rc;

	dp->guards =
	    load_scoped(m, scope, &scope->endpoints, false, GUARDED_SQL(""), GUARDED_SQL(IN_SCOPE),
			sizeof(*dp->guards), fill_guard, &dp->guard_count, err);
	if (!dp->guards)
		return -1;
	rows = load_scoped(m, scope, &scope->endpoints, false, GUARD_RULES_SQL(""),
			   GUARD_RULES_SQL(IN_SCOPE), sizeof(*rows), fill_guard_row, &count, err);
	if (!rows)
		return -1;
	rc = fill_guards(dp, rows, count, err);
	free(rows);
	return rc;
}

static int load_dataplane(struct model *m, struct dataplane *dp, struct api_error *err)
{
	const struct dataplane_scope *scope = dp->scope;
	bool every_frontend = scope->all || scope->all_frontends;

	dp->endpoints =
	    load_scoped(m, scope, &scope->endpoints, false, ENDPOINTS_SQL " ORDER BY slot",
			ENDPOINTS_SQL " AND slot IN (SELECT value FROM json_each(?1))"
				      " ORDER BY slot",
			sizeof(*dp->endpoints), fill_endpoint, &dp->endpoint_count, err);
	if (!dp->endpoints || load_guards(m, dp, err) < 0)
		return -1;
	dp->frontends = every_frontend ? load_rows(m, FRONTENDS_SQL(EVERY), sizeof(*dp->frontends),
						   fill_frontend, &dp->frontend_count, err)
				       : load_scoped(m, scope, &scope->addresses, true, "",
						     FRONTENDS_SQL(SCOPED), sizeof(*dp->frontends),
						     fill_frontend, &dp->frontend_count, err);
	if (!dp->frontends || load_tables_and_backends(m, dp, err) < 0)
		return -1;
	dp->members = load_scoped(m, scope, &scope->members, false,
				  "SELECT slot, backend FROM member ORDER BY slot",
				  "SELECT slot, backend FROM member"
				  " WHERE slot IN (SELECT value FROM json_each(?1)) ORDER BY slot",
				  sizeof(*dp->members), fill_member, &dp->member_count, err);
	if (!dp->members)
		return -1;
	dp->pools = load_scoped(m, scope, &scope->pools, false,
				"SELECT slot, snat_address, backend FROM pool ORDER BY slot",
				"SELECT slot, snat_address, backend FROM pool"
				" WHERE slot IN (SELECT value FROM json_each(?1)) ORDER BY slot",
				sizeof(*dp->pools), fill_pool, &dp->pool_count, err);
	if (!dp->pools)
		return -1;
	if (scope->all || scope->ifaces)
		dp->ifaces = load_rows(m, IFACES_SQL, sizeof(*dp->ifaces), fill_iface,
				       &dp->iface_count, err);
	else
		dp->ifaces = calloc(1, sizeof(*dp->ifaces));
	return dp->ifaces ? 0 : -1;
}

int model_dataplane_scope(struct model *m, const struct dataplane_scope *scope,
			  struct dataplane *dp, struct api_error *err)
{
	*dp = (struct dataplane){ .scope = scope };
	if (store_savepoint(m->store, err) < 0)
		return -1;
	if (load_dataplane(m, dp, err) == 0 && store_release(m->store, err) == 0)
		return 0;
	store_undo(m->store);
	dataplane_free(dp);
	return -1;
}

int model_dataplane(struct model *m, struct dataplane *dp, struct api_error *err)
{
	static const struct dataplane_scope everything = { .all = true };

	return model_dataplane_scope(m, &everything, dp, err);
}

int model_list_endpoints(struct model *m, struct dp_endpoint **endpoints, size_t *count,
			 struct api_error *err)
{
	*endpoints = load_rows(m, ENDPOINTS_SQL " ORDER BY slot", sizeof(**endpoints),
			       fill_endpoint, count, err);
	return *endpoints ? 0 : -1;
}

int model_list_interfaces(struct model *m, struct dp_iface **ifaces, size_t *count,
			  struct api_error *err)
{
	*ifaces = load_rows(m, IFACES_SQL, sizeof(**ifaces), fill_iface, count, err);
	return *ifaces ? 0 : -1;
}
