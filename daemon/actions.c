/* SPDX-License-Identifier: MIT */
/* The daemon's own answers: DescribeAgent, DescribeInterfaces, GetStats (DescribeFlows
 * in flow_actions.c), and
 * the live flow counts added to DescribeTargetHealth. */
#include "actions.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datapath.h"
#include "facts.h"
#include "flow_actions.h"
#include "flows.h"
#include "ids.h"
#include "model.h"
#include "notify.h"

#define ADD(obj, key, value) json_object_object_add(obj, key, value)

static json_object *uint_json(uint64_t value)
{
	return json_object_new_uint64(value);
}

/* The interfaces the store lists, and whether each is attached now. */
static json_object *interfaces_json(struct agent *agent, struct api_error *err)
{
	struct dp_iface *ifaces = NULL;
	size_t count = 0;
	json_object *list;

	if (model_list_interfaces(agent->model, &ifaces, &count, err))
		return NULL;
	list = json_object_new_array();
	for (size_t i = 0; i < count; i++) {
		const struct dp_iface *want = &ifaces[i];
		const struct attached_iface *now = datapath_iface(agent->dp, want->name);
		json_object *iface = json_object_new_object();

		ADD(iface, "Name", json_object_new_string(want->name));
		ADD(iface, "Role", json_object_new_string(xl_role_name(want->role)));
		ADD(iface, "Mode", json_object_new_string(want->generic ? "generic" : "native"));
		ADD(iface, "Attached", json_object_new_boolean(now != NULL));
		ADD(iface, "Ifindex", json_object_new_int(now ? now->ifindex : 0));
		json_object_array_add(list, iface);
	}
	free(ifaces);
	return list;
}

static json_object *config_json(const struct agent *agent)
{
	const struct daemon_options *o = agent->opts;
	const struct xl_config *c = &o->datapath.config;
	json_object *config = json_object_new_object();
	char ports[24];

	snprintf(ports, sizeof(ports), "%u-%u", c->port_min, c->port_min + c->port_count - 1);
	ADD(config, "MaxConnectionsPerTarget", uint_json(c->max_conns_per_target));
	ADD(config, "SnatPortRange", json_object_new_string(ports));
	ADD(config, "MaglevTableSize", uint_json(c->maglev_size));
	ADD(config, "HashSeed", uint_json(c->hash_seed));
	ADD(config, "MaxFlows", uint_json(o->datapath.max_flows));
	ADD(config, "IdleTimeoutSeconds", uint_json(o->flows.idle_timeout_ms / 1000));
	ADD(config, "PortReuseDelaySeconds", uint_json(o->flows.port_reuse_delay_ms / 1000));
	ADD(config, "SynTimeoutSeconds", uint_json(o->flows.syn_timeout_ms / 1000));
	ADD(config, "HalfOpenPerTarget", uint_json(c->half_open_per_target));
	ADD(config, "HalfOpenPerNode", uint_json(c->half_open_per_node));
	ADD(config, "DeletedRetentionSeconds", uint_json(o->deleted_retention_s));
	return config;
}

/* What the notifications' delivery did since the start (notify.h). */
static json_object *notifications_json(struct agent *agent)
{
	json_object *out = json_object_new_object();
	struct notify_counts counts;

	notify_counts(agent->notifier, &counts);
	ADD(out, "Delivered", uint_json(counts.delivered));
	ADD(out, "Failed", uint_json(counts.failed));
	ADD(out, "Dropped", uint_json(counts.dropped));
	return out;
}

static int describe_agent(struct agent *agent, json_object *result, struct api_error *err)
{
	const struct daemon_options *o = agent->opts;
	json_object *interfaces = interfaces_json(agent, err);

	if (!interfaces)
		return -1;
	ADD(result, "Version", json_object_new_string(XDPLINK_VERSION));
	ADD(result, "Region", json_object_new_string(o->region));
	ADD(result, "UptimeSeconds", uint_json((uint64_t)(time(NULL) - agent->started)));
	ADD(result, "SocketPath", json_object_new_string(o->socket_path));
	ADD(result, "StatePath", json_object_new_string(o->state_path));
	ADD(result, "PinPath", json_object_new_string(o->datapath.pin_dir));
	ADD(result, "Config", config_json(agent));
	ADD(result, "Interfaces", interfaces);
	ADD(result, "ActiveFlowCount", uint_json(datapath_total_active_flows(agent->dp)));
	ADD(result, "HeldPortCount", uint_json(flows_held_ports(agent->flows)));
	ADD(result, "TrackedFlowCount", uint_json(flows_tracked(agent->flows)));
	ADD(result, "HalfOpenFlowCount", uint_json(flows_half_open(agent->flows)));
	ADD(result, "ConnectionNotifications", notifications_json(agent));
	return 0;
}

static void add_traffic(json_object *obj, const struct xl_traffic *t)
{
	ADD(obj, "NewFlowCount", uint_json(t->new_flows));
	ADD(obj, "ProcessedBytes", uint_json(t->bytes_in + t->bytes_out));
	ADD(obj, "ProcessedPackets", uint_json(t->packets_in + t->packets_out));
	ADD(obj, "BytesToTarget", uint_json(t->bytes_in));
	ADD(obj, "BytesToClient", uint_json(t->bytes_out));
	ADD(obj, "PacketsToTarget", uint_json(t->packets_in));
	ADD(obj, "PacketsToClient", uint_json(t->packets_out));
	ADD(obj, "TCP_ELB_Reset_Count", uint_json(t->resets));
	ADD(obj, "PortAllocationErrorCount", uint_json(t->port_alloc_errors));
}

static json_object *target_stats(struct agent *agent, struct api_error *err)
{
	struct model_target *targets = NULL;
	json_object *list;
	size_t count = 0;

	if (model_list_targets(agent->model, &targets, &count, err))
		return NULL;
	list = json_object_new_array();
	for (size_t i = 0; i < count; i++) {
		const struct model_target *t = &targets[i];
		json_object *row = json_object_new_object();
		struct xl_traffic traffic;
		char addr[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &t->addr, addr, sizeof(addr));
		datapath_member_traffic(agent->dp, t->member, &traffic);
		ADD(row, "TargetGroupName", json_object_new_string(t->group));
		ADD(row, "Id", json_object_new_string(addr));
		ADD(row, "Port", json_object_new_int(ntohs(t->port)));
		ADD(row, "AvailabilityZone", json_object_new_string(t->zone));
		ADD(row, "State", json_object_new_string(t->state));
		ADD(row, "ActiveFlowCount",
		    uint_json(datapath_member_active_flows(agent->dp, t->member)));
		add_traffic(row, &traffic);
		json_object_array_add(list, row);
	}
	free(targets);
	return list;
}

static const char *text(json_object *obj, const char *key)
{
	return json_object_get_string(json_object_object_get(obj, key));
}

/* The row of `list` for this target group and zone, added with zero counts if new. */
static json_object *host_count_row(json_object *list, const char *group, const char *zone)
{
	json_object *row;

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		row = json_object_array_get_idx(list, i);
		if (!strcmp(text(row, "TargetGroupName"), group) &&
		    !strcmp(text(row, "AvailabilityZone"), zone))
			return row;
	}
	row = json_object_new_object();
	ADD(row, "TargetGroupName", json_object_new_string(group));
	ADD(row, "AvailabilityZone", json_object_new_string(zone));
	ADD(row, "HealthyHostCount", json_object_new_int(0));
	ADD(row, "UnHealthyHostCount", json_object_new_int(0));
	json_object_array_add(list, row);
	return row;
}

/* HealthyHostCount and UnHealthyHostCount per target group and zone, as CloudWatch has
 * them, from the rows of target_stats(). */
static json_object *host_counts(json_object *targets)
{
	json_object *list = json_object_new_array();

	for (size_t i = 0; i < json_object_array_length(targets); i++) {
		json_object *target = json_object_array_get_idx(targets, i), *count;
		json_object *row = host_count_row(list, text(target, "TargetGroupName"),
						  text(target, "AvailabilityZone"));
		const char *state = text(target, "State"), *counted = NULL;

		if (!strcmp(state, "healthy"))
			counted = "HealthyHostCount";
		else if (!strcmp(state, "unhealthy"))
			counted = "UnHealthyHostCount";
		if (counted && json_object_object_get_ex(row, counted, &count))
			json_object_set_int(count, json_object_get_int(count) + 1);
	}
	return list;
}

/* Every endpoint with a slot, with its counters: one listing of the store and a few
 * batched reads of the counters, whatever their number. */
static json_object *endpoint_stats(struct agent *agent, struct api_error *err)
{
	struct dp_endpoint *endpoints = NULL;
	struct xl_traffic *traffic;
	uint64_t *active;
	size_t count = 0, slots;
	json_object *list;

	if (model_list_endpoints(agent->model, &endpoints, &count, err))
		return NULL;
	slots = count ? endpoints[count - 1].slot + 1 : 0; /* listed by slot */
	traffic = datapath_endpoints_traffic(agent->dp, slots);
	active = flows_per_endpoint(agent, slots);
	if (!traffic || !active) {
		free(traffic);
		free(active);
		free(endpoints);
		api_fail(err, API_InternalError, "cannot read the endpoints' counters");
		return NULL;
	}
	list = json_object_new_array();
	for (size_t i = 0; i < count; i++) {
		const struct dp_endpoint *e = &endpoints[i];
		const struct xl_traffic *t =
		    e->slot < slots ? &traffic[e->slot] : &(struct xl_traffic){ 0 };
		json_object *row = json_object_new_object();

		ADD(row, "VpcEndpointId", json_object_new_string(e->id));
		ADD(row, "ServiceId", json_object_new_string(e->service_id));
		ADD(row, "State", json_object_new_string(xl_endpoint_state_name(e->state)));
		add_traffic(row, t);
		ADD(row, "Drops", uint_json(t->drops));
		ADD(row, "ActiveConnections", uint_json(e->slot < slots ? active[e->slot] : 0));
		json_object_array_add(list, row);
	}
	free(active);
	free(traffic);
	free(endpoints);
	return list;
}

static json_object *reason_stats(struct agent *agent)
{
	uint64_t counts[XL_REASON_COUNT];
	json_object *reasons = json_object_new_object();

	datapath_reasons(agent->dp, counts);
	for (int r = 0; r < XL_REASON_COUNT; r++)
		ADD(reasons, xl_reason_names[r], uint_json(counts[r]));
	return reasons;
}

static int get_stats(struct agent *agent, json_object *result, struct api_error *err)
{
	json_object *targets = target_stats(agent, err), *endpoints;

	if (!targets)
		return -1;
	endpoints = endpoint_stats(agent, err);
	if (!endpoints) {
		json_object_put(targets);
		return -1;
	}
	ADD(result, "Targets", targets);
	ADD(result, "HostCounts", host_counts(targets));
	ADD(result, "Endpoints", endpoints);
	ADD(result, "Reasons", reason_stats(agent));
	ADD(result, "ActiveFlowCount", uint_json(datapath_total_active_flows(agent->dp)));
	ADD(result, "HeldPortCount", uint_json(flows_held_ports(agent->flows)));
	ADD(result, "TrackedFlowCount", uint_json(flows_tracked(agent->flows)));
	ADD(result, "HalfOpenFlowCount", uint_json(flows_half_open(agent->flows)));
	ADD(result, "UptimeSeconds", uint_json((uint64_t)(time(NULL) - agent->started)));
	ADD(result, "StartTime", uint_json((uint64_t)agent->started));
	ADD(result, "MaxFlows", uint_json(agent->opts->datapath.max_flows));
	ADD(result, "MaxConnectionsPerTarget",
	    uint_json(agent->opts->datapath.config.max_conns_per_target));
	ADD(result, "SnatPortsPerPool", uint_json(agent->opts->datapath.config.port_count));
	ADD(result, "Version", json_object_new_string(XDPLINK_VERSION));
	return 0;
}

bool daemon_has_action(const char *name)
{
	return !strcmp(name, "DescribeFlows") || !strcmp(name, "DescribeAgent") ||
	       !strcmp(name, "DescribeInterfaces") || !strcmp(name, "GetStats");
}

int daemon_action(struct agent *agent, const char *name, json_object *args, json_object **result,
		  struct api_error *err)
{
	json_object *interfaces;

	if (!strcmp(name, "DescribeFlows")) {
		*result = json_object_new_object();
		return describe_flows(agent, args, *result, err);
	}
	if (!daemon_has_action(name))
		return api_fail(err, API_InvalidAction, "there is no action named \"%s\"", name);
	if (json_object_object_length(args))
		return api_fail(err, API_ValidationError, "%s takes no arguments", name);
	*result = json_object_new_object();
	if (!strcmp(name, "DescribeAgent"))
		return describe_agent(agent, *result, err);
	if (!strcmp(name, "GetStats"))
		return get_stats(agent, *result, err);
	interfaces = interfaces_json(agent, err);
	if (!interfaces)
		return -1;
	ADD(*result, "Interfaces", interfaces);
	return 0;
}

/* The registration of addr:port in the caller's group of that name. */
static const struct model_target *find_target(const struct model_target *targets, size_t count,
					      const char *account, const char *group, uint32_t addr,
					      int port)
{
	for (size_t i = 0; i < count; i++)
		if (!strcmp(targets[i].account, account) && !strcmp(targets[i].group, group) &&
		    targets[i].addr == addr && ntohs(targets[i].port) == port)
			return &targets[i];
	return NULL;
}

/* ActiveFlowCount of each target, in its group, from the shared counters. */
int decorate_result(struct agent *agent, const char *name, const char *principal, json_object *args,
		    json_object *result, struct api_error *err)
{
	json_object *descriptions, *group;
	struct model_target *targets = NULL;
	struct principal caller;
	size_t count = 0;

	if (strcmp(name, "DescribeTargetHealth") ||
	    !json_object_object_get_ex(result, "TargetHealthDescriptions", &descriptions) ||
	    !json_object_object_get_ex(args, "Name", &group) ||
	    !principal_parse(principal, &caller))
		return 0;
	if (model_list_targets(agent->model, &targets, &count, err))
		return -1;
	for (size_t i = 0; i < json_object_array_length(descriptions); i++) {
		json_object *d = json_object_array_get_idx(descriptions, i), *target, *id, *port;
		const struct model_target *found;
		uint32_t addr;

		if (!json_object_object_get_ex(d, "Target", &target) ||
		    !json_object_object_get_ex(target, "Id", &id) ||
		    !json_object_object_get_ex(target, "Port", &port) ||
		    inet_pton(AF_INET, json_object_get_string(id), &addr) != 1)
			continue;
		found = find_target(targets, count, caller.account, json_object_get_string(group),
				    addr, json_object_get_int(port));
		if (found)
			ADD(d, "ActiveFlowCount",
			    uint_json(datapath_member_active_flows(agent->dp, found->member)));
	}
	free(targets);
	return 0;
}
