/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Sending a rewritten packet on: towards a target through the FIB (its answer
 * cached per target), back to a client the way its flow came in. */
#ifndef XL_BPF_FORWARD_H
#define XL_BPF_FORWARD_H

#include <linux/if_ether.h>

#include "maps.h"
#include "parse.h"

#ifndef AF_INET
#define AF_INET 2
#endif

/* How long (ms) a FIB answer is trusted before it is looked up again. */
#define NEXT_HOP_TTL_MS 1000

/* Asks bpf_fib_lookup() for the backend's next hop and caches it. The lookup goes
 * straight to the routing table: the LB host may blackhole kernel forwarding with policy
 * rules (it is no router), and those rules are not meant for the program. On failure,
 * *why says what is missing. */
static __always_inline int look_up_next_hop(struct xdp_md *ctx, struct xl_backend *be,
					    __be32 snat_addr, __u64 now, enum xl_reason *why)
{
	struct bpf_fib_lookup fib = {
		.family = AF_INET,
		.l4_protocol = IPPROTO_TCP,
		.ipv4_src = snat_addr,
		.ipv4_dst = be->addr,
		.ifindex = ctx->ingress_ifindex,
	};
	struct xl_iface *egress;
	long rc;

	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), BPF_FIB_LOOKUP_DIRECT);
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		*why = XL_DROP_NO_NEIGH;
		return 0;
	}
	/* Targets are reached only through interfaces that face them (attached ones are in
	 * the redirect map): never into a consumer's VPC. */
	egress = rc == BPF_FIB_LKUP_RET_SUCCESS
		     ? bpf_map_lookup_elem(&xdplink_ifaces_v2, &fib.ifindex)
		     : NULL;
	if (!egress || !(egress->role & XL_ROLE_PROVIDER)) {
		*why = XL_DROP_NO_ROUTE;
		return 0;
	}
	__builtin_memcpy(be->nh_dmac, fib.dmac, ETH_ALEN);
	__builtin_memcpy(be->nh_smac, fib.smac, ETH_ALEN);
	be->nh_ifindex = fib.ifindex;
	be->nh_expires = now + NEXT_HOP_TTL_MS;
	return 1;
}

/* Makes sure the backend's next hop is known: from the cache while it is fresh (every
 * packet but one a second, which builds no lookup), else from the FIB. */
static __always_inline int next_hop_ready(struct xdp_md *ctx, struct xl_backend *be,
					  __be32 snat_addr, __u64 now, enum xl_reason *why)
{
	if (be->nh_ifindex && now < be->nh_expires)
		return 1;
	return look_up_next_hop(ctx, be, snat_addr, now, why);
}

/* XDP_TX, XDP_REDIRECT or XDP_DROP, and the verifier knows it is one of them: callers
 * tell these actions from their own special values. */
static __always_inline int transmit(struct xdp_md *ctx, __u32 ifindex)
{
	if (ifindex == ctx->ingress_ifindex)
		return XDP_TX;
	if (bpf_redirect_map(&xdplink_tx_ports_v1, ifindex, XDP_DROP) == XDP_REDIRECT)
		return XDP_REDIRECT;
	return XDP_DROP;
}

static __always_inline int send_to_target(struct xdp_md *ctx, struct ethhdr *eth,
					  const struct xl_backend *be)
{
	__builtin_memcpy(eth->h_dest, be->nh_dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, be->nh_smac, ETH_ALEN);
	return transmit(ctx, be->nh_ifindex);
}

/* The interface a flow's client is in (its VPC), by the slot the flow records. */
static __always_inline struct xl_iface *client_iface(const struct xl_flow *flow)
{
	__u32 slot = flow->iface;

	return bpf_map_lookup_elem(&xdplink_iface_slots_v1, &slot);
}

/* Back to the client: out of its own interface, with that interface's own address, to
 * the neighbour its SYN came from. */
static __always_inline int send_to_client(struct xdp_md *ctx, struct ethhdr *eth,
					  const struct xl_flow *flow, const struct xl_iface *iface)
{
	__builtin_memcpy(eth->h_dest, flow->client_mac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, iface->mac, ETH_ALEN);
	return transmit(ctx, iface->ifindex);
}

#endif
