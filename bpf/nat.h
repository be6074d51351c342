/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Address and port rewriting with incremental checksum updates (RFC 1624), full
 * checksums for the packets the program builds itself, and the check of a SYN's. */
#ifndef XL_BPF_NAT_H
#define XL_BPF_NAT_H

#include "maps.h"
#include "parse.h"
#include "xdplink.h"

/* Folds a one's complement sum of 16- and 32-bit words to 16 bits. Summing
 * 32-bit words is valid because 2^16 == 1 modulo 0xffff. */
static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The change to a checksum when a field goes from `from` to `to` (~m + m'). */
static __always_inline __u64 csum_change32(__be32 from, __be32 to)
{
	return (__u64)(__u32)~from + (__u32)to;
}

static __always_inline __u64 csum_change16(__be16 from, __be16 to)
{
	return (__u64)(__u16)~from + (__u16)to;
}

/* HC' = ~(~HC + sum of changes) */
static __always_inline void csum_apply(__sum16 *check, __u64 change)
{
	*check = ~csum_fold((__u16) ~*check + change);
}

/* Rewrites the 4-tuple in place; the IPv4 checksum covers the addresses, the
 * TCP checksum the addresses (pseudo-header) and the ports. */
static __always_inline void rewrite_tuple(struct packet *pkt, __be32 saddr, __be32 daddr,
					  __be16 sport, __be16 dport)
{
	struct iphdr *ip = pkt->ip;
	struct tcphdr *tcp = pkt->tcp;
	__u64 addresses = csum_change32(ip->saddr, saddr) + csum_change32(ip->daddr, daddr);
	__u64 ports = csum_change16(tcp->source, sport) + csum_change16(tcp->dest, dport);

	ip->saddr = saddr;
	ip->daddr = daddr;
	tcp->source = sport;
	tcp->dest = dport;
	csum_apply(&ip->check, addresses);
	csum_apply(&tcp->check, addresses + ports);
}

/* Client -> ENI listener becomes NLB node -> target. */
static __always_inline void nat_to_target(struct packet *pkt, const struct xl_flow *flow,
					  const struct xl_backend *be)
{
	rewrite_tuple(pkt, flow->snat_addr, be->addr, flow->snat_port, be->port);
}

/* Target -> NLB node becomes ENI listener -> client. */
static __always_inline void nat_to_client(struct packet *pkt, const struct xl_flow *flow)
{
	const struct xl_flow_key *key = &flow->key;

	rewrite_tuple(pkt, key->eni_addr, key->client_addr, key->eni_port, key->client_port);
}

static __always_inline __u16 csum_words(const __u16 *words, int count, __u64 sum)
{
#pragma unroll
	for (int i = 0; i < count; i++)
		sum += words[i];
	return ~csum_fold(sum);
}

/* Checksum of an option-less IPv4 header whose check field is zero. */
static __always_inline __u16 ipv4_header_csum(const struct iphdr *ip)
{
	return csum_words((const __u16 *)ip, sizeof(*ip) / 2, 0);
}

/* Checksum of a TCP segment of `len` bytes (a constant) whose check field is zero,
 * with the IPv4 pseudo-header. */
static __always_inline __u16 tcp_segment_csum(const struct iphdr *ip, const struct tcphdr *tcp,
					      int len)
{
	__u64 pseudo = (__u64)ip->saddr + ip->daddr + bpf_htons(IPPROTO_TCP) + bpf_htons(len);

	return csum_words((const __u16 *)tcp, len / 2, pseudo);
}

/* Checksum of an option-less TCP header without payload. */
static __always_inline __u16 tcp_header_csum(const struct iphdr *ip, const struct tcphdr *tcp)
{
	return tcp_segment_csum(ip, tcp, sizeof(*tcp));
}

/* ---- Checking a received segment's checksum ------------------------------------ */

#define CSUM_CHUNK 128 /* bytes summed at once, copied into the CPU's scratch room */

struct csum_walk {
	struct xdp_md *ctx;
	__u8 *room; /* CSUM_CHUNK bytes of scratch */
	__u32 next; /* offset in the frame */
	__u32 left;
	__u64 sum;
};

/* Sums the next chunk of the segment: copied out of the frame (any buffer of it), an odd
 * tail padded with zeros to a whole word, as the checksum pads it. Chunks are even, so
 * every word of the segment stays whole. */
static long csum_chunk(__u32 i, void *ctx)
{
	struct csum_walk *walk = ctx;
	__u32 last = (walk->left < CSUM_CHUNK ? walk->left : CSUM_CHUNK) - 1, len, words;

	(void)i;
	/* The copy's length bounded as 6.1's verifier can follow: it learns no lower bound
	 * from len != 0, and the compiler, hidden nothing, would drop a test it knows holds. */
	barrier_var(last);
	if (last >= CSUM_CHUNK)
		return 1;
	len = last + 1;
	words = (len + 3) & ~3u;
	if (bpf_xdp_load_bytes(walk->ctx, walk->next, walk->room, len))
		return 1;
	for (__u32 pad = len; pad < words && pad < CSUM_CHUNK; pad++)
		walk->room[pad] = 0;
	walk->sum += (__u32)bpf_csum_diff(NULL, 0, (__be32 *)walk->room, words, 0);
	walk->next += len;
	walk->left -= len;
	return walk->left ? 0 : 1;
}

/* Adds the one's complement sum of `len` bytes of the frame from `offset` (in any of its
 * buffers) to *sum, summed in the CPU's scratch room; false if they could not all be read.
 * An odd length is padded with a zero byte, as the checksum pads the last one. */
static __always_inline int sum_frame_bytes(struct xdp_md *ctx, __u32 offset, __u32 len, __u64 *sum)
{
	__u32 zero = 0;
	struct xl_scratch *scratch = bpf_map_lookup_elem(&xdplink_scratch_v1, &zero);
	struct csum_walk walk = {
		.ctx = ctx,
		.next = offset,
		.left = len,
		.sum = *sum,
	};

	if (!scratch)
		return 0;
	walk.room = scratch->headers;
	bpf_loop(len / CSUM_CHUNK + 1, csum_chunk, &walk, 0);
	*sum = walk.sum;
	return !walk.left;
}

/* A TCP header of `size` bytes (options included) right after a 20-byte IPv4 header,
 * summed in place with `sum`: whether the sum is right; -1 if the segment runs past the
 * frame's first buffer (a multi-buffer frame), to be summed through the scratch room.
 * `size` is a constant: the words are added in line, which costs less than a helper call
 * (a call and its return each pay for the CPU's return-stack mitigations). */
static __always_inline int header_sum_is(struct xdp_md *ctx, __u64 sum, __u32 size)
{
	__u32 *word = (__u32 *)((__u8 *)(long)ctx->data + ETH_HLEN + sizeof(struct iphdr));

	if ((__u8 *)word + size > (__u8 *)(long)ctx->data_end)
		return -1;
#pragma unroll
	for (__u32 i = 0; i < size / 4; i++)
		sum += word[i];
	return csum_fold(sum) == 0xffff;
}

/* The usual SYN: a segment of one of the sizes clients send it (no options; MSS; MSS,
 * SACK and window scale; timestamps too), each a constant for the verifier; -1 for any
 * other size, which goes through the scratch room. */
static __always_inline int header_sum_ok(struct xdp_md *ctx, __u64 sum, __u32 len)
{
	switch (len) {
	case 20:
		return header_sum_is(ctx, sum, 20);
	case 24:
		return header_sum_is(ctx, sum, 24);
	case 32:
		return header_sum_is(ctx, sum, 32);
	case 40:
		return header_sum_is(ctx, sum, 40);
	default:
		return -1;
	}
}

/* Whether a segment's TCP checksum is right: the pseudo-header, the header and the
 * payload; a usual SYN summed in place, anything else in the CPU's scratch room. */
static __always_inline int tcp_checksum_ok(struct xdp_md *ctx, const struct packet *pkt)
{
	__u32 len = pkt->ip_len - sizeof(struct iphdr);
	__u64 sum =
	    (__u64)pkt->ip->saddr + pkt->ip->daddr + bpf_htons(IPPROTO_TCP) + bpf_htons(len);
	int in_place = pkt->ip->ihl == 5 ? header_sum_ok(ctx, sum, len) : -1;

	if (in_place >= 0)
		return in_place;
	return sum_frame_bytes(ctx, ETH_HLEN + sizeof(struct iphdr), len, &sum) &&
	       csum_fold(sum) == 0xffff;
}

#endif
