/* SPDX-License-Identifier: MIT */
/* Makes the data path what the model's projection says: the interfaces attached with
 * their roles, then backends, members, pools, Maglev tables, endpoints, their security
 * groups and listeners, for every key at start and for the keys of a change's scope after
 * it, each written only where it differs from what the agent knows the maps hold. */
#include "datapath_internal.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "maglev.h"

/* ---- Slots of a scope ------------------------------------------------------------- */

/* Visits a slot with the projection's entry for it, or NULL: nothing wants it. */
typedef int slot_fn(struct datapath *dp, uint32_t slot, const void *wanted, void *ctx);

static int by_slot(const void *key, const void *entry)
{
	uint32_t x = *(const uint32_t *)key, y = *(const uint32_t *)entry;

	return (x > y) - (x < y);
}

/* Visits the slots the projection covers: every slot below `max` at start, else the
 * scope's `keys`. `entries` (count of `size` bytes each, sorted by slot, which each entry
 * starts with) are what the projection wants. */
static int for_each_slot(struct datapath *dp, const struct dataplane *want,
			 const struct dp_keys *keys, uint32_t max, const void *entries,
			 size_t count, size_t size, slot_fn *visit, void *ctx)
{
	const unsigned char *at = entries;
	int rc = 0;

	if (want->scope->all) {
		size_t next = 0;

		for (uint32_t slot = 0; slot < max && !rc; slot++) {
			while (next < count && *(const uint32_t *)(at + next * size) < slot)
				next++;
			rc = visit(dp, slot,
				   next < count && *(const uint32_t *)(at + next * size) == slot
				       ? at + next * size
				       : NULL,
				   ctx);
		}
		return rc;
	}
	for (size_t i = 0; i < keys->count && !rc; i++)
		if (keys->keys[i] < max)
			rc = visit(dp, keys->keys[i],
				   bsearch(&keys->keys[i], entries, count, size, by_slot), ctx);
	return rc;
}

/* ---- Backends, members, pools, tables, endpoints ------------------------------------ */

static void zero_percpu(struct bpf_map *map, uint32_t slot)
{
	size_t size = (size_t)libbpf_num_possible_cpus() * bpf_map__value_size(map);
	void *zeros = calloc(1, size);

	if (zeros)
		bpf_map__update_elem(map, &slot, sizeof(slot), zeros, size, BPF_ANY);
	free(zeros);
}

static int write_backend(struct datapath *dp, uint32_t slot, const struct xl_backend *next)
{
	struct xl_backend *now = &dp->backends[slot];

	if (now->addr == next->addr && now->port == next->port && now->flags == next->flags)
		return 0;
	if (bpf_map__update_elem(dp->skel->maps.xdplink_backends_v2, &slot, sizeof(slot), next,
				 sizeof(*next), BPF_ANY))
		return -1;
	*now = *next;
	return 0;
}

static int visit_backend(struct datapath *dp, uint32_t slot, const void *wanted, void *ctx)
{
	const struct dp_backend *b = wanted;
	struct xl_backend next = { 0 };

	(void)ctx;
	if (b)
		next = (struct xl_backend){ .addr = b->addr, .port = b->port, .flags = b->flags };
	return write_backend(dp, slot, &next);
}

/* A member slot is written 0 by the sync of the change that releases it, so a
 * registration that takes it later always changes it: then it starts with fresh
 * counters. A restarted agent reads the map and keeps them. */
static int write_member(struct datapath *dp, uint32_t slot, const struct xl_member *next)
{
	struct xl_member *now = &dp->members[slot];

	if (now->backend == next->backend)
		return 0;
	if (next->backend != XL_NO_BACKEND) {
		zero_percpu(dp->skel->maps.xdplink_member_stats_v1, slot);
		__atomic_store_n(&dp->member_conns[slot].active, 0, __ATOMIC_RELAXED);
	}
	if (bpf_map__update_elem(dp->skel->maps.xdplink_members_v1, &slot, sizeof(slot), next,
				 sizeof(*next), BPF_ANY))
		return -1;
	*now = *next;
	return 0;
}

static int visit_member(struct datapath *dp, uint32_t slot, const void *wanted, void *ctx)
{
	const struct dp_member *r = wanted;
	struct xl_member next = { .backend = r ? r->backend : XL_NO_BACKEND };

	(void)ctx;
	return write_member(dp, slot, &next);
}

/* A pool's port index, the flow slot of each of its ports, starts empty with the pool:
 * a new inner map in the pool's slot of xdplink_pool_flows_v1. */
static int new_port_index(struct datapath *dp, uint32_t slot)
{
	int inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "xdplink_ports", sizeof(uint32_t),
				   sizeof(uint32_t), XL_PORTS_PER_POOL, NULL);
	int rc;

	if (inner < 0)
		return -1;
	rc = bpf_map__update_elem(dp->skel->maps.xdplink_pool_flows_v1, &slot, sizeof(slot), &inner,
				  sizeof(inner), BPF_ANY);
	close(inner); /* the outer map holds it now */
	return rc;
}

/* The pool index maps (node IP, target IP:port) to the pool's slot, for new flows and
 * for the target's replies. A pool no longer wanted takes no new flow (no table holds
 * its target) and keeps its entry until every port is back and the model lets it go. */
static int visit_pool(struct datapath *dp, uint32_t slot, const void *wanted, void *ctx)
{
	struct bpf_map *index = dp->skel->maps.xdplink_pool_index_v2;
	const struct dp_pool *p = wanted;
	struct xl_pool_key next = { 0 }, *now = &dp->pool_keys[slot];
	struct xl_pool_slot value = { .pool = slot };

	(void)ctx;
	if (p && p->backend < dp->max_backends)
		next = (struct xl_pool_key){ .snat_addr = p->snat_addr,
					     .target_addr = dp->backends[p->backend].addr,
					     .target_port = dp->backends[p->backend].port };
	if (!memcmp(now, &next, sizeof(next)))
		return 0;
	if (now->snat_addr)
		bpf_map__delete_elem(index, now, sizeof(*now), 0);
	*now = (struct xl_pool_key){ 0 };
	if (!p) {
		bpf_map__delete_elem(dp->skel->maps.xdplink_pool_flows_v1, &slot, sizeof(slot), 0);
		return 0;
	}
	/* A slot given to a new (node IP, target) starts with every port free. */
	memset(&dp->pools[slot], 0, sizeof(dp->pools[slot]));
	if (new_port_index(dp, slot) ||
	    bpf_map__update_elem(index, &next, sizeof(next), &value, sizeof(value), BPF_ANY))
		return -1;
	*now = next;
	return 0;
}

static uint64_t table_digest(const struct datapath *dp, const struct dp_table *t)
{
	uint64_t h = 1469598103934665603ULL ^ dp->config.maglev_size ^
		     ((uint64_t)dp->config.hash_seed << 32);

	for (size_t i = 0; i < t->count; i++) {
		h = (h ^ t->members[i].member) * 1099511628211ULL;
		h = (h ^ t->members[i].addr) * 1099511628211ULL;
		h = (h ^ t->members[i].port) * 1099511628211ULL;
	}
	return h ? h : 1;
}

/* Builds the table in a new inner map and swaps it in with one update: a lookup
 * sees the old table or the new one, never half of each. */
static int install_table(struct datapath *dp, const struct dp_table *t)
{
	uint32_t size = dp->config.maglev_size, count = size;
	struct maglev_backend *members = calloc(t->count + 1, sizeof(*members));
	uint32_t *keys = malloc(size * sizeof(*keys)), *slots = malloc(size * sizeof(*slots));
	LIBBPF_OPTS(bpf_map_create_opts, create, .map_flags = BPF_F_INNER_MAP);
	int inner = -1, rc = -1;

	if (!members || !keys || !slots)
		goto out;
	for (size_t i = 0; i < t->count; i++)
		members[i] = (struct maglev_backend){ .slot = t->members[i].member,
						      .addr = t->members[i].addr,
						      .port = t->members[i].port };
	if (maglev_build(members, t->count, size, dp->config.hash_seed, slots))
		goto out;
	for (uint32_t i = 0; i < size; i++)
		keys[i] = i;
	inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "xdplink_table", sizeof(uint32_t),
			       sizeof(uint32_t), size, &create);
	if (inner < 0 || bpf_map_update_batch(inner, keys, slots, &count, NULL))
		goto out;
	rc = bpf_map__update_elem(dp->skel->maps.xdplink_maglev_v2, &t->slot, sizeof(t->slot),
				  &inner, sizeof(inner), BPF_ANY);
out:
	if (inner >= 0)
		close(inner); /* the outer map holds it now */
	free(members);
	free(keys);
	free(slots);
	return rc;
}

static int visit_table(struct datapath *dp, uint32_t slot, const void *wanted, void *ctx)
{
	const struct dp_table *t = wanted;
	uint64_t digest;

	(void)ctx;
	if (!t) {
		if (dp->table_digest[slot])
			bpf_map__delete_elem(dp->skel->maps.xdplink_maglev_v2, &slot, sizeof(slot),
					     0);
		dp->table_digest[slot] = 0;
		return 0;
	}
	digest = table_digest(dp, t);
	if (dp->table_digest[slot] == digest)
		return 0;
	if (install_table(dp, t))
		return -1;
	dp->table_digest[slot] = digest;
	return 0;
}

/* An endpoint's entry: its state, and its id for the proxy protocol header. */
static void set_endpoint(struct datapath *dp, uint32_t slot, uint32_t state, const char *id,
			 struct closed_traffic *closed)
{
	struct xl_endpoint ep = { .state = state };
	bool new_id = strcmp(dp->endpoint_id[slot], id) != 0;

	/* Not NUL-terminated: the proxy protocol header carries the id without one. */
	memcpy(ep.id, id, strnlen(id, sizeof(ep.id)));
	if (new_id) {
		/* Restarted agents know the slots but not the ids: keep the counters. */
		if (dp->endpoint_id[slot][0])
			zero_percpu(dp->skel->maps.xdplink_endpoint_stats_v1, slot);
		snprintf(dp->endpoint_id[slot], sizeof(dp->endpoint_id[slot]), "%s", id);
	}
	if (dp->endpoint_state[slot] == state && !new_id)
		return;
	if (dp->endpoint_state[slot] == XL_EP_AVAILABLE && state != XL_EP_AVAILABLE)
		closed_add_endpoint(closed, slot);
	bpf_map__update_elem(dp->skel->maps.xdplink_endpoints_v2, &slot, sizeof(slot), &ep,
			     sizeof(ep), BPF_ANY);
	dp->endpoint_state[slot] = state;
}

static int visit_endpoint(struct datapath *dp, uint32_t slot, const void *wanted, void *ctx)
{
	const struct dp_endpoint *e = wanted;

	if (e)
		set_endpoint(dp, slot, e->state, e->id, ctx);
	else if (slot && dp->endpoint_state[slot])
		set_endpoint(dp, slot, 0, "", ctx);
	return 0;
}

int datapath_apply(struct datapath *dp, const struct dataplane *want, const char *strict_iface,
		   struct closed_traffic *closed, struct api_error *err)
{
	const struct dataplane_scope *scope = want->scope;

	if ((scope->all || scope->ifaces) && ifaces_apply(dp, want, strict_iface, err))
		return -1;
	/* Each before what points at it: members before the tables that hold them, tables
	 * before the listeners (frontends, last) that use them. */
	if (for_each_slot(dp, want, &scope->backends, dp->max_backends, want->backends,
			  want->backend_count, sizeof(*want->backends), visit_backend, NULL) ||
	    for_each_slot(dp, want, &scope->members, dp->max_members, want->members,
			  want->member_count, sizeof(*want->members), visit_member, NULL) ||
	    for_each_slot(dp, want, &scope->pools, dp->max_pools, want->pools, want->pool_count,
			  sizeof(*want->pools), visit_pool, NULL) ||
	    for_each_slot(dp, want, &scope->tables, dp->max_tables, want->tables, want->table_count,
			  sizeof(*want->tables), visit_table, NULL))
		return api_fail(err, API_InternalError, "cannot program the data path: %s",
				strerror(errno));
	for_each_slot(dp, want, &scope->endpoints, dp->max_endpoints, want->endpoints,
		      want->endpoint_count, sizeof(*want->endpoints), visit_endpoint, closed);
	/* An endpoint's rules before the listener entries that send new flows to them. */
	if (for_each_slot(dp, want, &scope->endpoints, dp->max_endpoints, want->guards,
			  want->guard_count, sizeof(*want->guards), guard_apply, NULL))
		return api_fail(err, API_InternalError, "cannot program the security groups: %s",
				strerror(errno));
	if (frontends_apply(dp, want, closed))
		return api_fail(err, API_InternalError, "cannot program the listeners: %s",
				strerror(errno));
	return 0;
}
