/* SPDX-License-Identifier: MIT */
/* Kernel feature probes with libbpf, each named with the Linux version that
 * brought it and what xdplink needs it for. */
#include "kernel_support.h"

#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>

struct helper_need {
	enum bpf_func_id helper;
	const char *name;
	const char *since;
	const char *why;
};

struct map_need {
	enum bpf_map_type type;
	const char *name;
	const char *since;
	const char *why;
};

static const struct helper_need helpers[] = {
	{ BPF_FUNC_fib_lookup, "bpf_fib_lookup", "4.18", "to find the next hop to a target" },
	{ BPF_FUNC_redirect_map, "bpf_redirect_map", "4.14", "to forward between interfaces" },
	{ BPF_FUNC_xdp_adjust_tail, "bpf_xdp_adjust_tail", "4.18", "to build TCP resets" },
	{ BPF_FUNC_loop, "bpf_loop", "5.17", "to search a SNAT port pool" },
	{ BPF_FUNC_xdp_get_buff_len, "bpf_xdp_get_buff_len", "5.18",
	  "for multi-buffer (jumbo) frames" },
};

static const struct map_need maps[] = {
	{ BPF_MAP_TYPE_ARRAY_OF_MAPS, "array of maps", "4.12", "to swap Maglev tables" },
	{ BPF_MAP_TYPE_DEVMAP_HASH, "hash device map", "5.4", "to redirect by interface index" },
	{ BPF_MAP_TYPE_PERCPU_ARRAY, "per-CPU arrays", "4.6", "for counters" },
};

int kernel_support_check(char *why, size_t size)
{
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		int rc = libbpf_probe_bpf_map_type(maps[i].type, NULL);

		/* bpf() itself refused (EPERM): not the kernel's lack but the process's rights */
		if (rc < 0) {
			snprintf(why, size,
				 "cannot use bpf(): %s (xdplinkd needs root with CAP_BPF or "
				 "CAP_SYS_ADMIN, and no seccomp filter that denies bpf())",
				 strerror(-rc));
			return -1;
		}
		if (rc != 1) {
			snprintf(why, size,
				 "this kernel cannot run xdplink: it lacks BPF %s (Linux %s+), "
				 "needed %s",
				 maps[i].name, maps[i].since, maps[i].why);
			return -1;
		}
	}
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
		if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, helpers[i].helper, NULL) != 1) {
			snprintf(
			    why, size,
			    "this kernel cannot run xdplink: XDP programs lack %s (Linux %s+), "
			    "needed %s",
			    helpers[i].name, helpers[i].since, helpers[i].why);
			return -1;
		}
	return 0;
}
