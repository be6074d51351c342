// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The cost floor of BPF_PROG_TEST_RUN: a program that does nothing. The data-path
 * benchmark subtracts it from every other figure. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

SEC("xdp")
int empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}
