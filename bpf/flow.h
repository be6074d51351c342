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

/* The flow of the key among the slots the window of `home` says hold its flows. */
static __always_inline struct xl_flow *find_in_window(const struct xl_flow_key *key, __u32 home,
						      __u32 tag, __u32 *hop)
{
	struct xl_flow *home_slot = flow_slot(home), *flow;
	__u32 bits;

	if (!home_slot)
		return NULL;
	*hop = READ_ONCE(home_slot->hop);
	bits = *hop & ~XL_FLOW_OVERFLOW;
	for (int i = 0; i < XL_FLOW_HOP && bits; i++) {
		__u32 offset = lowest_bit(bits);

		bits &= bits - 1;
		flow = offset ? flow_slot(home + offset) : home_slot;
		if (flow && holds_flow(flow, key, tag))
			return flow;
	}
	return NULL;
}

/* The flow of a client packet: in its home's window, or, if that overflowed, in its
 * second home's. */
static __always_inline struct xl_flow *find_flow(const struct xl_config *cfg,
						 const struct xl_flow_key *key, __u32 hash)
{
	__u32 tag = xl_flow_tag(hash), hop, ignored;
	struct xl_flow *flow = find_in_window(key, xl_flow_home(hash, cfg->flow_homes), tag, &hop);

	if (flow || !(hop & XL_FLOW_OVERFLOW))
		return flow;
	return find_in_window(key, xl_flow_home(xl_flow_second_hash(hash), cfg->flow_homes), tag,
			      &ignored);
}

/* The flow a target's reply belongs to: its SNAT port's pool, the slot that port's
 * flow took, and that flow, if it still holds the port. */
static __always_inline struct xl_flow *find_flow_of_reply(const struct xl_config *cfg,
							  const struct packet *pkt)
{
	struct xl_pool_key key = {
		.snat_addr = pkt->ip->daddr,
		.target_addr = pkt->ip->saddr,
		.target_port = pkt->tcp->source,
	};
	__u32 index = bpf_ntohs(pkt->tcp->dest) - cfg->port_min, *slot;
	struct xl_pool_slot *pool = bpf_map_lookup_elem(&xdplink_pool_index_v2, &key);
	struct xl_flow *flow;
	void *pool_flows;

	if (!pool || index >= cfg->port_count)
		return NULL;
	pool_flows = bpf_map_lookup_elem(&xdplink_pool_flows_v1, &pool->pool);
	slot = pool_flows ? bpf_map_lookup_elem(pool_flows, &index) : NULL;
	flow = slot ? flow_slot(*slot) : NULL;
	if (!flow || slot_kind(READ_ONCE(flow->state)) != XL_SLOT_FLOW ||
	    flow->pool != pool->pool || flow->snat_port != pkt->tcp->dest)
		return NULL;
	return flow;
}

/* ---- State: flags set once by atomic operations, and the last time seen --------- */

static __always_inline void set_flags(struct xl_flow *flow, __u32 flags)
{
	if (flags & ~READ_ONCE(flow->state))
		__sync_fetch_and_or(&flow->state, flags);
}

/* Records a FIN or RST. The collector's close grace counts from when it first sees it. */
static __always_inline void mark_closing(struct xl_flow *flow, const struct tcphdr *tcp,
					 __u32 fin, __u32 rst)
{
	set_flags(flow, (tcp->fin ? fin : 0) | (tcp->rst ? rst : 0));
}

/* last_seen (s) is rewritten only when the second changes: a write per packet would
 * bounce the flow's cache line between the CPUs of its two directions. */
static __always_inline void touch(struct xl_flow *flow, __u16 now_s)
{
	if (flow->last_seen != now_s)
		flow->last_seen = now_s;
}

/* A client ACKs only once the target answered its SYN, and a RST it sends in answer to an
 * ACK of another connection carries no ACK: its first ACK marks the flow answered. */
static __always_inline void track_client_packet(struct xl_flow *flow, const struct tcphdr *tcp,
						__u16 now_s)
{
	touch(flow, now_s);
	if (tcp->ack)
		set_flags(flow, XL_FLOW_ANSWERED);
	if (tcp->fin | tcp->rst)
		mark_closing(flow, tcp, XL_FLOW_FIN_CLIENT, XL_FLOW_RST_CLIENT);
}

static __always_inline void track_target_packet(struct xl_flow *flow, const struct tcphdr *tcp,
						__u16 now_s)
{
	touch(flow, now_s);
	if (tcp->fin | tcp->rst)
		mark_closing(flow, tcp, XL_FLOW_FIN_TARGET, XL_FLOW_RST_TARGET);
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

/* ---- Insertion ------------------------------------------------------------------ */

enum flow_insert {
	FLOW_INSERTED,
	FLOW_EXISTS,	 /* another CPU inserted the same flow first */
	FLOW_TABLE_FULL, /* no free slot among the XL_FLOW_HOP after its home */
};

/* Claims the first empty slot of a home's window for the flow: its offset, or -1 when
 * none is left, or FLOW_EXISTS_OFFSET when a slot of the same key, or one being written
 * with the same tag, shows that another CPU is inserting this very flow. */
#define FLOW_EXISTS_OFFSET (-2)

static __always_inline int claim_slot(const struct xl_flow_key *key, __u32 home, __u32 tag)
{
	for (int i = 0; i < XL_FLOW_HOP; i++) {
		struct xl_flow *slot = flow_slot(home + i);
		__u32 state;

		if (!slot)
			return -1;
		state = READ_ONCE(slot->state);
		if (slot_kind(state) == XL_SLOT_EMPTY) {
			state = __sync_val_compare_and_swap(&slot->state, 0, XL_SLOT_BUSY | tag);
			if (!state)
				return i;
		}
		if ((state & XL_FLOW_TAG_MASK) == tag &&
		    (slot_kind(state) == XL_SLOT_BUSY ||
		     (slot_kind(state) == XL_SLOT_FLOW && same_key(&slot->key, key))))
			return FLOW_EXISTS_OFFSET;
	}
	return -1;
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
	slot->client_end = flow->client_end;
	slot->target_end = flow->target_end;
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

	if (offset == -1) {
		home_slot = flow_slot(home);
		if (!home_slot)
			return FLOW_TABLE_FULL;
		__sync_fetch_and_or(&home_slot->hop, XL_FLOW_OVERFLOW);
		home = xl_flow_home(xl_flow_second_hash(hash), cfg->flow_homes);
		flags |= XL_FLOW_SECOND_HOME;
		offset = claim_slot(key, home, tag);
	}
	if (offset < 0)
		return offset == FLOW_EXISTS_OFFSET ? FLOW_EXISTS : FLOW_TABLE_FULL;
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
