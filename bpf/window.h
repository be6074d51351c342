/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Which packets could belong to a connection: a RST or FIN changes a flow only if its
 * sequence number lies in the window of the side that receives it, as RFC 793 (and
 * conntrack) judge it, so that a stranger who guesses blindly resets nothing. Each side's
 * next expected number (what the other side last acknowledged) and its largest window
 * are tracked lazily: rewritten only when they move by more than WINDOW_SLACK, so that
 * a busy flow's cache line is not written by every packet. */
#ifndef XL_BPF_WINDOW_H
#define XL_BPF_WINDOW_H

#include "bits.h"
#include "options.h"
#include "parse.h"
#include "xdplink.h"

#define WINDOW_SLACK	  (32 * 1024)
#define WINDOW_LOG2_SYN	  16 /* a SYN's window is at most 65,535 */
#define WINDOW_LOG2_LIMIT 30 /* RFC 7323: windows below 2^30 */

/* Whether seq lies in [next, next + 2^window_log2), give or take the slack of the lazy
 * tracking. */
static __always_inline int in_window(__u32 seq, __u32 next, __u8 window_log2)
{
	__s32 ahead = (__s32)(seq - next);
	__u32 log2 = window_log2 < WINDOW_LOG2_LIMIT ? window_log2 : WINDOW_LOG2_LIMIT;

	return ahead >= -WINDOW_SLACK && ahead < (__s32)(1u << log2) + WINDOW_SLACK;
}

/* Records a side's new acknowledgment when it moved past the slack, or backwards. */
static __always_inline void note_ack(__u32 *next, __u32 ack)
{
	__u32 moved = ack - READ_ONCE(*next);

	if (moved >= WINDOW_SLACK)
		*next = ack;
}

/* The bits needed for a window of `bytes`: log2, rounded up. Branch-free: the bits
 * below the highest of bytes - 1, all set, counted. */
static __always_inline __u8 window_log2(__u32 bytes)
{
	__u64 below = bytes ? bytes - 1 : 0;

	below |= below >> 1;
	below |= below >> 2;
	below |= below >> 4;
	below |= below >> 8;
	below |= below >> 16;
	return bit_index(below + 1);
}

/* Records a side's window if it is its largest yet; `shift` is its window scale. */
static __always_inline void note_window(__u8 *largest, const struct tcphdr *tcp, __u8 shift)
{
	__u32 bytes = (__u32)bpf_ntohs(tcp->window) << shift;

	if (bytes > (1u << READ_ONCE(*largest)))
		*largest = window_log2(bytes);
}

/* What a flow records of the client's SYN: its window scale, or NO_SHIFT_YET when it
 * announced none. The SYN-ACK settles both (negotiated_shifts). */
#define NO_SHIFT_YET 0xf

static __always_inline __u8 client_syn_shifts(__u8 wscale)
{
	return wscale & NO_SHIFT_YET; /* NO_WINDOW_SCALE becomes NO_SHIFT_YET, branch-free */
}

/* Window scaling holds only when both SYNs carried the option (RFC 7323). */
static __always_inline __u8 negotiated_shifts(__u8 shifts, __u8 target_wscale)
{
	__u8 client = shifts & 0xf;

	if (client == NO_SHIFT_YET || target_wscale == NO_WINDOW_SCALE)
		return 0;
	return client | target_wscale << 4;
}

static __always_inline __u8 client_shift(const struct xl_flow *flow)
{
	__u8 shift = flow->window_shifts & 0xf;

	return shift == NO_SHIFT_YET ? 0 : shift;
}

static __always_inline __u8 target_shift(const struct xl_flow *flow)
{
	return flow->window_shifts >> 4;
}

#endif
