/* SPDX-License-Identifier: MIT */
/* The agent's timers (ticks.h). Each remembers the model's generation it last worked
 * from: an unchanged store means an unchanged answer. */
#include "ticks.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "change.h"
#include "clock.h"
#include "datapath.h"
#include "flows.h"
#include "health.h"
#include "log.h"
#include "loop.h"
#include "model.h"

#define HEALTH_TICK_MS 200 /* how often due checks start and overdue ones fail */

static void tick_clock(struct loop *loop, void *ctx)
{
	struct agent *agent = ctx;

	(void)loop;
	datapath_set_clock(agent->dp, monotonic_ms());
}

/* ---- Releasing slots and ending drains -------------------------------------------- */

/* The data path's answers; the slots it still uses are remembered, to be asked again. */
static bool backend_idle(void *ctx, uint32_t backend)
{
	struct agent *agent = ctx;
	bool idle = datapath_active_flows(agent->dp, backend) == 0;

	if (!idle)
		dp_keys_add(&agent->release.busy_backends, backend);
	return idle;
}

static bool pool_empty(void *ctx, uint32_t pool)
{
	struct agent *agent = ctx;
	bool empty = datapath_pool_empty(agent->dp, pool);

	if (!empty)
		dp_keys_add(&agent->release.busy_pools, pool);
	return empty;
}

/* Releases unused slots, ends drains and purges deleted endpoints that are due; the ids
 * purged go to the array `ctx`. */
static int release_and_expire(struct agent *agent, void *ctx, struct api_error *err)
{
	struct model_release release = { backend_idle, pool_empty, agent };
	int64_t now = (int64_t)time(NULL), retention = agent->opts->deleted_retention_s;
	int64_t drain, purge;
	int drain_rc, purge_rc;

	agent->release.busy_backends.count = 0;
	agent->release.busy_pools.count = 0;
	if (model_release_unused(agent->model, &release, err) ||
	    model_expire_draining(agent->model, now, err) < 0 ||
	    model_purge_deleted_endpoints(agent->model, now, retention, ctx, err) < 0)
		return -1;
	drain_rc = model_next_drain_deadline(agent->model, &drain, err);
	purge_rc = drain_rc < 0 ? -1 : model_next_purge(agent->model, retention, &purge, err);
	if (purge_rc < 0)
		return -1;
	agent->release.next_drain = drain_rc ? drain : INT64_MAX;
	agent->release.next_purge = purge_rc ? purge : INT64_MAX;
	return 0;
}

/* The endpoints purged, in the audit trail: the agent's own change. */
static void audit_purge(const struct agent *agent, json_object *purged)
{
	size_t count = json_object_array_length(purged), used = 0;
	char ids[1024] = "", message[96];

	if (!count)
		return;
	for (size_t i = 0; i < count && used < sizeof(ids); i++)
		used +=
		    (size_t)snprintf(ids + used, sizeof(ids) - used, "%s%s", i ? "," : "",
				     json_object_get_string(json_object_array_get_idx(purged, i)));
	snprintf(message, sizeof(message), "%zu deleted endpoint%s purged after %u s", count,
		 count == 1 ? "" : "s", agent->opts->deleted_retention_s);
	audit_event(AUDIT_AGENT, "PurgeDeletedVpcEndpoints", ids, "ok", message);
}

/* The release runs when the store changed since it last ran, when a slot it found busy is
 * free now, or when a draining target's delay ended; else there is nothing it could do. */
static bool release_due(const struct agent *agent)
{
	const struct dp_keys *backends = &agent->release.busy_backends;
	const struct dp_keys *pools = &agent->release.busy_pools;

	if (!agent->release.done || agent->release.generation != model_generation(agent->model) ||
	    (int64_t)time(NULL) >= agent->release.next_drain ||
	    (int64_t)time(NULL) >= agent->release.next_purge)
		return true;
	for (size_t i = 0; i < backends->count; i++)
		if (datapath_active_flows(agent->dp, backends->keys[i]) == 0)
			return true;
	for (size_t i = 0; i < pools->count; i++)
		if (datapath_pool_empty(agent->dp, pools->keys[i]))
			return true;
	return false;
}

/* Interfaces that could not be attached are tried again; the ENIs of their VPCs serve
 * them once they are. */
static void follow_the_host(struct agent *agent)
{
	struct dataplane_scope scope = { .ifaces = true, .all_frontends = true };
	struct api_error err;

	if (datapath_ifaces_pending(agent->dp) && change_sync(agent, &scope, &err))
		log_warn("cannot attach the interfaces: %s", err.message);
}

static void collect(struct loop *loop, void *ctx)
{
	struct agent *agent = ctx;
	struct flows_pass pass;
	struct api_error err;
	json_object *purged;

	(void)loop;
	if (flows_collect(agent->flows, monotonic_ms(), &pass))
		log_warn("the collector could not read the flow table: %s", strerror(errno));
	else if (pass.closed || pass.idle)
		log_info("collected %u closed and %u idle flows, released %u held ports",
			 pass.closed, pass.idle, pass.ports_released);
	follow_the_host(agent);
	if (!release_due(agent))
		return;
	purged = json_object_new_array();
	if (change(agent, NULL, release_and_expire, purged, &err)) {
		log_warn("cannot release unused slots: %s", err.message);
		json_object_put(purged);
		return;
	}
	audit_purge(agent, purged);
	json_object_put(purged);
	agent->release.done = true;
	agent->release.generation = model_generation(agent->model);
}

/* ---- Health checks ---------------------------------------------------------------- */

struct health_change {
	const struct model_target *target;
	const char *state;
	const char *reason;
};

static int set_health(struct agent *agent, void *ctx, struct api_error *err)
{
	struct health_change *c = ctx;

	return model_set_target_health(agent->model, c->target->group_arn, c->target->addr,
				       c->target->port, c->state, c->reason, err) < 0
		   ? -1
		   : 0;
}

static void report_health(void *ctx, const struct model_target *target, const char *state,
			  const char *reason)
{
	struct health_change c = { target, state, reason };
	struct api_error err;
	char addr[16];

	inet_ntop(AF_INET, &target->addr, addr, sizeof(addr));
	log_info("target %s:%u of %s is %s%s%s", addr, ntohs(target->port), target->group, state,
		 reason[0] ? ": " : "", reason);
	if (change(ctx, NULL, set_health, &c, &err))
		log_warn("cannot record the health of %s: %s", addr, err.message);
}

/* The targets are listed again only when the store changed. */
static void check_health(struct loop *loop, void *ctx)
{
	struct agent *agent = ctx;
	struct model_target *targets = NULL;
	struct api_error err;
	size_t count = 0;

	(void)loop;
	health_leave_by(agent->health, datapath_provider_iface(agent->dp));
	if (agent->health_listed && agent->health_generation == model_generation(agent->model)) {
		health_tick_again(agent->health, monotonic_ms());
		return;
	}
	if (model_list_targets(agent->model, &targets, &count, &err)) {
		log_warn("cannot list targets to check: %s", err.message);
		return;
	}
	agent->health_listed = true;
	agent->health_generation = model_generation(agent->model);
	health_tick(agent->health, targets, count, monotonic_ms());
	free(targets);
}

int ticks_start(struct agent *agent, const struct port_range *check_ports)
{
	agent->release.next_drain = INT64_MAX;
	agent->release.next_purge = INT64_MAX;
	agent->health = health_new(agent->loop, check_ports, report_health, agent);
	if (!agent->health || loop_every(agent->loop, XL_CLOCK_TICK_MS, tick_clock, agent) ||
	    loop_every(agent->loop, agent->opts->collect_interval_ms, collect, agent) ||
	    loop_every(agent->loop, HEALTH_TICK_MS, check_health, agent))
		return -1;
	return 0;
}
