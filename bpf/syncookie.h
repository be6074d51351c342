/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* SYN cookies (RFC 4987), for when spoofed SYNs flood a target: the SYN is answered by
 * the program itself with a SYN-ACK whose sequence number is a cookie (the kernel's
 * bpf_tcp_raw_*_syncookie_ipv4 helpers), and nothing is kept. Only an ACK that carries a
 * valid cookie opens a flow, and the program then opens the connection to the target;
 * the target's sequence numbers differ from the cookie by the flow's seq_shift. */
#ifndef XL_BPF_SYNCOOKIE_H
#define XL_BPF_SYNCOOKIE_H

#include "bits.h"
#include "maps.h"
#include "nat.h"
#include "options.h"
#include "parse.h"
#include "segment.h"

#define COOKIE_WINDOW 65535 /* no window scale is offered: a cookie cannot keep it */
#define DEFAULT_MSS   1460

/* Half-open flows: per target in its xl_conns, per node in xdplink_half_open_v1. Above
 * either threshold, SYNs get cookies instead of flows. */
static __always_inline __u64 *node_half_open(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&xdplink_half_open_v1, &zero);
}

static __always_inline int flooded(const struct xl_config *cfg, const struct xl_conns *conns)
{
	__u64 *node = node_half_open();

	return READ_ONCE(conns->half_open) >= cfg->half_open_per_target ||
	       (node && READ_ONCE(*node) >= cfg->half_open_per_node);
}

static __always_inline void count_half_open(struct xl_conns *conns, int delta)
{
	__u64 *node = node_half_open();

	__sync_fetch_and_add(&conns->half_open, delta);
	if (node)
		__sync_fetch_and_add(node, (__s64)delta);
}

/* Answers a SYN with a SYN-ACK whose sequence number is a cookie, from `mac` back to its
 * sender: XDP_TX, or XDP_DROP if no cookie could be made. The MSS offered is the one the
 * cookie encodes (the client's, rounded down), at most the clamp, less mss_less (room for
 * a header the LB adds, as for a target's SYN-ACK); no window scale, no SACK, no
 * timestamps, which a cookie could not keep. */
static __always_inline int send_syn_cookie(struct xdp_md *ctx, struct packet *pkt, const __u8 *mac,
					   __u16 mss_clamp, __u16 mss_less)
{
	__u32 tcp_len = pkt->tcp->doff * 4;
	struct iphdr ip = *pkt->ip;
	struct tcphdr tcp[3] = {}; /* room for 60 bytes of header, options included */
	struct segment seg;
	__s64 value;

	if (tcp_len < sizeof(*tcp) || tcp_len > sizeof(tcp) ||
	    bpf_xdp_load_bytes(ctx, ETH_HLEN + sizeof(ip), tcp, tcp_len))
		return XDP_DROP;
	value = bpf_tcp_raw_gen_syncookie_ipv4(&ip, tcp, tcp_len);
	if (value < 0)
		return XDP_DROP;
	seg = (struct segment){
		.saddr = ip.daddr,
		.daddr = ip.saddr,
		.sport = tcp->dest,
		.dport = tcp->source,
		.seq = (__u32)value,
		.ack = bpf_ntohl(tcp->seq) + 1,
		.syn = 1,
		.ack_flag = 1,
		.window = COOKIE_WINDOW,
		.mss = (__u16)(value >> 32),
	};
	if (mss_clamp && seg.mss > mss_clamp)
		seg.mss = mss_clamp;
	if (!seg.mss)
		seg.mss = DEFAULT_MSS;
	if (seg.mss > mss_less)
		seg.mss -= mss_less;
	return send_back(ctx, pkt, &seg, mac);
}

/* Whether an ACK without flow carries one of our cookies (its ack_seq - 1). */
static __always_inline int valid_cookie_ack(const struct packet *pkt)
{
	const struct tcphdr *tcp = pkt->tcp;

	return tcp->ack && !tcp->syn && !tcp->rst && !tcp->fin &&
	       !bpf_tcp_raw_check_syncookie_ipv4(pkt->ip, pkt->tcp);
}

#endif
