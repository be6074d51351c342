/* SPDX-License-Identifier: MIT */
/* DescribeFlows, the agent's conntrack -L: the flows of the mapped flow table, filtered by
 * endpoint, target or client address, with the names the store gives their slots. And
 * the active connections of each endpoint, for GetStats, from the same walk. */
#include "flow_actions.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "clock.h"
#include "datapath.h"
#include "flows.h"
#include "model.h"

#define ADD(obj, key, value) json_object_object_add(obj, key, value)

#define DEFAULT_MAX_RESULTS 1000
#define MOST_RESULTS	    100000

/* What the store calls the slots a flow points at. */
struct names {
	struct dp_endpoint *endpoints; /* by slot, ascending */
	size_t endpoint_count;
	struct model_target *targets;
	size_t target_count;
};

struct filter {
	uint32_t endpoint_slot; /* 0: any */
	bool by_endpoint;
	uint32_t target_addr; /* 0: any */
	uint16_t target_port; /* 0: any */
	uint32_t client_addr; /* 0: any */
	uint16_t client_port; /* 0: any */
};

struct listing {
	const struct names *names;
	const struct filter *filter;
	json_object *flows;
	int64_t max_results;
	size_t matched;
};

static const struct dp_endpoint *endpoint_at(const struct names *n, uint32_t slot)
{
	for (size_t i = 0; i < n->endpoint_count; i++)
		if (n->endpoints[i].slot == slot)
			return &n->endpoints[i];
	return NULL;
}

static const struct model_target *target_at(const struct names *n, uint32_t member)
{
	for (size_t i = 0; i < n->target_count; i++)
		if (n->targets[i].member == member)
			return &n->targets[i];
	return NULL;
}

static json_object *address_json(uint32_t addr)
{
	char text[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &addr, text, sizeof(text));
	return json_object_new_string(text);
}

/* The flow's life in one word, as conntrack would say it. */
static const char *flow_state(uint32_t state)
{
	if (state & (XL_FLOW_RST_CLIENT | XL_FLOW_RST_TARGET))
		return "reset";
	if ((state & XL_FLOW_FIN_CLIENT) && (state & XL_FLOW_FIN_TARGET))
		return "closed";
	if (state & (XL_FLOW_FIN_CLIENT | XL_FLOW_FIN_TARGET))
		return "closing";
	if (state & XL_FLOW_COOKIE)
		return "syn-cookie";
	return state & XL_FLOW_ANSWERED ? "established" : "half-open";
}

static json_object *flow_json(const struct tracked_flow *f, const struct names *n)
{
	const struct dp_endpoint *endpoint = endpoint_at(n, f->endpoint);
	const struct model_target *target = target_at(n, f->member);
	json_object *flow = json_object_new_object();

	ADD(flow, "ClientAddress", address_json(f->key.client_addr));
	ADD(flow, "ClientPort", json_object_new_int(ntohs(f->key.client_port)));
	ADD(flow, "EniAddress", address_json(f->key.eni_addr));
	ADD(flow, "EniPort", json_object_new_int(ntohs(f->key.eni_port)));
	ADD(flow, "VpcEndpointId", json_object_new_string(endpoint ? endpoint->id : ""));
	ADD(flow, "ServiceId", json_object_new_string(endpoint ? endpoint->service_id : ""));
	ADD(flow, "TargetGroupName", json_object_new_string(target ? target->group : ""));
	ADD(flow, "TargetAddress", address_json(f->target_addr));
	ADD(flow, "TargetPort", json_object_new_int(ntohs(f->target_port)));
	ADD(flow, "SnatAddress", address_json(f->snat_addr));
	ADD(flow, "SnatPort", json_object_new_int(ntohs(f->snat_port)));
	ADD(flow, "State", json_object_new_string(flow_state(f->state)));
	ADD(flow, "ProxyProtocol", json_object_new_boolean(f->state & XL_FLOW_PROXY_HEADER));
	ADD(flow, "IdleSeconds", json_object_new_uint64(f->idle_ms / 1000));
	return flow;
}

static bool matches(const struct tracked_flow *f, const struct filter *w)
{
	return (!w->by_endpoint || f->endpoint == w->endpoint_slot) &&
	       (!w->target_addr || f->target_addr == w->target_addr) &&
	       (!w->target_port || f->target_port == w->target_port) &&
	       (!w->client_addr || f->key.client_addr == w->client_addr) &&
	       (!w->client_port || f->key.client_port == w->client_port);
}

static bool list_one(const struct tracked_flow *f, void *ctx)
{
	struct listing *l = ctx;

	if (!matches(f, l->filter))
		return true;
	if ((int64_t)l->matched < l->max_results)
		json_object_array_add(l->flows, flow_json(f, l->names));
	l->matched++;
	return true; /* counted to the end: the answer says how many there were */
}

/* "IP" or "IP:PORT" (port 1-65535), in network order. */
static bool parse_address(const char *text, uint32_t *addr, uint16_t *port)
{
	char host[INET_ADDRSTRLEN], tail;
	const char *colon = strchr(text, ':');
	unsigned int number = 0;
	size_t len = colon ? (size_t)(colon - text) : strlen(text);

	if (len >= sizeof(host))
		return false;
	memcpy(host, text, len);
	host[len] = '\0';
	if (colon && (sscanf(colon + 1, "%u%c", &number, &tail) != 1 || !number || number > 65535 ||
		      colon[1] == '+' || colon[1] == '-'))
		return false;
	*port = htons((uint16_t)number);
	return inet_pton(AF_INET, host, addr) == 1;
}

static int read_filter(json_object *args, const struct names *n, struct filter *w,
		       int64_t *max_results, struct api_error *err)
{
	const char *endpoint = NULL, *target = NULL, *client = NULL;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "VpcEndpointId", ARG_OPTIONAL, &endpoint);
	args_string(&a, "Target", ARG_OPTIONAL, &target);
	args_string(&a, "ClientAddress", ARG_OPTIONAL, &client);
	args_int(&a, "MaxResults", ARG_OPTIONAL, 1, MOST_RESULTS, max_results);
	if (args_close(&a))
		return -1;
	if (target && !parse_address(target, &w->target_addr, &w->target_port))
		return api_fail(
		    err, API_InvalidParameterValue,
		    "Target '%s' is not IP or IP:PORT (an IPv4 address, a port 1-65535)", target);
	if (client && !parse_address(client, &w->client_addr, &w->client_port))
		return api_fail(err, API_InvalidParameterValue,
				"ClientAddress '%s' is not IP or IP:PORT (an IPv4 address, a port "
				"1-65535)",
				client);
	if (endpoint) {
		for (size_t i = 0; i < n->endpoint_count && !w->by_endpoint; i++)
			if (!strcmp(n->endpoints[i].id, endpoint)) {
				w->by_endpoint = true;
				w->endpoint_slot = n->endpoints[i].slot;
			}
		if (!w->by_endpoint)
			return api_fail(err, API_InvalidVpcEndpointId_NotFound,
					"The Vpc Endpoint Id '%s' does not exist", endpoint);
	}
	return 0;
}

static int names_read(struct agent *agent, struct names *n, struct api_error *err)
{
	*n = (struct names){ 0 };
	if (model_list_endpoints(agent->model, &n->endpoints, &n->endpoint_count, err))
		return -1;
	return model_list_targets(agent->model, &n->targets, &n->target_count, err);
}

static void names_free(struct names *n)
{
	free(n->endpoints);
	free(n->targets);
}

int describe_flows(struct agent *agent, json_object *args, json_object *result,
		   struct api_error *err)
{
	struct filter filter = { 0 };
	struct listing listing = { .filter = &filter, .max_results = DEFAULT_MAX_RESULTS };
	struct names names;
	int rc = names_read(agent, &names, err);

	if (!rc)
		rc = read_filter(args, &names, &filter, &listing.max_results, err);
	if (!rc) {
		listing.names = &names;
		listing.flows = json_object_new_array();
		flows_view(agent->flows, monotonic_ms(), list_one, &listing);
		ADD(result, "Flows", listing.flows);
		ADD(result, "FlowCount", json_object_new_uint64(listing.matched));
		ADD(result, "Truncated",
		    json_object_new_boolean((int64_t)listing.matched > listing.max_results));
	}
	names_free(&names);
	return rc;
}

struct tally {
	uint64_t *counts;
	size_t slots;
};

/* A flow that still carries a connection: neither reset nor closed both ways. */
static bool count_one(const struct tracked_flow *f, void *ctx)
{
	struct tally *t = ctx;

	if (f->endpoint < t->slots && strcmp(flow_state(f->state), "reset") &&
	    strcmp(flow_state(f->state), "closed"))
		t->counts[f->endpoint]++;
	return true;
}

uint64_t *flows_per_endpoint(struct agent *agent, size_t slots)
{
	struct tally tally = { .counts = calloc(slots ? slots : 1, sizeof(uint64_t)),
			       .slots = slots };

	if (tally.counts)
		flows_view(agent->flows, monotonic_ms(), count_one, &tally);
	return tally.counts;
}
