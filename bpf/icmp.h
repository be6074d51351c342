/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* ICMP errors about a flow's packets (RFC 792, as conntrack's RELATED): a router that
 * cannot pass a packet of the load balancer's tells its source, which is an ENI or an
 * NLB node address. The error is translated to the other end of the flow, so that the
 * host that sent the packet in the first place learns of it: above all "fragmentation
 * needed", without which path MTU discovery fails and large responses hang. */
#ifndef XL_BPF_ICMP_H
#define XL_BPF_ICMP_H

#include "flow.h"
#include "nat.h"
#include "parse.h"

/* From linux/icmp.h, which drags in libc headers that do not build for BPF. */
#define ICMP_DEST_UNREACH  3
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12
#define ICMP_FRAG_NEEDED   4 /* a code of ICMP_DEST_UNREACH */
#define IPV4_MIN_MTU	   68

struct icmphdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be32 rest; /* unused, or the next-hop MTU of "fragmentation needed" */
};

/* An ICMP error and the start of the packet it quotes: the quoted IPv4 header (no
 * options) and the first 8 bytes of its TCP header, ports and sequence number. */
struct icmp_error {
	struct ethhdr *eth;
	struct iphdr *ip; /* the outer header */
	struct icmphdr *icmp;
	struct iphdr *quoted;	   /* the packet it is about */
	struct tcphdr *quoted_tcp; /* only its first 8 bytes may be read */
};

#define ICMP_QUOTE_LEN (ETH_HLEN + 20 + sizeof(struct icmphdr) + 20 + 8)

static __always_inline int is_icmp_error_type(__u8 type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED ||
	       type == ICMP_PARAMETERPROB;
}

/* Whether the packet is an ICMP error quoting a TCP segment, with everything needed in
 * the frame's first buffer. */
static __always_inline int parse_icmp_error(struct xdp_md *ctx, const struct packet *pkt,
					    struct icmp_error *err)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;

	if (pkt->ip->protocol != IPPROTO_ICMP || pkt->ip->ihl != 5 ||
	    data + ICMP_QUOTE_LEN > data_end)
		return 0;
	err->eth = data;
	err->ip = data + ETH_HLEN;
	err->icmp = (void *)(err->ip + 1);
	err->quoted = (void *)(err->icmp + 1);
	err->quoted_tcp = (void *)(err->quoted + 1);
	return is_icmp_error_type(err->icmp->type) && err->quoted->version == 4 &&
	       err->quoted->ihl == 5 && err->quoted->protocol == IPPROTO_TCP;
}

/* Rewrites a 32-bit word of the ICMP message, keeping its checksum right. */
static __always_inline void icmp_set32(struct icmphdr *icmp, __be32 *field, __be32 value)
{
	csum_apply(&icmp->checksum, csum_change32(*field, value));
	*field = value;
}

static __always_inline void icmp_set16(struct icmphdr *icmp, __be16 *field, __be16 value)
{
	csum_apply(&icmp->checksum, csum_change16(*field, value));
	*field = value;
}

/* The quoted packet becomes the one the other end sent: its addresses and ports, its
 * sequence number moved by `seq_delta`, its header checksum fixed (all inside the ICMP
 * checksum). The quoted TCP checksum, mostly cut off, is nobody's to check. */
static __always_inline void rewrite_quote(struct icmp_error *err, __be32 saddr, __be32 daddr,
					  __be16 sport, __be16 dport, __u32 seq_delta)
{
	struct iphdr *q = err->quoted;
	__be16 old_check = q->check;
	__u64 addresses = csum_change32(q->saddr, saddr) + csum_change32(q->daddr, daddr);

	icmp_set32(err->icmp, &q->saddr, saddr);
	icmp_set32(err->icmp, &q->daddr, daddr);
	csum_apply(&q->check, addresses);
	csum_apply(&err->icmp->checksum, csum_change16(old_check, q->check));
	icmp_set16(err->icmp, &err->quoted_tcp->source, sport);
	icmp_set16(err->icmp, &err->quoted_tcp->dest, dport);
	if (seq_delta)
		icmp_set32(err->icmp, &err->quoted_tcp->seq,
			   bpf_htonl(bpf_ntohl(err->quoted_tcp->seq) + seq_delta));
}

/* "Fragmentation needed" about a target's packet, on its way to a client whose first
 * payload carries `room` bytes more to the target (a proxy protocol header): the path is
 * that much smaller for the client, as the MSS it was given was. */
static __always_inline void leave_room_in_mtu(struct icmp_error *err, __u16 room)
{
	__be16 *next_hop_mtu = (__be16 *)&err->icmp->rest + 1;
	__u16 mtu = bpf_ntohs(*next_hop_mtu);

	if (err->icmp->type == ICMP_DEST_UNREACH && err->icmp->code == ICMP_FRAG_NEEDED &&
	    mtu >= IPV4_MIN_MTU + room)
		icmp_set16(err->icmp, next_hop_mtu, bpf_htons(mtu - room));
}

/* The outer header: from `saddr` to `daddr` now. */
static __always_inline void readdress(struct icmp_error *err, __be32 saddr, __be32 daddr)
{
	__u64 addresses =
	    csum_change32(err->ip->saddr, saddr) + csum_change32(err->ip->daddr, daddr);

	err->ip->saddr = saddr;
	err->ip->daddr = daddr;
	csum_apply(&err->ip->check, addresses);
}

/* An error about a packet sent to a client (ENI -> client): its flow, by the client's
 * key the quote names. */
static __always_inline struct xl_flow *flow_of_client_quote(const struct xl_config *cfg,
							    const struct icmp_error *err)
{
	struct xl_flow_key key = {
		.client_addr = err->quoted->daddr,
		.eni_addr = err->quoted->saddr,
		.client_port = err->quoted_tcp->dest,
		.eni_port = err->quoted_tcp->source,
	};
	__u32 slot = find_flow(cfg, &key, flow_hash(cfg, &key));

	return slot != NO_SLOT ? flow_slot(slot) : NULL;
}

/* An error about a packet sent to a target (node -> target): its flow, by the SNAT port. */
static __always_inline struct xl_flow *flow_of_target_quote(const struct xl_config *cfg,
							    const struct icmp_error *err)
{
	return flow_of_snat_port(cfg, err->quoted->saddr, err->quoted->daddr, err->quoted_tcp->dest,
				 err->quoted_tcp->source);
}

#endif
