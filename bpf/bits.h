/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Small tools every header may need: reading memory that another CPU or the agent
 * writes, and bit tricks in a form the verifier walks cheaply. */
#ifndef XL_BPF_BITS_H
#define XL_BPF_BITS_H

#include <linux/types.h>

/* One read of a word that others change: the compiler may neither repeat nor drop it. */
#define READ_ONCE(x) (*(const volatile typeof(x) *)&(x))

/* Index of the single bit set in `bit`: the population count of the bits below
 * it. Branch-free, because every branch in a loop multiplies the states the
 * verifier must walk. */
static __always_inline __u32 bit_index(__u64 bit)
{
	__u64 below = bit - 1;

	below -= (below >> 1) & 0x5555555555555555ULL;
	below = (below & 0x3333333333333333ULL) + ((below >> 2) & 0x3333333333333333ULL);
	below = (below + (below >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (below * 0x0101010101010101ULL) >> 56;
}

/* Two MAC addresses are the same (BPF has no memcmp). */
static __always_inline int same_mac(const __u8 *a, const __u8 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] && a[4] == b[4] &&
	       a[5] == b[5];
}

#endif
