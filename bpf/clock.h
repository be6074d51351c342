/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* The agent's clock as the data path reads it: milliseconds of the agent's
 * CLOCK_MONOTONIC, published in a map, cheaper than a clock helper per packet. */
#ifndef XL_BPF_CLOCK_H
#define XL_BPF_CLOCK_H

#include "maps.h"

static __always_inline struct xl_clock *clock_now(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&xdplink_clock_v2, &zero);
}

/* Seconds, wrapping at 16 bits as flows keep them (their idle times are shorter). */
static __always_inline __u16 clock_s(void)
{
	struct xl_clock *clock = clock_now();

	return clock ? (__u16)clock->s : 0;
}

static __always_inline __u64 clock_ms(void)
{
	struct xl_clock *clock = clock_now();

	return clock ? clock->ms : 0;
}

#endif
