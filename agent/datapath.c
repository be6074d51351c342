/* The data path as the agent holds it: load with pinned maps, attach, and make the
 * maps what the model's projection says, writing only what changed. */
#include "datapath.h"
#include "exclusive.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "frontends.h"
#include "key_set.h"
#include "log.h"
#include "maglev.h"

#define XL_REASON_NAME(id, name, text) name,
const char *const xl_reason_names[XL_REASON_COUNT] = { XL_REASONS(XL_REASON_NAME) };
#undef XL_REASON_NAME

static int fail(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -1;
}

static size_t mmap_size(const struct bpf_map *map)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t bytes = (size_t)bpf_map__max_entries(map) * ((bpf_map__value_size(map) + 7) & ~7u);

	return (bytes + page - 1) / page * page;
}

static void *map_memory(const struct bpf_map *map)
{
	void *mem =
	    mmap(NULL, mmap_size(map), PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(map), 0);

	return mem == MAP_FAILED ? NULL : mem;
}

/* The maps live in a BPF filesystem, where pins outlive the agent; the directory stays
 * locked while this agent runs. */
static int prepare_pin_dir(struct datapath *dp, char *err, size_t size)
{
	const char *dir = dp->pin_dir;
	struct statfs fs;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return fail(err, size, "cannot create %s: %s", dir, strerror(errno));
	if (statfs(dir, &fs) || fs.f_type != BPF_FS_MAGIC)
		return fail(
		    err, size,
		    "%s is not on a BPF filesystem: mount one (mount -t bpf bpf /sys/fs/bpf) "
		    "or choose another --pin-dir",
		    dir);
	dp->pin_lock = hold_exclusive(dir);
	if (dp->pin_lock < 0 && errno == EWOULDBLOCK)
		return fail(err, size,
			    "the maps pinned in %s are in use by another xdplinkd: one agent per "
			    "--pin-dir",
			    dir);
	if (dp->pin_lock < 0)
		return fail(err, size, "cannot open %s: %s", dir, strerror(errno));
	return 0;
}

/* A pinned map of another layout (other sizes, an older version) is never reused
 * silently: say which, and what to do. */
static int check_pinned(struct bpf_map *map, const char *path, char *err, size_t size)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return errno == ENOENT
			   ? 0
			   : fail(err, size, "cannot open %s: %s", path, strerror(errno));
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		close(fd);
		return fail(err, size, "cannot read %s: %s", path, strerror(errno));
	}
	close(fd);
	/* The kernel adds BPF_F_RDONLY_PROG to device maps itself, and libbpf compares
	 * flags exactly when it reuses a pin: take the pinned map's. */
	if (info.type == bpf_map__type(map) && info.key_size == bpf_map__key_size(map) &&
	    info.value_size == bpf_map__value_size(map) &&
	    info.max_entries == bpf_map__max_entries(map) &&
	    (info.map_flags & ~BPF_F_RDONLY_PROG) == bpf_map__map_flags(map))
		return bpf_map__set_map_flags(map, info.map_flags);
	return fail(err, size,
		    "the pinned map %s has another layout (max_entries %u, this agent wants %u): "
		    "start with the same sizes, or remove the pin directory to start afresh, "
		    "which drops every flow",
		    path, info.max_entries, bpf_map__max_entries(map));
}

/* Pins of maps this program does not have are an older layout's (a renamed, versioned
 * map): nothing will use them again, and they would hold their memory for ever. */
static void remove_stale_pins(const struct datapath *dp)
{
	DIR *dir = opendir(dp->pin_dir);
	struct dirent *entry;

	if (!dir)
		return;
	while ((entry = readdir(dir))) {
		char path[512];

		if (strncmp(entry->d_name, "xdplink_", 8) ||
		    bpf_object__find_map_by_name(dp->skel->obj, entry->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dp->pin_dir, entry->d_name);
		if (unlink(path))
			log_warn("cannot remove %s, a map of an older layout: %s", path,
				 strerror(errno));
		else
			log_info("removed %s, a map of an older layout, and what it held", path);
	}
	closedir(dir);
}

static int pin_maps(struct datapath *dp, char *err, size_t size)
{
	struct bpf_map *map;
	char path[512];

	bpf_object__for_each_map(map, dp->skel->obj)
	{
		snprintf(path, sizeof(path), "%s/%s", dp->pin_dir, bpf_map__name(map));
		if (check_pinned(map, path, err, size) || bpf_map__set_pin_path(map, path))
			return -1;
	}
	return 0;
}

static void size_maps(struct xdplink *skel, const struct datapath_options *opts)
{
	bpf_map__set_max_entries(skel->maps.xdplink_flows_v3, opts->max_flows);
	bpf_map__set_max_entries(skel->maps.xdplink_rnat_v3, opts->max_flows);
	bpf_map__set_max_entries(skel->maps.xdplink_endpoints_v1, opts->max_endpoints);
	bpf_map__set_max_entries(skel->maps.xdplink_endpoint_stats_v1, opts->max_endpoints);
	bpf_map__set_max_entries(skel->maps.xdplink_backends_v2, opts->max_backends);
	bpf_map__set_max_entries(skel->maps.xdplink_conns_v1, opts->max_backends);
	bpf_map__set_max_entries(skel->maps.xdplink_members_v1, opts->max_members);
	bpf_map__set_max_entries(skel->maps.xdplink_member_stats_v1, opts->max_members);
	bpf_map__set_max_entries(skel->maps.xdplink_member_conns_v1, opts->max_members);
	bpf_map__set_max_entries(skel->maps.xdplink_pools_v1, opts->max_pools);
	bpf_map__set_max_entries(skel->maps.xdplink_pool_index_v1, opts->max_pools);
	bpf_map__set_max_entries(skel->maps.xdplink_maglev_v2, opts->max_tables);
	bpf_map__set_max_entries(skel->maps.xdplink_frontends_v1, opts->max_endpoints * 16);
}

/* Reads a whole array map in one system call. */
static int read_array(struct bpf_map *map, uint32_t count, void *values)
{
	uint32_t *keys = calloc(count, sizeof(*keys)), batch, read = count;
	int rc;

	if (!keys)
		return -1;
	rc = bpf_map_lookup_batch(bpf_map__fd(map), NULL, &batch, keys, values, &read, NULL);
	free(keys);
	return rc && errno != ENOENT ? -1 : 0;
}

/* What a restarted agent finds in the pinned maps becomes its starting point. */
static int read_maps(struct datapath *dp)
{
	struct xl_endpoint *endpoints = calloc(dp->max_endpoints, sizeof(*endpoints));
	int rc = -1;

	if (endpoints &&
	    !read_array(dp->skel->maps.xdplink_endpoints_v1, dp->max_endpoints, endpoints) &&
	    !read_array(dp->skel->maps.xdplink_backends_v2, dp->max_backends, dp->backends) &&
	    !read_array(dp->skel->maps.xdplink_members_v1, dp->max_members, dp->members)) {
		for (uint32_t slot = 0; slot < dp->max_endpoints; slot++)
			dp->endpoint_state[slot] = endpoints[slot].state;
		for (uint32_t slot = 0; slot < dp->max_tables; slot++) {
			uint32_t inner_id;

			if (!bpf_map__lookup_elem(dp->skel->maps.xdplink_maglev_v2, &slot,
						  sizeof(slot), &inner_id, sizeof(inner_id), 0))
				dp->table_digest[slot] = 1;
		}
		rc = 0;
	}
	free(endpoints);
	return rc;
}

static int allocate_caches(struct datapath *dp)
{
	dp->table_digest = calloc(dp->max_tables, sizeof(*dp->table_digest));
	dp->endpoint_state = calloc(dp->max_endpoints, sizeof(*dp->endpoint_state));
	dp->endpoint_id = calloc(dp->max_endpoints, sizeof(*dp->endpoint_id));
	dp->closed.endpoints = calloc(dp->max_endpoints, sizeof(*dp->closed.endpoints));
	dp->backends = calloc(dp->max_backends, sizeof(*dp->backends));
	dp->members = calloc(dp->max_members, sizeof(*dp->members));
	return dp->table_digest && dp->endpoint_state && dp->endpoint_id && dp->closed.endpoints &&
		       dp->backends && dp->members
		   ? 0
		   : -1;
}

struct datapath *datapath_open(const struct datapath_options *opts, char *err, size_t err_size)
{
	struct datapath *dp = calloc(1, sizeof(*dp));
	uint32_t zero = 0;

	if (!dp)
		return NULL;
	dp->pin_lock = -1;
	snprintf(dp->pin_dir, sizeof(dp->pin_dir), "%s", opts->pin_dir);
	dp->config = opts->config;
	dp->max_endpoints = opts->max_endpoints;
	dp->max_backends = opts->max_backends;
	dp->max_members = opts->max_members;
	dp->max_pools = opts->max_pools;
	dp->max_tables = opts->max_tables;
	if (allocate_caches(dp)) {
		fail(err, err_size, "out of memory");
		goto failed;
	}
	if (prepare_pin_dir(dp, err, err_size))
		goto failed;
	dp->skel = xdplink__open();
	if (!dp->skel) {
		fail(err, err_size, "cannot open the BPF object: %s", strerror(errno));
		goto failed;
	}
	size_maps(dp->skel, opts);
	if (pin_maps(dp, err, err_size))
		goto failed;
	if (xdplink__load(dp->skel)) {
		fail(err, err_size,
		     "cannot load the XDP program and its maps (%s); the lines above say why",
		     strerror(errno));
		goto failed;
	}
	remove_stale_pins(dp);
	dp->conns = map_memory(dp->skel->maps.xdplink_conns_v1);
	dp->conns_size = mmap_size(dp->skel->maps.xdplink_conns_v1);
	dp->member_conns = map_memory(dp->skel->maps.xdplink_member_conns_v1);
	dp->member_conns_size = mmap_size(dp->skel->maps.xdplink_member_conns_v1);
	dp->pools = map_memory(dp->skel->maps.xdplink_pools_v1);
	dp->pools_size = mmap_size(dp->skel->maps.xdplink_pools_v1);
	dp->address_words = map_memory(dp->skel->maps.xdplink_addresses_v1);
	dp->address_size = mmap_size(dp->skel->maps.xdplink_addresses_v1);
	dp->clock = map_memory(dp->skel->maps.xdplink_clock_v1);
	dp->clock_size = mmap_size(dp->skel->maps.xdplink_clock_v1);
	if (!dp->conns || !dp->member_conns || !dp->pools || !dp->address_words || !dp->clock) {
		fail(err, err_size, "cannot map the shared counters: %s", strerror(errno));
		goto failed;
	}
	if (bpf_map__update_elem(dp->skel->maps.xdplink_config_v1, &zero, sizeof(zero), &dp->config,
				 sizeof(dp->config), BPF_ANY) ||
	    read_maps(dp)) {
		fail(err, err_size, "cannot set up the maps: %s", strerror(errno));
		goto failed;
	}
	return dp;
failed:
	datapath_close(dp);
	return NULL;
}

void datapath_close(struct datapath *dp)
{
	if (!dp)
		return;
	if (dp->conns)
		munmap(dp->conns, dp->conns_size);
	if (dp->member_conns)
		munmap(dp->member_conns, dp->member_conns_size);
	if (dp->pools)
		munmap(dp->pools, dp->pools_size);
	if (dp->address_words)
		munmap(dp->address_words, dp->address_size);
	if (dp->clock)
		munmap(dp->clock, dp->clock_size);
	xdplink__destroy(dp->skel);
	if (dp->pin_lock >= 0)
		close(dp->pin_lock);
	free(dp->table_digest);
	free(dp->endpoint_state);
	free(dp->endpoint_id);
	free(dp->closed.endpoints);
	free(dp->closed.listeners);
	free(dp->backends);
	free(dp->members);
	free(dp->ifaces);
	free(dp);
}

void datapath_set_clock(struct datapath *dp, uint64_t ms)
{
	__atomic_store_n(&dp->clock->ms, ms, __ATOMIC_RELAXED);
}

/* ---- Interfaces ------------------------------------------------------------ */

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

static int attach(struct datapath *dp, const struct dp_iface *want, char *err, size_t size)
{
	struct xl_iface entry = { .role = want->role };
	int ifindex = (int)if_nametoindex(want->name);
	__u32 key = (__u32)ifindex;

	if (!ifindex)
		return fail(err, size, "there is no interface named %s", want->name);
	if (interface_mac(want->name, entry.mac))
		return fail(err, size, "cannot read the address of %s: %s", want->name,
			    strerror(errno));
	if (bpf_map__update_elem(dp->skel->maps.xdplink_ifaces_v1, &key, sizeof(key), &entry,
				 sizeof(entry), BPF_ANY) ||
	    bpf_map__update_elem(dp->skel->maps.xdplink_tx_ports_v1, &key, sizeof(key), &key,
				 sizeof(key), BPF_ANY))
		return fail(err, size, "cannot register %s in the maps: %s", want->name,
			    strerror(errno));
	if (want->role != XL_ROLE_PROVIDER)
		enable_forwarding(want->name);
	/* A program of the other mode would make the attach fail: take it off first. */
	bpf_xdp_detach(ifindex, mode_flags(!want->generic), NULL);
	if (bpf_xdp_attach(ifindex, role_program(dp, want->role), mode_flags(want->generic), NULL))
		return fail(err, size, "cannot attach XDP (%s mode) to %s: %s",
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

static int apply_ifaces(struct datapath *dp, const struct dataplane *want, const char *strict,
			char *err, size_t size)
{
	struct attached_iface *now = calloc(want->iface_count + 1, sizeof(*now));
	size_t count = 0;

	if (!now)
		return fail(err, size, "out of memory");
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
			char why[256];
			int ifindex = attach(dp, w, why, sizeof(why));

			if (ifindex < 0 && strict && !strcmp(strict, w->name)) {
				free(now);
				return fail(err, size, "%s", why);
			}
			if (ifindex < 0) {
				log_warn("%s", why);
				continue;
			}
			log_info("attached to %s as %s (%s)", w->name,
				 w->role == XL_ROLE_CONSUMER   ? "consumer"
				 : w->role == XL_ROLE_PROVIDER ? "provider"
							       : "both",
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
	return 0;
}

const struct attached_iface *datapath_iface(const struct datapath *dp, const char *name)
{
	for (size_t i = 0; i < dp->iface_count; i++)
		if (!strcmp(dp->ifaces[i].name, name))
			return &dp->ifaces[i];
	return NULL;
}

/* ---- Counters ---------------------------------------------------------------- */

static void zero_percpu(struct bpf_map *map, uint32_t slot)
{
	size_t size = (size_t)libbpf_num_possible_cpus() * bpf_map__value_size(map);
	void *zeros = calloc(1, size);

	if (zeros)
		bpf_map__update_elem(map, &slot, sizeof(slot), zeros, size, BPF_ANY);
	free(zeros);
}

static int sum_traffic(struct bpf_map *map, uint32_t slot, struct xl_traffic *sum)
{
	int cpus = libbpf_num_possible_cpus();
	struct xl_traffic *per_cpu = calloc((size_t)cpus, sizeof(*per_cpu));
	int rc = -1;

	memset(sum, 0, sizeof(*sum));
	if (per_cpu && !bpf_map__lookup_elem(map, &slot, sizeof(slot), per_cpu,
					     (size_t)cpus * sizeof(*per_cpu), 0)) {
		for (int i = 0; i < cpus; i++) {
			sum->new_flows += per_cpu[i].new_flows;
			sum->packets_in += per_cpu[i].packets_in;
			sum->bytes_in += per_cpu[i].bytes_in;
			sum->packets_out += per_cpu[i].packets_out;
			sum->bytes_out += per_cpu[i].bytes_out;
			sum->resets += per_cpu[i].resets;
			sum->port_alloc_errors += per_cpu[i].port_alloc_errors;
			sum->drops += per_cpu[i].drops;
		}
		rc = 0;
	}
	free(per_cpu);
	return rc;
}

int datapath_member_traffic(struct datapath *dp, uint32_t member, struct xl_traffic *sum)
{
	return sum_traffic(dp->skel->maps.xdplink_member_stats_v1, member, sum);
}

int datapath_endpoint_traffic(struct datapath *dp, uint32_t endpoint, struct xl_traffic *sum)
{
	return sum_traffic(dp->skel->maps.xdplink_endpoint_stats_v1, endpoint, sum);
}

int datapath_reasons(struct datapath *dp, uint64_t counts[XL_REASON_COUNT])
{
	int cpus = libbpf_num_possible_cpus();
	uint64_t *per_cpu = calloc((size_t)cpus, sizeof(*per_cpu));

	if (!per_cpu)
		return -1;
	for (uint32_t reason = 0; reason < XL_REASON_COUNT; reason++) {
		counts[reason] = 0;
		if (bpf_map__lookup_elem(dp->skel->maps.xdplink_reasons_v1, &reason, sizeof(reason),
					 per_cpu, (size_t)cpus * sizeof(*per_cpu), 0))
			continue;
		for (int i = 0; i < cpus; i++)
			counts[reason] += per_cpu[i];
	}
	free(per_cpu);
	return 0;
}

static uint32_t active_flows(const struct xl_conns *conns, uint32_t slots, uint32_t slot)
{
	return slot < slots ? __atomic_load_n(&conns[slot].active, __ATOMIC_RELAXED) : 0;
}

uint32_t datapath_active_flows(const struct datapath *dp, uint32_t backend)
{
	return active_flows(dp->conns, dp->max_backends, backend);
}

uint32_t datapath_member_active_flows(const struct datapath *dp, uint32_t member)
{
	return active_flows(dp->member_conns, dp->max_members, member);
}

bool datapath_pool_empty(const struct datapath *dp, uint32_t pool)
{
	if (pool >= dp->max_pools)
		return true;
	for (int w = 0; w < XL_POOL_WORDS; w++)
		if (__atomic_load_n(&dp->pools[pool].used[w], __ATOMIC_RELAXED))
			return false;
	return true;
}

/* ---- Backends, pools, tables, endpoints, frontends -------------------------- */

static int write_backend(struct datapath *dp, uint32_t slot, const struct xl_backend *next)
{
	struct xl_backend *now = &dp->backends[slot];

	if (now->addr == next->addr && now->port == next->port && now->flags == next->flags)
		return 0;
	if (bpf_map__update_elem(dp->skel->maps.xdplink_backends_v2, &slot, sizeof(slot), next,
				 sizeof(*next), BPF_ANY))
		return -1;
	*now = *next;
	return 0;
}

static int apply_backends(struct datapath *dp, const struct dataplane *want)
{
	bool *kept = calloc(dp->max_backends, sizeof(*kept));
	const struct xl_backend none = { 0 };
	int rc = 0;

	if (!kept)
		return -1;
	for (size_t i = 0; i < want->backend_count && !rc; i++) {
		const struct dp_backend *b = &want->backends[i];
		struct xl_backend next = { .addr = b->addr, .port = b->port, .flags = b->flags };

		if (b->slot >= dp->max_backends)
			continue;
		kept[b->slot] = true;
		rc = write_backend(dp, b->slot, &next);
	}
	for (uint32_t slot = 1; slot < dp->max_backends && !rc; slot++)
		if (!kept[slot] && dp->backends[slot].addr)
			rc = write_backend(dp, slot, &none);
	free(kept);
	return rc;
}

/* A member slot is written 0 by the sync of the change that releases it, so a
 * registration that takes it later always changes it: then it starts with fresh
 * counters. A restarted agent reads the map and keeps them. */
static int write_member(struct datapath *dp, uint32_t slot, const struct xl_member *next)
{
	struct xl_member *now = &dp->members[slot];

	if (now->backend == next->backend)
		return 0;
	if (next->backend != XL_NO_BACKEND) {
		zero_percpu(dp->skel->maps.xdplink_member_stats_v1, slot);
		__atomic_store_n(&dp->member_conns[slot].active, 0, __ATOMIC_RELAXED);
	}
	if (bpf_map__update_elem(dp->skel->maps.xdplink_members_v1, &slot, sizeof(slot), next,
				 sizeof(*next), BPF_ANY))
		return -1;
	*now = *next;
	return 0;
}

static int apply_members(struct datapath *dp, const struct dataplane *want)
{
	bool *kept = calloc(dp->max_members, sizeof(*kept));
	const struct xl_member none = { 0 };
	int rc = 0;

	if (!kept)
		return -1;
	for (size_t i = 0; i < want->member_count && !rc; i++) {
		const struct dp_member *r = &want->members[i];
		struct xl_member next = { .backend = r->backend };

		if (r->slot >= dp->max_members)
			continue;
		kept[r->slot] = true;
		rc = write_member(dp, r->slot, &next);
	}
	for (uint32_t slot = 1; slot < dp->max_members && !rc; slot++)
		if (!kept[slot] && dp->members[slot].backend)
			rc = write_member(dp, slot, &none);
	free(kept);
	return rc;
}

static uint64_t pool_key64(uint32_t snat_addr, uint32_t backend)
{
	return (uint64_t)snat_addr << 32 | backend;
}

static bool pool_kept(const void *key, void *set)
{
	const struct xl_pool_key *k = key;

	return key_set_has(set, pool_key64(k->snat_addr, k->backend));
}

static int apply_pools(struct datapath *dp, const struct dataplane *want)
{
	struct bpf_map *index = dp->skel->maps.xdplink_pool_index_v1;
	struct key_set set = { calloc(want->pool_count + 1, sizeof(uint64_t)), want->pool_count };

	if (!set.keys)
		return -1;

	for (size_t i = 0; i < want->pool_count; i++) {
		const struct dp_pool *p = &want->pools[i];
		struct xl_pool_key k = { .snat_addr = p->snat_addr, .backend = p->backend };
		struct xl_pool_slot slot = { .pool = p->slot }, now;

		set.keys[i] = pool_key64(p->snat_addr, p->backend);
		if (p->slot >= dp->max_pools)
			continue;
		if (!bpf_map__lookup_elem(index, &k, sizeof(k), &now, sizeof(now), 0) &&
		    now.pool == p->slot)
			continue;
		/* A slot given to a new (node IP, target) starts with every port free. */
		memset(&dp->pools[p->slot], 0, sizeof(dp->pools[p->slot]));
		if (bpf_map__update_elem(index, &k, sizeof(k), &slot, sizeof(slot), BPF_ANY)) {
			free(set.keys);
			return -1;
		}
	}
	/* Pools no longer wanted take no new flows; their slot stays with the model
	 * until every port is back. */
	key_set_sort(&set);
	key_set_prune(index, pool_kept, &set);
	free(set.keys);
	return 0;
}

static uint64_t table_digest(const struct datapath *dp, const struct dp_table *t)
{
	uint64_t h = 1469598103934665603ULL ^ dp->config.maglev_size ^
		     ((uint64_t)dp->config.hash_seed << 32);

	for (size_t i = 0; i < t->count; i++) {
		h = (h ^ t->members[i].member) * 1099511628211ULL;
		h = (h ^ t->members[i].addr) * 1099511628211ULL;
		h = (h ^ t->members[i].port) * 1099511628211ULL;
	}
	return h ? h : 1;
}

/* Builds the table in a new inner map and swaps it in with one update: a lookup
 * sees the old table or the new one, never half of each. */
static int install_table(struct datapath *dp, const struct dp_table *t)
{
	uint32_t size = dp->config.maglev_size, count = size;
	struct maglev_backend *members = calloc(t->count + 1, sizeof(*members));
	uint32_t *keys = malloc(size * sizeof(*keys)), *slots = malloc(size * sizeof(*slots));
	LIBBPF_OPTS(bpf_map_create_opts, create, .map_flags = BPF_F_INNER_MAP);
	int inner = -1, rc = -1;

	if (!members || !keys || !slots)
		goto out;
	for (size_t i = 0; i < t->count; i++)
		members[i] = (struct maglev_backend){ .slot = t->members[i].member,
						      .addr = t->members[i].addr,
						      .port = t->members[i].port };
	if (maglev_build(members, t->count, size, dp->config.hash_seed, slots))
		goto out;
	for (uint32_t i = 0; i < size; i++)
		keys[i] = i;
	inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "xdplink_table", sizeof(uint32_t),
			       sizeof(uint32_t), size, &create);
	if (inner < 0 || bpf_map_update_batch(inner, keys, slots, &count, NULL))
		goto out;
	rc = bpf_map__update_elem(dp->skel->maps.xdplink_maglev_v2, &t->slot, sizeof(t->slot),
				  &inner, sizeof(inner), BPF_ANY);
out:
	if (inner >= 0)
		close(inner); /* the outer map holds it now */
	free(members);
	free(keys);
	free(slots);
	return rc;
}

static int apply_tables(struct datapath *dp, const struct dataplane *want)
{
	bool *kept = calloc(dp->max_tables, sizeof(*kept));

	if (!kept)
		return -1;
	for (size_t i = 0; i < want->table_count; i++) {
		const struct dp_table *t = &want->tables[i];
		uint64_t digest = table_digest(dp, t);

		if (t->slot >= dp->max_tables)
			continue;
		kept[t->slot] = true;
		if (dp->table_digest[t->slot] == digest)
			continue;
		if (install_table(dp, t)) {
			free(kept);
			return -1;
		}
		dp->table_digest[t->slot] = digest;
	}
	for (uint32_t slot = 0; slot < dp->max_tables; slot++) {
		if (kept[slot] || !dp->table_digest[slot])
			continue;
		bpf_map__delete_elem(dp->skel->maps.xdplink_maglev_v2, &slot, sizeof(slot), 0);
		dp->table_digest[slot] = 0;
	}
	free(kept);
	return 0;
}

static void set_endpoint(struct datapath *dp, uint32_t slot, uint32_t state, const char *id)
{
	struct xl_endpoint ep = { .state = state };

	if (strcmp(dp->endpoint_id[slot], id)) {
		/* Restarted agents know the slots but not the ids: keep the counters. */
		if (dp->endpoint_id[slot][0])
			zero_percpu(dp->skel->maps.xdplink_endpoint_stats_v1, slot);
		snprintf(dp->endpoint_id[slot], sizeof(dp->endpoint_id[slot]), "%s", id);
	}
	if (dp->endpoint_state[slot] == state)
		return;
	if (dp->endpoint_state[slot] == XL_EP_AVAILABLE)
		dp->closed.endpoints[dp->closed.endpoint_count++] = slot;
	bpf_map__update_elem(dp->skel->maps.xdplink_endpoints_v1, &slot, sizeof(slot), &ep,
			     sizeof(ep), BPF_ANY);
	dp->endpoint_state[slot] = state;
}

static void apply_endpoints(struct datapath *dp, const struct dataplane *want)
{
	bool *kept = calloc(dp->max_endpoints, sizeof(*kept));

	if (!kept)
		return;
	for (size_t i = 0; i < want->endpoint_count; i++) {
		const struct dp_endpoint *e = &want->endpoints[i];

		if (e->slot >= dp->max_endpoints)
			continue;
		kept[e->slot] = true;
		set_endpoint(dp, e->slot, e->state, e->id);
	}
	for (uint32_t slot = 1; slot < dp->max_endpoints; slot++)
		if (!kept[slot] && dp->endpoint_state[slot])
			set_endpoint(dp, slot, 0, "");
	free(kept);
}

int datapath_apply(struct datapath *dp, const struct dataplane *want, const char *strict_iface,
		   char *err, size_t err_size)
{
	dp->closed.endpoint_count = 0;
	dp->closed.listener_count = 0;
	if (apply_ifaces(dp, want, strict_iface, err, err_size))
		return -1;
	/* Each before what points at it: members before the tables that hold them, tables
	 * before the listeners (frontends, last) that use them. */
	if (apply_backends(dp, want) || apply_members(dp, want) || apply_pools(dp, want) ||
	    apply_tables(dp, want))
		return fail(err, err_size, "cannot program the data path: %s", strerror(errno));
	apply_endpoints(dp, want);
	if (frontends_apply(dp, want))
		return fail(err, err_size, "cannot program the listeners: %s", strerror(errno));
	return 0;
}
