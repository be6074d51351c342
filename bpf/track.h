/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Following a connection through its packets: the acknowledgments and windows each side
 * announces, and the FINs and RSTs that close it, which count only in window. */
#ifndef XL_BPF_TRACK_H
#define XL_BPF_TRACK_H

#include "flow.h"
#include "seq.h"
#include "window.h"

enum track {
	TRACK_REFUSED, /* a RST the receiver could not accept: it goes no further */
	TRACK_OK,
	TRACK_ANSWERED, /* the client's first ACK: the flow is no longer half-open */
};

/* A client's packet. A client ACKs only once the target answered its SYN, and a RST it
 * sends in answer to an ACK of another connection carries no ACK: its first ACK marks
 * the flow answered. Returns enum track. */
static __always_inline int track_client_packet(struct xl_flow *flow, const struct tcphdr *tcp,
					       __u16 now_s)
{
	__u32 seq = bpf_ntohl(tcp->seq);
	int expected = in_window(seq, READ_ONCE(flow->client_next), flow->target_window_log2);
	int outcome = TRACK_OK;

	if (tcp->rst) {
		if (!expected)
			return TRACK_REFUSED;
		set_flags(flow, XL_FLOW_RST_CLIENT);
	}
	touch(flow, now_s);
	if (tcp->ack) {
		if (set_flags(flow, XL_FLOW_ANSWERED))
			outcome = TRACK_ANSWERED;
		note_ack(&flow->target_next, bpf_ntohl(tcp->ack_seq) + flow->seq_shift);
		note_window(&flow->client_window_log2, tcp, client_shift(flow));
	}
	if (tcp->fin && expected)
		set_flags(flow, XL_FLOW_FIN_CLIENT);
	return outcome;
}

/* Whether a target's RST is in the client's window. Before the client acknowledged
 * anything of the target, only a refusal of its SYN is: a RST that acknowledges it. */
static __always_inline int target_rst_expected(const struct xl_flow *flow, const struct tcphdr *tcp)
{
	if (!(READ_ONCE(flow->state) & XL_FLOW_ANSWERED) && !READ_ONCE(flow->target_next))
		return tcp->ack && bpf_ntohl(tcp->ack_seq) == flow->client_isn + 1;
	return in_window(bpf_ntohl(tcp->seq), READ_ONCE(flow->target_next),
			 flow->client_window_log2);
}

/* A target's packet, its SYN-ACK excepted (note_target_syn_ack): false for a RST the
 * client could not accept. */
static __always_inline int track_target_packet(struct xl_flow *flow, const struct tcphdr *tcp,
					       __u16 now_s)
{
	if (tcp->rst) {
		if (!target_rst_expected(flow, tcp))
			return 0;
		set_flags(flow, XL_FLOW_RST_TARGET);
	}
	/* A half-open flow ages from its client's SYN: the target's SYN-ACKs, sent again to a
	 * client that never answers (a spoofed source), do not keep it. */
	if (READ_ONCE(flow->state) & XL_FLOW_ANSWERED)
		touch(flow, now_s);
	if (tcp->ack && !tcp->syn) {
		/* In the client's numbers, which its packets are judged by. */
		note_ack(&flow->client_next, client_ack_of(flow, bpf_ntohl(tcp->ack_seq)));
		note_window(&flow->target_window_log2, tcp, target_shift(flow));
	}
	if (tcp->fin &&
	    in_window(bpf_ntohl(tcp->seq), READ_ONCE(flow->target_next), flow->client_window_log2))
		set_flags(flow, XL_FLOW_FIN_TARGET);
	return 1;
}

/* What a flow keeps of its client's SYN: where its numbers start, its window and its
 * window scale, until the target's SYN-ACK settles the scaling. */
static __always_inline void note_client_syn(struct xl_flow *flow, const struct tcphdr *tcp,
					    __u8 wscale)
{
	flow->client_isn = bpf_ntohl(tcp->seq);
	flow->client_next = flow->client_isn + 1;
	flow->client_window_log2 = window_log2(bpf_ntohs(tcp->window));
	flow->target_window_log2 = WINDOW_LOG2_SYN;
	flow->window_shifts = client_syn_shifts(wscale);
}

/* The target's SYN-ACK: where its numbers start, its window, and the scaling both agreed
 * (wscale is the SYN-ACK's). Once per connection. */
static __always_inline void note_target_syn_ack(struct xl_flow *flow, const struct tcphdr *tcp,
						__u8 wscale)
{
	flow->target_next = bpf_ntohl(tcp->seq) + 1;
	flow->target_window_log2 = window_log2(bpf_ntohs(tcp->window));
	flow->window_shifts = negotiated_shifts(flow->window_shifts, wscale);
}

#endif
