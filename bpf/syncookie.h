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

#define COOKIE_WINDOW 65535 /* no window scale is offered: a cookie cannot keep it */
#define COOKIE_TTL    64
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

/* A bare TCP header in the frame after Ethernet and IPv4, with the addresses, ports and
 * numbers given, and `option_len` bytes of options after it (an MSS option, or none);
 * the frame is cut to that size and both checksums are made. Returns the frame's first
 * byte or NULL. */
struct segment {
	__be32 saddr, daddr;
	__be16 sport, dport;
	__u32 seq, ack;
	__u8 syn, ack_flag;
	__u16 window;
	__u16 mss; /* 0: no option */
};

#define SEGMENT_LEN(mss)                                                                           \
	(ETH_HLEN + sizeof(struct iphdr) + sizeof(struct tcphdr) + ((mss) ? TCPOLEN_MSS : 0))

static __always_inline void *write_segment(struct xdp_md *ctx, const struct segment *seg)
{
	__u32 len = SEGMENT_LEN(seg->mss);
	int excess = (int)bpf_xdp_get_buff_len(ctx) - (int)len;
	void *data, *data_end;
	struct iphdr *ip;
	struct tcphdr *tcp;
	__u8 *option;

	if (excess && bpf_xdp_adjust_tail(ctx, -excess))
		return NULL;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	ip = data + ETH_HLEN;
	tcp = (void *)(ip + 1);
	option = (void *)(tcp + 1);
	if ((void *)(tcp + 1) > data_end)
		return NULL;
	__builtin_memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = bpf_htons(len - ETH_HLEN);
	ip->frag_off = bpf_htons(0x4000); /* don't fragment */
	ip->ttl = COOKIE_TTL;
	ip->protocol = IPPROTO_TCP;
	ip->saddr = seg->saddr;
	ip->daddr = seg->daddr;
	ip->check = ipv4_header_csum(ip);
	__builtin_memset(tcp, 0, sizeof(*tcp));
	tcp->source = seg->sport;
	tcp->dest = seg->dport;
	tcp->seq = bpf_htonl(seg->seq);
	tcp->ack_seq = bpf_htonl(seg->ack);
	tcp->syn = seg->syn;
	tcp->ack = seg->ack_flag;
	tcp->window = bpf_htons(seg->window);
	if (seg->mss) {
		if ((void *)(option + TCPOLEN_MSS) > data_end)
			return NULL;
		tcp->doff = (sizeof(*tcp) + TCPOLEN_MSS) / 4;
		option[0] = TCPOPT_MSS;
		option[1] = TCPOLEN_MSS;
		option[2] = seg->mss >> 8;
		option[3] = seg->mss & 0xff;
		tcp->check = tcp_segment_csum(ip, tcp, sizeof(*tcp) + TCPOLEN_MSS);
	} else {
		tcp->doff = sizeof(*tcp) / 4;
		tcp->check = tcp_segment_csum(ip, tcp, sizeof(*tcp));
	}
	return data;
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
	__u8 client_mac[ETH_ALEN];
	struct ethhdr *eth;
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
	__builtin_memcpy(client_mac, pkt->eth->h_source, ETH_ALEN);
	eth = write_segment(ctx, &seg);
	if (!eth)
		return XDP_DROP;
	__builtin_memcpy(eth->h_dest, client_mac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	return XDP_TX;
}

/* Whether an ACK without flow carries one of our cookies (its ack_seq - 1). */
static __always_inline int valid_cookie_ack(const struct packet *pkt)
{
	const struct tcphdr *tcp = pkt->tcp;

	return tcp->ack && !tcp->syn && !tcp->rst && !tcp->fin &&
	       !bpf_tcp_raw_check_syncookie_ipv4(pkt->ip, pkt->tcp);
}

#endif
