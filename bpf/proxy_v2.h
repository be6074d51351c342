/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Proxy protocol v2 (HAProxy's spec), byte for byte as PrivateLink sends it: a target
 * behind an endpoint service sees only the NLB node's address, and learns the consumer's
 * address and its endpoint's id from this header, which goes before the client's first
 * byte. 100 bytes: the signature, PROXY over TCP/IPv4, the consumer's address and port,
 * the ENI's address and listener port, a CRC32C TLV, AWS's TLV (0xEA, subtype 0x01:
 * the endpoint id), and NOOP padding to AWS's length. */
#ifndef XL_BPF_PROXY_V2_H
#define XL_BPF_PROXY_V2_H

#include "maps.h"
#include "nat.h"
#include "parse.h"

#define PROXY_HEADER_LEN  100
#define PROXY_ADDRESS_LEN 12 /* IPv4: source and destination address, then ports */
#define PROXY_TLV_CRC32C  0x03
#define PROXY_TLV_NOOP	  0x04
#define PROXY_TLV_AWS	  0xea
#define PROXY_AWS_VPCE_ID 0x01
#define PROXY_CRC_AT	  31 /* the CRC32C TLV's value */

/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), one table entry per byte value,
 * computed by the compiler. */
#define CRC32C_POLY  0x82f63b78u
#define CRC1(c)	     (((c) >> 1) ^ (((c)&1) ? CRC32C_POLY : 0))
#define CRC8(c)	     CRC1(CRC1(CRC1(CRC1(CRC1(CRC1(CRC1(CRC1((__u32)(c)))))))))
#define CRC_ROW4(n)  CRC8(n), CRC8((n) + 1), CRC8((n) + 2), CRC8((n) + 3)
#define CRC_ROW16(n) CRC_ROW4(n), CRC_ROW4((n) + 4), CRC_ROW4((n) + 8), CRC_ROW4((n) + 12)
#define CRC_ROW64(n) CRC_ROW16(n), CRC_ROW16((n) + 16), CRC_ROW16((n) + 32), CRC_ROW16((n) + 48)

static const __u32 crc32c_table[256] = { CRC_ROW64(0), CRC_ROW64(64), CRC_ROW64(128),
					 CRC_ROW64(192) };

/* The 12-byte signature, then version 2 PROXY (0x21), TCP over IPv4 (0x11), and the
 * length of what follows, as four big-endian words. */
#define PROXY_WORD0 0x0d0a0d0au
#define PROXY_WORD1 0x000d0a51u
#define PROXY_WORD2 0x5549540au
#define PROXY_WORD3 (0x21110000u | (PROXY_HEADER_LEN - 16))

static __always_inline void put_be32(__u8 *at, __u32 value)
{
	__be32 be = bpf_htonl(value);

	__builtin_memcpy(at, &be, 4);
}

/* The TLVs after the addresses: the CRC32C (zero until computed), AWS's with the
 * endpoint id after it, then NOOP padding of this length. */
#define PROXY_NOOP_LEN 36

static __always_inline __u32 crc32c(const __u8 *bytes, __u32 len)
{
	__u32 crc = ~0u;

	for (__u32 i = 0; i < len && i < PROXY_HEADER_LEN; i++) {
		__u32 index = crc ^ bytes[i];

		/* Mask the very register that indexes: 6.1's verifier loses the bounds of
		 * a mask that clang moves before the XOR. */
		barrier_var(index);
		crc = crc32c_table[index & 0xff] ^ (crc >> 8);
	}
	return ~crc;
}

/* Writes the header of a connection from the key's client to its ENI and listener, for
 * endpoint `id` ("vpce-" and 17 hex digits, XL_ENDPOINT_ID_LEN bytes). */
static __always_inline void write_proxy_header(__u8 *h, const struct xl_flow_key *key,
					       const char *id)
{
	__u32 crc;
	int i;

	put_be32(h, PROXY_WORD0);
	put_be32(h + 4, PROXY_WORD1);
	put_be32(h + 8, PROXY_WORD2);
	put_be32(h + 12, PROXY_WORD3);
	__builtin_memcpy(h + 16, &key->client_addr, 4);
	__builtin_memcpy(h + 20, &key->eni_addr, 4);
	__builtin_memcpy(h + 24, &key->client_port, 2);
	__builtin_memcpy(h + 26, &key->eni_port, 2);
	h[28] = PROXY_TLV_CRC32C;
	h[29] = 0;
	h[30] = 4;
	__builtin_memset(h + PROXY_CRC_AT, 0, 4);
	h[35] = PROXY_TLV_AWS;
	h[36] = 0;
	h[37] = 1 + XL_ENDPOINT_ID_LEN;
	h[38] = PROXY_AWS_VPCE_ID;
	__builtin_memcpy(h + 39, id, XL_ENDPOINT_ID_LEN);
	h[61] = PROXY_TLV_NOOP;
	h[62] = 0;
	h[63] = PROXY_NOOP_LEN;
	for (i = 0; i < PROXY_NOOP_LEN; i++)
		h[64 + i] = 0;
	crc = crc32c(h, PROXY_HEADER_LEN);
	put_be32(h + PROXY_CRC_AT, crc);
}

/* Puts the header between a client's TCP header and its first payload: the frame grows
 * at its head and the headers move up, the IPv4 length and both checksums follow (the
 * header's length is even and the TCP header's a multiple of 4, so the payload's
 * 16-bit words stay whole). pkt is parsed again. False if the frame can no longer be
 * trusted: it must be dropped. */
static __always_inline int insert_proxy_header(struct xdp_md *ctx, struct packet *pkt,
					       const struct xl_flow *flow, const char *id)
{
	__u32 zero = 0, headers = ETH_HLEN + sizeof(struct iphdr) + pkt->tcp->doff * 4;
	struct xl_scratch *scratch = bpf_map_lookup_elem(&xdplink_scratch_v1, &zero);
	__u16 tcp_len = pkt->ip_len - sizeof(struct iphdr);
	__be16 old_len, new_len;
	__u64 sum;

	if (!scratch || headers > sizeof(scratch->headers))
		return 0;
	write_proxy_header(scratch->proxy, &flow->key, id);
	if (bpf_xdp_load_bytes(ctx, 0, scratch->headers, headers) ||
	    bpf_xdp_adjust_head(ctx, -PROXY_HEADER_LEN) ||
	    bpf_xdp_store_bytes(ctx, 0, scratch->headers, headers) ||
	    bpf_xdp_store_bytes(ctx, headers, scratch->proxy, PROXY_HEADER_LEN) ||
	    parse_packet(ctx, pkt) != PACKET_TCP)
		return 0;
	old_len = pkt->ip->tot_len;
	new_len = bpf_htons(pkt->ip_len + PROXY_HEADER_LEN);
	pkt->ip->tot_len = new_len;
	csum_apply(&pkt->ip->check, csum_change16(old_len, new_len));
	sum = (__u32)bpf_csum_diff(NULL, 0, (__be32 *)scratch->proxy, PROXY_HEADER_LEN, 0);
	csum_apply(&pkt->tcp->check,
		   sum + csum_change16(bpf_htons(tcp_len), bpf_htons(tcp_len + PROXY_HEADER_LEN)));
	pkt->ip_len += PROXY_HEADER_LEN;
	pkt->payload_len += PROXY_HEADER_LEN;
	return 1;
}

/* Cuts a client's segment to the first `keep` bytes of its payload (an even number): the
 * cut bytes' sum leaves the TCP checksum (they start an even number of bytes into the
 * segment, so their words are the checksum's), the IPv4 length and checksum follow, and
 * whatever followed the segment in the frame goes too. A FIN goes with the cut bytes: it
 * comes after them. pkt is parsed again. False if the frame can no longer be trusted: it
 * must be dropped. */
static __always_inline int cut_payload(struct xdp_md *ctx, struct packet *pkt, __u32 keep)
{
	__u32 segment = sizeof(struct iphdr) + pkt->tcp->doff * 4 + keep;
	__u16 tcp_len = pkt->ip_len - sizeof(struct iphdr), cut = pkt->payload_len - keep;
	__be16 old_len = pkt->ip->tot_len, new_len = bpf_htons(segment);
	__be16 *flags_word = (__be16 *)pkt->tcp + 6, old_flags = *flags_word;
	int excess;
	__u64 data = 0;

	if (keep >= pkt->payload_len || (keep & 1) ||
	    !sum_frame_bytes(ctx, ETH_HLEN + segment, cut, &data))
		return 0;
	pkt->tcp->fin = 0;
	pkt->ip->tot_len = new_len;
	csum_apply(&pkt->ip->check, csum_change16(old_len, new_len));
	csum_apply(&pkt->tcp->check,
		   (__u16)~csum_fold(data) + csum_change16(old_flags, *flags_word) +
		       csum_change16(bpf_htons(tcp_len), bpf_htons(tcp_len - cut)));
	excess = (int)bpf_xdp_get_buff_len(ctx) - (int)(ETH_HLEN + segment);
	return excess > 0 && !bpf_xdp_adjust_tail(ctx, -excess) &&
	       parse_packet(ctx, pkt) == PACKET_TCP;
}

/* How much of a first payload too big for the path once the header is in front (a client
 * that ignored the MSS the target announced less the header's length) goes with the
 * header: the even number of bytes that fit; 0 if not even two do. The target
 * acknowledges what it got, and the client sends the rest again, past its first byte:
 * without a header, as any later segment. */
static __always_inline __u32 first_payload_room(const struct packet *pkt, __u32 mtu)
{
	__u32 headers = pkt->ip_len - pkt->payload_len;

	if (mtu < headers + PROXY_HEADER_LEN + 2)
		return 0;
	return (mtu - headers - PROXY_HEADER_LEN) & ~1u;
}

#endif
