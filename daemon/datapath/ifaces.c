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
#include "isolation.h"
#include "log.h"

/* The interface's own address and MTU, as the kernel has them. */
static int interface_facts(const char *name, struct xl_iface *entry)
{
	struct ifreq req = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = -1;

	if (fd < 0)
		return -1;
	snprintf(req.ifr_name, sizeof(req.ifr_name), "%s", name);
	if (!ioctl(fd, SIOCGIFHWADDR, &req)) {
		memcpy(entry->mac, req.ifr_hwaddr.sa_data, 6);
		rc = ioctl(fd, SIOCGIFMTU, &req);
		entry->mtu = rc ? 0 : (uint32_t)req.ifr_mtu;
	}
	close(fd);
	return rc;
}

static bool slot_taken(const struct attached_iface *ifaces, size_t count, uint8_t slot)
{
	for (size_t i = 0; i < count; i++)
		if (ifaces[i].slot == slot)
			return true;
	return false;
}

/* The slot flows record the interface by: the one an earlier agent gave it, when the
 * map is pinned and the slot still free, so that pinned flows keep their interface;
 * otherwise the lowest free one. */
static int choose_slot(const struct datapath *dp, const struct attached_iface *taken, size_t count,
		       __u32 ifindex)
{
	struct xl_iface pinned;

	if (!bpf_map__lookup_elem(dp->skel->maps.xdplink_ifaces_v2, &ifindex, sizeof(ifindex),
				  &pinned, sizeof(pinned), 0) &&
	    pinned.slot < XL_MAX_IFACES && !slot_taken(taken, count, pinned.slot))
		return pinned.slot;
	for (int slot = 0; slot < XL_MAX_IFACES; slot++)
		if (!slot_taken(taken, count, (uint8_t)slot))
			return slot;
	return -1;
}

/* bpf_fib_lookup() answers only for interfaces that forward. The host still forwards
 * nothing: the isolation rule drops it, and the program looks up the table directly. */
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

/* Attaches the program to `want` and fills `done`; `taken` are the interfaces kept or
 * attached before it in this apply. */
static int attach(struct datapath *dp, const struct dp_iface *want,
		  const struct attached_iface *taken, size_t count, struct attached_iface *done,
		  struct api_error *err)
{
	struct xl_iface entry = { .role = want->role };
	int ifindex = (int)if_nametoindex(want->name);
	__u32 key = (__u32)ifindex, slot;
	int chosen;

	if (!ifindex)
		return api_fail(err, API_AttachFailed, "there is no interface named %s",
				want->name);
	if (interface_facts(want->name, &entry))
		return api_fail(err, API_AttachFailed, "cannot read the address of %s: %s",
				want->name, strerror(errno));
	chosen = choose_slot(dp, taken, count, key);
	if (chosen < 0)
		return api_fail(err, API_AttachFailed, "cannot attach %s: %d interfaces at most",
				want->name, XL_MAX_IFACES);
	slot = (__u32)chosen;
	entry.slot = (uint8_t)slot;
	entry.ifindex = key;
	if (bpf_map__update_elem(dp->skel->maps.xdplink_ifaces_v2, &key, sizeof(key), &entry,
				 sizeof(entry), BPF_ANY) ||
	    bpf_map__update_elem(dp->skel->maps.xdplink_iface_slots_v1, &slot, sizeof(slot), &entry,
				 sizeof(entry), BPF_ANY) ||
	    bpf_map__update_elem(dp->skel->maps.xdplink_tx_ports_v1, &key, sizeof(key), &key,
				 sizeof(key), BPF_ANY))
		return api_fail(err, API_AttachFailed, "cannot register %s in the maps: %s",
				want->name, strerror(errno));
	/* The node routes nothing itself, before forwarding is on for the program's lookups. */
	if (isolation_add(want->name, err))
		return -1;
	if (want->role != XL_ROLE_PROVIDER)
		enable_forwarding(want->name);
	/* A program of the other mode would make the attach fail: take it off first. */
	bpf_xdp_detach(ifindex, mode_flags(!want->generic), NULL);
	if (bpf_xdp_attach(ifindex, role_program(dp, want->role), mode_flags(want->generic), NULL))
		return api_fail(err, API_AttachFailed, "cannot attach XDP (%s mode) to %s: %s",
				want->generic ? "generic" : "native", want->name, strerror(errno));
	snprintf(done->name, sizeof(done->name), "%s", want->name);
	done->ifindex = ifindex;
	done->role = want->role;
	done->generic = want->generic;
	done->slot = entry.slot;
	done->mtu = entry.mtu;
	return 0;
}

static void detach(struct datapath *dp, const struct attached_iface *iface)
{
	__u32 key = (__u32)iface->ifindex, slot = iface->slot;
	struct xl_iface none = { 0 };

	bpf_xdp_detach(iface->ifindex, mode_flags(iface->generic), NULL);
	bpf_map__delete_elem(dp->skel->maps.xdplink_ifaces_v2, &key, sizeof(key), 0);
	bpf_map__update_elem(dp->skel->maps.xdplink_iface_slots_v1, &slot, sizeof(slot), &none,
			     sizeof(none), BPF_ANY);
	bpf_map__delete_elem(dp->skel->maps.xdplink_tx_ports_v1, &key, sizeof(key), 0);
	isolation_remove(iface->name);
	log_info("detached from %s", iface->name);
}

/* SYNs may announce no larger segment than the smallest attached interface carries:
 * a target's reply leaves by another interface than the client's SYN came in by. */
static int clamp_segments(struct datapath *dp)
{
	uint32_t smallest = 0;

	for (size_t i = 0; i < dp->iface_count; i++)
		if (!smallest || dp->ifaces[i].mtu < smallest)
			smallest = dp->ifaces[i].mtu;
	uint16_t clamp = smallest > 40 ? (uint16_t)(smallest - 40) : 0;

	if (clamp == dp->config.mss_clamp)
		return 0;
	dp->config.mss_clamp = clamp;
	log_info("SYNs announce segments of %u bytes at most", clamp);
	return datapath_write_config(dp);
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

			if (attach(dp, w, now, count, a, &why) < 0) {
				if (strict && !strcmp(strict, w->name)) {
					free(now);
					*err = why;
					return -1;
				}
				log_warn("%s", why.message);
				pending = true;
				continue;
			}
			log_info("attached to %s as %s (%s, MTU %u); the kernel forwards nothing "
				 "from it (ip rule pref %d iif %s blackhole)",
				 w->name, xl_role_name(w->role), w->generic ? "generic" : "native",
				 a->mtu, ISOLATION_RULE_PREF, w->name);
		}
		count++;
	}
	free(dp->ifaces);
	dp->ifaces = now;
	dp->iface_count = count;
	dp->ifaces_pending = pending;
	return clamp_segments(dp);
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

const char *datapath_provider_iface(const struct datapath *dp)
{
	const char *found = NULL;

	for (size_t i = 0; i < dp->iface_count; i++) {
		if (dp->ifaces[i].role != XL_ROLE_PROVIDER)
			continue;
		if (found)
			return NULL;
		found = dp->ifaces[i].name;
	}
	return found;
}
