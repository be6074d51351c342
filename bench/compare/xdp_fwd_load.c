// SPDX-License-Identifier: GPL-2.0
/* Attaches the bare XDP router (xdp_fwd.bpf.c) to interfaces of the current network namespace
 * and fills its devmap with them, or detaches it. The attachment outlives this process. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp_fwd.skel.h"

#define MAX_IFACES 16

static int usage(void)
{
	fprintf(stderr, "usage: xdp_fwd_load attach IFNAME... | detach IFNAME...\n");
	return 2;
}

static int resolve(int n, char **names, unsigned int *ifindex)
{
	for (int i = 0; i < n; i++) {
		ifindex[i] = if_nametoindex(names[i]);
		if (!ifindex[i]) {
			fprintf(stderr, "xdp_fwd_load: no interface %s\n", names[i]);
			return -1;
		}
	}
	return 0;
}

static int detach(int n, char **names, const unsigned int *ifindex)
{
	int ret = 0;

	for (int i = 0; i < n; i++) {
		int err = bpf_xdp_detach((int)ifindex[i], XDP_FLAGS_DRV_MODE, NULL);

		if (err) {
			fprintf(stderr, "xdp_fwd_load: detach %s: %s\n", names[i], strerror(-err));
			ret = 1;
		}
	}
	return ret;
}

static int attach(int n, char **names, const unsigned int *ifindex)
{
	struct xdp_fwd_bpf *skel = xdp_fwd_bpf__open_and_load();
	int map_fd, prog_fd, i, err = 0;

	if (!skel) {
		fprintf(stderr, "xdp_fwd_load: load failed: %s\n", strerror(errno));
		return 1;
	}
	map_fd = bpf_map__fd(skel->maps.tx_ports);
	prog_fd = bpf_program__fd(skel->progs.xdp_fwd);

	/* Fill the devmap before attaching so the first packet already finds its egress. */
	for (i = 0; i < n && !err; i++) {
		err = bpf_map_update_elem(map_fd, &ifindex[i], &ifindex[i], BPF_ANY);
		if (err)
			fprintf(stderr, "xdp_fwd_load: devmap %s: %s\n", names[i], strerror(-err));
	}
	for (i = 0; i < n && !err; i++) {
		err = bpf_xdp_attach((int)ifindex[i], prog_fd, XDP_FLAGS_DRV_MODE, NULL);
		if (err) {
			fprintf(stderr, "xdp_fwd_load: attach %s: %s\n", names[i], strerror(-err));
			detach(i, names, ifindex);
		}
	}
	xdp_fwd_bpf__destroy(skel);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	unsigned int ifindex[MAX_IFACES];
	int n = argc - 2;

	if (argc < 3 || n > MAX_IFACES)
		return usage();
	if (resolve(n, argv + 2, ifindex))
		return 1;
	if (!strcmp(argv[1], "attach"))
		return attach(n, argv + 2, ifindex);
	if (!strcmp(argv[1], "detach"))
		return detach(n, argv + 2, ifindex);
	return usage();
}
