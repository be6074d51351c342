/* Makes the data path what the model's projection says: the interfaces attached with
 * their roles, then backends, members, pools, Maglev tables, endpoints and listeners,
 * each written only where it changed. */
#include "datapath_internal.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "key_set.h"
#include "log.h"
#include "maglev.h"

/* ---- Backends, pools, tables, endpoints, frontends -------------------------- */

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

/* Every slot as the change wants it: a slot nothing wants is empty. Writes skip the
 * slots that stay as they are. */
static int apply_backends(struct datapath *dp, const struct dataplane *want)
{
	struct xl_backend *next = calloc(dp->max_backends, sizeof(*next));
	int rc = 0;

	if (!next)
		return -1;
	for (size_t i = 0; i < want->backend_count; i++) {
		const struct dp_backend *b = &want->backends[i];

		if (b->slot < dp->max_backends)
			next[b->slot] = (struct xl_backend){ .addr = b->addr,
							     .port = b->port,
							     .flags = b->flags };
	}
	for (uint32_t slot = 0; slot < dp->max_backends && !rc; slot++)
		rc = write_backend(dp, slot, &next[slot]);
	free(next);
	return rc;
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

static int apply_members(struct datapath *dp, const struct dataplane *want)
{
	struct xl_member *next = calloc(dp->max_members, sizeof(*next));
	int rc = 0;

	if (!next)
		return -1;
	for (size_t i = 0; i < want->member_count; i++) {
		const struct dp_member *r = &want->members[i];

		if (r->slot < dp->max_members)
			next[r->slot].backend = r->backend;
	}
	for (uint32_t slot = 0; slot < dp->max_members && !rc; slot++)
		rc = write_member(dp, slot, &next[slot]);
	free(next);
	return rc;
}

static uint64_t pool_key64(uint32_t snat_addr, uint32_t backend)
{
	return (uint64_t)snat_addr << 32 | backend;
}

static bool pool_kept(const void *key, void *set)
{
	const struct xl_pool_key *k = key;

	return key_set_has(set, pool_key64(k->snat_addr, k->backend));
}

static int apply_pools(struct datapath *dp, const struct dataplane *want)
{
	struct bpf_map *index = dp->skel->maps.xdplink_pool_index_v1;
	struct key_set set = { calloc(want->pool_count + 1, sizeof(uint64_t)), want->pool_count };

	if (!set.keys)
		return -1;

	for (size_t i = 0; i < want->pool_count; i++) {
		const struct dp_pool *p = &want->pools[i];
		struct xl_pool_key k = { .snat_addr = p->snat_addr, .backend = p->backend };
		struct xl_pool_slot slot = { .pool = p->slot }, now;

		set.keys[i] = pool_key64(p->snat_addr, p->backend);
		if (p->slot >= dp->max_pools)
			continue;
		if (!bpf_map__lookup_elem(index, &k, sizeof(k), &now, sizeof(now), 0) &&
		    now.pool == p->slot)
			continue;
		/* A slot given to a new (node IP, target) starts with every port free. */
		memset(&dp->pools[p->slot], 0, sizeof(dp->pools[p->slot]));
		if (bpf_map__update_elem(index, &k, sizeof(k), &slot, sizeof(slot), BPF_ANY)) {
			free(set.keys);
			return -1;
		}
	}
	/* Pools no longer wanted take no new flows; their slot stays with the model
	 * until every port is back. */
	key_set_sort(&set);
	key_set_prune(index, pool_kept, &set);
	free(set.keys);
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

static int apply_tables(struct datapath *dp, const struct dataplane *want)
{
	bool *kept = calloc(dp->max_tables, sizeof(*kept));

	if (!kept)
		return -1;
	for (size_t i = 0; i < want->table_count; i++) {
		const struct dp_table *t = &want->tables[i];
		uint64_t digest = table_digest(dp, t);

		if (t->slot >= dp->max_tables)
			continue;
		kept[t->slot] = true;
		if (dp->table_digest[t->slot] == digest)
			continue;
		if (install_table(dp, t)) {
			free(kept);
			return -1;
		}
		dp->table_digest[t->slot] = digest;
	}
	for (uint32_t slot = 0; slot < dp->max_tables; slot++) {
		if (kept[slot] || !dp->table_digest[slot])
			continue;
		bpf_map__delete_elem(dp->skel->maps.xdplink_maglev_v2, &slot, sizeof(slot), 0);
		dp->table_digest[slot] = 0;
	}
	free(kept);
	return 0;
}

static void set_endpoint(struct datapath *dp, uint32_t slot, uint32_t state, const char *id,
			 struct closed_traffic *closed)
{
	struct xl_endpoint ep = { .state = state };

	if (strcmp(dp->endpoint_id[slot], id)) {
		/* Restarted agents know the slots but not the ids: keep the counters. */
		if (dp->endpoint_id[slot][0])
			zero_percpu(dp->skel->maps.xdplink_endpoint_stats_v1, slot);
		snprintf(dp->endpoint_id[slot], sizeof(dp->endpoint_id[slot]), "%s", id);
	}
	if (dp->endpoint_state[slot] == state)
		return;
	if (dp->endpoint_state[slot] == XL_EP_AVAILABLE)
		closed_add_endpoint(closed, slot);
	bpf_map__update_elem(dp->skel->maps.xdplink_endpoints_v1, &slot, sizeof(slot), &ep,
			     sizeof(ep), BPF_ANY);
	dp->endpoint_state[slot] = state;
}

static void apply_endpoints(struct datapath *dp, const struct dataplane *want,
			    struct closed_traffic *closed)
{
	bool *kept = calloc(dp->max_endpoints, sizeof(*kept));

	if (!kept)
		return;
	for (size_t i = 0; i < want->endpoint_count; i++) {
		const struct dp_endpoint *e = &want->endpoints[i];

		if (e->slot >= dp->max_endpoints)
			continue;
		kept[e->slot] = true;
		set_endpoint(dp, e->slot, e->state, e->id, closed);
	}
	for (uint32_t slot = 1; slot < dp->max_endpoints; slot++)
		if (!kept[slot] && dp->endpoint_state[slot])
			set_endpoint(dp, slot, 0, "", closed);
	free(kept);
}

int datapath_apply(struct datapath *dp, const struct dataplane *want, const char *strict_iface,
		   struct closed_traffic *closed, struct api_error *err)
{
	if (ifaces_apply(dp, want, strict_iface, err))
		return -1;
	/* Each before what points at it: members before the tables that hold them, tables
	 * before the listeners (frontends, last) that use them. */
	if (apply_backends(dp, want) || apply_members(dp, want) || apply_pools(dp, want) ||
	    apply_tables(dp, want))
		return api_fail(err, API_InternalError, "cannot program the data path: %s",
				strerror(errno));
	apply_endpoints(dp, want, closed);
	if (frontends_apply(dp, want, closed))
		return api_fail(err, API_InternalError, "cannot program the listeners: %s",
				strerror(errno));
	return 0;
}
