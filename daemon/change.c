/* SPDX-License-Identifier: MIT */
/* A change of the store and the maps as one transaction (change.h). The model says what
 * the transaction changed (a scope); only those keys of the maps are brought in line, so
 * a change costs what it touches. */
#include "change.h"

#include "clock.h"
#include "datapath.h"
#include "flows.h"
#include "log.h"
#include "model.h"
#include "notify.h"

/* Programs the keys of `scope` from the store's current view (inside a transaction: its
 * view). */
static int sync_scope(struct agent *agent, const struct dataplane_scope *scope,
		      const char *strict_iface, struct closed_traffic *closed,
		      struct api_error *err)
{
	struct dataplane want;
	int rc;

	if (dataplane_scope_empty(scope))
		return 0;
	if (model_dataplane_scope(agent->model, scope, &want, err))
		return -1;
	rc = datapath_apply(agent->dp, &want, strict_iface, closed, err);
	dataplane_free(&want);
	return rc;
}

/* Flows of endpoints and listeners that stopped carrying traffic go, with their
 * counts and ports. */
static void remove_closed_flows(struct agent *agent, const struct closed_traffic *closed)
{
	uint32_t removed = flows_remove_closed(agent->flows, closed, monotonic_ms());

	if (removed)
		log_info("removed %u flows of %zu closed endpoints and %zu removed listeners",
			 removed, closed->endpoint_count, closed->listener_count);
}

/* After a failure the maps may hold part of a change the store rolled back: the keys it
 * touched are programmed again from the store. */
static void restore_scope(struct agent *agent, const struct dataplane_scope *scope)
{
	struct closed_traffic ignored_closed = { 0 };
	struct api_error ignored;

	if (sync_scope(agent, scope, NULL, &ignored_closed, &ignored))
		log_error("cannot bring the maps back in line with the store: %s", ignored.message);
	closed_traffic_free(&ignored_closed);
}

/* The endpoints' events (Connect, Accept...) of the change just committed, to the receivers
 * of their connection notifications. */
static void send_notifications(struct agent *agent)
{
	struct model_notification *events;
	struct api_error err;
	size_t count = 0;

	if (model_take_notifications(agent->model, &events, &count, &err)) {
		log_warn("cannot read the connection notifications to send: %s", err.message);
		return;
	}
	notify_send(agent->notifier, events, count);
	free(events);
}

int change(struct agent *agent, const char *strict_iface, change_fn *run, void *ctx,
	   struct api_error *err)
{
	struct dataplane_scope scope = { 0 };
	struct closed_traffic closed = { 0 };
	int rc = -1;

	if (model_begin(agent->model, err))
		return -1;
	if (run(agent, ctx, err) || model_take_changes(agent->model, &scope, err) ||
	    sync_scope(agent, &scope, strict_iface, &closed, err)) {
		model_rollback(agent->model);
		restore_scope(agent, &scope);
	} else if (model_commit(agent->model, err)) {
		restore_scope(agent, &scope);
	} else {
		remove_closed_flows(agent, &closed);
		send_notifications(agent);
		rc = 0;
	}
	closed_traffic_free(&closed);
	dataplane_scope_free(&scope);
	return rc;
}

int change_sync(struct agent *agent, const struct dataplane_scope *scope, struct api_error *err)
{
	struct closed_traffic closed = { 0 };
	int rc = sync_scope(agent, scope, NULL, &closed, err);

	if (!rc)
		remove_closed_flows(agent, &closed);
	closed_traffic_free(&closed);
	return rc;
}
