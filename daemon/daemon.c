/* The agent's life: open the store and the data path, bring the maps in line with
 * the store, then serve requests (handler.c) and run the timers (the clock, the flow
 * collector, the health checker) until told to stop. */
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "actions.h"
#include "agent.h"
#include "api.h"
#include "change.h"
#include "clock.h"
#include "datapath.h"
#include "flows.h"
#include "handler.h"
#include "health.h"
#include "kernel_support.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "model.h"

#define HEALTH_TICK_MS 200 /* how often due checks start and overdue ones fail */

/* ---- Timers ------------------------------------------------------------------ */

static bool backend_idle(void *ctx, uint32_t backend)
{
	return datapath_active_flows(ctx, backend) == 0;
}

static bool pool_empty(void *ctx, uint32_t pool)
{
	return datapath_pool_empty(ctx, pool);
}

static int release_and_expire(struct agent *agent, void *ctx, struct api_error *err)
{
	struct model_release release = { backend_idle, pool_empty, agent->dp };

	(void)ctx;
	return model_release_unused(agent->model, &release, err) ||
		       model_expire_draining(agent->model, (int64_t)time(NULL), err) < 0
		   ? -1
		   : 0;
}

static void tick_clock(struct loop *loop, void *ctx)
{
	struct agent *agent = ctx;

	(void)loop;
	datapath_set_clock(agent->dp, monotonic_ms());
}

static void collect(struct loop *loop, void *ctx)
{
	struct agent *agent = ctx;
	struct flows_pass pass;
	struct api_error err;

	(void)loop;
	if (flows_collect(agent->flows, monotonic_ms(), &pass))
		log_warn("the collector could not read the flow table: %s", strerror(errno));
	else if (pass.closed || pass.idle)
		log_info("collected %u closed and %u idle flows, released %u held ports",
			 pass.closed, pass.idle, pass.ports_released);
	if (change(agent, NULL, release_and_expire, NULL, &err))
		log_warn("cannot release unused slots: %s", err.message);
}

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

static void check_health(struct loop *loop, void *ctx)
{
	struct agent *agent = ctx;
	struct model_target *targets = NULL;
	struct api_error err;
	size_t count = 0;

	(void)loop;
	if (model_list_targets(agent->model, &targets, &count, &err)) {
		log_warn("cannot list targets to check: %s", err.message);
		return;
	}
	health_tick(agent->health, targets, count, monotonic_ms());
	free(targets);
}

static json_object *current_stats(void *ctx)
{
	json_object *args = json_object_new_object(), *stats = NULL;
	struct api_error err;

	if (daemon_action(ctx, "GetStats", args, &stats, &err))
		log_warn("cannot read the counters for metrics: %s", err.message);
	json_object_put(args);
	return stats;
}

/* ---- Start and stop ------------------------------------------------------------ */

static int make_parent_dir(const char *path)
{
	char dir[512];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) && errno != EEXIST) {
		log_error("cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Whether an interface of this network namespace has the IPv4 address. */
static bool node_has_address(const char *address)
{
	struct ifaddrs *list;
	struct in_addr want;
	bool found = false;

	if (inet_pton(AF_INET, address, &want) != 1 || getifaddrs(&list))
		return false;
	for (struct ifaddrs *a = list; a && !found; a = a->ifa_next)
		found = a->ifa_addr && a->ifa_addr->sa_family == AF_INET &&
			((struct sockaddr_in *)a->ifa_addr)->sin_addr.s_addr == want.s_addr;
	freeifaddrs(list);
	return found;
}

static int start(struct agent *agent, const struct daemon_options *opts)
{
	struct model_options model_opts = {
		.path = opts->state_path,
		.region = opts->region,
		.max_endpoints = opts->datapath.max_endpoints,
		.max_backends = opts->datapath.max_backends,
		.max_members = opts->datapath.max_members,
		.max_pools = opts->datapath.max_pools,
		.max_tables = opts->datapath.max_tables,
		.node_has_address = node_has_address,
	};
	struct api_error err = { 0 };
	char why[512];

	if (make_parent_dir(opts->state_path) || make_parent_dir(opts->socket_path))
		return -1;
	if (kernel_support_check(why, sizeof(why))) {
		log_error("%s", why);
		return -1;
	}
	agent->model = model_open(&model_opts, &err);
	if (!agent->model) {
		log_error("%s", err.message);
		return -1;
	}
	agent->dp = datapath_open(&opts->datapath, &err);
	if (!agent->dp) {
		log_error("%s", err.message);
		return -1;
	}
	datapath_set_clock(agent->dp, monotonic_ms());
	agent->flows = flows_new(agent->dp, &opts->flows);
	if (!agent->flows || flows_recover(agent->flows, monotonic_ms())) {
		log_error("cannot recover the flow table: %s", strerror(errno));
		return -1;
	}
	if (change_sync_all(agent, &err)) {
		log_error("cannot program the data path from the store: %s", err.message);
		return -1;
	}
	agent->loop = loop_new();
	if (!agent->loop)
		return -1;
	agent->api = api_listen(agent->loop, opts->socket_path, handle_request, agent);
	agent->health = health_new(agent->loop, report_health, agent);
	if (!agent->api || !agent->health ||
	    loop_every(agent->loop, XL_CLOCK_TICK_MS, tick_clock, agent) ||
	    loop_every(agent->loop, opts->collect_interval_ms, collect, agent) ||
	    loop_every(agent->loop, HEALTH_TICK_MS, check_health, agent)) {
		log_error("cannot start serving");
		return -1;
	}
	if (opts->metrics_listen) {
		agent->metrics = metrics_start(agent->loop, opts->metrics_listen, current_stats,
					       agent, why, sizeof(why));
		if (!agent->metrics) {
			log_error("%s", why);
			return -1;
		}
	}
	return 0;
}

static void stop(struct agent *agent)
{
	metrics_stop(agent->metrics);
	health_free(agent->health);
	api_close(agent->api);
	loop_free(agent->loop);
	flows_free(agent->flows);
	datapath_close(agent->dp);
	model_close(agent->model);
}

int daemon_run(const struct daemon_options *opts)
{
	struct agent agent = { .opts = opts, .started = time(NULL) };
	int status = 1;

	if (!start(&agent, opts)) {
		log_info("serving %s, state in %s, maps pinned in %s", opts->socket_path,
			 opts->state_path, opts->datapath.pin_dir);
		status = loop_run(agent.loop) ? 1 : 0;
		log_info("stopped; the data path stays attached and keeps every flow");
	}
	stop(&agent);
	return status;
}
