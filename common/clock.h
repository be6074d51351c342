/* SPDX-License-Identifier: MIT */
/* The one clock of xdplink: CLOCK_MONOTONIC in milliseconds. The agent publishes it
 * to the data path (xdplink_clock_v1), which stamps flows with it. */
#ifndef XL_CLOCK_H
#define XL_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#endif
