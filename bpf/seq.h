/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* The one sequence translation of a flow, for all that makes its two ends count bytes
 * differently. A SYN-cookie flow's target numbers its bytes from its own ISN, the client
 * from the cookie: the target's numbers are the client's view plus seq_shift. A flow
 * with a proxy protocol header has PROXY_HEADER_LEN bytes more in the target's view of
 * the client's bytes, from the client's first byte on. Applied to sequence numbers,
 * acknowledgments and SACK blocks, with the TCP checksum fixed as it goes. */
#ifndef XL_BPF_SEQ_H
#define XL_BPF_SEQ_H

#include "bits.h"
#include "nat.h"
#include "options.h"
#include "parse.h"
#include "proxy_v2.h"

#define TCPOPT_SACK 5

static __always_inline int has_proxy_header(const struct xl_flow *flow)
{
	return READ_ONCE(flow->state) & XL_FLOW_PROXY_HEADER;
}

/* A client's sequence number as the target counts it: past its first byte, the header's
 * bytes come first. */
static __always_inline __u32 target_seq_of(const struct xl_flow *flow, __u32 seq)
{
	if (has_proxy_header(flow) && (__s32)(seq - (flow->client_isn + 1)) > 0)
		return seq + PROXY_HEADER_LEN;
	return seq;
}

/* What the target acknowledges of the client's bytes, as the client counts them: an
 * acknowledgment within the header acknowledges none of the client's bytes yet. */
static __always_inline __u32 client_ack_of(const struct xl_flow *flow, __u32 ack)
{
	__u32 first = flow->client_isn + 1;
	__s32 past = (__s32)(ack - first);

	if (!has_proxy_header(flow) || past <= 0)
		return ack;
	return past >= PROXY_HEADER_LEN ? ack - PROXY_HEADER_LEN : first;
}

static __always_inline void set_seq(struct tcphdr *tcp, __be32 *field, __u32 value)
{
	__be32 old = *field, new = bpf_htonl(value);

	*field = new;
	csum_apply(&tcp->check, csum_change32(old, new));
}

/* ---- SACK blocks (RFC 2018) of a target's packet, by offsets like the SYN options ---- */

#define SACK_EDGES 8 /* at most 4 blocks of 2 edges fit in 40 bytes of options */

struct sack_walk {
	struct xdp_md *ctx;
	const struct xl_flow *flow;
	__u32 next; /* the next option */
	__u32 end;  /* the end of the options */
};

/* Moves one edge of a SACK block at `edge` (any alignment) into the client's numbers. */
static __always_inline void translate_edge(struct tcphdr *tcp, __u8 *edge_at, __u32 offset,
					   const struct xl_flow *flow)
{
	__be32 old, new;

	__builtin_memcpy(&old, edge_at, 4);
	new = bpf_htonl(client_ack_of(flow, bpf_ntohl(old)));
	if (new == old)
		return;
	__builtin_memcpy(edge_at, &new, 4);
	/* A word at an odd offset counts byte-swapped (RFC 1071), as for the MSS. */
	if ((offset - TCP_OFFSET) & 1)
		csum_apply(&tcp->check,
			   csum_change32(__builtin_bswap32(old), __builtin_bswap32(new)));
	else
		csum_apply(&tcp->check, csum_change32(old, new));
}

/* One option: a SACK option's edges are translated all at once. The callback's state
 * never decides a branch by itself: 6.1's verifier checks a callback only with the state
 * of its first call. */
static long visit_sack(__u32 i, void *ctx)
{
	struct sack_walk *walk = ctx;
	__u8 *data = (void *)(long)walk->ctx->data, *data_end = (void *)(long)walk->ctx->data_end;
	struct tcphdr *tcp = (void *)(data + TCP_OFFSET);
	__u32 at = walk->next;
	__u8 *opt;

	(void)i;
	if (at >= walk->end || at > MAX_OPTIONS_END || (void *)(tcp + 1) > (void *)data_end)
		return 1;
	opt = data + at;
	if (opt + 2 > data_end || opt[0] == TCPOPT_EOL)
		return 1;
	if (opt[0] == TCPOPT_NOP) {
		walk->next = at + 1;
		return 0;
	}
	if (opt[1] < 2 || at + opt[1] > walk->end)
		return 1;
	if (opt[0] == TCPOPT_SACK) {
		for (int e = 0; e < SACK_EDGES; e++) {
			__u32 edge = 2 + 4 * e;

			if (edge + 4 > opt[1] || opt + edge + 4 > data_end)
				break;
			translate_edge(tcp, opt + edge, at + edge, walk->flow);
		}
	}
	walk->next = at + opt[1];
	return 0;
}

/* ---- Both ways ---------------------------------------------------------------------- */

/* A client's packet, on its way to the target: its sequence number past the header,
 * what it acknowledges in the target's numbers. */
static __always_inline void translate_towards_target(struct packet *pkt, const struct xl_flow *flow)
{
	__u32 seq = bpf_ntohl(pkt->tcp->seq), shifted = target_seq_of(flow, seq);

	if (shifted != seq)
		set_seq(pkt->tcp, &pkt->tcp->seq, shifted);
	if (flow->seq_shift && pkt->tcp->ack)
		set_seq(pkt->tcp, &pkt->tcp->ack_seq,
			bpf_ntohl(pkt->tcp->ack_seq) + flow->seq_shift);
}

/* A target's packet, on its way to the client: its sequence number in the client's view,
 * its acknowledgment and SACK blocks of the client's bytes as the client counts them. */
static __always_inline void translate_towards_client(struct xdp_md *ctx, struct packet *pkt,
						     const struct xl_flow *flow)
{
	struct sack_walk walk = {
		.ctx = ctx,
		.flow = flow,
		.next = TCP_OFFSET + sizeof(struct tcphdr),
		.end = TCP_OFFSET + pkt->tcp->doff * 4,
	};
	__u32 ack;

	if (flow->seq_shift)
		set_seq(pkt->tcp, &pkt->tcp->seq, bpf_ntohl(pkt->tcp->seq) - flow->seq_shift);
	if (!has_proxy_header(flow))
		return;
	ack = bpf_ntohl(pkt->tcp->ack_seq);
	if (pkt->tcp->ack && client_ack_of(flow, ack) != ack)
		set_seq(pkt->tcp, &pkt->tcp->ack_seq, client_ack_of(flow, ack));
	if (pkt->tcp->doff > 5)
		bpf_loop(MAX_TCP_OPTIONS, visit_sack, &walk, 0);
}

#endif
