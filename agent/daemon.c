/* The agent's life: open the store and the data path, bring the maps in line with
 * the store, then serve requests and run the collector until told to stop.
 *
 * A change is acknowledged only once it is both committed and in the maps: a
 * mutating request runs in a transaction, the maps are programmed from the
 * transaction's view, and any failure rolls the store back and the maps with it. */
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

#include "api.h"
#include "clock.h"
#include "agent.h"
#include "daemon_actions.h"
#include "health.h"
#include "kernel_support.h"
#include "log.h"
#include "loop.h"

#define DEFAULT_PRINCIPAL "arn:aws:iam::111111111111:root"
#define HEALTH_TICK_MS	  200 /* how often due checks start and overdue ones fail */

static void set_error(struct api_error *err, const char *code, const char *message)
{
	snprintf(err->code, sizeof(err->code), "%s", code);
	snprintf(err->message, sizeof(err->message), "%s", message);
}

/* Programs the maps from the store's current view (inside a transaction: its view). */
static int sync_datapath(struct agent *agent, const char *strict_iface, struct api_error *err)
{
	struct dataplane want = { 0 };
	char why[256];
	int rc;

	if (model_dataplane(agent->model, &want, err))
		return -1;
	rc = datapath_apply(agent->dp, &want, strict_iface, why, sizeof(why));
	dataplane_free(&want);
	if (rc)
		set_error(err, strict_iface ? "AttachFailed" : "InternalError", why);
	return rc;
}

/* Flows of endpoints and listeners that stopped carrying traffic go, with their
 * counts and ports. */
static void remove_closed_flows(struct agent *agent)
{
	struct closed_traffic *closed = &agent->dp->closed;
	uint32_t removed = flows_remove_closed(agent->flows, closed, monotonic_ms());

	if (removed)
		log_info("removed %u flows of %zu closed endpoints and %zu removed listeners",
			 removed, closed->endpoint_count, closed->listener_count);
	closed->endpoint_count = 0;
	closed->listener_count = 0;
}

/* After a failure the maps may hold part of a change the store rolled back. */
static void restore_datapath(struct agent *agent)
{
	struct api_error ignored;

	if (sync_datapath(agent, NULL, &ignored))
		log_error("cannot bring the maps back in line with the store: %s", ignored.message);
}

/* Runs a mutating action, or any other change of the store, as one transaction
 * with the data path. */
static int change(struct agent *agent, const char *strict_iface,
		  int (*run)(struct agent *, void *, struct api_error *), void *ctx,
		  struct api_error *err)
{
	if (model_begin(agent->model, err))
		return -1;
	if (run(agent, ctx, err) || sync_datapath(agent, strict_iface, err)) {
		model_rollback(agent->model);
		restore_datapath(agent);
		return -1;
	}
	if (model_commit(agent->model, err)) {
		restore_datapath(agent);
		return -1;
	}
	remove_closed_flows(agent);
	return 0;
}

struct action_call {
	const struct model_action *action;
	const char *principal;
	json_object *args;
	json_object *result;
	bool dry_run;
};

static int run_action(struct agent *agent, void *ctx, struct api_error *err)
{
	struct action_call *call = ctx;

	return call->action->run(agent->model, call->principal, call->args, &call->result, err);
}

static json_object *ok_response(json_object *result)
{
	json_object *response = json_object_new_object();

	json_object_object_add(response, "Ok", json_object_new_boolean(1));
	json_object_object_add(response, "Result", result);
	return response;
}

/* {"Action": "...", "Principal": "...", "Args": {...}, "DryRun": bool} and nothing else. */
static int read_envelope(json_object *request, struct action_call *call, const char **action,
			 struct api_error *err)
{
	json_object *value;

	if (!request) {
		set_error(err, "MalformedRequest", "the request is not one JSON object");
		return -1;
	}
	json_object_object_foreach(request, key, field)
	{
		if (strcmp(key, "Action") && strcmp(key, "Principal") && strcmp(key, "Args") &&
		    strcmp(key, "DryRun")) {
			snprintf(err->code, sizeof(err->code), "MalformedRequest");
			snprintf(err->message, sizeof(err->message),
				 "unknown request field \"%s\" (expected Action, Principal, Args, "
				 "DryRun)",
				 key);
			return -1;
		}
		(void)field;
	}
	if (!json_object_object_get_ex(request, "Action", &value) ||
	    !json_object_is_type(value, json_type_string)) {
		set_error(err, "MalformedRequest", "the request has no Action string");
		return -1;
	}
	*action = json_object_get_string(value);
	call->principal = DEFAULT_PRINCIPAL;
	if (json_object_object_get_ex(request, "Principal", &value)) {
		if (!json_object_is_type(value, json_type_string)) {
			set_error(err, "MalformedRequest", "Principal must be a string");
			return -1;
		}
		call->principal = json_object_get_string(value);
	}
	call->args = NULL;
	if (json_object_object_get_ex(request, "Args", &value)) {
		if (!json_object_is_type(value, json_type_object)) {
			set_error(err, "MalformedRequest", "Args must be an object");
			return -1;
		}
		call->args = value;
	}
	if (json_object_object_get_ex(request, "DryRun", &value)) {
		if (!json_object_is_type(value, json_type_boolean)) {
			set_error(err, "MalformedRequest", "DryRun must be true or false");
			return -1;
		}
		call->dry_run = json_object_get_boolean(value);
	}
	return 0;
}

/* A dry run of a change: the model checks everything in a transaction that is rolled
 * back; the maps are not touched. */
static int rehearse(struct agent *agent, struct action_call *call, struct api_error *err)
{
	int rc;

	if (model_begin(agent->model, err))
		return -1;
	rc = run_action(agent, call, err);
	model_rollback(agent->model);
	return rc;
}

static json_object *handle_request(void *ctx, json_object *request)
{
	struct agent *agent = ctx;
	struct action_call call = { 0 };
	struct api_error err = { 0 };
	json_object *empty = NULL;
	const char *name = NULL;
	int rc;

	if (read_envelope(request, &call, &name, &err))
		return api_error_response(err.code, err.message);
	if (!call.args)
		call.args = empty = json_object_new_object();

	call.action = model_find_action(name);
	if (!call.action) {
		rc = daemon_action(agent, name, call.args, &call.result, &err);
	} else if (call.action->mutates) {
		const char *strict = NULL;

		if (!strcmp(name, "AttachInterface"))
			strict = json_object_get_string(json_object_object_get(call.args, "Name"));
		rc = call.dry_run ? rehearse(agent, &call, &err)
				  : change(agent, strict, run_action, &call, &err);
	} else {
		rc = run_action(agent, &call, &err);
		if (!rc)
			rc = decorate_result(agent, name, call.principal, call.args, call.result,
					     &err);
	}
	json_object_put(empty);
	if (!rc && call.dry_run) {
		set_error(&err, "DryRunOperation",
			  "Request would have succeeded, but DryRun flag is set.");
		rc = -1;
	}
	if (rc) {
		json_object_put(call.result);
		return api_error_response(err.code, err.message);
	}
	return ok_response(call.result);
}

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
	agent->dp = datapath_open(&opts->datapath, why, sizeof(why));
	if (!agent->dp) {
		log_error("%s", why);
		return -1;
	}
	datapath_set_clock(agent->dp, monotonic_ms());
	agent->flows = flows_new(agent->dp, &opts->flows);
	if (!agent->flows || flows_recover(agent->flows, monotonic_ms())) {
		log_error("cannot recover the flow table: %s", strerror(errno));
		return -1;
	}
	if (sync_datapath(agent, NULL, &err)) {
		log_error("cannot program the data path from the store: %s", err.message);
		return -1;
	}
	remove_closed_flows(agent);
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
	if (opts->aws.listen) {
		agent->aws = aws_start(agent->loop, &opts->aws, opts->region, handle_request, agent,
				       why, sizeof(why));
		if (!agent->aws) {
			log_error("%s", why);
			return -1;
		}
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
	aws_stop(agent->aws);
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
