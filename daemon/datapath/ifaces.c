/* SPDX-License-Identifier: MIT */
/* The interfaces the program is attached to, each with the program of its role, in
 * native or generic mode; forwarding on where bpf_fib_lookup() needs it. */
#include "datapath_internal.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "facts.h"
#include "log.h"

static int interface_mac(const char *name, uint8_t mac[6])
{
	struct ifreq req = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0)
		return -1;
	snprintf(req.ifr_name, sizeof(req.ifr_name), "%s", name);
	rc = ioctl(fd, SIOCGIFHWADDR, &req);
	close(fd);
	if (!rc)
		memcpy(mac, req.ifr_hwaddr.sa_data, 6);
	return rc;
}

/* bpf_fib_lookup() answers only for interfaces that forward. The host still
 * forwards nothing if its policy rules say so: the program looks up the table
 * directly. */
static void enable_forwarding(const char *name)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", name);
	f = fopen(path, "w");
	if (!f || fputs("1", f) < 0)
		log_warn("cannot turn forwarding on for %s: %s", name, strerror(errno));
	if (f)
		fclose(f);
}

static int role_program(const struct datapath *dp, uint8_t role)
{
	switch (role) {
	case XL_ROLE_CONSUMER:
		return bpf_program__fd(dp->skel->progs.xdplink_consumer);
	case XL_ROLE_PROVIDER:
		return bpf_program__fd(dp->skel->progs.xdplink_provider);
	default:
		return bpf_program__fd(dp->skel->progs.xdplink_both);
	}
}

static __u32 mode_flags(bool generic)
{
	return generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
}

static int attach(struct datapath *dp, const struct dp_iface *want, struct api_error *err)
{
	struct xl_iface entry = { .role = want->role };
	int ifindex = (int)if_nametoindex(want->name);
	__u32 key = (__u32)ifindex;

	if (!ifindex)
		return api_fail(err, API_AttachFailed, "there is no interface named %s",
				want->name);
	if (interface_mac(want->name, entry.mac))
		return api_fail(err, API_AttachFailed, "cannot read the address of %s: %s",
				want->name, strerror(errno));
	if (bpf_map__update_elem(dp->skel->maps.xdplink_ifaces_v1, &key, sizeof(key), &entry,
				 sizeof(entry), BPF_ANY) ||
	    bpf_map__update_elem(dp->skel->maps.xdplink_tx_ports_v1, &key, sizeof(key), &key,
				 sizeof(key), BPF_ANY))
		return api_fail(err, API_AttachFailed, "cannot register %s in the maps: %s",
				want->name, strerror(errno));
	if (want->role != XL_ROLE_PROVIDER)
		enable_forwarding(want->name);
	/* A program of the other mode would make the attach fail: take it off first. */
	bpf_xdp_detach(ifindex, mode_flags(!want->generic), NULL);
	if (bpf_xdp_attach(ifindex, role_program(dp, want->role), mode_flags(want->generic), NULL))
		return api_fail(err, API_AttachFailed, "cannot attach XDP (%s mode) to %s: %s",
				want->generic ? "generic" : "native", want->name, strerror(errno));
	return ifindex;
}

static void detach(struct datapath *dp, const struct attached_iface *iface)
{
	__u32 key = (__u32)iface->ifindex;

	bpf_xdp_detach(iface->ifindex, mode_flags(iface->generic), NULL);
	bpf_map__delete_elem(dp->skel->maps.xdplink_ifaces_v1, &key, sizeof(key), 0);
	bpf_map__delete_elem(dp->skel->maps.xdplink_tx_ports_v1, &key, sizeof(key), 0);
	log_info("detached from %s", iface->name);
}

static bool wanted(const struct dataplane *want, const struct attached_iface *iface)
{
	for (size_t i = 0; i < want->iface_count; i++)
		if (!strcmp(want->ifaces[i].name, iface->name) &&
		    want->ifaces[i].role == iface->role &&
		    want->ifaces[i].generic == iface->generic)
			return true;
	return false;
}

int ifaces_apply(struct datapath *dp, const struct dataplane *want, const char *strict,
		 struct api_error *err)
{
	struct attached_iface *now = calloc(want->iface_count + 1, sizeof(*now));
	bool pending = false;
	size_t count = 0;

	if (!now)
		return api_fail(err, API_InternalError, "out of memory");
	for (size_t i = 0; i < dp->iface_count; i++)
		if (!wanted(want, &dp->ifaces[i]))
			detach(dp, &dp->ifaces[i]);
	for (size_t i = 0; i < want->iface_count; i++) {
		const struct dp_iface *w = &want->ifaces[i];
		const struct attached_iface *had = datapath_iface(dp, w->name);
		struct attached_iface *a = &now[count];

		if (had && had->role == w->role && had->generic == w->generic) {
			*a = *had;
		} else {
			struct api_error why;
			int ifindex = attach(dp, w, &why);

			if (ifindex < 0 && strict && !strcmp(strict, w->name)) {
				free(now);
				*err = why;
				return -1;
			}
			if (ifindex < 0) {
				log_warn("%s", why.message);
				pending = true;
				continue;
			}
			log_info("attached to %s as %s (%s)", w->name, xl_role_name(w->role),
				 w->generic ? "generic" : "native");
			snprintf(a->name, sizeof(a->name), "%s", w->name);
			a->ifindex = ifindex;
			a->role = w->role;
			a->generic = w->generic;
		}
		count++;
	}
	free(dp->ifaces);
	dp->ifaces = now;
	dp->iface_count = count;
	dp->ifaces_pending = pending;
	return 0;
}

bool datapath_ifaces_pending(const struct datapath *dp)
{
	return dp->ifaces_pending;
}

const struct attached_iface *datapath_iface(const struct datapath *dp, const char *name)
{
	for (size_t i = 0; i < dp->iface_count; i++)
		if (!strcmp(dp->ifaces[i].name, name))
			return &dp->ifaces[i];
	return NULL;
}
