/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* TCP segments the program writes itself, in place of the frame it received: RSTs,
 * SYN-ACKs with a cookie, and the SYN and ACK a cookie flow sends its target. */
#ifndef XL_BPF_SEGMENT_H
#define XL_BPF_SEGMENT_H

#include "nat.h"
#include "options.h"
#include "parse.h"

#define SEGMENT_TTL 64

/* A segment the program writes itself: numbers in host order, flags, and an MSS option
 * when mss is not 0. */
struct segment {
	__be32 saddr, daddr;
	__be16 sport, dport;
	__u32 seq, ack;
	__u8 syn, ack_flag, rst;
	__u16 window;
	__u16 mss; /* 0: no option */
};

#define SEGMENT_LEN(mss)                                                                           \
	(ETH_HLEN + sizeof(struct iphdr) + sizeof(struct tcphdr) + ((mss) ? TCPOLEN_MSS : 0))

/* Writes `seg` as the frame's IPv4 and TCP headers, the frame cut (or grown) to their
 * size and both checksums made; the Ethernet header is left to the caller. Returns the
 * frame's first byte, or NULL. */
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
	ip->ttl = SEGMENT_TTL;
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
	tcp->rst = seg->rst;
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

/* Sends `seg` back to the packet's sender, from `mac`: XDP_TX, or XDP_DROP when the
 * frame could not be written. */
static __always_inline int send_back(struct xdp_md *ctx, const struct packet *pkt,
				     const struct segment *seg, const __u8 *mac)
{
	__u8 sender[ETH_ALEN];
	struct ethhdr *eth;

	__builtin_memcpy(sender, pkt->eth->h_source, ETH_ALEN);
	eth = write_segment(ctx, seg);
	if (!eth)
		return XDP_DROP;
	__builtin_memcpy(eth->h_dest, sender, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	return XDP_TX;
}

#endif
