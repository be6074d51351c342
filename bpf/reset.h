/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* TCP resets built in XDP: the received packet is turned into a RST towards its
 * sender (RFC 793, "Reset Generation") and sent back out of the interface it came in on. */
#ifndef XL_BPF_RESET_H
#define XL_BPF_RESET_H

#include "nat.h"
#include "parse.h"

#define RESET_FRAME_LEN (sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct tcphdr))
#define RESET_TTL	64

struct reset {
	__u8 dst_mac[6];
	__u8 src_mac[6];
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__be32 seq;
	__be32 ack_seq;
	int with_ack;
};

/* What the RST must say, read from the packet before the frame is cut down. It comes
 * from `mac`, the address of the interface the packet came in on. */
static __always_inline void reset_for(const struct packet *pkt, const __u8 *mac, struct reset *rst)
{
	const struct tcphdr *tcp = pkt->tcp;

	__builtin_memcpy(rst->dst_mac, pkt->eth->h_source, ETH_ALEN);
	__builtin_memcpy(rst->src_mac, mac, ETH_ALEN);
	rst->saddr = pkt->ip->daddr;
	rst->daddr = pkt->ip->saddr;
	rst->sport = tcp->dest;
	rst->dport = tcp->source;
	if (tcp->ack) {
		/* The sender knows our sequence space: take the number it acknowledged. */
		rst->seq = tcp->ack_seq;
		rst->ack_seq = 0;
		rst->with_ack = 0;
	} else {
		/* Acknowledge everything the segment occupied: payload, SYN and FIN. */
		rst->seq = 0;
		rst->ack_seq =
		    bpf_htonl(bpf_ntohl(tcp->seq) + pkt->payload_len + tcp->syn + tcp->fin);
		rst->with_ack = 1;
	}
}

static __always_inline void write_reset(struct ethhdr *eth, const struct reset *rst)
{
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);

	__builtin_memcpy(eth->h_dest, rst->dst_mac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, rst->src_mac, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IP);

	__builtin_memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = bpf_htons(sizeof(*ip) + sizeof(*tcp));
	ip->frag_off = bpf_htons(0x4000); /* don't fragment */
	ip->ttl = RESET_TTL;
	ip->protocol = IPPROTO_TCP;
	ip->saddr = rst->saddr;
	ip->daddr = rst->daddr;
	ip->check = ipv4_header_csum(ip);

	__builtin_memset(tcp, 0, sizeof(*tcp));
	tcp->source = rst->sport;
	tcp->dest = rst->dport;
	tcp->seq = rst->seq;
	tcp->ack_seq = rst->ack_seq;
	tcp->doff = sizeof(*tcp) / 4;
	tcp->rst = 1;
	tcp->ack = rst->with_ack;
	tcp->check = tcp_header_csum(ip, tcp);
}

/* Returns XDP_TX with the RST in the frame, or XDP_DROP if the frame could not
 * be cut to size. The caller must not send a RST in answer to a RST. */
static __always_inline int send_reset(struct xdp_md *ctx, const struct packet *pkt, const __u8 *mac)
{
	struct reset rst;
	int excess;
	void *data, *data_end;

	reset_for(pkt, mac, &rst);
	excess = (int)bpf_xdp_get_buff_len(ctx) - (int)RESET_FRAME_LEN;
	if (excess > 0 && bpf_xdp_adjust_tail(ctx, -excess))
		return XDP_DROP;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + RESET_FRAME_LEN > data_end)
		return XDP_DROP;
	write_reset(data, &rst);
	return XDP_TX;
}

#endif
