/* SPDX-License-Identifier: MIT */
/* The agent's life: open the store and the data path, bring the maps in line with
 * the store, then serve requests (handler.c) and run the timers (ticks.c) until told to
 * stop. */
#include "daemon.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "actions.h"
#include "agent.h"
#include "api.h"
#include "aws.h"
#include "audit.h"
#include "change.h"
#include "clock.h"
#include "datapath.h"
#include "dns.h"
#include "flows.h"
#include "handler.h"
#include "health.h"
#include "host_addresses.h"
#include "kernel_support.h"
#include "log.h"
#include "notify.h"
#include "source_ports.h"
#include "loop.h"
#include "metrics.h"
#include "model.h"
#include "ticks.h"

static json_object *current_stats(void *ctx)
{
	json_object *args = json_object_new_object(), *stats = NULL;
	struct api_error err;

	if (daemon_action(ctx, "GetStats", args, &stats, &err))
		log_warn("cannot read the counters for metrics: %s", err.message);
	json_object_put(args);
	return stats;
}

/* The DNS door found a private DNS name's TXT record, or not: one change of the store. */
struct private_dns_outcome {
	const struct model_private_dns_check *check;
	bool found;
};

static int write_private_dns_outcome(struct agent *agent, void *ctx, struct api_error *err)
{
	const struct private_dns_outcome *outcome = ctx;

	return model_private_dns_result(agent->model, outcome->check, outcome->found, err) < 0 ? -1
											       : 0;
}

static int record_private_dns(void *ctx, const struct model_private_dns_check *check, bool found)
{
	struct private_dns_outcome outcome = { check, found };
	struct api_error err;
	char ids[sizeof(check->service_id) + sizeof(check->name) + 1], message[600];

	snprintf(ids, sizeof(ids), "%s,%s", check->service_id, check->name);
	if (change(ctx, NULL, write_private_dns_outcome, &outcome, &err)) {
		log_warn("cannot record the verification of %s: %s", check->name, err.message);
		audit_event(AUDIT_AGENT, "VerifyPrivateDnsName", ids, "failed", err.message);
		return -1;
	}
	snprintf(message, sizeof(message), "TXT record %s %s: %s", check->txt_name,
		 found ? "found" : "not found", found ? "verified" : "failed");
	audit_event(AUDIT_AGENT, "VerifyPrivateDnsName", ids, found ? "ok" : "failed", message);
	return 0;
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
		.host_answers = host_answers,
		.notification_target_allowed = notify_target_allowed,
	};
	static const struct dataplane_scope everything = { .all = true };
	const struct xl_config *config = &opts->datapath.config;
	struct port_range check_ports;
	struct api_error err = { 0 };
	char why[512];

	if (make_parent_dir(opts->state_path) || make_parent_dir(opts->socket_path))
		return -1;
	if (kernel_support_check(why, sizeof(why)) ||
	    source_ports_choose(config->port_min, config->port_count, &check_ports, why,
				sizeof(why))) {
		log_error("%s", why);
		return -1;
	}
	if (check_ports.first)
		log_info("health checks take source ports %u-%u, apart from the SNAT ports %u-%u "
			 "(the host's ip_local_port_range overlaps them)",
			 check_ports.first, check_ports.last, config->port_min,
			 config->port_min + config->port_count - 1);
	notify_configure(&opts->notify);
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
	if (change_sync(agent, &everything, &err)) {
		log_error("cannot program the data path from the store: %s", err.message);
		return -1;
	}
	agent->loop = loop_new();
	if (!agent->loop)
		return -1;
	agent->notifier = notify_start(&opts->notify);
	if (!agent->notifier)
		return -1;
	agent->api = api_listen(agent->loop, opts->socket_path, handle_request, agent);
	if (!agent->api || ticks_start(agent, &check_ports)) {
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
	if (!opts->dns.off) {
		agent->dns = dns_start(agent->loop, agent->model, opts->region, &opts->dns,
				       record_private_dns, agent);
		if (!agent->dns) {
			log_error("cannot start the VPCs' resolvers");
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
	dns_stop(agent->dns);
	metrics_stop(agent->metrics);
	health_free(agent->health);
	notify_stop(agent->notifier);
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
		/* systemd's Type=notify: the socket answers and the maps are the store's. Without
		 * $NOTIFY_SOCKET this does nothing. */
		sd_notifyf(0, "READY=1\nSTATUS=serving %s", opts->socket_path);
		status = loop_run(agent.loop) ? 1 : 0;
		sd_notify(0, "STOPPING=1\nSTATUS=stopping; the data path keeps every flow");
		log_info("stopped; the data path stays attached and keeps every flow");
	}
	stop(&agent);
	free(agent.release.busy_backends.keys);
	free(agent.release.busy_pools.keys);
	return status;
}
