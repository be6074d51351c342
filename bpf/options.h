/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* TCP options of SYNs and SYN-ACKs: the maximum segment size, clamped to what the path
 * can carry, and the window scale, which the window checks need. */
#ifndef XL_BPF_OPTIONS_H
#define XL_BPF_OPTIONS_H

#include "nat.h"
#include "parse.h"

#define TCPOPT_EOL	0
#define TCPOPT_NOP	1
#define TCPOPT_MSS	2
#define TCPOPT_WINDOW	3
#define TCPOLEN_MSS	4
#define TCPOLEN_WINDOW	3
#define TCP_MAX_WSCALE	14
#define MAX_TCP_OPTIONS 40
#define NO_WINDOW_SCALE 0xff		/* no option: & 0xf gives NO_SHIFT_YET */
#define TCP_OFFSET	(ETH_HLEN + 20) /* TCP is rewritten only behind 20 bytes of IPv4 */
#define MAX_OPTIONS_END (TCP_OFFSET + 60)

/* The walk over the options, by offsets from the frame's start: no packet pointer leaves
 * the callback, so the verifier need not follow one per possible offset. */
struct option_walk {
	struct xdp_md *ctx;
	__u32 next;	 /* the next option */
	__u32 end;	 /* the end of the options */
	__u16 mss_clamp; /* the largest MSS let through; 0: any */
	__u16 mss_less;	 /* and that less these bytes (room for a header the LB adds) */
	__u8 wscale;	 /* result: the window scale, or NO_WINDOW_SCALE */
};

/* Lowers the MSS at `value` to the clamp (less mss_less), and fixes the TCP checksum in
 * place. */
static __always_inline void clamp_mss_at(struct option_walk *walk, __u8 *value, void *data_end)
{
	struct tcphdr *tcp = (void *)(long)walk->ctx->data + TCP_OFFSET;
	__be16 old, new;

	if ((void *)(tcp + 1) > data_end)
		return;
	__u16 mss;

	__builtin_memcpy(&old, value, 2);
	mss = bpf_ntohs(old);
	if (walk->mss_clamp && mss > walk->mss_clamp)
		mss = walk->mss_clamp;
	if (mss > walk->mss_less)
		mss -= walk->mss_less;
	new = bpf_htons(mss);
	if (new == old)
		return;
	__builtin_memcpy(value, &new, 2);
	/* The sum is of 16-bit words from the header's start: a value at an odd offset
	 * straddles two of them, which counts it byte-swapped (RFC 1071). */
	if ((walk->next + 2 - TCP_OFFSET) & 1) {
		old = __builtin_bswap16(old);
		new = __builtin_bswap16(new);
	}
	csum_apply(&tcp->check, csum_change16(old, new));
}

/* One option: reads its kind and length, acts on the two we want, and moves on. An
 * option that does not fit in the header ends the walk. */
static long visit_option(__u32 i, void *ctx)
{
	struct option_walk *walk = ctx;
	__u8 *data = (void *)(long)walk->ctx->data, *data_end = (void *)(long)walk->ctx->data_end;
	__u32 at = walk->next;
	__u8 *opt, kind, len;

	(void)i;
	if (at >= walk->end || at > MAX_OPTIONS_END)
		return 1;
	opt = data + at;
	if (opt + 2 > data_end)
		return 1;
	kind = opt[0];
	if (kind == TCPOPT_EOL)
		return 1;
	if (kind == TCPOPT_NOP) {
		walk->next = at + 1;
		return 0;
	}
	len = opt[1];
	if (len < 2 || at + len > walk->end)
		return 1;
	if (kind == TCPOPT_MSS && len == TCPOLEN_MSS && opt + TCPOLEN_MSS <= data_end)
		clamp_mss_at(walk, opt + 2, data_end);
	else if (kind == TCPOPT_WINDOW && len == TCPOLEN_WINDOW && opt + TCPOLEN_WINDOW <= data_end)
		walk->wscale = opt[2] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : opt[2];
	walk->next = at + len;
	return 0;
}

#define TCPOPT_SACK_PERM  4
#define TCPOPT_TIMESTAMP  8
#define TCPOLEN_SACK_PERM 2
#define TCPOLEN_TIMESTAMP 10

/* Options in the order Linux sends them in a SYN: MSS, SACK permitted, timestamps, NOP,
 * window scale. Read in line from their fixed places, they cost no call. */
struct usual_options {
	__u8 mss_kind, mss_len;
	__be16 mss;
	__u8 sack_kind, sack_len;
	__u8 ts_kind, ts_len;
	__be32 ts_value, ts_echo;
	__u8 nop;
	__u8 wscale_kind, wscale_len, wscale;
} __attribute__((packed));

/* Walks past a leading MSS option (clamping it), and past the whole of the usual options
 * when the header holds exactly those; the walk goes on from wherever this stops. */
static __always_inline void walk_usual_options(struct option_walk *walk)
{
	void *data_end = (void *)(long)walk->ctx->data_end;
	struct usual_options *opts = (void *)(long)walk->ctx->data + walk->next;

	if ((void *)opts + TCPOLEN_MSS > data_end || walk->next + TCPOLEN_MSS > walk->end ||
	    opts->mss_kind != TCPOPT_MSS || opts->mss_len != TCPOLEN_MSS)
		return;
	clamp_mss_at(walk, (__u8 *)&opts->mss, data_end);
	walk->next += TCPOLEN_MSS;
	if ((void *)(opts + 1) > data_end ||
	    walk->end != walk->next - TCPOLEN_MSS + sizeof(*opts) ||
	    opts->sack_kind != TCPOPT_SACK_PERM || opts->sack_len != TCPOLEN_SACK_PERM ||
	    opts->ts_kind != TCPOPT_TIMESTAMP || opts->ts_len != TCPOLEN_TIMESTAMP ||
	    opts->nop != TCPOPT_NOP || opts->wscale_kind != TCPOPT_WINDOW ||
	    opts->wscale_len != TCPOLEN_WINDOW)
		return;
	walk->wscale = opts->wscale > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : opts->wscale;
	walk->next = walk->end;
}

/* Reads a SYN's (or SYN-ACK's) window scale, and lowers the segment size it announces to
 * at most mss_clamp (RFC 879's MSS clamping; 0 leaves it), and then by mss_less, fixing
 * the checksum. The callback does all its work itself: a result the caller branched on
 * would have the verifier walk the rest of the program once per value it may take. */
static __always_inline __u8 syn_options(struct xdp_md *ctx, struct packet *pkt, __u16 mss_clamp,
					__u16 mss_less)
{
	struct option_walk walk = {
		.ctx = ctx,
		.next = TCP_OFFSET + sizeof(struct tcphdr),
		.end = TCP_OFFSET + pkt->tcp->doff * 4,
		.mss_clamp = mss_clamp,
		.mss_less = mss_less,
		.wscale = NO_WINDOW_SCALE,
	};

	walk_usual_options(&walk);
	if (walk.next < walk.end) /* the rest, if any, one option per call */
		bpf_loop(MAX_TCP_OPTIONS, visit_option, &walk, 0);
	return walk.wscale;
}

#endif
