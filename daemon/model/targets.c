/* SPDX-License-Identifier: MIT */
/* Registered targets as the health checker and the statistics see them, their health,
 * and the end of draining. */
#include "model_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"

static void fill_target(sqlite3_stmt *row, void *element)
{
	struct model_target *t = element;

	snprintf(t->group, sizeof(t->group), "%s", store_column_text(row, 0));
	snprintf(t->group_arn, sizeof(t->group_arn), "%s", store_column_text(row, 1));
	snprintf(t->account, sizeof(t->account), "%s", store_column_text(row, 2));
	t->addr = column_addr(row, 3);
	t->port = column_port(row, 4);
	t->backend = column_u32(row, 5);
	t->member = column_u32(row, 6);
	snprintf(t->zone, sizeof(t->zone), "%s", store_column_text(row, 7));
	snprintf(t->state, sizeof(t->state), "%s", store_column_text(row, 8));
	snprintf(t->reason, sizeof(t->reason), "%s", store_column_text(row, 9));
	t->source_addr = column_addr(row, 10);
	t->http = strcmp(store_column_text(row, 11), "HTTP") == 0;
	t->check_port = column_port(row, 12);
	snprintf(t->path, sizeof(t->path), "%s", store_column_text(row, 13));
	snprintf(t->matcher, sizeof(t->matcher), "%s", store_column_text(row, 14));
	t->interval_s = column_u32(row, 15);
	t->timeout_s = column_u32(row, 16);
	t->healthy_threshold = column_u32(row, 17);
	t->unhealthy_threshold = column_u32(row, 18);
}

int model_list_targets(struct model *m, struct model_target **targets, size_t *count,
		       struct api_error *err)
{
	*count = 0;
	*targets = load_rows(
	    m,
	    "SELECT g.name, g.arn, g.account, s.address, s.port, s.backend, s.member, s.zone,"
	    " s.state, s.reason,"
	    " s.check_source, g.check_protocol, coalesce(g.check_port, s.port), g.check_path,"
	    " g.matcher, g.check_interval, g.effective_timeout, g.healthy_threshold,"
	    " g.unhealthy_threshold"
	    " FROM target_state s JOIN target_group g ON g.id = s.tg ORDER BY g.arn, s.backend",
	    sizeof(**targets), fill_target, count, err);
	return *targets ? 0 : -1;
}

int model_expire_draining(struct model *m, int64_t now_unix, struct api_error *err)
{
	if (store_savepoint(m->store, err) < 0)
		return -1;
	if (store_exec(
		m->store,
		"UPDATE backend SET drained_reset = 1 WHERE slot IN (SELECT t.backend"
		" FROM target t JOIN target_group g ON g.id = t.tg WHERE t.health = 'draining'"
		" AND t.drain_deadline <= ? AND g.deregistration_termination)",
		SQL_ARGS(SQL_INT(now_unix)), err) == 0 &&
	    store_exec(m->store,
		       "DELETE FROM target WHERE health = 'draining' AND drain_deadline <= ?",
		       SQL_ARGS(SQL_INT(now_unix)), err) == 0) {
		int removed = store_changes(m->store);

		if (store_release(m->store, err) == 0)
			return removed > 0;
	}
	store_undo(m->store);
	return -1;
}

int model_next_drain_deadline(struct model *m, int64_t *deadline, struct api_error *err)
{
	return store_int(m->store,
			 "SELECT min(drain_deadline) FROM target WHERE health = 'draining'"
			 " HAVING count(*) > 0",
			 NO_ARGS, deadline, err);
}

static const char *const unhealthy_reasons[] = {
	"Target.FailedHealthChecks",
	"Target.Timeout",
	"Target.ResponseCodeMismatch",
};

/* The reason stored with a health state, or NULL when the pair makes no sense. */
static const char *health_reason(const char *state, const char *reason)
{
	if (!reason || !*reason)
		return strcmp(state, "unhealthy") == 0 ? unhealthy_reasons[0] : "";
	if (strcmp(state, "unhealthy") != 0)
		return NULL;
	for (size_t i = 0; i < sizeof(unhealthy_reasons) / sizeof(unhealthy_reasons[0]); i++) {
		if (strcmp(reason, unhealthy_reasons[i]) == 0)
			return reason;
	}
	return NULL;
}

int model_set_target_health(struct model *m, const char *tg_arn, uint32_t addr, uint16_t port,
			    const char *state, const char *reason, struct api_error *err)
{
	char address[IPV4_TEXT_MAX];
	const char *stored_reason;

	if (strcmp(state, "healthy") != 0 && strcmp(state, "unhealthy") != 0)
		return api_fail(err, API_ValidationError,
				"health state %s is not healthy or unhealthy", state);
	stored_reason = health_reason(state, reason);
	if (!stored_reason)
		return api_fail(err, API_ValidationError, "%s is not a reason for the state %s",
				reason, state);
	inet_ntop(AF_INET, &addr, address, sizeof(address));
	/* Only a target that is checked has a health: not a draining or unused one. */
	if (store_exec(
		m->store,
		"UPDATE target SET health = ?1, reason = ?2"
		" WHERE (health != ?1 OR reason != ?2)"
		" AND tg = (SELECT id FROM target_group WHERE arn = ?3)"
		" AND backend = (SELECT slot FROM backend WHERE address = ?4 AND port = ?5)"
		" AND EXISTS (SELECT 1 FROM target_state s WHERE s.tg = target.tg"
		"  AND s.backend = target.backend AND s.state NOT IN ('draining', 'unused'))",
		SQL_ARGS(SQL_STR(state), SQL_STR(stored_reason), SQL_STR(tg_arn), SQL_STR(address),
			 SQL_INT(ntohs(port))),
		err) < 0)
		return -1;
	return store_changes(m->store) > 0;
}
