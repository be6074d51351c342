/* SPDX-License-Identifier: MIT */
/* The flow collector behind flows.h. The agent is the only deleter of flows: the
 * delete that succeeds owns the flow's count and port, which makes each release
 * happen exactly once. */
#include "flows.h"
#include "datapath_internal.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define BATCH 4096

struct held_port {
	uint32_t pool;
	uint32_t index; /* port - port_min */
	uint64_t due;
	bool verify; /* recovered at start: make sure no flow took it meanwhile */
};

struct flows {
	struct datapath *dp;
	struct flows_options opts;
	/* The program's clock stood still while no agent ran: a flow stamped before this
	 * agent started may have been busy until then. */
	uint64_t started;
	struct held_port *held; /* a ring, in order of due time */
	size_t held_head, held_count, held_capacity;
	struct xl_flow_key *keys;
	struct xl_flow *values;
};

struct flows *flows_new(struct datapath *dp, const struct flows_options *opts)
{
	struct flows *flows = calloc(1, sizeof(*flows));

	if (!flows)
		return NULL;
	flows->dp = dp;
	flows->opts = *opts;
	flows->keys = calloc(BATCH, sizeof(*flows->keys));
	flows->values = calloc(BATCH, sizeof(*flows->values));
	if (!flows->keys || !flows->values) {
		flows_free(flows);
		return NULL;
	}
	return flows;
}

void flows_free(struct flows *flows)
{
	if (!flows)
		return;
	free(flows->held);
	free(flows->keys);
	free(flows->values);
	free(flows);
}

bool flows_pinned(const struct datapath *dp)
{
	struct xl_flow_key key;

	return !bpf_map_get_next_key(bpf_map__fd(dp->skel->maps.xdplink_flows_v3), NULL, &key);
}

size_t flows_held_ports(const struct flows *flows)
{
	return flows->held_count;
}

/* ---- Ports --------------------------------------------------------------------- */

static void release_port(struct flows *flows, uint32_t pool, uint32_t index)
{
	if (pool < flows->dp->max_pools && index < XL_PORTS_PER_POOL)
		__atomic_fetch_and(&flows->dp->pools[pool].used[index / 64],
				   ~(1ULL << (index % 64)), __ATOMIC_RELEASE);
}

static int hold_port(struct flows *flows, struct held_port port)
{
	if (flows->held_count == flows->held_capacity) {
		size_t capacity = flows->held_capacity ? 2 * flows->held_capacity : 1024;
		struct held_port *grown = malloc(capacity * sizeof(*grown));

		if (!grown)
			return -1;
		for (size_t i = 0; i < flows->held_count; i++)
			grown[i] = flows->held[(flows->held_head + i) % flows->held_capacity];
		free(flows->held);
		flows->held = grown;
		flows->held_head = 0;
		flows->held_capacity = capacity;
	}
	flows->held[(flows->held_head + flows->held_count) % flows->held_capacity] = port;
	flows->held_count++;
	return 0;
}

/* Where each pool's ports lead: its reverse-NAT key but the port, read with one walk of the
 * pool index. A pool no backend uses any more has a zero key. */
static struct xl_rnat_key *read_pool_destinations(struct flows *flows)
{
	struct bpf_map *pool_index = flows->dp->skel->maps.xdplink_pool_index_v1;
	struct xl_rnat_key *destinations = calloc(flows->dp->max_pools, sizeof(*destinations));
	struct xl_pool_key key, next, *prev = NULL;

	if (!destinations)
		return NULL;
	while (!bpf_map__get_next_key(pool_index, prev, &next, sizeof(next))) {
		struct xl_pool_slot slot;
		struct xl_backend be;

		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(pool_index, &key, sizeof(key), &slot, sizeof(slot), 0) ||
		    slot.pool >= flows->dp->max_pools ||
		    bpf_map__lookup_elem(flows->dp->skel->maps.xdplink_backends_v2, &key.backend,
					 sizeof(key.backend), &be, sizeof(be), 0))
			continue;
		destinations[slot.pool] = (struct xl_rnat_key){ .target_addr = be.addr,
								.snat_addr = key.snat_addr,
								.target_port = be.port };
	}
	return destinations;
}

/* Whether a flow now uses this port of this pool (only asked of recovered ports). */
static bool port_in_use(struct flows *flows, const struct xl_rnat_key *destinations, uint32_t pool,
			uint32_t index)
{
	struct xl_rnat_key key = destinations[pool];
	struct xl_rnat rnat;

	if (!key.target_addr)
		return false;
	key.snat_port = htons(flows->dp->config.port_min + index);
	return !bpf_map__lookup_elem(flows->dp->skel->maps.xdplink_rnat_v3, &key, sizeof(key),
				     &rnat, sizeof(rnat), 0);
}

static uint32_t release_due_ports(struct flows *flows, uint64_t now)
{
	struct xl_rnat_key *destinations = NULL;
	uint32_t released = 0;

	while (flows->held_count) {
		struct held_port *port = &flows->held[flows->held_head];

		if (port->due > now)
			break;
		if (port->verify && !destinations) {
			destinations = read_pool_destinations(flows);
			if (!destinations)
				break; /* out of memory: the next pass tries again */
		}
		if (!port->verify || !port_in_use(flows, destinations, port->pool, port->index)) {
			release_port(flows, port->pool, port->index);
			released++;
		}
		flows->held_head = (flows->held_head + 1) % flows->held_capacity;
		flows->held_count--;
	}
	free(destinations);
	return released;
}

/* ---- Flows ----------------------------------------------------------------------- */

enum verdict {
	KEEP,
	CLOSED_BY_FIN,
	CLOSED_BY_RST,
	MAYBE_IDLE
};

/* How long a flow (or its target side) has been quiet at least. */
static uint64_t quiet_for(const struct flows *flows, uint64_t last_seen, uint64_t now)
{
	uint64_t since = last_seen > flows->started ? last_seen : flows->started;

	return now > since ? now - since : 0;
}

static enum verdict judge(const struct flows *flows, const struct xl_flow *flow, uint64_t now)
{
	uint64_t quiet = now > flow->last_seen ? now - flow->last_seen : 0;
	bool reset = flow->flags & (XL_FLOW_RST_CLIENT | XL_FLOW_RST_TARGET);
	bool finished = (flow->flags & XL_FLOW_FIN_CLIENT) && (flow->flags & XL_FLOW_FIN_TARGET);

	/* Both FINs make an orderly close, even if a RST follows: a target that closed
	 * answers a duplicate final ACK with one. */
	if ((reset || finished) && quiet >= flows->opts.close_grace_ms)
		return finished ? CLOSED_BY_FIN : CLOSED_BY_RST;
	if (quiet_for(flows, flow->last_seen, now) >= flows->opts.idle_timeout_ms)
		return MAYBE_IDLE;
	return KEEP;
}

static struct xl_rnat_key rnat_key_of(const struct xl_flow *flow)
{
	return (struct xl_rnat_key){ .target_addr = flow->target_addr,
				     .snat_addr = flow->snat_addr,
				     .target_port = flow->target_port,
				     .snat_port = flow->snat_port };
}

/* Idle only if the target has been quiet as long as the client. */
static bool target_idle(struct flows *flows, const struct xl_flow *flow, uint64_t now)
{
	struct xl_rnat_key key = rnat_key_of(flow);
	struct xl_rnat rnat;

	if (bpf_map__lookup_elem(flows->dp->skel->maps.xdplink_rnat_v3, &key, sizeof(key), &rnat,
				 sizeof(rnat), 0))
		return true;
	return quiet_for(flows, rnat.last_seen, now) >= flows->opts.idle_timeout_ms;
}

/* Subtracts a released flow from the count of its slot (a backend's or a member's). */
static void give_back(struct xl_conns *conns, uint32_t slots, uint32_t slot)
{
	if (slot < slots)
		__atomic_fetch_sub(&conns[slot].active, 1, __ATOMIC_RELEASE);
}

/* Removes the flow and gives back its counts and port. `seen` is the entry as the
 * pass read it: a flow that changed since (a SYN reopened it) is left alone. The
 * program may still be writing to the element of a flow deleted under it, but
 * only for a packet that raced its collection after a quiet grace period. */
static bool release_flow(struct flows *flows, const struct xl_flow_key *key,
			 const struct xl_flow *seen, bool hold, uint64_t now)
{
	struct bpf_map *map = flows->dp->skel->maps.xdplink_flows_v3;
	struct xl_rnat_key rkey;
	struct xl_flow flow;
	uint32_t index;

	if (bpf_map__lookup_elem(map, key, sizeof(*key), &flow, sizeof(flow), 0) ||
	    (seen && (flow.flags != seen->flags || flow.last_seen != seen->last_seen)))
		return false;
	if (bpf_map__delete_elem(map, key, sizeof(*key), 0))
		return false;
	rkey = rnat_key_of(&flow);
	bpf_map__delete_elem(flows->dp->skel->maps.xdplink_rnat_v3, &rkey, sizeof(rkey), 0);
	give_back(flows->dp->conns, flows->dp->max_backends, flow.backend);
	give_back(flows->dp->member_conns, flows->dp->max_members, flow.member);
	index = ntohs(flow.snat_port) - flows->dp->config.port_min;
	if (!hold ||
	    hold_port(flows, (struct held_port){ .pool = flow.pool,
						 .index = index,
						 .due = now + flows->opts.port_reuse_delay_ms }))
		release_port(flows, flow.pool, index);
	return true;
}

/* Calls visit() on every flow, reading the table in batches. */
static int for_each_flow(struct flows *flows,
			 void (*visit)(struct flows *, const struct xl_flow_key *,
				       const struct xl_flow *, void *),
			 void *ctx)
{
	int fd = bpf_map__fd(flows->dp->skel->maps.xdplink_flows_v3);
	__u32 batch, *in = NULL;
	bool last = false;

	while (!last) {
		__u32 count = BATCH;
		int rc =
		    bpf_map_lookup_batch(fd, in, &batch, flows->keys, flows->values, &count, NULL);

		if (rc && errno != ENOENT)
			return -1;
		last = rc != 0;
		for (__u32 i = 0; i < count; i++)
			visit(flows, &flows->keys[i], &flows->values[i], ctx);
		in = &batch;
	}
	return 0;
}

struct collect_ctx {
	uint64_t now;
	struct flows_pass *pass;
};

static void collect_one(struct flows *flows, const struct xl_flow_key *key,
			const struct xl_flow *flow, void *ctx)
{
	struct collect_ctx *c = ctx;

	switch (judge(flows, flow, c->now)) {
	case CLOSED_BY_FIN:
		c->pass->closed += release_flow(flows, key, flow, true, c->now);
		break;
	case CLOSED_BY_RST:
		c->pass->closed += release_flow(flows, key, flow, false, c->now);
		break;
	case MAYBE_IDLE:
		if (target_idle(flows, flow, c->now))
			c->pass->idle += release_flow(flows, key, flow, false, c->now);
		break;
	case KEEP:
		break;
	}
}

int flows_collect(struct flows *flows, uint64_t now, struct flows_pass *pass)
{
	struct collect_ctx ctx = { .now = now, .pass = pass };

	memset(pass, 0, sizeof(*pass));
	pass->ports_released = release_due_ports(flows, now);
	return for_each_flow(flows, collect_one, &ctx);
}

struct closed_ctx {
	const struct closed_traffic *closed;
	uint32_t removed;
	uint64_t now;
};

static bool is_closed(const struct closed_traffic *closed, const struct xl_flow_key *key,
		      const struct xl_flow *flow)
{
	for (size_t i = 0; i < closed->endpoint_count; i++)
		if (flow->endpoint == closed->endpoints[i])
			return true;
	for (size_t i = 0; i < closed->listener_count; i++)
		if (key->eni_addr == closed->listeners[i].addr &&
		    key->eni_port == closed->listeners[i].port)
			return true;
	return false;
}

static void remove_if_closed(struct flows *flows, const struct xl_flow_key *key,
			     const struct xl_flow *flow, void *ctx)
{
	struct closed_ctx *c = ctx;

	/* The target may still hold the connection: its port waits out the delay. */
	if (is_closed(c->closed, key, flow))
		c->removed += release_flow(flows, key, NULL, true, c->now);
}

uint32_t flows_remove_closed(struct flows *flows, const struct closed_traffic *closed, uint64_t now)
{
	struct closed_ctx ctx = { .closed = closed, .now = now };

	if (!closed->endpoint_count && !closed->listener_count)
		return 0;
	if (for_each_flow(flows, remove_if_closed, &ctx))
		log_warn("could not read every flow of a closed endpoint or listener: %s",
			 strerror(errno));
	return ctx.removed;
}

/* ---- Recovery --------------------------------------------------------------------- */

static void unmark_flow_port(struct flows *flows, const struct xl_flow_key *key,
			     const struct xl_flow *flow, void *ctx)
{
	struct xl_port_pool *snapshot = ctx;
	uint32_t index = ntohs(flow->snat_port) - flows->dp->config.port_min;

	(void)key;
	if (flow->pool < flows->dp->max_pools && index < XL_PORTS_PER_POOL)
		snapshot[flow->pool].used[index / 64] &= ~(1ULL << (index % 64));
}

int flows_recover(struct flows *flows, uint64_t now)
{
	uint32_t pools = flows->dp->max_pools;
	struct xl_port_pool *snapshot = malloc(pools * sizeof(*snapshot));
	size_t recovered = 0;

	if (!snapshot)
		return -1;
	flows->started = now;
	/* Ports first, flows second: a port claimed after the snapshot is not in it. */
	memcpy(snapshot, flows->dp->pools, pools * sizeof(*snapshot));
	if (for_each_flow(flows, unmark_flow_port, snapshot)) {
		free(snapshot);
		return -1;
	}
	for (uint32_t pool = 0; pool < pools; pool++)
		for (uint32_t w = 0; w < XL_POOL_WORDS; w++)
			for (uint64_t bits = snapshot[pool].used[w]; bits; bits &= bits - 1) {
				struct held_port port = {
					.pool = pool,
					.index = w * 64 + (uint32_t)__builtin_ctzll(bits),
					.due = now + flows->opts.port_reuse_delay_ms,
					.verify = true,
				};

				if (hold_port(flows, port))
					break;
				recovered++;
			}
	free(snapshot);
	if (recovered)
		log_info("holding %zu SNAT ports of closed flows for the reuse delay", recovered);
	return 0;
}
