/* SPDX-License-Identifier: MIT */
/* Slots (slots.h). */
#include "slots.h"

#include <stdio.h>

#include "model_internal.h"

static const struct {
	const char *table;
	const char *option; /* of struct model_options */
	const char *flag;   /* of xdplinkd */
	enum api_code limit_code;
	const char *what;
} slot_kinds[] = {
	[SLOT_ENDPOINT] = { "endpoint", "max_endpoints", "max-endpoints",
			    API_VpcEndpointLimitExceeded, "interface endpoints" },
	[SLOT_BACKEND] = { "backend", "max_backends", "max-backends", API_TooManyTargets,
			   "unique target addresses and ports" },
	[SLOT_MEMBER] = { "member", "max_members", "max-members", API_TooManyTargets,
			  "target registrations (target groups times their targets)" },
	[SLOT_POOL] = { "pool", "max_pools", "max-pools", API_TooManyTargets,
			"SNAT port pools (load balancer node IPs times targets)" },
	[SLOT_TABLE] = { "maglev_table", "max_tables", "max-tables", API_TooManyTargetGroups,
			 "target groups times zones in use" },
};

static uint32_t slot_limit(const struct model *m, enum slot_kind kind)
{
	switch (kind) {
	case SLOT_ENDPOINT:
		return m->max_endpoints;
	case SLOT_BACKEND:
		return m->max_backends;
	case SLOT_MEMBER:
		return m->max_members;
	case SLOT_POOL:
		return m->max_pools;
	case SLOT_TABLE:
		break;
	}
	return m->max_tables;
}

/* Every slot below a kind's floor is in use (temp.slot_floor), so the search for the lowest
 * free slot starts there: allocating is not a walk over every endpoint. A freed slot lowers
 * the floor (the triggers of slots_open); the table follows the transaction. */
static int find_lowest_free(struct model *m, const char *table, int64_t *lowest_free,
			    struct api_error *err)
{
	char sql[256];
	int64_t floor = 1;
	int rc;

	if (store_int(m->store, "SELECT floor FROM slot_floor WHERE kind = ?",
		      SQL_ARGS(SQL_STR(table)), &floor, err) < 0)
		return -1;
	snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE slot = ?", table);
	rc = store_int(m->store, sql, SQL_ARGS(SQL_INT(floor)), lowest_free, err);
	if (rc <= 0) {
		*lowest_free = floor;
		return rc;
	}
	snprintf(sql, sizeof(sql),
		 "SELECT a.slot + 1 FROM %s a WHERE a.slot >= ?"
		 " AND NOT EXISTS (SELECT 1 FROM %s b WHERE b.slot = a.slot + 1)"
		 " ORDER BY a.slot LIMIT 1",
		 table, table);
	return store_int(m->store, sql, SQL_ARGS(SQL_INT(floor)), lowest_free, err) < 0 ? -1 : 0;
}

int slot_allocate(struct model *m, enum slot_kind kind, uint32_t *slot, struct api_error *err)
{
	const char *table = slot_kinds[kind].table;
	uint32_t limit = slot_limit(m, kind);
	int64_t lowest_free = 0;

	if (find_lowest_free(m, table, &lowest_free, err) < 0)
		return -1;
	if (lowest_free >= limit)
		return api_fail(err, slot_kinds[kind].limit_code,
				"no slot left: xdplink holds at most %u %s (%s: xdplinkd --%s)",
				limit - 1, slot_kinds[kind].what, slot_kinds[kind].option,
				slot_kinds[kind].flag);
	*slot = (uint32_t)lowest_free;
	/* The caller takes it at once, in the same step. */
	return store_exec(m->store, "UPDATE slot_floor SET floor = ? WHERE kind = ?",
			  SQL_ARGS(SQL_INT(lowest_free + 1), SQL_STR(table)), err);
}

int backend_slot(struct model *m, const char *address, int64_t port, int64_t *slot,
		 struct api_error *err)
{
	uint32_t fresh = 0;
	int rc = store_int(m->store, "SELECT slot FROM backend WHERE address = ? AND port = ?",
			   SQL_ARGS(SQL_STR(address), SQL_INT(port)), slot, err);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (slot_allocate(m, SLOT_BACKEND, &fresh, err) < 0 ||
	    store_exec(m->store, "INSERT INTO backend (slot, address, port) VALUES (?, ?, ?)",
		       SQL_ARGS(SQL_INT(fresh), SQL_STR(address), SQL_INT(port)), err) < 0)
		return -1;
	*slot = fresh;
	return 0;
}

/* Gives each row that `missing` (a query of one row) finds a slot of `kind`, one at a
 * time: `insert_first` inserts the first of them with slot ?1. */
static int fill_missing(struct model *m, enum slot_kind kind, const char *missing,
			const char *insert_first, struct api_error *err)
{
	int64_t found;
	uint32_t slot;
	int rc;

	while ((rc = store_int(m->store, missing, NO_ARGS, &found, err)) > 0) {
		if (slot_allocate(m, kind, &slot, err) < 0 ||
		    store_exec(m->store, insert_first, SQL_ARGS(SQL_INT(slot)), err) < 0)
			return -1;
	}
	return rc;
}

/* What the changes of the transaction so far (changes.c's notes) may have changed in the
 * needs of tables and pools: the load balancers noted, or whose ENIs or listeners were,
 * or with a listener to a noted group; and the groups of their listeners, or noted.
 * needed_table: a Maglev table per group and scope (a zone with an ENI of the load
 * balancer, or 'all' with cross-zone); needed_pool: a pool per node IP of a zone with an
 * ENI, and target of a group a listener of its load balancer forwards to. An ENI's zone is
 * always one of its load balancer's zones. */
#define NEEDS                                                                                      \
	"WITH lbs(lb) AS (SELECT id FROM dirt WHERE kind IN ('lb', 'lb_needs') AND id > 0"         \
	"  UNION SELECT l.lb FROM dirt d JOIN listener l ON l.tg = d.id WHERE d.kind = 'tg'),"     \
	" tgs(tg) AS (SELECT l.tg FROM listener l JOIN lbs ON l.lb = lbs.lb"                       \
	"  UNION SELECT id FROM dirt WHERE kind = 'tg'),"                                          \
	" needed_table(tg, scope) AS (SELECT DISTINCT l.tg,"                                       \
	"  CASE WHEN lb.cross_zone THEN 'all' ELSE z.zone END FROM tgs"                            \
	"  JOIN listener l ON l.tg = tgs.tg JOIN load_balancer lb ON lb.id = l.lb"                 \
	"  JOIN lb_zone z ON z.lb = l.lb"                                                          \
	"  WHERE EXISTS (SELECT 1 FROM eni e WHERE e.lb = z.lb AND e.zone = z.zone)),"             \
	" needed_pool(snat_address, backend) AS (SELECT DISTINCT z.address, t.backend FROM lbs"    \
	"  JOIN lb_zone z ON z.lb = lbs.lb JOIN listener l ON l.lb = z.lb"                         \
	"  JOIN target t ON t.tg = l.tg"                                                           \
	"  WHERE EXISTS (SELECT 1 FROM eni e WHERE e.lb = z.lb AND e.zone = z.zone)),"             \
	" missing_table AS (SELECT * FROM needed_table n WHERE NOT EXISTS"                         \
	"  (SELECT 1 FROM maglev_table t WHERE t.tg = n.tg AND t.scope = n.scope)),"               \
	" missing_pool AS (SELECT * FROM needed_pool n WHERE NOT EXISTS (SELECT 1 FROM pool p"     \
	"  WHERE p.snat_address = n.snat_address AND p.backend = n.backend)) "

/* After every change: a Maglev table for each target group and scope a frontend uses,
 * a pool for each node IP and backend an endpoint could use, for what the change touched.
 * New tables are given their slots before unused ones are freed, so no slot changes
 * meaning in one commit. Pools are freed only by model_release_unused, once the data path
 * says so. */
int slots_sync(struct model *m, struct api_error *err)
{
	if (fill_missing(m, SLOT_TABLE, NEEDS "SELECT 1 FROM missing_table LIMIT 1",
			 NEEDS "INSERT INTO maglev_table (slot, tg, scope) SELECT ?1, tg, scope"
			       " FROM missing_table ORDER BY tg, scope LIMIT 1",
			 err) < 0 ||
	    store_exec(m->store,
		       NEEDS "DELETE FROM maglev_table WHERE tg IN (SELECT tg FROM tgs)"
			     " AND (tg, scope) NOT IN (SELECT tg, scope FROM needed_table)",
		       NO_ARGS, err) < 0)
		return -1;
	return fill_missing(m, SLOT_POOL, NEEDS "SELECT 1 FROM missing_pool LIMIT 1",
			    NEEDS "INSERT INTO pool (slot, snat_address, backend)"
				  " SELECT ?1, snat_address, backend FROM missing_pool"
				  " ORDER BY snat_address, backend LIMIT 1",
			    err);
}

/* The floors, and the triggers that lower them when a slot is freed. */
int slots_open(struct model *m, struct api_error *err)
{
	if (store_exec(
		m->store,
		"CREATE TEMP TABLE slot_floor (kind TEXT PRIMARY KEY, floor INTEGER NOT NULL)",
		NO_ARGS, err) < 0)
		return -1;
	for (size_t kind = 0; kind < sizeof(slot_kinds) / sizeof(slot_kinds[0]); kind++) {
		const char *table = slot_kinds[kind].table;
		char sql[640];

		snprintf(sql, sizeof(sql),
			 "INSERT INTO slot_floor VALUES ('%s', 1);"
			 "CREATE TEMP TRIGGER slot_freed_%s AFTER DELETE ON main.%s"
			 " WHEN OLD.slot IS NOT NULL BEGIN UPDATE slot_floor SET floor ="
			 " min(floor, OLD.slot) WHERE kind = '%s'; END;"
			 "CREATE TEMP TRIGGER slot_moved_%s AFTER UPDATE OF slot ON main.%s"
			 " WHEN OLD.slot IS NOT NULL BEGIN UPDATE slot_floor SET floor ="
			 " min(floor, OLD.slot) WHERE kind = '%s'; END;",
			 table, table, table, table, table, table, table);
		if (sqlite3_exec(store_handle(m->store), sql, NULL, NULL, NULL) != SQLITE_OK)
			return api_fail(err, API_InternalError, "cannot set up slot floors: %s",
					sqlite3_errmsg(store_handle(m->store)));
	}
	return 0;
}

/* The data path's arrays are sized by the options: every slot in use must fit. */
int slots_check_limits(struct model *m, struct api_error *err)
{
	for (int kind = SLOT_ENDPOINT; kind <= SLOT_TABLE; kind++) {
		uint32_t limit = slot_limit(m, (enum slot_kind)kind);
		char sql[64];
		int64_t highest = 0;

		snprintf(sql, sizeof(sql), "SELECT coalesce(max(slot), 0) FROM %s",
			 slot_kinds[kind].table);
		if (store_int(m->store, sql, NO_ARGS, &highest, err) < 0)
			return -1;
		if (highest >= limit)
			return api_fail(
			    err, API_StoreRefused,
			    "the state uses %s slot %lld, beyond %s = %u: raise the limit"
			    " (xdplinkd --%s)",
			    slot_kinds[kind].table, (long long)highest, slot_kinds[kind].option,
			    limit, slot_kinds[kind].flag);
	}
	return 0;
}
