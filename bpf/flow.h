/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Connection tracking: the flow table (xdplink_flows_v4, an open-addressing hash table
 * in an array, see include/xdplink.h), how a client packet finds its flow by key and a
 * target's reply finds it by SNAT port, and the FIN/RST/idle state that the agent's
 * collector reads to give back counts and ports exactly once. */
#ifndef XL_BPF_FLOW_H
#define XL_BPF_FLOW_H

#include "bits.h"
#include "maps.h"
#include "parse.h"

static __always_inline struct xl_flow_key flow_key_of(const struct packet *pkt)
{
	struct xl_flow_key key = {
		.client_addr = pkt->ip->saddr,
		.eni_addr = pkt->ip->daddr,
		.client_port = pkt->tcp->source,
		.eni_port = pkt->tcp->dest,
	};

	return key;
}

static __always_inline __u32 flow_hash(const struct xl_config *cfg, const struct xl_flow_key *key)
{
	return xl_flow_hash(key->client_addr, key->eni_addr, key->client_port, key->eni_port,
			    cfg->hash_seed);
}

static __always_inline struct xl_flow *flow_slot(__u32 slot)
{
	return bpf_map_lookup_elem(&xdplink_flows_v4, &slot);
}

static __always_inline __u32 slot_kind(__u32 state)
{
	return state & XL_SLOT_KIND_MASK;
}

static __always_inline int same_key(const struct xl_flow_key *a, const struct xl_flow_key *b)
{
	return a->client_addr == b->client_addr && a->eni_addr == b->eni_addr &&
	       a->client_port == b->client_port && a->eni_port == b->eni_port;
}

static __always_inline int holds_flow(const struct xl_flow *flow, const struct xl_flow_key *key,
				      __u32 tag)
{
	__u32 state = READ_ONCE(flow->state);

	return slot_kind(state) == XL_SLOT_FLOW && (state & XL_FLOW_TAG_MASK) == tag &&
	       same_key(&flow->key, key);
}

/* The offset of the lowest bit set in a non-zero word, branch-free (see bit_index). */
static __always_inline __u32 lowest_bit(__u32 word)
{
	return bit_index(word & -word);
}

#define NO_SLOT 0xffffffffu

/* The slot of the key's flow among those the window of `home` says hold its flows, or
 * NO_SLOT; *hop is the home's hop word. */
static __always_inline __u32 find_in_window(const struct xl_flow_key *key, __u32 home, __u32 tag,
					    __u32 *hop)
{
	struct xl_flow *home_slot = flow_slot(home), *flow;
	__u32 bits;

	*hop = 0;
	if (!home_slot)
		return NO_SLOT;
	*hop = READ_ONCE(home_slot->hop);
	/* Most flows sit in the home slot itself: that one is asked first, without a search. */
	if ((*hop & 1) && holds_flow(home_slot, key, tag))
		return home;
	bits = *hop & ~(XL_FLOW_OVERFLOW | 1u);
	for (int i = 0; i < XL_FLOW_HOP && bits; i++) {
		__u32 offset = lowest_bit(bits);

		bits &= bits - 1;
		flow = flow_slot(home + offset);
		if (flow && holds_flow(flow, key, tag))
			return home + offset;
	}
	return NO_SLOT;
}

static __always_inline __u32 second_home(const struct xl_config *cfg, __u32 hash)
{
	return xl_flow_home(xl_flow_second_hash(hash), cfg->flow_homes);
}

/* The slot of a client packet's flow, in its home's window or, if that overflowed, in
 * its second home's; NO_SLOT when it has none. */
static __always_inline __u32 find_flow(const struct xl_config *cfg, const struct xl_flow_key *key,
				       __u32 hash)
{
	__u32 tag = xl_flow_tag(hash), hop, ignored;
	__u32 slot = find_in_window(key, xl_flow_home(hash, cfg->flow_homes), tag, &hop);

	if (slot != NO_SLOT || !(hop & XL_FLOW_OVERFLOW))
		return slot;
	return find_in_window(key, second_home(cfg, hash), tag, &ignored);
}

/* The flow that holds a SNAT port towards a target: the port's pool, the slot that
 * port's flow took, and that flow, if it still holds the port. */
static __always_inline struct xl_flow *flow_of_snat_port(const struct xl_config *cfg,
							 __be32 snat_addr, __be32 target_addr,
							 __be16 target_port, __be16 snat_port)
{
	struct xl_pool_key key = {
		.snat_addr = snat_addr,
		.target_addr = target_addr,
		.target_port = target_port,
	};
	__u32 index = bpf_ntohs(snat_port) - cfg->port_min, *slot;
	struct xl_pool_slot *pool = bpf_map_lookup_elem(&xdplink_pool_index_v2, &key);
	struct xl_flow *flow;
	void *pool_flows;

	if (!pool || index >= cfg->port_count)
		return NULL;
	pool_flows = bpf_map_lookup_elem(&xdplink_pool_flows_v1, &pool->pool);
	slot = pool_flows ? bpf_map_lookup_elem(pool_flows, &index) : NULL;
	flow = slot ? flow_slot(*slot) : NULL;
	if (!flow || slot_kind(READ_ONCE(flow->state)) != XL_SLOT_FLOW ||
	    flow->pool != pool->pool || flow->snat_port != snat_port)
		return NULL;
	return flow;
}

/* The flow a target's reply belongs to. */
static __always_inline struct xl_flow *find_flow_of_reply(const struct xl_config *cfg,
							  const struct packet *pkt)
{
	return flow_of_snat_port(cfg, pkt->ip->daddr, pkt->ip->saddr, pkt->tcp->source,
				 pkt->tcp->dest);
}

/* ---- State: flags set once by atomic operations, and the last time seen --------- */

/* Sets flags; returns those this call set (another CPU may have set some first). */
static __always_inline __u32 set_flags(struct xl_flow *flow, __u32 flags)
{
	if (!(flags & ~READ_ONCE(flow->state)))
		return 0;
	return flags & ~__sync_fetch_and_or(&flow->state, flags);
}

static __always_inline void clear_flags(struct xl_flow *flow, __u32 flags)
{
	__sync_fetch_and_and(&flow->state, ~flags);
}

/* last_seen (s) is rewritten only when the second changes: a write per packet would
 * bounce the flow's cache line between the CPUs of its two directions. */
static __always_inline void touch(struct xl_flow *flow, __u16 now_s)
{
	if (flow->last_seen != now_s)
		flow->last_seen = now_s;
}

/* A SYN on a closed flow opens a new connection in it: the closing flags go, unless the
 * agent took the flow meanwhile (then it is no flow any more). */
static __always_inline int reopen(struct xl_flow *flow)
{
	__u32 state = READ_ONCE(flow->state);

	if (slot_kind(state) != XL_SLOT_FLOW)
		return 0;
	return __sync_val_compare_and_swap(&flow->state, state,
					   state & ~(XL_FLOW_CLOSING | XL_FLOW_ANSWERED)) == state;
}

/* Gives a closed flow up to the collector, which gives back its count and port as for
 * any closed flow: its slot leaves its home's window at once, so that its key can open a
 * new flow. False if the collector took it first. */
static __always_inline int retire(const struct xl_config *cfg, struct xl_flow *flow, __u32 slot,
				  __u32 hash)
{
	__u32 state = READ_ONCE(flow->state), home;
	struct xl_flow *home_slot;

	if (slot_kind(state) != XL_SLOT_FLOW ||
	    __sync_val_compare_and_swap(&flow->state, state,
					(state & ~XL_SLOT_KIND_MASK) | XL_SLOT_RETIRED) != state)
		return 0;
	home = state & XL_FLOW_SECOND_HOME ? second_home(cfg, hash)
					   : xl_flow_home(hash, cfg->flow_homes);
	home_slot = flow_slot(home);
	if (home_slot && slot - home < XL_FLOW_HOP)
		__sync_fetch_and_and(&home_slot->hop, ~(1u << ((slot - home) & 31)));
	return 1;
}

/* ---- Insertion ------------------------------------------------------------------ */

enum flow_insert {
	FLOW_INSERTED,
	FLOW_EXISTS,	 /* another CPU inserted the same flow first */
	FLOW_TABLE_FULL, /* no free slot among the XL_FLOW_HOP after its home */
};

/* Claiming the first empty slot of a home's window for a new flow: the home itself in
 * line (mostly free: no call), then the others one per call of bpf_loop (verified once,
 * however many slots the window has). A slot of the same key, or one being written with
 * the same tag, shows that another CPU is inserting this very flow. */
struct claim {
	const struct xl_flow_key *key;
	__u32 home, tag;
	int offset; /* the slot claimed, CLAIM_NONE, or CLAIM_EXISTS */
};

#define CLAIM_NONE   (-1)
#define CLAIM_EXISTS (-2)

/* Tries the window's slot i; true when the search is over (claim->offset says how). */
static __always_inline long try_claim(struct claim *claim, __u32 i)
{
	struct xl_flow *slot = flow_slot(claim->home + i);
	__u32 state;

	if (!slot)
		return 1;
	state = READ_ONCE(slot->state);
	if (slot_kind(state) == XL_SLOT_EMPTY) {
		state = __sync_val_compare_and_swap(&slot->state, 0, XL_SLOT_BUSY | claim->tag);
		if (!state) {
			claim->offset = (int)i;
			return 1;
		}
	}
	if ((state & XL_FLOW_TAG_MASK) == claim->tag &&
	    (slot_kind(state) == XL_SLOT_BUSY ||
	     (slot_kind(state) == XL_SLOT_FLOW && same_key(&slot->key, claim->key)))) {
		claim->offset = CLAIM_EXISTS;
		return 1;
	}
	return 0;
}

static long claim_after_home(__u32 i, void *ctx)
{
	return try_claim(ctx, i + 1);
}

static __always_inline int claim_slot(const struct xl_flow_key *key, __u32 home, __u32 tag)
{
	struct claim claim = { .key = key, .home = home, .tag = tag, .offset = CLAIM_NONE };

	if (!try_claim(&claim, 0))
		bpf_loop(XL_FLOW_HOP - 1, claim_after_home, &claim, 0);
	return claim.offset;
}

/* Marks the table page of a slot as in use, for the collector. */
static __always_inline void mark_page(__u32 slot)
{
	__u32 page = slot / XL_FLOW_PAGE_SLOTS, word = page / 64;
	__u64 bit = 1ULL << (page % 64), *bits = bpf_map_lookup_elem(&xdplink_flow_pages_v1, &word);

	if (bits && !(READ_ONCE(*bits) & bit))
		__sync_fetch_and_or(bits, bit);
}

/* Records that the flow in `slot` holds its pool's port, for the replies. */
static __always_inline void index_port(const struct xl_config *cfg, const struct xl_flow *flow,
				       __u32 slot)
{
	__u32 pool = flow->pool, index = bpf_ntohs(flow->snat_port) - cfg->port_min, *entry;
	void *pool_flows = bpf_map_lookup_elem(&xdplink_pool_flows_v1, &pool);

	entry = pool_flows ? bpf_map_lookup_elem(pool_flows, &index) : NULL;
	if (entry)
		*entry = slot;
}

static __always_inline void write_flow(struct xl_flow *slot, const struct xl_flow_key *key,
				       const struct xl_flow *flow)
{
	slot->key = *key;
	slot->member = flow->member;
	slot->endpoint = flow->endpoint;
	slot->snat_addr = flow->snat_addr;
	slot->client_next = flow->client_next;
	slot->target_next = flow->target_next;
	slot->seq_shift = flow->seq_shift;
	slot->client_isn = flow->client_isn;
	slot->pool = flow->pool;
	slot->snat_port = flow->snat_port;
	__builtin_memcpy(slot->client_mac, flow->client_mac, ETH_ALEN);
	slot->last_seen = flow->last_seen;
	slot->iface = flow->iface;
	slot->window_shifts = flow->window_shifts;
	slot->client_window_log2 = flow->client_window_log2;
	slot->target_window_log2 = flow->target_window_log2;
}

/* Inserts a new flow: claims the first free slot of its home's window (or, when that is
 * full, of its second home's, saying so in the first home), writes it, publishes it
 * (state, then the home's hop bit, each by an atomic operation, which orders the writes
 * before it), and indexes its port. Returns enum flow_insert. */
static __always_inline int insert_flow(const struct xl_config *cfg, const struct xl_flow_key *key,
				       __u32 hash, const struct xl_flow *flow, __u32 flags)
{
	__u32 home = xl_flow_home(hash, cfg->flow_homes), tag = xl_flow_tag(hash), index;
	int offset = claim_slot(key, home, tag);
	struct xl_flow *slot, *home_slot;

	if (offset == CLAIM_NONE) {
		home_slot = flow_slot(home);
		if (!home_slot)
			return FLOW_TABLE_FULL;
		__sync_fetch_and_or(&home_slot->hop, XL_FLOW_OVERFLOW);
		home = second_home(cfg, hash);
		flags |= XL_FLOW_SECOND_HOME;
		offset = claim_slot(key, home, tag);
	}
	if (offset < 0)
		return offset == CLAIM_EXISTS ? FLOW_EXISTS : FLOW_TABLE_FULL;
	index = home + offset;
	slot = flow_slot(index);
	home_slot = flow_slot(home);
	if (!slot || !home_slot)
		return FLOW_TABLE_FULL;
	write_flow(slot, key, flow);
	__sync_lock_test_and_set(&slot->state, XL_SLOT_FLOW | flags | tag);
	__sync_fetch_and_or(&home_slot->hop, 1u << (offset & 31));
	mark_page(index);
	index_port(cfg, flow, index);
	return FLOW_INSERTED;
}

#endif
