/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Security groups on endpoints: whether a client may open a connection to an ENI's port,
 * by the inbound rules of the endpoint's groups (xdplink_security_groups_v1). Asked only
 * for a packet that would open a flow, so established connections keep going. */
#ifndef XL_BPF_SECURITY_GROUP_H
#define XL_BPF_SECURITY_GROUP_H

#include "maps.h"
#include "parse.h"

/* Whether the sorted, disjoint ranges hold the port: the first range ending at or after
 * it, by a binary search of a fixed number of steps, must also start at or before it. */
static __always_inline int port_in_ranges(const struct xl_sg_ports *ports, __u16 port)
{
	__u32 low = 0, high = ports->count, middle;

	if (high > XL_SG_MAX_RANGES)
		return 0;
	for (int step = 0; step < XL_SG_SEARCH_STEPS; step++) {
		if (low >= high)
			break;
		middle = (low + high) / 2;
		/* low < high <= the most, but 6.1's verifier cannot know: check the very
		 * register that indexes, which clang would otherwise drop as proven. */
		barrier_var(middle);
		if (middle >= XL_SG_MAX_RANGES)
			return 0;
		if (ports->ranges[middle].to < port)
			low = middle + 1;
		else
			high = middle;
	}
	barrier_var(low);
	if (low >= XL_SG_MAX_RANGES || low >= ports->count)
		return 0;
	return ports->ranges[low].from <= port;
}

/* Whether the endpoint's security groups let this client open a connection to this port.
 * An endpoint without groups costs a flag test. */
static __always_inline int security_groups_allow(const struct xl_frontend *fe,
						 const struct packet *pkt)
{
	struct xl_sg_key key = {
		.prefixlen = XL_SG_KEY_ENDPOINT_BITS + 32,
		.endpoint = fe->endpoint,
		.source = pkt->ip->saddr,
	};
	struct xl_sg_ports *ports;

	if (!(fe->flags & XL_FE_SECURITY_GROUPS))
		return 1;
	ports = bpf_map_lookup_elem(&xdplink_security_groups_v1, &key);
	return ports && port_in_ranges(ports, bpf_ntohs(pkt->tcp->dest));
}

#endif
