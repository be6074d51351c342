/* SPDX-License-Identifier: MIT */
/* The flow collector behind flows.h, the one file that reads the flow table's layout. It
 * walks the table in place (mapped memory, the pages in use only) and takes a flow with
 * the same compare-and-swap the data path would lose to: the take that succeeds owns the
 * flow's count and port, which makes each release happen exactly once. */
#include "flows.h"
#include "datapath_internal.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow_table.h"
#include "log.h"

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
	/* Per slot, when the collector first saw its flow closed (ms of this agent's clock,
	 * +1), for the close grace; 0: not seen closed. */
	uint64_t *closed_since;
	uint32_t slots;
	struct flows_pass last; /* the last collection's */
};

struct flows *flows_new(struct datapath *dp, const struct flows_options *opts)
{
	struct flows *flows = calloc(1, sizeof(*flows));

	if (!flows)
		return NULL;
	flows->dp = dp;
	flows->opts = *opts;
	flows->slots = dp->flows.homes + XL_FLOW_HOP;
	flows->closed_since = calloc(flows->slots, sizeof(*flows->closed_since));
	if (!flows->closed_since) {
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
	free(flows->closed_since);
	free(flows);
}

static bool any_flow(uint32_t slot, void *ctx)
{
	(void)slot;
	(void)ctx;
	return false; /* one is enough: stop */
}

bool flows_pinned(const struct datapath *dp)
{
	return flow_table_walk((struct flow_table *)&dp->flows, any_flow, NULL) > 0;
}

size_t flows_held_ports(const struct flows *flows)
{
	return flows->held_count;
}

uint32_t flows_tracked(const struct flows *flows)
{
	return flows->last.kept;
}

uint32_t flows_half_open(const struct flows *flows)
{
	return flows->last.kept_half_open;
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

/* The port indexes of the pools one pass asks about, each opened once in the pass: on
 * 6.1, every lookup in a map of maps from userspace waits for an RCU grace period. */
struct port_indexes {
	int *fds; /* per pool: its index, or NOT_OPENED */
	uint32_t count;
};

#define NOT_OPENED (-2)

static void port_indexes_close(struct port_indexes *indexes)
{
	for (uint32_t pool = 0; indexes->fds && pool < indexes->count; pool++)
		if (indexes->fds[pool] >= 0)
			close(indexes->fds[pool]);
	free(indexes->fds);
}

/* The pool's port index, or -1. */
static int port_index_of(struct flows *flows, struct port_indexes *indexes, uint32_t pool)
{
	uint32_t inner_id;

	if (!indexes->fds) {
		indexes->count = flows->dp->max_pools;
		indexes->fds = malloc(indexes->count * sizeof(*indexes->fds));
		if (!indexes->fds)
			return -1;
		for (uint32_t i = 0; i < indexes->count; i++)
			indexes->fds[i] = NOT_OPENED;
	}
	if (pool >= indexes->count)
		return -1;
	if (indexes->fds[pool] == NOT_OPENED)
		indexes->fds[pool] =
		    bpf_map__lookup_elem(flows->dp->skel->maps.xdplink_pool_flows_v1, &pool,
					 sizeof(pool), &inner_id, sizeof(inner_id), 0)
			? -1
			: bpf_map_get_fd_by_id(inner_id);
	return indexes->fds[pool];
}

/* Whether a flow now holds this port of this pool (only asked of recovered ports): the
 * slot the pool's port index names, if its flow has that pool and port. */
static bool port_in_use(struct flows *flows, struct port_indexes *indexes, uint32_t pool,
			uint32_t index)
{
	struct datapath *dp = flows->dp;
	int fd = port_index_of(flows, indexes, pool);
	const struct xl_flow *flow;
	uint32_t slot = 0;

	if (fd < 0)
		return false;
	bpf_map_lookup_elem(fd, &index, &slot);
	if (slot >= flows->slots)
		return false;
	flow = &dp->flows.slots[slot];
	return flow_slot_kind(flow) == XL_SLOT_FLOW && flow->pool == pool &&
	       ntohs(flow->snat_port) == dp->config.port_min + index;
}

static uint32_t release_due_ports(struct flows *flows, uint64_t now)
{
	struct port_indexes indexes = { 0 };
	uint32_t released = 0;

	while (flows->held_count) {
		struct held_port *port = &flows->held[flows->held_head];

		if (port->due > now)
			break;
		if (!port->verify || !port_in_use(flows, &indexes, port->pool, port->index)) {
			release_port(flows, port->pool, port->index);
			released++;
		}
		flows->held_head = (flows->held_head + 1) % flows->held_capacity;
		flows->held_count--;
	}
	port_indexes_close(&indexes);
	return released;
}

/* ---- Flows ----------------------------------------------------------------------- */

enum verdict {
	KEEP,
	CLOSED_BY_FIN,
	CLOSED_BY_RST,
	HALF_OPEN, /* the handshake never finished (a cookie flow's target never answered) */
	IDLE,
};

/* How long a flow has been quiet at least, in ms: its stamp is the program's clock in
 * whole seconds, 16 bits of it (its idle times are shorter). */
static uint64_t quiet_for(const struct flows *flows, const struct xl_flow *flow, uint64_t now)
{
	uint64_t seconds = (uint16_t)((uint16_t)(now / 1000) - flow->last_seen);
	uint64_t since_start = now > flows->started ? now - flows->started : 0;
	uint64_t quiet = seconds * 1000;

	return quiet < since_start ? quiet : since_start;
}

static bool closed_for(struct flows *flows, uint32_t slot, uint64_t now, uint64_t grace)
{
	if (!flows->closed_since[slot])
		flows->closed_since[slot] = now + 1;
	return now + 1 - flows->closed_since[slot] >= grace;
}

static enum verdict judge(struct flows *flows, uint32_t slot, uint32_t state, uint64_t now)
{
	const struct xl_flow *flow = &flows->dp->flows.slots[slot];
	bool reset = state & (XL_FLOW_RST_CLIENT | XL_FLOW_RST_TARGET);
	bool finished = (state & XL_FLOW_FIN_CLIENT) && (state & XL_FLOW_FIN_TARGET);
	uint64_t quiet = quiet_for(flows, flow, now);

	/* Both FINs make an orderly close, even if a RST follows: a target that closed
	 * answers a duplicate final ACK with one. */
	if (reset || finished) {
		if (closed_for(flows, slot, now, flows->opts.close_grace_ms))
			return finished ? CLOSED_BY_FIN : CLOSED_BY_RST;
		return KEEP;
	}
	flows->closed_since[slot] = 0; /* reopened, or never closed */
	/* A cookie flow's client is past its handshake, but the target has not answered. */
	if ((!(state & XL_FLOW_ANSWERED) || (state & XL_FLOW_COOKIE)) &&
	    quiet >= flows->opts.syn_timeout_ms)
		return HALF_OPEN;
	return quiet >= flows->opts.idle_timeout_ms ? IDLE : KEEP;
}

/* Subtracts a released flow from a count (a backend's, a member's). */
static void give_back(uint32_t *count)
{
	__atomic_fetch_sub(count, 1, __ATOMIC_RELEASE);
}

/* Releases what a flow held, the flow taken: its counts (and, while its client never
 * answered, its place among the half-open ones) and its port, held first for the reuse
 * delay when the target may still know the connection. */
static void release_flow(struct flows *flows, const struct xl_flow *flow, uint32_t state,
			 bool target_knows, uint64_t now)
{
	struct datapath *dp = flows->dp;
	uint32_t index = ntohs(flow->snat_port) - dp->config.port_min;
	uint32_t backend = flow->member < dp->max_members ? dp->members[flow->member].backend : 0;

	if (backend && backend < dp->max_backends) {
		give_back(&dp->conns[backend].active);
		if (!(state & XL_FLOW_ANSWERED)) {
			give_back(&dp->conns[backend].half_open);
			__atomic_fetch_sub(dp->half_open_node, 1, __ATOMIC_RELEASE);
		}
	}
	if (flow->member < dp->max_members)
		give_back(&dp->member_conns[flow->member].active);
	if (!target_knows ||
	    hold_port(flows, (struct held_port){ .pool = flow->pool,
						 .index = index,
						 .due = now + flows->opts.port_reuse_delay_ms }))
		release_port(flows, flow->pool, index);
}

/* Takes the flow in `slot` if it is still as the pass saw it (a flow that changed since,
 * reopened by a SYN, is left alone), releases it and empties the slot. A retired flow
 * (given up by the data path) is no one's but the collector's already. */
static bool collect_flow(struct flows *flows, uint32_t slot, uint32_t seen, bool target_knows,
			 uint64_t now)
{
	struct flow_table *table = &flows->dp->flows;
	const struct xl_flow *flow = &table->slots[slot];

	if ((seen & XL_SLOT_KIND_MASK) == XL_SLOT_FLOW && !flow_table_take(table, slot, seen))
		return false;
	release_flow(flows, flow, seen, target_knows, now);
	flows->closed_since[slot] = 0;
	flow_table_remove(table, slot);
	return true;
}

struct collect_ctx {
	struct flows *flows;
	uint64_t now;
	struct flows_pass *pass;
};

/* A target that answered may hold the connection in TIME_WAIT (FIN) or SYN_RECV (a
 * half-open flow it answered): its port rests. */
static bool collect_one(uint32_t slot, void *ctx)
{
	struct collect_ctx *c = ctx;
	const struct xl_flow *flow = &c->flows->dp->flows.slots[slot];
	uint32_t state = __atomic_load_n(&flow->state, __ATOMIC_ACQUIRE);

	if ((state & XL_SLOT_KIND_MASK) == XL_SLOT_RETIRED) {
		c->pass->closed += collect_flow(c->flows, slot, state, true, c->now);
		return true;
	}
	switch (judge(c->flows, slot, state, c->now)) {
	case CLOSED_BY_FIN:
		c->pass->closed += collect_flow(c->flows, slot, state, true, c->now);
		break;
	case CLOSED_BY_RST:
		c->pass->closed += collect_flow(c->flows, slot, state, false, c->now);
		break;
	case HALF_OPEN:
		c->pass->half_open +=
		    collect_flow(c->flows, slot, state, flow->target_next != 0, c->now);
		break;
	case IDLE:
		c->pass->idle += collect_flow(c->flows, slot, state, false, c->now);
		break;
	case KEEP:
		c->pass->kept++;
		c->pass->kept_half_open += !(state & XL_FLOW_ANSWERED);
		break;
	}
	return true;
}

int flows_collect(struct flows *flows, uint64_t now, struct flows_pass *pass)
{
	struct collect_ctx ctx = { .flows = flows, .now = now, .pass = pass };

	memset(pass, 0, sizeof(*pass));
	pass->ports_released = release_due_ports(flows, now);
	flow_table_walk(&flows->dp->flows, collect_one, &ctx);
	flows->last = *pass;
	return 0;
}

struct closed_ctx {
	struct flows *flows;
	const struct closed_traffic *closed;
	uint32_t removed;
	uint64_t now;
};

static bool is_closed(const struct closed_traffic *closed, const struct xl_flow *flow)
{
	for (size_t i = 0; i < closed->endpoint_count; i++)
		if (flow->endpoint == closed->endpoints[i])
			return true;
	for (size_t i = 0; i < closed->listener_count; i++)
		if (flow->key.eni_addr == closed->listeners[i].addr &&
		    flow->key.eni_port == closed->listeners[i].port)
			return true;
	return false;
}

/* The target may still hold the connection: its port waits out the delay. */
static bool remove_if_closed(uint32_t slot, void *ctx)
{
	struct closed_ctx *c = ctx;
	const struct xl_flow *flow = &c->flows->dp->flows.slots[slot];
	uint32_t state = __atomic_load_n(&flow->state, __ATOMIC_ACQUIRE);

	if (is_closed(c->closed, flow))
		c->removed += collect_flow(c->flows, slot, state, true, c->now);
	return true;
}

uint32_t flows_remove_closed(struct flows *flows, const struct closed_traffic *closed, uint64_t now)
{
	struct closed_ctx ctx = { .flows = flows, .closed = closed, .now = now };

	if (!closed->endpoint_count && !closed->listener_count)
		return 0;
	flow_table_walk(&flows->dp->flows, remove_if_closed, &ctx);
	return ctx.removed;
}

/* ---- Recovery --------------------------------------------------------------------- */

struct recover_ctx {
	struct flows *flows;
	struct xl_port_pool *snapshot;
};

static bool unmark_flow_port(uint32_t slot, void *ctx)
{
	struct recover_ctx *c = ctx;
	const struct xl_flow *flow = &c->flows->dp->flows.slots[slot];
	uint32_t index = ntohs(flow->snat_port) - c->flows->dp->config.port_min;

	if (flow->pool < c->flows->dp->max_pools && index < XL_PORTS_PER_POOL)
		c->snapshot[flow->pool].used[index / 64] &= ~(1ULL << (index % 64));
	return true;
}

int flows_recover(struct flows *flows, uint64_t now)
{
	uint32_t pools = flows->dp->max_pools;
	struct xl_port_pool *snapshot = malloc(pools * sizeof(*snapshot));
	struct recover_ctx ctx = { .flows = flows, .snapshot = snapshot };
	size_t recovered = 0;

	if (!snapshot)
		return -1;
	flows->started = now;
	/* Ports first, flows second: a port claimed after the snapshot is not in it. */
	memcpy(snapshot, flows->dp->pools, pools * sizeof(*snapshot));
	flow_table_walk(&flows->dp->flows, unmark_flow_port, &ctx);
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

/* ---- Reading flows for the operator ---------------------------------------------- */

struct view_ctx {
	struct flows *flows;
	uint64_t now;
	tracked_flow_fn visit;
	void *ctx;
	size_t visited;
};

/* A copy of the slot, kept only if its state word was the same before and after: the
 * data path may be writing it meanwhile. */
static bool view_one(uint32_t slot, void *ctx)
{
	struct view_ctx *c = ctx;
	const struct datapath *dp = c->flows->dp;
	const struct xl_flow *live = &dp->flows.slots[slot];
	uint32_t state = __atomic_load_n(&live->state, __ATOMIC_ACQUIRE);
	struct xl_flow flow = *live;
	struct tracked_flow view = { 0 };
	uint32_t backend;

	if ((state & XL_SLOT_KIND_MASK) != XL_SLOT_FLOW ||
	    __atomic_load_n(&live->state, __ATOMIC_ACQUIRE) != state)
		return true;
	backend = flow.member < dp->max_members ? dp->members[flow.member].backend : 0;
	view.key = flow.key;
	if (backend && backend < dp->max_backends) {
		view.target_addr = dp->backends[backend].addr;
		view.target_port = dp->backends[backend].port;
	}
	view.snat_addr = flow.snat_addr;
	view.snat_port = flow.snat_port;
	view.endpoint = flow.endpoint;
	view.member = flow.member;
	view.state = state & ~(XL_SLOT_KIND_MASK | XL_FLOW_TAG_MASK);
	view.idle_ms = quiet_for(c->flows, &flow, c->now);
	c->visited++;
	return c->visit(&view, c->ctx);
}

size_t flows_view(struct flows *flows, uint64_t now, tracked_flow_fn visit, void *ctx)
{
	struct view_ctx c = { .flows = flows, .now = now, .visit = visit, .ctx = ctx };

	flow_table_walk(&flows->dp->flows, view_one, &c);
	return c.visited;
}
