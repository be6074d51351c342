/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* The xdplink data path, the story of a packet. From a client to an ENI: its flow
 * -> target -> NAT -> forward, or, for a SYN to a listener, a new flow first. From a
 * target to a SNAT port: reverse NAT -> back to the client. Anything else is left to
 * the host, untouched; an address filter lets most of it through after one read. */

#include "addresses.h"
#include "arp.h"
#include "clock.h"
#include "flow.h"
#include "forward.h"
#include "icmp.h"
#include "maps.h"
#include "nat.h"
#include "options.h"
#include "parse.h"
#include "proxy_v2.h"
#include "reset.h"
#include "security_group.h"
#include "select.h"
#include "seq.h"
#include "stats.h"
#include "syncookie.h"
#include "track.h"
#include "window.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

static __always_inline int endpoint_available(__u32 endpoint)
{
	struct xl_endpoint *ep = bpf_map_lookup_elem(&xdplink_endpoints_v2, &endpoint);

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
	__u32 ifindex = ctx->ingress_ifindex;
	struct xl_iface *iface = bpf_map_lookup_elem(&xdplink_ifaces_v2, &ifindex);
	int action;

	if (!iface)
		return verdict(XDP_DROP, XL_DROP_INTERNAL);
	count_refusal(endpoint_traffic(endpoint), port_alloc_error);
	if (member != XL_NO_MEMBER)
		count_refusal(member_traffic(member), port_alloc_error);
	action = send_reset(ctx, pkt, iface->mac);
	return verdict(action, action == XDP_TX ? reason : XL_DROP_TX_ERROR);
}

static __always_inline struct xl_backend *backend_lookup(__u32 backend)
{
	return bpf_map_lookup_elem(&xdplink_backends_v2, &backend);
}

/* What a client packet of a proxy protocol flow needs before it goes on. The header goes
 * in front of the client's first byte, each time that is sent, and in front of its FIN
 * when it closes without sending a byte (or the two ends would count the FIN apart).
 * Nothing else may land where the header goes: a SYN's data (TCP Fast Open) is cut off
 * (the target acknowledges the SYN alone, and the client sends its data again, which then
 * gets the header), and bytes numbered before the first that reach past it are dropped.
 * A first payload too big for the path with the header is cut to what fits. Returns XL_FWD_PROXY_HEADER,
 * XL_FWD_PROXY_CUT or XL_FWD_PROXY_SYN_DATA when the packet was changed, the reason it
 * must be dropped, or 0 when it goes on as it is. */
static __always_inline enum xl_reason proxy_header_for(struct xdp_md *ctx, struct packet *pkt,
						       const struct xl_flow *flow,
						       const struct xl_backend *be)
{
	__u32 endpoint = flow->endpoint, egress = be->nh_ifindex, first = flow->client_isn + 1;
	__u32 seq = bpf_ntohl(pkt->tcp->seq), keep = 0;
	struct xl_endpoint *ep = NULL; /* none for a SYN, which gets no header */
	struct xl_iface *out;
	int cut;

	if (!has_proxy_header(flow))
		return 0;
	if (pkt->tcp->syn) {
		if (!pkt->payload_len)
			return 0;
	} else {
		if (seq != first) {
			if ((__s32)(seq - first) < 0 && (__s32)(seq + pkt->payload_len - first) > 0)
				return XL_DROP_PROXY_BEFORE_HEADER;
			return 0;
		}
		if (!pkt->payload_len && !(pkt->tcp->fin && !pkt->tcp->rst))
			return 0;
		ep = bpf_map_lookup_elem(&xdplink_endpoints_v2, &endpoint);
		out = bpf_map_lookup_elem(&xdplink_ifaces_v2, &egress);
		if (!ep || !out)
			return XL_DROP_INTERNAL;
		if (pkt->ip_len + PROXY_HEADER_LEN <= out->mtu)
			keep = pkt->payload_len;
		else if (!(keep = first_payload_room(pkt, out->mtu)))
			return XL_DROP_PROXY_TOO_BIG;
	}
	/* One place cuts a payload and one inserts the header, whatever the reason: given
	 * two of either, clang lost the packet pointer's type for the verifier. */
	cut = keep < pkt->payload_len;
	if (cut && !cut_payload(ctx, pkt, keep))
		return XL_DROP_INTERNAL;
	if (!ep)
		return XL_FWD_PROXY_SYN_DATA;
	if (!insert_proxy_header(ctx, pkt, flow, ep->id))
		return XL_DROP_INTERNAL;
	return cut ? XL_FWD_PROXY_CUT : XL_FWD_PROXY_HEADER;
}

/* On to the flow's target, whose next hop the caller made sure of. */
static __always_inline int forward_to_target(struct xdp_md *ctx, struct packet *pkt,
					     const struct xl_flow *flow, struct xl_backend *be,
					     enum xl_reason reason)
{
	enum xl_reason why = proxy_header_for(ctx, pkt, flow, be);

	if (why == XL_FWD_PROXY_HEADER || why == XL_FWD_PROXY_CUT || why == XL_FWD_PROXY_SYN_DATA)
		reason = why;
	else if (why)
		return verdict(XDP_DROP, why);
	translate_towards_target(pkt, flow);
	nat_to_target(pkt, flow, be);
	count_towards_target(member_traffic(flow->member), pkt->ip_len);
	count_towards_target(endpoint_traffic(flow->endpoint), pkt->ip_len);
	return verdict(send_to_target(ctx, pkt->eth, be), reason);
}

/* A packet of a known flow on to its target, once the next hop is known. */
static __always_inline int route_to_target(struct xdp_md *ctx, struct packet *pkt,
					   const struct xl_flow *flow, struct xl_backend *be,
					   enum xl_reason reason)
{
	enum xl_reason why;

	if (!next_hop_ready(ctx, be, flow->snat_addr, clock_ms(), &why))
		return verdict(XDP_DROP, why);
	return forward_to_target(ctx, pkt, flow, be, reason);
}

static __always_inline struct xl_conns *conns_of(__u32 backend)
{
	return bpf_map_lookup_elem(&xdplink_conns_v2, &backend);
}

static __always_inline struct xl_iface *ingress_iface(struct xdp_md *ctx)
{
	__u32 ifindex = ctx->ingress_ifindex;

	return bpf_map_lookup_elem(&xdplink_ifaces_v2, &ifindex);
}

/* Under a flood of SYNs to the target: a cookie instead of a flow, unless the target is
 * full anyway. */
static __always_inline int answer_with_cookie(struct xdp_md *ctx, struct packet *pkt,
					      const struct xl_config *cfg,
					      const struct xl_conns *conns,
					      const struct xl_frontend *fe, __u32 member)
{
	struct xl_iface *iface = ingress_iface(ctx);
	int action;

	if (READ_ONCE(conns->active) >= cfg->max_conns_per_target)
		return refuse(ctx, pkt, fe->endpoint, member, XL_RST_TARGET_FULL);
	if (!iface)
		return verdict(XDP_DROP, XL_DROP_INTERNAL);
	action = send_syn_cookie(ctx, pkt, iface->mac, cfg->mss_clamp,
				 fe->flags & XL_FE_PROXY_V2 ? PROXY_HEADER_LEN : 0);
	return verdict(action, action == XDP_TX ? XL_SYN_COOKIE_SENT : XL_DROP_TX_ERROR);
}

/* What a flow keeps of its client's valid cookie ACK: the client's numbers, and the
 * cookie, our ISN, in seq_shift until the target's own ISN is known. */
static __always_inline void note_cookie_ack(struct xl_flow *flow, const struct tcphdr *tcp)
{
	flow->client_isn = bpf_ntohl(tcp->seq) - 1;
	flow->client_next = flow->client_isn + 1;
	flow->seq_shift = bpf_ntohl(tcp->ack_seq) - 1;
	flow->client_window_log2 = window_log2(bpf_ntohs(tcp->window));
	flow->target_window_log2 = WINDOW_LOG2_SYN;
}

/* A SYN-cookie flow's first packet to its target: the client's ACK becomes the SYN the
 * client once sent (its ISN, a segment size the path carries, no other option). */
static __always_inline int open_to_target(struct xdp_md *ctx, const struct xl_config *cfg,
					  const struct xl_flow *flow, struct xl_backend *be,
					  enum xl_reason reason)
{
	struct segment syn = {
		.saddr = flow->snat_addr,
		.daddr = be->addr,
		.sport = flow->snat_port,
		.dport = be->port,
		.seq = flow->client_isn,
		.syn = 1,
		.window = COOKIE_WINDOW,
		.mss = cfg->mss_clamp ? cfg->mss_clamp : DEFAULT_MSS,
	};
	struct ethhdr *eth = write_segment(ctx, &syn);

	if (!eth)
		return verdict(XDP_DROP, XL_DROP_TX_ERROR);
	count_towards_target(member_traffic(flow->member), SEGMENT_LEN(syn.mss) - ETH_HLEN);
	count_towards_target(endpoint_traffic(flow->endpoint), SEGMENT_LEN(syn.mss) - ETH_HLEN);
	__builtin_memcpy(eth->h_dest, be->nh_dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, be->nh_smac, ETH_ALEN);
	return verdict(transmit(ctx, be->nh_ifindex), reason);
}

/* A new flow, for a SYN, or for an ACK with a valid SYN cookie: pick the member and its
 * target, take one of the target's connections and a SNAT port, record the flow,
 * forward. Whatever is refused is given back at once. A SYN to a target flooded with
 * half-open flows gets a cookie instead, and takes nothing. */
static __always_inline int open_flow(struct xdp_md *ctx, struct packet *pkt,
				     const struct xl_frontend *fe, const struct xl_flow_key *key,
				     __u32 hash, int by_cookie)
{
	const struct xl_config *cfg = config();
	struct xl_flow flow = {
		.endpoint = fe->endpoint,
		.snat_addr = fe->snat_addr,
		.last_seen = clock_s(),
		.iface = fe->iface_slot, /* the packet's: to_listener saw it come in there */
	};
	struct xl_port_pool *pool;
	struct xl_conns *conns;
	struct xl_backend *be;
	enum xl_reason why;
	__u32 backend, pool_slot;
	__u64 now = clock_ms();
	__s32 port;
	int inserted;

	if (!cfg)
		return verdict(XDP_DROP, XL_DROP_INTERNAL);
	if (!by_cookie && !tcp_checksum_ok(ctx, pkt))
		return verdict(XDP_DROP, XL_DROP_BAD_CHECKSUM);
	flow.member = pick_member(cfg, fe, hash);
	backend = backend_of(flow.member);
	be = backend_lookup(backend);
	conns = conns_of(backend);
	if (backend == XL_NO_BACKEND || !be || !conns)
		return refuse(ctx, pkt, fe->endpoint, XL_NO_MEMBER, XL_RST_NO_TARGET);
	if (!next_hop_ready(ctx, be, fe->snat_addr, now, &why))
		return verdict(XDP_DROP, why);
	if (!by_cookie && flooded(cfg, conns))
		return answer_with_cookie(ctx, pkt, cfg, conns, fe, flow.member);
	if (!claim_connection(cfg, conns))
		return refuse(ctx, pkt, fe->endpoint, flow.member, XL_RST_TARGET_FULL);
	pool = pool_of(fe->snat_addr, be, &pool_slot);
	port = pool ? claim_port(cfg, pool) : -1;
	if (!pool || port < 0) {
		release_connection(conns);
		return refuse(ctx, pkt, fe->endpoint, flow.member, XL_RST_NO_PORT);
	}

	flow.pool = pool_slot;
	flow.snat_port = bpf_htons(cfg->port_min + port);
	__builtin_memcpy(flow.client_mac, pkt->eth->h_source, ETH_ALEN);
	if (by_cookie)
		note_cookie_ack(&flow, pkt->tcp);
	else
		note_client_syn(&flow, pkt->tcp, syn_options(ctx, pkt, cfg->mss_clamp, 0));
	/* The flags the flow starts with; this copy carries them on to forward_to_target. */
	flow.state = (by_cookie ? XL_FLOW_ANSWERED | XL_FLOW_COOKIE : 0) |
		     (fe->flags & XL_FE_PROXY_V2 ? XL_FLOW_PROXY_HEADER : 0);
	inserted = insert_flow(cfg, key, hash, &flow, flow.state);
	if (inserted != FLOW_INSERTED) {
		release_port(pool, port);
		release_connection(conns);
		if (inserted == FLOW_EXISTS)
			return verdict(XDP_DROP, XL_DROP_SYN_RACE);
		return refuse(ctx, pkt, fe->endpoint, flow.member, XL_RST_FLOW_TABLE_FULL);
	}
	count_member_connection(flow.member);
	count_new_connection(&flow);
	if (by_cookie)
		return open_to_target(ctx, cfg, &flow, be, XL_FWD_COOKIE_FLOW);
	count_half_open(conns, 1);
	return forward_to_target(ctx, pkt, &flow, be, XL_FWD_NEW_FLOW);
}

/* What reopen_flow returns, besides an XDP action, when the flow's key must open a new
 * flow instead. */
#define OPEN_NEW_FLOW (-1)

/* A SYN on a closing flow: the client reuses its 4-tuple for a new connection. While
 * the flow's target is still where new flows of its hash go, the connection lives on in
 * the flow, with the same target, count and port. Unless the target never answered:
 * then the client tries the same connection again. It does so at once when it has reset
 * an ACK the target sent from an older connection on the SNAT port (one whose flow idled
 * out and gave the port back), and its RST ended that one. A target no longer chosen
 * (unhealthy, drained, deregistered) gets no new connection: the old flow retires and a
 * new one opens. */
static __always_inline int reopen_flow(struct xdp_md *ctx, struct packet *pkt, struct xl_flow *flow,
				       __u32 slot, __u32 hash, struct xl_backend *be,
				       struct xl_conns *conns)
{
	const struct xl_config *cfg = config();
	__u32 state = READ_ONCE(flow->state);
	struct xl_frontend *fe = listener_of(pkt);

	if (!cfg || !fe)
		return verdict(XDP_DROP, XL_DROP_NO_LISTENER);
	if (!security_groups_allow(fe, pkt)) /* a new connection: as conntrack, asked again */
		return verdict(XDP_DROP, XL_DROP_SECURITY_GROUP);
	if (!tcp_checksum_ok(ctx, pkt))
		return verdict(XDP_DROP, XL_DROP_BAD_CHECKSUM);
	if (pick_member(cfg, fe, hash) != flow->member || (be->flags & XL_BE_RESET_FLOWS))
		return retire(cfg, flow, slot, hash) ? OPEN_NEW_FLOW
						     : verdict(XDP_DROP, XL_DROP_SYN_RACE);
	if (!reopen(flow))
		return verdict(XDP_DROP, XL_DROP_SYN_RACE);
	note_client_syn(flow, pkt->tcp, syn_options(ctx, pkt, cfg->mss_clamp, 0));
	touch(flow, clock_s());
	if (state & XL_FLOW_ANSWERED) {
		count_new_connection(flow);
		count_half_open(conns, 1); /* half-open again, until the client's first ACK */
	}
	return route_to_target(ctx, pkt, flow, be, XL_FWD_NEW_FLOW);
}

/* A client packet before the target answered the SYN its cookie ACK opened: the client
 * is past its handshake and sends again what is dropped here, so the SYN to the target
 * goes again too (it, or the target's answer, may have been lost). Only a packet in the
 * client's window counts; a RST there ends the flow. The flow's SYN timeout runs on. */
static __always_inline int while_cookie_pending(struct xdp_md *ctx, struct packet *pkt,
						struct xl_flow *flow, struct xl_backend *be)
{
	const struct xl_config *cfg = config();

	if (!cfg ||
	    !in_window(bpf_ntohl(pkt->tcp->seq), flow->client_isn + 1, flow->target_window_log2))
		return verdict(XDP_DROP, XL_DROP_COOKIE_PENDING);
	if (pkt->tcp->rst) {
		set_flags(flow, XL_FLOW_RST_CLIENT);
		return verdict(XDP_DROP, XL_DROP_COOKIE_PENDING);
	}
	return open_to_target(ctx, cfg, flow, be, XL_FWD_COOKIE_SYN_AGAIN);
}

/* A packet of a known flow, from its client. */
static __always_inline int from_client(struct xdp_md *ctx, struct packet *pkt, struct xl_flow *flow,
				       __u32 slot, __u32 hash)
{
	struct xl_iface *iface = client_iface(flow);
	__u32 backend = backend_of(flow->member), state = READ_ONCE(flow->state);
	struct xl_backend *be = backend_lookup(backend);
	struct xl_conns *conns = conns_of(backend);
	int tracked;

	if (!iface || iface->ifindex != ctx->ingress_ifindex)
		return verdict(XDP_DROP, XL_DROP_OTHER_VPC);
	if (!endpoint_available(flow->endpoint))
		return drop_for_endpoint_state(flow->endpoint);
	if (!be || !conns)
		return verdict(XDP_DROP, XL_DROP_INTERNAL);
	if ((state & XL_FLOW_CLOSING) && is_connection_request(pkt->tcp))
		return reopen_flow(ctx, pkt, flow, slot, hash, be, conns);
	if (be->flags & XL_BE_RESET_FLOWS) {
		set_flags(flow,
			  XL_FLOW_RST_CLIENT); /* the collector gives its count and port back */
		if (pkt->tcp->rst)
			return verdict(XDP_DROP, XL_DROP_STRAY_RST);
		return refuse(ctx, pkt, flow->endpoint, flow->member, XL_RST_TARGET_RESET);
	}
	if (state & XL_FLOW_COOKIE)
		return while_cookie_pending(ctx, pkt, flow, be);
	tracked = track_client_packet(flow, pkt->tcp, clock_s());
	if (tracked == TRACK_REFUSED)
		return verdict(XDP_DROP, XL_DROP_RST_OUT_OF_WINDOW);
	if (tracked == TRACK_ANSWERED)
		count_half_open(conns, -1);
	return route_to_target(ctx, pkt, flow, be, XL_FWD_TO_TARGET);
}

/* The target's SYN-ACK to a SYN-cookie flow: the client is long past its handshake, so
 * the SYN-ACK goes no further; it is acknowledged to the target in the client's stead,
 * and from now on the target's numbers are the cookie's plus seq_shift. */
static __always_inline int finish_cookie_handshake(struct xdp_md *ctx, struct packet *pkt,
						   struct xl_flow *flow)
{
	const struct tcphdr *tcp = pkt->tcp;
	struct xl_iface *iface = ingress_iface(ctx);
	__u8 target_mac[ETH_ALEN];
	struct segment ack;
	struct ethhdr *eth;

	if (!tcp->syn || !tcp->ack || bpf_ntohl(tcp->ack_seq) != flow->client_isn + 1 || !iface) {
		if (tcp->rst && tcp->ack && bpf_ntohl(tcp->ack_seq) == flow->client_isn + 1)
			set_flags(flow, XL_FLOW_RST_TARGET); /* refused: the collector takes it */
		return verdict(XDP_DROP, XL_DROP_COOKIE_PENDING);
	}
	ack = (struct segment){
		.saddr = pkt->ip->daddr,
		.daddr = pkt->ip->saddr,
		.sport = tcp->dest,
		.dport = tcp->source,
		.seq = flow->client_isn + 1,
		.ack = bpf_ntohl(tcp->seq) + 1,
		.ack_flag = 1,
		.window = COOKIE_WINDOW,
	};
	note_target_syn_ack(flow, tcp, NO_WINDOW_SCALE);
	flow->seq_shift = bpf_ntohl(tcp->seq) - flow->seq_shift;
	clear_flags(flow, XL_FLOW_COOKIE);
	__builtin_memcpy(target_mac, pkt->eth->h_source, ETH_ALEN);
	eth = write_segment(ctx, &ack);
	if (!eth)
		return verdict(XDP_DROP, XL_DROP_TX_ERROR);
	__builtin_memcpy(eth->h_dest, target_mac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, iface->mac, ETH_ALEN);
	return verdict(XDP_TX, XL_TX_COOKIE_HANDSHAKE);
}

static __always_inline int from_target(struct xdp_md *ctx, struct packet *pkt, struct xl_flow *flow)
{
	struct xl_iface *iface = client_iface(flow);
	const struct xl_config *cfg = config();

	if (!iface || !cfg)
		return verdict(XDP_DROP, XL_DROP_INTERNAL);
	if (READ_ONCE(flow->state) & XL_FLOW_COOKIE)
		return finish_cookie_handshake(ctx, pkt, flow);
	/* The client's segments must leave room for a proxy protocol header. */
	if (pkt->tcp->syn && pkt->tcp->ack)
		note_target_syn_ack(flow, pkt->tcp,
				    syn_options(ctx, pkt, cfg->mss_clamp,
						has_proxy_header(flow) ? PROXY_HEADER_LEN : 0));
	if (track_target_packet(flow, pkt->tcp, clock_s()) == TRACK_REFUSED)
		return verdict(XDP_DROP, XL_DROP_RST_OUT_OF_WINDOW);
	translate_towards_client(ctx, pkt, flow);
	nat_to_client(pkt, flow);
	count_towards_client(member_traffic(flow->member), pkt->ip_len);
	count_towards_client(endpoint_traffic(flow->endpoint), pkt->ip_len);
	return verdict(send_to_client(ctx, pkt->eth, flow, iface), XL_FWD_TO_CLIENT);
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

/* An ICMP error from a client's side about a packet sent to a client: on to the flow's
 * target, as if about the target's packet. */
static __always_inline int icmp_to_target(struct xdp_md *ctx, struct icmp_error *err,
					  struct xl_flow *flow)
{
	struct xl_iface *iface = client_iface(flow);
	struct xl_backend *be = backend_lookup(backend_of(flow->member));
	enum xl_reason why;

	if (!iface || iface->ifindex != ctx->ingress_ifindex)
		return verdict(XDP_DROP, XL_DROP_OTHER_VPC);
	if (!be || !next_hop_ready(ctx, be, flow->snat_addr, clock_ms(), &why))
		return verdict(XDP_DROP, XL_DROP_NO_ROUTE);
	rewrite_quote(err, be->addr, flow->snat_addr, be->port, flow->snat_port, flow->seq_shift);
	readdress(err, flow->snat_addr, be->addr);
	return verdict(send_to_target(ctx, err->eth, be), XL_FWD_ICMP_TO_TARGET);
}

/* An ICMP error from the targets' side about a packet sent to a target: back to the
 * flow's client, as if about the client's packet (a path MTU less a proxy protocol
 * header's length). */
static __always_inline int icmp_to_client(struct xdp_md *ctx, struct icmp_error *err,
					  struct xl_flow *flow)
{
	struct xl_iface *iface = client_iface(flow);
	const struct xl_flow_key *key = &flow->key;

	if (!iface)
		return verdict(XDP_DROP, XL_DROP_INTERNAL);
	rewrite_quote(err, key->client_addr, key->eni_addr, key->client_port, key->eni_port,
		      client_ack_of(flow, bpf_ntohl(err->quoted_tcp->seq)) -
			  bpf_ntohl(err->quoted_tcp->seq));
	if (has_proxy_header(flow))
		leave_room_in_mtu(err, PROXY_HEADER_LEN);
	readdress(err, key->eni_addr, key->client_addr);
	return verdict(send_to_client(ctx, err->eth, flow, iface), XL_FWD_ICMP_TO_CLIENT);
}

/* Everything but IPv4/TCP on a consumer-facing interface: ARP for ENIs is answered,
 * ICMP errors about a flow go to its target, anything else sent to our addresses is
 * dropped, the rest is the host's. */
static __always_inline int not_tcp_from_consumer(struct xdp_md *ctx, struct packet *pkt, int kind,
						 int faces_targets)
{
	const struct xl_config *cfg = config();
	struct icmp_error err;
	struct xl_flow *flow;

	switch (kind) {
	case PACKET_ARP:
		return answer_arp(ctx, pkt);
	case PACKET_NOT_IPV4:
		return verdict(XDP_PASS, XL_PASS_NOT_IPV4);
	case PACKET_IPV4_OTHER:
		if (cfg && parse_icmp_error(ctx, pkt, &err)) {
			flow = flow_of_client_quote(cfg, &err);
			if (flow)
				return icmp_to_target(ctx, &err, flow);
			if (faces_targets && (flow = flow_of_target_quote(cfg, &err)))
				return icmp_to_client(ctx, &err, flow);
		}
		return not_forwarded(ctx, pkt, XL_DROP_NOT_TCP, XL_PASS_NOT_OURS, faces_targets);
	case PACKET_IPV4_BAD:
		return not_forwarded(ctx, pkt, XL_DROP_BAD_PACKET, XL_PASS_MALFORMED,
				     faces_targets);
	default:
		return verdict(XDP_PASS, XL_PASS_MALFORMED);
	}
}

/* A packet without flow to a listener of an ENI, from the ENI's own interface: a SYN
 * opens a flow, and so does an ACK with a valid SYN cookie; anything else is refused. */
static __always_inline int to_listener(struct xdp_md *ctx, struct packet *pkt,
				       const struct xl_frontend *fe, const struct xl_flow_key *key,
				       __u32 hash)
{
	int by_cookie = 0;

	if (fe->ifindex != ctx->ingress_ifindex)
		return verdict(XDP_DROP, XL_DROP_OTHER_VPC);
	if (!endpoint_available(fe->endpoint))
		return drop_for_endpoint_state(fe->endpoint);
	if (!security_groups_allow(fe, pkt))
		return verdict(XDP_DROP, XL_DROP_SECURITY_GROUP);
	if (!is_connection_request(pkt->tcp)) {
		if (pkt->tcp->rst)
			return verdict(XDP_DROP, XL_DROP_STRAY_RST);
		if (!valid_cookie_ack(pkt))
			return refuse(ctx, pkt, fe->endpoint, XL_NO_MEMBER, XL_RST_NO_FLOW);
		by_cookie = 1;
	}
	return open_flow(ctx, pkt, fe, key, hash, by_cookie);
}

/* TCP from a consumer to one of our addresses (the filter said maybe): its flow, or
 * a listener, or nothing of ours. */
static __always_inline int from_consumer(struct xdp_md *ctx, struct packet *pkt, int faces_targets)
{
	const struct xl_config *cfg = config();
	struct xl_flow_key key = flow_key_of(pkt);
	struct xl_frontend *fe;
	struct xl_flow *flow;
	__u32 hash, slot;

	if (!cfg)
		return verdict(XDP_DROP, XL_DROP_INTERNAL);
	hash = flow_hash(cfg, &key);
	slot = find_flow(cfg, &key, hash);
	flow = slot != NO_SLOT ? flow_slot(slot) : NULL;
	if (flow) {
		int action = from_client(ctx, pkt, flow, slot, hash);

		if (action != OPEN_NEW_FLOW)
			return action;
	}
	fe = listener_of(pkt);
	if (fe)
		return to_listener(ctx, pkt, fe, &key, hash);
	return not_forwarded(ctx, pkt, XL_DROP_NO_LISTENER, XL_PASS_NOT_OURS, faces_targets);
}

/* Everything but IPv4/TCP on a provider-facing interface: ICMP errors about a flow go
 * to its client; the rest is the host's. */
static __always_inline int not_tcp_from_provider(struct xdp_md *ctx, struct packet *pkt, int kind)
{
	const struct xl_config *cfg = config();
	struct icmp_error err;
	struct xl_flow *flow;

	switch (kind) {
	case PACKET_ARP:
		return verdict(XDP_PASS, XL_PASS_ARP);
	case PACKET_NOT_IPV4:
		return verdict(XDP_PASS, XL_PASS_NOT_IPV4);
	case PACKET_IPV4_OTHER:
		if (cfg && parse_icmp_error(ctx, pkt, &err) &&
		    (flow = flow_of_target_quote(cfg, &err)))
			return icmp_to_client(ctx, &err, flow);
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

/* TCP from the provider side to one of our addresses: a target's reply, or the host's. */
static __always_inline int from_provider(struct xdp_md *ctx, struct packet *pkt)
{
	const struct xl_config *cfg = config();
	struct xl_flow *flow = cfg ? find_flow_of_reply(cfg, pkt) : NULL;

	if (flow)
		return from_target(ctx, pkt, flow);
	return verdict(XDP_PASS, XL_PASS_NOT_OURS);
}

SEC("xdp.frags")
int xdplink_provider(struct xdp_md *ctx)
{
	struct packet pkt = {};
	int kind = parse_packet(ctx, &pkt);

	if (kind != PACKET_TCP)
		return not_tcp_from_provider(ctx, &pkt, kind);
	if (!maybe_ours(pkt.ip->daddr))
		return verdict(XDP_PASS, XL_PASS_NOT_OURS);
	return from_provider(ctx, &pkt);
}

/* Whether a packet to a flow's SNAT port comes from its target's next hop. Where clients
 * share the link, a client could otherwise pose as a target and speak into another
 * client's connection. */
static __always_inline int from_targets_next_hop(struct xdp_md *ctx, const struct packet *pkt,
						 const struct xl_flow *flow)
{
	struct xl_backend *be = backend_lookup(backend_of(flow->member));
	enum xl_reason why;

	if (!be || !next_hop_ready(ctx, be, flow->snat_addr, clock_ms(), &why))
		return 0;
	return be->nh_ifindex == ctx->ingress_ifindex && same_mac(pkt->eth->h_source, be->nh_dmac);
}

/* One interface facing both clients and targets ("load balancer on a stick"). */
SEC("xdp.frags")
int xdplink_both(struct xdp_md *ctx)
{
	const struct xl_config *cfg = config();
	struct packet pkt = {};
	int kind = parse_packet(ctx, &pkt);
	struct xl_flow *flow;

	if (kind != PACKET_TCP)
		return not_tcp_from_consumer(ctx, &pkt, kind, 1);
	if (!maybe_ours(pkt.ip->daddr))
		return verdict(XDP_PASS, XL_PASS_NOT_OURS);
	flow = cfg ? find_flow_of_reply(cfg, &pkt) : NULL;
	if (flow && !from_targets_next_hop(ctx, &pkt, flow))
		return verdict(XDP_DROP, XL_DROP_NOT_FROM_TARGET);
	if (flow)
		return from_target(ctx, &pkt, flow);
	return from_consumer(ctx, &pkt, 1);
}
