/* The agent's clock as the data path reads it: milliseconds of the agent's
 * CLOCK_MONOTONIC, published in a map, cheaper than a clock helper per packet. */
#ifndef XL_BPF_CLOCK_H
#define XL_BPF_CLOCK_H

#include "maps.h"

static __always_inline __u64 clock_ms(void)
{
	__u32 zero = 0;
	struct xl_clock *clock = bpf_map_lookup_elem(&xdplink_clock_v1, &zero);

	return clock ? clock->ms : 0;
}

#endif
