/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Counters: one per reason for every packet's fate, and traffic per member (target
 * group x target) and per endpoint. All per-CPU, so no packet ever waits on another
 * CPU's counter. */
#ifndef XL_BPF_STATS_H
#define XL_BPF_STATS_H

#include "maps.h"

static __always_inline void count(enum xl_reason reason)
{
	__u32 key = reason;
	__u64 *packets = bpf_map_lookup_elem(&xdplink_reasons_v1, &key);

	if (packets)
		*packets += 1;
}

/* Counts the reason and returns the action: `return verdict(XDP_PASS, ...)`. */
static __always_inline int verdict(int action, enum xl_reason reason)
{
	count(reason);
	return action;
}

static __always_inline struct xl_traffic *member_traffic(__u32 member)
{
	return bpf_map_lookup_elem(&xdplink_member_stats_v1, &member);
}

static __always_inline struct xl_traffic *endpoint_traffic(__u32 endpoint)
{
	return bpf_map_lookup_elem(&xdplink_endpoint_stats_v1, &endpoint);
}

static __always_inline void count_towards_target(struct xl_traffic *traffic, __u32 bytes)
{
	if (traffic) {
		traffic->packets_in += 1;
		traffic->bytes_in += bytes;
	}
}

static __always_inline void count_towards_client(struct xl_traffic *traffic, __u32 bytes)
{
	if (traffic) {
		traffic->packets_out += 1;
		traffic->bytes_out += bytes;
	}
}

static __always_inline void count_new_flow(struct xl_traffic *traffic)
{
	if (traffic)
		traffic->new_flows += 1;
}

/* A refused or reset connection: RSTs sent, and whether it was a port
 * allocation error in AWS's sense (connection limit or no SNAT port). */
static __always_inline void count_refusal(struct xl_traffic *traffic, int port_alloc_error)
{
	if (traffic) {
		traffic->resets += 1;
		traffic->port_alloc_errors += port_alloc_error;
	}
}

static __always_inline void count_drop(struct xl_traffic *traffic)
{
	if (traffic)
		traffic->drops += 1;
}

#endif
