/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* TCP resets built in XDP: the received packet is turned into a RST towards its
 * sender (RFC 793, "Reset Generation") and sent back out of the interface it came in on. */
#ifndef XL_BPF_RESET_H
#define XL_BPF_RESET_H

#include "parse.h"
#include "segment.h"

/* The RST that answers the packet, read from it before the frame is rewritten. */
static __always_inline struct segment reset_for(const struct packet *pkt)
{
	const struct tcphdr *tcp = pkt->tcp;
	struct segment rst = {
		.saddr = pkt->ip->daddr,
		.daddr = pkt->ip->saddr,
		.sport = tcp->dest,
		.dport = tcp->source,
		.rst = 1,
	};

	if (tcp->ack) {
		/* The sender knows our sequence space: take the number it acknowledged. */
		rst.seq = bpf_ntohl(tcp->ack_seq);
	} else {
		/* Acknowledge everything the segment occupied: payload, SYN and FIN. */
		rst.ack = bpf_ntohl(tcp->seq) + pkt->payload_len + tcp->syn + tcp->fin;
		rst.ack_flag = 1;
	}
	return rst;
}

/* Returns XDP_TX with the RST in the frame, from `mac`, the address of the interface the
 * packet came in on; or XDP_DROP if the frame could not be cut to size. The caller must
 * not send a RST in answer to a RST. */
static __always_inline int send_reset(struct xdp_md *ctx, const struct packet *pkt, const __u8 *mac)
{
	struct segment rst = reset_for(pkt);

	return send_back(ctx, pkt, &rst, mac);
}

#endif
