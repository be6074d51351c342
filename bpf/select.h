/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Choosing where a new flow goes and what it may use: the member (target group x
 * target) from the Maglev table of its scope and the member's backend, a place under
 * the backend's connection limit, and a SNAT port. */
#ifndef XL_BPF_SELECT_H
#define XL_BPF_SELECT_H

#include "bits.h"
#include "maps.h"

static __always_inline const struct xl_config *config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&xdplink_config_v2, &zero);
}

/* The member slot for a flow of this hash (xl_flow_hash of its key), or XL_NO_MEMBER
 * when the scope has no target. */
static __always_inline __u32 pick_member(const struct xl_config *cfg, const struct xl_frontend *fe,
					 __u32 hash)
{
	void *table = bpf_map_lookup_elem(&xdplink_maglev_v2, &fe->table);
	__u32 slot, *member;

	if (!table || !cfg->maglev_size)
		return XL_NO_MEMBER;
	slot = hash % cfg->maglev_size;
	member = bpf_map_lookup_elem(table, &slot);
	return member ? *member : XL_NO_MEMBER;
}

/* The backend (unique target address and port) a member registers, or XL_NO_BACKEND. */
static __always_inline __u32 backend_of(__u32 member)
{
	struct xl_member *found = bpf_map_lookup_elem(&xdplink_members_v1, &member);

	return found ? found->backend : XL_NO_BACKEND;
}

/* Takes one of the target's connections. The increment comes first and is undone
 * on overflow, so that racing CPUs can never push the count past the limit. */
static __always_inline int claim_connection(const struct xl_config *cfg, struct xl_conns *conns)
{
	if (__sync_fetch_and_add(&conns->active, 1) < cfg->max_conns_per_target)
		return 1;
	__sync_fetch_and_sub(&conns->active, 1);
	return 0;
}

static __always_inline void release_connection(struct xl_conns *conns)
{
	__sync_fetch_and_sub(&conns->active, 1);
}

/* Counts a recorded flow to its member, for the statistics of its target group. It
 * limits nothing, so it is counted only once the flow is in the table: there is
 * nothing to undo, and the collector subtracts it when it releases the flow. */
static __always_inline void count_member_connection(__u32 member)
{
	struct xl_conns *conns = bpf_map_lookup_elem(&xdplink_member_conns_v2, &member);

	if (conns)
		__sync_fetch_and_add(&conns->active, 1);
}

/* ---- SNAT ports ---------------------------------------------------------
 * A pool is a bitmap of XL_PORTS_PER_POOL ports. The search starts at a rotating
 * cursor and visits every word once, so it finds a free port whenever one exists
 * (bounded random probing does not, near full occupancy). A port is claimed with
 * an atomic fetch-or: of two CPUs that see the same free bit, one wins. */

struct port_search {
	struct xl_port_pool *pool;
	__u32 start;	  /* first word visited */
	__u32 words;	  /* words covering port_count */
	__u64 last_valid; /* bits of the last word that are ports */
	__s32 index;	  /* result: port index in the pool, -1 while none */
};

/* Visits word (start + i) mod words. The search makes two passes: a word whose
 * free bit another CPU took first is looked at again on the second. */
static __always_inline long try_word(struct port_search *search, __u32 i)
{
	__u32 word = (search->start + i) % search->words;
	__u64 valid, free, bit;

	if (word >= XL_POOL_WORDS)
		return 1;
	valid = word == search->words - 1 ? search->last_valid : ~0ULL;
	free = ~search->pool->used[word] & valid;
	if (!free)
		return 0;
	bit = free & -free;
	if (__sync_fetch_and_or(&search->pool->used[word], bit) & bit)
		return 0;
	search->index = word * 64 + bit_index(bit);
	search->pool->cursor = word;
	return 1;
}

static long claim_after_cursor(__u32 i, void *ctx)
{
	return try_word(ctx, i + 1);
}

static __always_inline struct xl_port_pool *pool_of(__be32 snat_addr, const struct xl_backend *be,
						    __u32 *slot)
{
	struct xl_pool_key key = {
		.snat_addr = snat_addr,
		.target_addr = be->addr,
		.target_port = be->port,
	};
	struct xl_pool_slot *found = bpf_map_lookup_elem(&xdplink_pool_index_v2, &key);

	if (!found)
		return NULL;
	*slot = found->pool;
	return bpf_map_lookup_elem(&xdplink_pools_v1, &found->pool);
}

/* Claims a free port of the pool; returns its index (port - port_min) or -1. */
static __always_inline __s32 claim_port(const struct xl_config *cfg, struct xl_port_pool *pool)
{
	__u32 count = cfg->port_count;
	struct port_search search = {
		.pool = pool,
		.words = (count + 63) / 64,
		.last_valid = count % 64 ? (1ULL << (count % 64)) - 1 : ~0ULL,
		.index = -1,
	};

	if (!count || count > XL_PORTS_PER_POOL)
		return -1;
	search.start = pool->cursor < search.words ? pool->cursor : 0;
	/* The cursor's word, where the last port was found, mostly has another: in line. */
	if (!try_word(&search, 0))
		bpf_loop(2 * search.words - 1, claim_after_cursor, &search, 0);
	return search.index;
}

static __always_inline void release_port(struct xl_port_pool *pool, __u32 index)
{
	__u32 word = index / 64;

	/* Bound-check the very register that indexes: clang would check one load of the
	 * index and address with another, which the 6.1 verifier cannot relate. */
	barrier_var(word);
	if (word < XL_POOL_WORDS)
		__sync_fetch_and_and(&pool->used[word], ~(1ULL << (index % 64)));
}

#endif
