/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Parsing of Ethernet, IPv4 and TCP headers with the bounds checks the verifier
 * wants. Nothing here writes to the packet. */
#ifndef XL_BPF_PARSE_H
#define XL_BPF_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define IPV4_MORE_FRAGMENTS  0x2000
#define IPV4_FRAGMENT_OFFSET 0x1fff

enum packet_kind {
	PACKET_TCP,	   /* IPv4/TCP that can be rewritten */
	PACKET_ARP,	   /* an Ethernet header followed by ARP */
	PACKET_NOT_IPV4,   /* neither IPv4 nor ARP */
	PACKET_TRUNCATED,  /* shorter than an Ethernet and an IPv4 header */
	PACKET_IPV4_OTHER, /* a well-formed IPv4 packet that is not TCP, options or not */
	PACKET_IPV4_BAD,   /* bad lengths, or TCP that is never rewritten: IP options, a
			    * fragment, a TCP header past the first buffer */
};

struct packet {
	struct ethhdr *eth;
	struct iphdr *ip;   /* set from PACKET_IPV4_OTHER on */
	struct tcphdr *tcp; /* set for PACKET_TCP */
	__u16 ip_len;	    /* IPv4 total length: the bytes counted in statistics */
	__u16 payload_len;  /* TCP payload bytes */
};

/* The frame's length over all its buffers; the helper only runs for multi-buffer
 * frames, whose IPv4 length goes past the first buffer. */
static __always_inline int fits_in_frame(struct xdp_md *ctx, __u32 len)
{
	__u32 linear = ctx->data_end - ctx->data;

	return len <= linear || len <= bpf_xdp_get_buff_len(ctx);
}

static __always_inline int parse_packet(struct xdp_md *ctx, struct packet *pkt)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = (void *)(long)ctx->data;
	struct iphdr *ip;
	struct tcphdr *tcp;
	__u32 ip_len, headers_len;

	if ((void *)(eth + 1) > data_end)
		return PACKET_TRUNCATED;
	pkt->eth = eth;
	if (eth->h_proto == bpf_htons(ETH_P_ARP))
		return PACKET_ARP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return PACKET_NOT_IPV4;

	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return PACKET_TRUNCATED;
	pkt->ip = ip;
	if (ip->version != 4 || ip->ihl < 5)
		return PACKET_IPV4_BAD;
	ip_len = bpf_ntohs(ip->tot_len);
	if (ip_len < ip->ihl * 4 || !fits_in_frame(ctx, ETH_HLEN + ip_len))
		return PACKET_IPV4_BAD;
	if (ip->protocol != IPPROTO_TCP)
		return PACKET_IPV4_OTHER; /* options and fragments are all the same to us */
	/* Options would move the TCP header and a fragment may not hold it: such TCP is
	 * never rewritten. */
	if (ip->ihl != 5 || (ip->frag_off & bpf_htons(IPV4_MORE_FRAGMENTS | IPV4_FRAGMENT_OFFSET)))
		return PACKET_IPV4_BAD;

	tcp = (void *)(ip + 1);
	if ((void *)(tcp + 1) > data_end)
		return PACKET_IPV4_BAD;
	headers_len = sizeof(*ip) + tcp->doff * 4;
	if (tcp->doff < 5 || headers_len > ip_len)
		return PACKET_IPV4_BAD;
	/* The options the program reads and rewrites (the MSS, SACK blocks) must be in the
	 * frame's first buffer, where every driver puts the headers: a multi-buffer frame
	 * whose TCP header runs past it is never rewritten. */
	if ((void *)tcp + tcp->doff * 4 > data_end)
		return PACKET_IPV4_BAD;
	pkt->tcp = tcp;
	pkt->ip_len = ip_len;
	pkt->payload_len = ip_len - headers_len;
	return PACKET_TCP;
}

/* A SYN that opens a connection: no ACK, RST or FIN with it. */
static __always_inline int is_connection_request(const struct tcphdr *tcp)
{
	return tcp->syn && !tcp->ack && !tcp->rst && !tcp->fin;
}

#endif
