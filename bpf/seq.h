/* The one sequence translation of a flow, for all that makes its two ends count bytes
 * differently: a SYN-cookie flow's target numbers its bytes from its own ISN, the client
 * from the cookie (the target's numbers are the client's view plus seq_shift). Applied to
 * sequence and acknowledgment numbers alike, with the TCP checksum fixed as it goes. */
#ifndef XL_BPF_SEQ_H
#define XL_BPF_SEQ_H

#include "nat.h"
#include "parse.h"

static __always_inline void add_to_seq(struct tcphdr *tcp, __be32 *field, __u32 delta)
{
	__be32 old = *field, new = bpf_htonl(bpf_ntohl(old) + delta);

	*field = new;
	csum_apply(&tcp->check, csum_change32(old, new));
}

/* A client's packet, on its way to the target: what it acknowledges, in target numbers. */
static __always_inline void translate_towards_target(struct packet *pkt,
						     const struct xl_flow *flow)
{
	__u32 shift = flow->seq_shift;

	if (shift && pkt->tcp->ack)
		add_to_seq(pkt->tcp, &pkt->tcp->ack_seq, shift);
}

/* A target's packet, on its way to the client: its sequence number, in the client's view. */
static __always_inline void translate_towards_client(struct packet *pkt,
						     const struct xl_flow *flow)
{
	__u32 shift = flow->seq_shift;

	if (shift)
		add_to_seq(pkt->tcp, &pkt->tcp->seq, -shift);
}

#endif
