/* Connection tracking: a client connection's flow (consumer side) and its
 * reverse-NAT entry (provider side), created together, and the FIN/RST/idle state
 * that the agent's collector reads to give back counts and ports exactly once. */
#ifndef XL_BPF_FLOW_H
#define XL_BPF_FLOW_H

#include <linux/errno.h>

#include "maps.h"
#include "parse.h"

/* last_seen (ms) is rewritten at most this often: idle timeouts are whole seconds
 * and a write per packet would bounce the entry's cache line between CPUs. */
#define LAST_SEEN_STEP_MS 1000

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

static __always_inline struct xl_flow_key flow_key_of_rnat(const struct xl_rnat *rnat)
{
	struct xl_flow_key key = {
		.client_addr = rnat->client_addr,
		.eni_addr = rnat->eni_addr,
		.client_port = rnat->client_port,
		.eni_port = rnat->eni_port,
	};

	return key;
}

static __always_inline struct xl_rnat_key rnat_key_of_packet(const struct packet *pkt)
{
	struct xl_rnat_key key = {
		.target_addr = pkt->ip->saddr,
		.snat_addr = pkt->ip->daddr,
		.target_port = pkt->tcp->source,
		.snat_port = pkt->tcp->dest,
	};

	return key;
}

static __always_inline struct xl_rnat_key rnat_key_of_flow(const struct xl_flow *flow)
{
	struct xl_rnat_key key = {
		.target_addr = flow->target_addr,
		.snat_addr = flow->snat_addr,
		.target_port = flow->target_port,
		.snat_port = flow->snat_port,
	};

	return key;
}

static __always_inline void touch(__u64 *last_seen, __u64 now)
{
	if (now - *last_seen >= LAST_SEEN_STEP_MS)
		*last_seen = now;
}

/* Records a FIN or RST; the collector's close grace counts from the last one. */
static __always_inline void mark_closing(struct xl_flow *flow, __u8 closing, __u64 now)
{
	if (closing & ~flow->flags) {
		flow->flags |= closing;
		flow->last_seen = now;
	}
}

/* A client ACKs only once the target answered its SYN, and a RST it sends in answer to an
 * ACK of another connection carries no ACK: its first ACK marks the flow answered. */
static __always_inline void track_client_packet(struct xl_flow *flow, const struct tcphdr *tcp,
						__u64 now)
{
	touch(&flow->last_seen, now);
	if (!flow->answered && tcp->ack)
		flow->answered = 1;
	if (tcp->fin | tcp->rst)
		mark_closing(
		    flow, (tcp->fin ? XL_FLOW_FIN_CLIENT : 0) | (tcp->rst ? XL_FLOW_RST_CLIENT : 0),
		    now);
}

/* The target's FIN or RST goes into the flow entry too: one more lookup, but only
 * for the few packets that close a connection. */
static __always_inline void track_target_packet(struct xl_rnat *rnat, const struct tcphdr *tcp,
						__u64 now)
{
	struct xl_flow_key key;
	struct xl_flow *flow;

	touch(&rnat->last_seen, now);
	if (!(tcp->fin | tcp->rst))
		return;
	key = flow_key_of_rnat(rnat);
	flow = bpf_map_lookup_elem(&xdplink_flows_v3, &key);
	if (flow)
		mark_closing(
		    flow, (tcp->fin ? XL_FLOW_FIN_TARGET : 0) | (tcp->rst ? XL_FLOW_RST_TARGET : 0),
		    now);
}

enum flow_insert {
	FLOW_INSERTED,
	FLOW_EXISTS,	 /* another CPU inserted the same flow first */
	FLOW_TABLE_FULL, /* no room in the flow or reverse-NAT table */
};

/* Inserts the flow and its reverse-NAT entry, both or neither. The return path
 * recorded is the interface and the L2 neighbour the SYN came from. */
static __always_inline int insert_flow(struct xdp_md *ctx, const struct packet *pkt,
				       const struct xl_flow_key *key, const struct xl_flow *flow)
{
	struct xl_rnat_key rkey = rnat_key_of_flow(flow);
	struct xl_rnat rnat = {
		.client_addr = key->client_addr,
		.eni_addr = key->eni_addr,
		.client_port = key->client_port,
		.eni_port = key->eni_port,
		.endpoint = flow->endpoint,
		.member = flow->member,
		.ifindex = ctx->ingress_ifindex,
		.last_seen = flow->last_seen,
	};
	long err;

	__builtin_memcpy(rnat.client_mac, pkt->eth->h_source, ETH_ALEN);
	__builtin_memcpy(rnat.eni_mac, pkt->eth->h_dest, ETH_ALEN);
	if (bpf_map_update_elem(&xdplink_rnat_v3, &rkey, &rnat, BPF_NOEXIST))
		return FLOW_TABLE_FULL;
	err = bpf_map_update_elem(&xdplink_flows_v3, key, flow, BPF_NOEXIST);
	if (!err)
		return FLOW_INSERTED;
	bpf_map_delete_elem(&xdplink_rnat_v3, &rkey);
	return err == -EEXIST ? FLOW_EXISTS : FLOW_TABLE_FULL;
}

#endif
