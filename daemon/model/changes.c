/* SPDX-License-Identifier: MIT */
/* What a transaction changed, as the data path sees it. Triggers of the connection
 * (TEMP: the state file's schema stays as it is) note every row a change writes in the
 * table `dirt`; model_take_changes turns the notes into the keys of the maps that may
 * differ now (a scope), so that the maps are brought in line with one target's
 * registration by touching that target's keys, not the whole configuration. Temporary
 * tables follow transactions: the notes of a step that is undone are undone with it. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "changes.h"
#include "model.h"
#include "model_internal.h"

/* dirt(kind, id, text): a key of the kind (a row id, a slot) or an address. Repeats are
 * kept (a constraint would take the conflict rule of the statement that fired the
 * trigger, an upsert's among them) and read once: the readers ask DISTINCT. */
static const char dirt_sql[] =
    "CREATE TEMP TABLE dirt (kind TEXT NOT NULL, id INTEGER NOT NULL, text TEXT NOT NULL);"
    "CREATE INDEX temp.dirt_kind ON dirt(kind, id)";

/* The notes each table's rows leave, for NEW and OLD rows alike (ROW is replaced). */
static const struct {
	const char *table;
	const char *notes;
} noted[] = {
	/* an endpoint's slot holds its state; its ENIs' entries hold its slot */
	{ "endpoint",
	  "('endpoint_slot', coalesce(ROW.slot, 0), ''), ('endpoint_enis', ROW.id, '')" },
	/* an ENI's entries, and the tables and pools its load balancer needs */
	{ "eni", "('address', 0, ROW.address), ('lb_needs', coalesce(ROW.lb, 0), ''),"
		 " ('eni_of', ROW.endpoint, '')" },
	/* what every ENI of a load balancer sees: its zones, listeners, cross-zone */
	{ "load_balancer", "('lb', ROW.id, '')" },
	{ "lb_zone", "('lb', ROW.lb, ''), ('address', 0, ROW.address)" },
	{ "listener", "('lb', ROW.lb, ''), ('tg', ROW.tg, '')" },
	/* a group's tables, the flags of its targets' backends, the listeners' entries
	 * (which say whether the group wants a proxy protocol header) */
	{ "target_group", "('tg', ROW.id, ''), ('tg_attributes', ROW.id, '')" },
	{ "target", "('tg', ROW.tg, ''), ('backend', ROW.backend, '')" },
	{ "backend", "('backend', ROW.slot, '')" },
	{ "member", "('member', ROW.slot, '')" },
	{ "pool", "('pool', ROW.slot, ''), ('address', 0, ROW.snat_address)" },
	{ "maglev_table", "('table', ROW.slot, ''), ('table_use', ROW.tg, ROW.scope)" },
	{ "interface", "('ifaces', 0, '')" },
	/* security groups: the rules of an endpoint's groups, whose sources may be the ENIs
	 * of a group's members; its ENIs' entries say whether it has groups */
	{ "security_group_rule", "('sg', ROW.sg, '')" },
	{ "endpoint_security_group",
	  "('endpoint_enis', ROW.endpoint, ''), ('sg_members', ROW.sg, '')" },
};

/* One trigger per table and event: NEW rows of inserts, OLD and NEW of updates, OLD of
 * deletes. */
static int create_trigger(struct model *m, const char *table, const char *event, const char *notes,
			  const char *row, struct api_error *err)
{
	char sql[1024], body[512];
	size_t used = 0;

	for (const char *at = notes; *at && used + 4 < sizeof(body);) {
		if (!strncmp(at, "ROW.", 4)) {
			used += (size_t)snprintf(body + used, sizeof(body) - used, "%s.", row);
			at += 4;
		} else {
			body[used++] = *at++;
		}
	}
	body[used] = '\0';
	snprintf(sql, sizeof(sql),
		 "CREATE TEMP TRIGGER dirt_%s_%s_%s AFTER %s ON main.%s"
		 " BEGIN INSERT INTO dirt (kind, id, text) VALUES %s; END",
		 table, event, row, event, table, body);
	return store_exec(m->store, sql, NO_ARGS, err);
}

int changes_open(struct model *m, struct api_error *err)
{
	if (store_exec(m->store, dirt_sql, NO_ARGS, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(noted) / sizeof(noted[0]); i++) {
		const char *t = noted[i].table, *notes = noted[i].notes;

		if (create_trigger(m, t, "INSERT", notes, "NEW", err) < 0 ||
		    create_trigger(m, t, "UPDATE", notes, "OLD", err) < 0 ||
		    create_trigger(m, t, "UPDATE", notes, "NEW", err) < 0 ||
		    create_trigger(m, t, "DELETE", notes, "OLD", err) < 0)
			return -1;
	}
	return 0;
}

/* ---- From notes to keys --------------------------------------------------------------- */

/* Backends whose flags may change: noted ones, and every backend of a noted group (its
 * health decides which registrations its tables hold). */
#define BACKENDS_CTE                                                                               \
	"b(slot) AS (SELECT id FROM dirt WHERE kind = 'backend'"                                   \
	" UNION SELECT t.backend FROM dirt d JOIN target t ON t.tg = d.id WHERE d.kind = 'tg')"

/* Endpoint slots: noted ones, and those whose security groups' rules may now say otherwise:
 * endpoints whose groups changed, or have a group whose rules changed or name as source a
 * group whose members (endpoints, and their ENIs) changed. */
static const char endpoints_sql[] =
    "WITH members(sg) AS (SELECT id FROM dirt WHERE kind = 'sg_members'"
    "  UNION SELECT l.sg FROM dirt d JOIN endpoint_security_group l ON l.endpoint = d.id"
    "  WHERE d.kind = 'eni_of'),"
    " groups(sg) AS (SELECT id FROM dirt WHERE kind = 'sg'"
    "  UNION SELECT r.sg FROM security_group_rule r JOIN members ON r.source_sg = members.sg)"
    " SELECT id FROM dirt WHERE kind = 'endpoint_slot' AND id > 0"
    " UNION SELECT p.slot FROM dirt d JOIN endpoint p ON p.id = d.id"
    "  WHERE d.kind = 'endpoint_enis' AND p.slot > 0"
    " UNION SELECT p.slot FROM endpoint_security_group l JOIN groups ON groups.sg = l.sg"
    "  JOIN endpoint p ON p.id = l.endpoint WHERE p.slot > 0";
static const char backends_sql[] = "WITH " BACKENDS_CTE " SELECT slot FROM b";
static const char members_sql[] = "SELECT DISTINCT id FROM dirt WHERE kind = 'member'";
static const char pools_sql[] = "SELECT DISTINCT id FROM dirt WHERE kind = 'pool'";
/* The tables of noted groups and of every group registering a backend above: a backend's
 * flags depend on whether each of its registrations is in its group's tables. */
static const char tables_sql[] = "WITH " BACKENDS_CTE ","
				 " g(tg) AS (SELECT id FROM dirt WHERE kind = 'tg'"
				 "  UNION SELECT t.tg FROM target t JOIN b ON t.backend = b.slot)"
				 " SELECT id FROM dirt WHERE kind = 'table'"
				 " UNION SELECT m.slot FROM maglev_table m JOIN g ON m.tg = g.tg";
/* Frontend addresses: noted ones; the ENIs of noted endpoints and load balancers; and the
 * ENIs whose listener entries name a table that came or went. */
static const char addresses_sql[] =
    "SELECT text FROM dirt WHERE kind = 'address'"
    " UNION SELECT e.address FROM dirt d JOIN eni e ON e.endpoint = d.id"
    "  WHERE d.kind = 'endpoint_enis'"
    " UNION SELECT e.address FROM dirt d JOIN eni e ON e.lb = d.id WHERE d.kind = 'lb'"
    " UNION SELECT e.address FROM dirt d JOIN listener l ON l.tg = d.id"
    "  JOIN eni e ON e.lb = l.lb WHERE d.kind = 'tg_attributes'"
    " UNION SELECT e.address FROM dirt d JOIN listener l ON l.tg = d.id"
    "  JOIN eni e ON e.lb = l.lb AND e.zone = d.text WHERE d.kind = 'table_use'"
    " UNION SELECT e.address FROM dirt d JOIN listener l ON l.tg = d.id"
    "  JOIN load_balancer lb ON lb.id = l.lb AND lb.cross_zone JOIN eni e ON e.lb = l.lb"
    "  WHERE d.kind = 'table_use' AND d.text = 'all'";

static int read_keys(struct model *m, const char *sql, bool addresses, struct dp_keys *keys,
		     struct api_error *err)
{
	sqlite3_stmt *stmt = store_query(m->store, sql, NO_ARGS, err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0) {
		uint32_t key = (uint32_t)sqlite3_column_int64(stmt, 0);
		struct in_addr addr = { 0 };

		if (addresses && inet_pton(AF_INET, store_column_text(stmt, 0), &addr) == 1)
			key = addr.s_addr;
		if ((addresses && !addr.s_addr) || (!addresses && !key))
			continue;
		if (dp_keys_add(keys, key) < 0) {
			rc = api_fail(err, API_InternalError, "out of memory");
			break;
		}
	}
	sqlite3_finalize(stmt);
	return rc;
}

int model_take_changes(struct model *m, struct dataplane_scope *scope, struct api_error *err)
{
	int64_t found = 0;

	if (store_int(m->store, "SELECT count(*) FROM dirt", NO_ARGS, &found, err) < 0)
		return -1;
	if (!found)
		return 0;
	m->changed = true;
	if (store_int(m->store, "SELECT count(*) FROM dirt WHERE kind = 'ifaces'", NO_ARGS, &found,
		      err) < 0)
		return -1;
	scope->ifaces |= found > 0;
	scope->all_frontends |= found > 0; /* the interfaces decide which VPC each ENI is in */
	if (read_keys(m, endpoints_sql, false, &scope->endpoints, err) < 0 ||
	    read_keys(m, backends_sql, false, &scope->backends, err) < 0 ||
	    read_keys(m, members_sql, false, &scope->members, err) < 0 ||
	    read_keys(m, pools_sql, false, &scope->pools, err) < 0 ||
	    read_keys(m, tables_sql, false, &scope->tables, err) < 0 ||
	    (!scope->all_frontends &&
	     read_keys(m, addresses_sql, true, &scope->addresses, err) < 0))
		return -1;
	return store_exec(m->store, "DELETE FROM dirt", NO_ARGS, err);
}
