// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The xdplink data path, the story of a packet. From a client to an ENI: its flow
 * -> target -> NAT -> forward, or, for a SYN to a listener, a new flow first. From a
 * target to a SNAT port: reverse NAT -> back to the client. Anything else is left to
 * the host, untouched; an address filter lets most of it through after one read. */

#include "addresses.h"
#include "arp.h"
#include "clock.h"
#include "flow.h"
#include "forward.h"
#include "maps.h"
#include "nat.h"
#include "parse.h"
#include "reset.h"
#include "select.h"
#include "stats.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

static __always_inline int endpoint_available(__u32 endpoint)
{
	struct xl_endpoint *ep = bpf_map_lookup_elem(&xdplink_endpoints_v1, &endpoint);

	return ep && ep->state == XL_EP_AVAILABLE;
}

/* Nothing gets through an endpoint that is not available: dropped, counted to it. */
static __always_inline int drop_for_endpoint_state(__u32 endpoint)
{
	count_drop(endpoint_traffic(endpoint));
	return verdict(XDP_DROP, XL_DROP_ENDPOINT_STATE);
}

/* A connection opened (or reopened) in a flow, counted to its member and endpoint. */
static __always_inline void count_new_connection(const struct xl_flow *flow)
{
	count_new_flow(member_traffic(flow->member));
	count_new_flow(endpoint_traffic(flow->endpoint));
}

/* Answers a connection attempt or a packet without flow with a RST, counted to the
 * endpoint and to the member the connection was meant for, if any. */
static __always_inline int refuse(struct xdp_md *ctx, struct packet *pkt, __u32 endpoint,
				  __u32 member, enum xl_reason reason)
{
	int port_alloc_error = reason == XL_RST_TARGET_FULL || reason == XL_RST_NO_PORT;
	int action;

	count_refusal(endpoint_traffic(endpoint), port_alloc_error);
	if (member != XL_NO_MEMBER)
		count_refusal(member_traffic(member), port_alloc_error);
	action = send_reset(ctx, pkt);
	return verdict(action, action == XDP_TX ? reason : XL_DROP_TX_ERROR);
}

static __always_inline int forward_to_target(struct xdp_md *ctx, struct packet *pkt,
					     const struct xl_flow *flow, struct xl_backend *be,
					     __u64 now, enum xl_reason reason)
{
	enum xl_reason why;

	if (!next_hop_ready(ctx, be, flow->snat_addr, now, &why))
		return verdict(XDP_DROP, why);
	nat_to_target(pkt, flow);
	count_towards_target(member_traffic(flow->member), pkt->ip_len);
	count_towards_target(endpoint_traffic(flow->endpoint), pkt->ip_len);
	return verdict(send_to_target(ctx, pkt, be), reason);
}

/* A SYN without a flow: pick the member and its target, take one of the target's
 * connections and a SNAT port, record the flow, forward. Whatever is refused is given
 * back at once. */
static __always_inline int open_flow(struct xdp_md *ctx, struct packet *pkt,
				     const struct xl_frontend *fe, const struct xl_flow_key *key,
				     __u64 now)
{
	const struct xl_config *cfg = config();
	struct xl_flow flow = {
		.endpoint = fe->endpoint,
		.snat_addr = fe->snat_addr,
		.ifindex = ctx->ingress_ifindex,
	};
	struct xl_port_pool *pool;
	struct xl_backend *be;
	enum xl_reason why;
	__s32 port;
	int inserted;

	if (!cfg)
		return verdict(XDP_DROP, XL_DROP_INTERNAL);
	flow.member = pick_member(cfg, fe, key);
	flow.backend = backend_of(flow.member);
	be = bpf_map_lookup_elem(&xdplink_backends_v2, &flow.backend);
	if (flow.backend == XL_NO_BACKEND || !be)
		return refuse(ctx, pkt, fe->endpoint, XL_NO_MEMBER, XL_RST_NO_TARGET);
	if (!next_hop_ready(ctx, be, fe->snat_addr, now, &why))
		return verdict(XDP_DROP, why);
	if (!claim_connection(cfg, flow.backend))
		return refuse(ctx, pkt, fe->endpoint, flow.member, XL_RST_TARGET_FULL);
	pool = pool_of(fe->snat_addr, flow.backend, &flow.pool);
	port = pool ? claim_port(cfg, pool) : -1;
	if (!pool || port < 0) {
		release_connection(flow.backend);
		return refuse(ctx, pkt, fe->endpoint, flow.member, XL_RST_NO_PORT);
	}

	flow.target_addr = be->addr;
	flow.target_port = be->port;
	flow.snat_port = bpf_htons(cfg->port_min + port);
	flow.last_seen = now;
	inserted = insert_flow(ctx, pkt, key, &flow);
	if (inserted != FLOW_INSERTED) {
		release_port(pool, port);
		release_connection(flow.backend);
		if (inserted == FLOW_EXISTS)
			return verdict(XDP_DROP, XL_DROP_SYN_RACE);
		return refuse(ctx, pkt, fe->endpoint, flow.member, XL_RST_FLOW_TABLE_FULL);
	}
	count_member_connection(flow.member);
	count_new_connection(&flow);
	return forward_to_target(ctx, pkt, &flow, be, now, XL_FWD_NEW_FLOW);
}

/* A SYN on a closing flow: the client reuses its 4-tuple for a new connection,
 * which lives on in the flow, with the same target, count and port. Unless the target
 * never answered: then the client tries the same connection again. It does so at once
 * when it has reset an ACK the target sent from an older connection on the SNAT port
 * (one whose flow idled out and gave the port back), and its RST ended that one. */
static __always_inline int reopen_flow(struct xdp_md *ctx, struct packet *pkt, struct xl_flow *flow,
				       struct xl_backend *be, __u64 now)
{
	flow->flags = 0;
	flow->last_seen = now;
	if (flow->answered)
		count_new_connection(flow);
	flow->answered = 0;
	return forward_to_target(ctx, pkt, flow, be, now, XL_FWD_NEW_FLOW);
}

/* A packet of a known flow, from its client. */
static __always_inline int from_client(struct xdp_md *ctx, struct packet *pkt, struct xl_flow *flow)
{
	__u64 now = clock_ms();
	struct xl_backend *be;

	if (flow->ifindex != ctx->ingress_ifindex)
		return verdict(XDP_DROP, XL_DROP_OTHER_VPC);
	if (!endpoint_available(flow->endpoint))
		return drop_for_endpoint_state(flow->endpoint);
	be = bpf_map_lookup_elem(&xdplink_backends_v2, &flow->backend);
	if (!be)
		return verdict(XDP_DROP, XL_DROP_INTERNAL);
	if (be->flags & XL_BE_RESET_FLOWS) {
		flow->flags |= XL_FLOW_RST_CLIENT; /* the collector gives its count and port back */
		if (pkt->tcp->rst)
			return verdict(XDP_DROP, XL_DROP_STRAY_RST);
		return refuse(ctx, pkt, flow->endpoint, flow->member, XL_RST_TARGET_RESET);
	}
	if (flow->flags && is_connection_request(pkt->tcp))
		return reopen_flow(ctx, pkt, flow, be, now);
	track_client_packet(flow, pkt->tcp, now);
	return forward_to_target(ctx, pkt, flow, be, now, XL_FWD_TO_TARGET);
}

static __always_inline int from_target(struct xdp_md *ctx, struct packet *pkt, struct xl_rnat *rnat)
{
	track_target_packet(rnat, pkt->tcp, clock_ms());
	nat_to_client(pkt, rnat);
	count_towards_client(member_traffic(rnat->member), pkt->ip_len);
	count_towards_client(endpoint_traffic(rnat->endpoint), pkt->ip_len);
	return verdict(send_to_client(ctx, pkt, rnat), XL_FWD_TO_CLIENT);
}

static __always_inline struct xl_frontend *listener_of(const struct packet *pkt)
{
	struct xl_frontend_key key = { .addr = pkt->ip->daddr, .port = pkt->tcp->dest };

	return bpf_map_lookup_elem(&xdplink_frontends_v1, &key);
}

static __always_inline struct xl_rnat *reverse_nat_of(const struct packet *pkt)
{
	struct xl_rnat_key key = rnat_key_of_packet(pkt);

	return bpf_map_lookup_elem(&xdplink_rnat_v3, &key);
}

/* Consumer traffic to an address of ours that no listener takes: an ENI answers
 * nothing else, and node addresses are not for consumers (unless the interface also
 * faces targets, whose packets to node addresses the host must get). */
static __always_inline int known_address(struct xdp_md *ctx, const struct xl_frontend *entry,
					 enum xl_reason reason, int faces_targets)
{
	if (!entry->endpoint)
		return faces_targets ? verdict(XDP_PASS, XL_PASS_NOT_OURS)
				     : verdict(XDP_DROP, XL_DROP_NODE_ADDRESS);
	if (entry->ifindex != ctx->ingress_ifindex)
		return verdict(XDP_DROP, XL_DROP_OTHER_VPC);
	return verdict(XDP_DROP, reason);
}

/* An IPv4 packet that is not ours to forward: the host's, unless it is for one of
 * our addresses. */
static __always_inline int not_forwarded(struct xdp_md *ctx, const struct packet *pkt,
					 enum xl_reason reason, enum xl_reason host_reason,
					 int faces_targets)
{
	struct xl_frontend *entry = address_entry(pkt->ip->daddr);

	if (entry)
		return known_address(ctx, entry, reason, faces_targets);
	return verdict(XDP_PASS, host_reason);
}

/* Everything but IPv4/TCP on a consumer-facing interface: ARP for ENIs is
 * answered, anything else sent to our addresses is dropped, the rest is the host's. */
static __always_inline int not_tcp_from_consumer(struct xdp_md *ctx, struct packet *pkt, int kind,
						 int faces_targets)
{
	switch (kind) {
	case PACKET_ARP:
		return answer_arp(ctx, pkt);
	case PACKET_NOT_IPV4:
		return verdict(XDP_PASS, XL_PASS_NOT_IPV4);
	case PACKET_IPV4_OTHER:
		return not_forwarded(ctx, pkt, XL_DROP_NOT_TCP, XL_PASS_NOT_OURS, faces_targets);
	case PACKET_IPV4_BAD:
		return not_forwarded(ctx, pkt, XL_DROP_BAD_PACKET, XL_PASS_MALFORMED,
				     faces_targets);
	default:
		return verdict(XDP_PASS, XL_PASS_MALFORMED);
	}
}

/* A packet without flow to a listener of an ENI, from the ENI's own interface: a
 * SYN opens a flow, anything else is refused. */
static __always_inline int to_listener(struct xdp_md *ctx, struct packet *pkt,
				       const struct xl_frontend *fe, const struct xl_flow_key *key)
{
	if (fe->ifindex != ctx->ingress_ifindex)
		return verdict(XDP_DROP, XL_DROP_OTHER_VPC);
	if (!endpoint_available(fe->endpoint))
		return drop_for_endpoint_state(fe->endpoint);
	if (is_connection_request(pkt->tcp))
		return open_flow(ctx, pkt, fe, key, clock_ms());
	if (pkt->tcp->rst)
		return verdict(XDP_DROP, XL_DROP_STRAY_RST);
	return refuse(ctx, pkt, fe->endpoint, XL_NO_MEMBER, XL_RST_NO_FLOW);
}

/* TCP from a consumer to one of our addresses (the filter said maybe): its flow, or
 * a listener, or nothing of ours. */
static __always_inline int from_consumer(struct xdp_md *ctx, struct packet *pkt, int faces_targets)
{
	struct xl_flow_key key = flow_key_of(pkt);
	struct xl_frontend *fe;
	struct xl_flow *flow;

	flow = bpf_map_lookup_elem(&xdplink_flows_v3, &key);
	if (flow)
		return from_client(ctx, pkt, flow);
	fe = listener_of(pkt);
	if (fe)
		return to_listener(ctx, pkt, fe, &key);
	return not_forwarded(ctx, pkt, XL_DROP_NO_LISTENER, XL_PASS_NOT_OURS, faces_targets);
}

static __always_inline int not_tcp_from_provider(int kind)
{
	switch (kind) {
	case PACKET_ARP:
		return verdict(XDP_PASS, XL_PASS_ARP);
	case PACKET_NOT_IPV4:
		return verdict(XDP_PASS, XL_PASS_NOT_IPV4);
	case PACKET_IPV4_OTHER:
		return verdict(XDP_PASS, XL_PASS_NOT_OURS);
	default:
		return verdict(XDP_PASS, XL_PASS_MALFORMED);
	}
}

SEC("xdp.frags")
int xdplink_consumer(struct xdp_md *ctx)
{
	struct packet pkt = {};
	int kind = parse_packet(ctx, &pkt);

	if (kind != PACKET_TCP)
		return not_tcp_from_consumer(ctx, &pkt, kind, 0);
	if (!maybe_ours(pkt.ip->daddr))
		return verdict(XDP_PASS, XL_PASS_NOT_OURS);
	return from_consumer(ctx, &pkt, 0);
}

SEC("xdp.frags")
int xdplink_provider(struct xdp_md *ctx)
{
	struct packet pkt = {};
	int kind = parse_packet(ctx, &pkt);
	struct xl_rnat *rnat;

	if (kind != PACKET_TCP)
		return not_tcp_from_provider(kind);
	if (!maybe_ours(pkt.ip->daddr))
		return verdict(XDP_PASS, XL_PASS_NOT_OURS);
	rnat = reverse_nat_of(&pkt);
	if (rnat)
		return from_target(ctx, &pkt, rnat);
	return verdict(XDP_PASS, XL_PASS_NOT_OURS);
}

/* One interface facing both clients and targets ("load balancer on a stick"). */
SEC("xdp.frags")
int xdplink_both(struct xdp_md *ctx)
{
	struct packet pkt = {};
	int kind = parse_packet(ctx, &pkt);
	struct xl_rnat *rnat;

	if (kind != PACKET_TCP)
		return not_tcp_from_consumer(ctx, &pkt, kind, 1);
	if (!maybe_ours(pkt.ip->daddr))
		return verdict(XDP_PASS, XL_PASS_NOT_OURS);
	rnat = reverse_nat_of(&pkt);
	if (rnat)
		return from_target(ctx, &pkt, rnat);
	return from_consumer(ctx, &pkt, 1);
}
