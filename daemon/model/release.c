/* SPDX-License-Identifier: MIT */
/* Releasing slots the model no longer references, once the data path says their flows
 * and ports are gone. */
#include "model_internal.h"

#include <stdlib.h>

#include "rows.h"

/* A slot no longer referenced, and the slot whose idleness frees it: its own, or for a
 * member its backend's. */
struct unused_slot {
	uint32_t slot;
	uint32_t asked;
};

static void fill_unused_slot(sqlite3_stmt *row, void *element)
{
	*(struct unused_slot *)element =
	    (struct unused_slot){ .slot = column_u32(row, 0), .asked = column_u32(row, 1) };
}

/* Deletes each slot of `unused_sql` (slot, asked) whose `asked` slot `idle` says the
 * data path is done with. */
static int release_slots(struct model *m, const char *unused_sql, const char *delete_sql,
			 bool (*idle)(void *ctx, uint32_t slot), void *ctx, struct api_error *err)
{
	size_t count = 0;
	struct unused_slot *unused =
	    load_rows(m, unused_sql, sizeof(*unused), fill_unused_slot, &count, err);
	int rc = 0;

	if (!unused)
		return -1;
	for (size_t i = 0; idle && rc == 0 && i < count; i++) {
		if (idle(ctx, unused[i].asked))
			rc = store_exec(m->store, delete_sql, SQL_ARGS(SQL_INT(unused[i].slot)),
					err);
	}
	free(unused);
	return rc;
}

/* Pools and members first: a backend is unreferenced only once they are gone. A
 * member outlives its registration until its backend is idle: until then flows of the
 * registration may count to it. A pool is unused when no ENI's node IP could reach its
 * target any more (the view needed_pool, asked for one pool). */
int model_release_unused(struct model *m, const struct model_release *release,
			 struct api_error *err)
{
	if (store_savepoint(m->store, err) < 0)
		return -1;
	if (release_slots(m,
			  "SELECT slot, slot FROM pool p WHERE NOT EXISTS (SELECT 1 FROM lb_zone z"
			  " JOIN listener l ON l.lb = z.lb JOIN target t ON t.tg = l.tg"
			  " WHERE z.address = p.snat_address AND t.backend = p.backend"
			  " AND EXISTS (SELECT 1 FROM eni e WHERE e.lb = z.lb AND e.zone = z.zone))"
			  " ORDER BY slot",
			  "DELETE FROM pool WHERE slot = ?", release->pool_empty, release->ctx,
			  err) == 0 &&
	    release_slots(
		m,
		"SELECT slot, backend FROM member r"
		" WHERE NOT EXISTS (SELECT 1 FROM target WHERE member = r.slot) ORDER BY slot",
		"DELETE FROM member WHERE slot = ?", release->backend_idle, release->ctx,
		err) == 0 &&
	    release_slots(
		m,
		"SELECT slot, slot FROM backend b"
		" WHERE NOT EXISTS (SELECT 1 FROM member WHERE backend = b.slot)"
		" AND NOT EXISTS (SELECT 1 FROM pool WHERE backend = b.slot) ORDER BY slot",
		"DELETE FROM backend WHERE slot = ?", release->backend_idle, release->ctx,
		err) == 0 &&
	    store_release(m->store, err) == 0)
		return 0;
	store_undo(m->store);
	return -1;
}
