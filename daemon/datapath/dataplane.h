/* SPDX-License-Identifier: MIT */
/* The data-path projection: what the maps must hold, in plain values (slots, addresses,
 * states), with nothing of BPF. The model computes it from the store; the map writer
 * (datapath_apply) makes the maps hold it. Slots are allocated by the model and stable for
 * a resource's life, so counters and flows survive restarts.
 *
 * A projection covers a scope: everything (at start), or the keys a change touched, so
 * that the work of a change is in proportion to the change, not to the configuration. */
#ifndef XL_DATAPLANE_H
#define XL_DATAPLANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dp_frontend {
	uint32_t eni_addr;    /* network order */
	uint16_t port;	      /* network order; 0 for the ENI's own entry */
	uint32_t endpoint;    /* endpoint slot */
	uint32_t table;	      /* Maglev table slot (target group x scope) */
	uint32_t snat_addr;   /* network order: the NLB node IP of the ENI's zone */
	bool proxy_v2;	      /* the target group sends a proxy protocol v2 header */
	bool security_groups; /* the endpoint has security groups: new flows are checked */
	char iface[16];	      /* the consumer interface of the ENI's VPC, the one it serves */
};

struct dp_endpoint {
	uint32_t slot;
	uint32_t state; /* enum xl_endpoint_state */
	char id[32];	/* vpce-... */
	char service_id[32];
};

/* The inbound rules of an endpoint's security groups, each with one source prefix (a rule
 * naming a group has one per ENI of the group's members). An endpoint with groups has one,
 * even without rules (then nothing gets in); one without has none. */
struct dp_guard {
	uint32_t slot; /* endpoint slot */
	size_t count;
	struct dp_guard_rule {
		uint32_t addr;	/* network order: the source prefix */
		uint8_t prefix; /* its length, 0..32 */
		uint16_t from;	/* the TCP ports, host order, inclusive */
		uint16_t to;
	} * rules;
};

struct dp_backend {
	uint32_t slot;
	uint32_t addr; /* network order */
	uint16_t port; /* network order */
	uint8_t flags; /* enum xl_backend_flags */
};

struct dp_pool {
	uint32_t slot;
	uint32_t snat_addr; /* network order */
	uint32_t backend;   /* backend slot */
};

/* A registration of a backend in a target group: the table entries new flows pick,
 * and what their traffic and active flows are counted to. */
struct dp_member {
	uint32_t slot;
	uint32_t backend; /* slot */
};

/* A Maglev table: the targets new flows of one target group may reach from one
 * scope (a zone, or every zone for cross-zone). Members are the healthy targets;
 * when none is healthy, every registered target that is not draining (fail-open). */
struct dp_table {
	uint32_t slot;
	size_t count;
	struct dp_table_member {
		uint32_t member;  /* slot: what the table holds */
		uint32_t backend; /* slot */
		uint32_t addr;	  /* network order */
		uint16_t port;	  /* network order */
	} * members;
};

struct dp_iface {
	char name[16];
	uint8_t role; /* enum xl_role */
	bool generic; /* generic (skb) XDP instead of native */
};

/* A set of keys: slots, or IPv4 addresses in network order. */
struct dp_keys {
	uint32_t *keys;
	size_t count, capacity;
};

/* What a projection covers; the maps keep every key outside it as they hold it. */
struct dataplane_scope {
	bool all;	    /* every key: at start */
	bool ifaces;	    /* the interfaces */
	bool all_frontends; /* every frontend: an interface change may move any ENI's VPC */
	struct dp_keys endpoints, backends, members, pools, tables; /* slots */
	struct dp_keys addresses; /* frontends: every entry of these ENI and node addresses */
};

/* Adds a key: 0, or -1 when memory ran out. */
int dp_keys_add(struct dp_keys *keys, uint32_t key);
bool dp_keys_has(const struct dp_keys *keys, uint32_t key);
bool dataplane_scope_empty(const struct dataplane_scope *scope);
void dataplane_scope_free(struct dataplane_scope *scope);

/* The projection of a scope: every entry of its keys that the store has. Arrays are
 * sorted by slot (frontends by address and port). */
struct dataplane {
	const struct dataplane_scope *scope;
	struct dp_frontend *frontends;
	size_t frontend_count;
	struct dp_endpoint *endpoints;
	size_t endpoint_count;
	struct dp_guard *guards; /* of the scope's endpoints that have security groups */
	size_t guard_count;
	struct dp_backend *backends;
	size_t backend_count;
	struct dp_member *members;
	size_t member_count;
	struct dp_pool *pools;
	size_t pool_count;
	struct dp_table *tables;
	size_t table_count;
	struct dp_iface *ifaces;
	size_t iface_count;
};

void dataplane_free(struct dataplane *dp);

#endif
