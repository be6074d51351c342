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

int slot_allocate(struct model *m, enum slot_kind kind, uint32_t *slot, struct api_error *err)
{
	const char *table = slot_kinds[kind].table;
	uint32_t limit = slot_limit(m, kind);
	char sql[320];
	int64_t lowest_free = 0;

	snprintf(sql, sizeof(sql),
		 "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM %s WHERE slot = 1)"
		 " UNION ALL SELECT a.slot + 1 FROM %s a WHERE a.slot IS NOT NULL"
		 " AND NOT EXISTS (SELECT 1 FROM %s b WHERE b.slot = a.slot + 1)"
		 " ORDER BY 1 LIMIT 1",
		 table, table, table);
	if (store_int(m->store, sql, NO_ARGS, &lowest_free, err) < 0)
		return -1;
	if (lowest_free >= limit)
		return api_fail(err, slot_kinds[kind].limit_code,
				"no slot left: xdplink holds at most %u %s (%s: xdplinkd --%s)",
				limit - 1, slot_kinds[kind].what, slot_kinds[kind].option,
				slot_kinds[kind].flag);
	*slot = (uint32_t)lowest_free;
	return 0;
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

/* Gives each row of the view `missing` a slot of `kind`, one at a time. */
static int fill_missing(struct model *m, enum slot_kind kind, const char *missing,
			const char *insert_first, struct api_error *err)
{
	char exists[96];
	int64_t found;
	uint32_t slot;
	int rc;

	snprintf(exists, sizeof(exists), "SELECT 1 FROM %s LIMIT 1", missing);
	while ((rc = store_int(m->store, exists, NO_ARGS, &found, err)) > 0) {
		if (slot_allocate(m, kind, &slot, err) < 0 ||
		    store_exec(m->store, insert_first, SQL_ARGS(SQL_INT(slot)), err) < 0)
			return -1;
	}
	return rc;
}

/* After every change: a Maglev table for each target group and scope a frontend uses,
 * a pool for each node IP and backend an endpoint could use. New tables are given
 * their slots before unused ones are freed, so no slot changes meaning in one commit.
 * Pools are freed only by model_release_unused, once the data path says so. */
int slots_sync(struct model *m, struct api_error *err)
{
	if (fill_missing(m, SLOT_TABLE, "missing_table",
			 "INSERT INTO maglev_table (slot, tg, scope) SELECT ?, tg, scope"
			 " FROM missing_table ORDER BY tg, scope LIMIT 1",
			 err) < 0 ||
	    store_exec(m->store,
		       "DELETE FROM maglev_table WHERE (tg, scope) NOT IN"
		       " (SELECT tg, scope FROM needed_table)",
		       NO_ARGS, err) < 0)
		return -1;
	return fill_missing(m, SLOT_POOL, "missing_pool",
			    "INSERT INTO pool (slot, snat_address, backend)"
			    " SELECT ?, snat_address, backend FROM missing_pool"
			    " ORDER BY snat_address, backend LIMIT 1",
			    err);
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
