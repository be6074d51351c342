/* SPDX-License-Identifier: MIT */
/* The data path as the agent holds it: the program loaded with its maps pinned (one
 * agent per pin directory), the clock it publishes, and the counters it reads.
 * datapath_apply.c makes the maps what the model says. */
#include "datapath_internal.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "exclusive.h"
#include "log.h"
#include "outer_map.h"

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
static int prepare_pin_dir(struct datapath *dp, struct api_error *err)
{
	const char *dir = dp->pin_dir;
	struct statfs fs;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return api_fail(err, API_InternalError, "cannot create %s: %s", dir,
				strerror(errno));
	if (statfs(dir, &fs) || fs.f_type != BPF_FS_MAGIC)
		return api_fail(
		    err, API_InternalError,
		    "%s is not on a BPF filesystem: mount one (mount -t bpf bpf /sys/fs/bpf) "
		    "or choose another --pin-dir",
		    dir);
	dp->pin_lock = hold_exclusive(dir);
	if (dp->pin_lock < 0 && errno == EWOULDBLOCK)
		return api_fail(
		    err, API_InternalError,
		    "the maps pinned in %s are in use by another xdplinkd: one agent per "
		    "--pin-dir",
		    dir);
	if (dp->pin_lock < 0)
		return api_fail(err, API_InternalError, "cannot open %s: %s", dir, strerror(errno));
	return 0;
}

/* A pinned map of another layout (other sizes, an older version) is never reused
 * silently: say which, and what to do. */
static int check_pinned(struct bpf_map *map, const char *path, struct api_error *err)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return errno == ENOENT ? 0
				       : api_fail(err, API_InternalError, "cannot open %s: %s",
						  path, strerror(errno));
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		close(fd);
		return api_fail(err, API_InternalError, "cannot read %s: %s", path,
				strerror(errno));
	}
	close(fd);
	/* The kernel adds BPF_F_RDONLY_PROG to device maps itself, and libbpf compares
	 * flags exactly when it reuses a pin: take the pinned map's. */
	if (info.type == bpf_map__type(map) && info.key_size == bpf_map__key_size(map) &&
	    info.value_size == bpf_map__value_size(map) &&
	    info.max_entries == bpf_map__max_entries(map) &&
	    (info.map_flags & ~BPF_F_RDONLY_PROG) == bpf_map__map_flags(map))
		return bpf_map__set_map_flags(map, info.map_flags);
	return api_fail(
	    err, API_InternalError,
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

static int pin_maps(struct datapath *dp, struct api_error *err)
{
	struct bpf_map *map;
	char path[512];

	bpf_object__for_each_map(map, dp->skel->obj) {
		/* The program's constants (.rodata) are its own, not state to keep. */
		if (bpf_map__is_internal(map))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dp->pin_dir, bpf_map__name(map));
		if (check_pinned(map, path, err) || bpf_map__set_pin_path(map, path))
			return -1;
	}
	return 0;
}

static void size_maps(struct xdplink *skel, const struct datapath_options *opts)
{
	bpf_map__set_max_entries(skel->maps.xdplink_flows_v4, flow_table_slots(opts->max_flows));
	bpf_map__set_max_entries(skel->maps.xdplink_flow_pages_v1,
				 flow_table_page_words(opts->max_flows));
	bpf_map__set_max_entries(skel->maps.xdplink_endpoints_v2, opts->max_endpoints);
	bpf_map__set_max_entries(skel->maps.xdplink_endpoint_stats_v1, opts->max_endpoints);
	bpf_map__set_max_entries(skel->maps.xdplink_backends_v2, opts->max_backends);
	bpf_map__set_max_entries(skel->maps.xdplink_conns_v2, opts->max_backends);
	bpf_map__set_max_entries(skel->maps.xdplink_members_v1, opts->max_members);
	bpf_map__set_max_entries(skel->maps.xdplink_member_stats_v1, opts->max_members);
	bpf_map__set_max_entries(skel->maps.xdplink_member_conns_v2, opts->max_members);
	bpf_map__set_max_entries(skel->maps.xdplink_pools_v1, opts->max_pools);
	bpf_map__set_max_entries(skel->maps.xdplink_pool_index_v2, opts->max_pools);
	bpf_map__set_max_entries(skel->maps.xdplink_pool_flows_v1, opts->max_pools);
	bpf_map__set_max_entries(skel->maps.xdplink_maglev_v2, opts->max_tables);
	bpf_map__set_max_entries(skel->maps.xdplink_frontends_v3, opts->max_frontends);
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

/* The key of each pool slot in the pool index. */
static int read_pool_index(struct datapath *dp)
{
	struct bpf_map *index = dp->skel->maps.xdplink_pool_index_v2;
	struct xl_pool_key key, next, *prev = NULL;

	while (!bpf_map__get_next_key(index, prev, &next, sizeof(next))) {
		struct xl_pool_slot slot;

		key = next;
		prev = &key;
		if (!bpf_map__lookup_elem(index, &key, sizeof(key), &slot, sizeof(slot), 0) &&
		    slot.pool < dp->max_pools)
			dp->pool_keys[slot.pool] = key;
	}
	return 0;
}

/* What a restarted agent finds in the pinned maps becomes its starting point. */
static int read_maps(struct datapath *dp)
{
	struct xl_endpoint *endpoints = calloc(dp->max_endpoints, sizeof(*endpoints));
	bool *tables = calloc(dp->max_tables, sizeof(*tables));
	int rc = -1;

	if (endpoints && tables &&
	    !read_array(dp->skel->maps.xdplink_endpoints_v2, dp->max_endpoints, endpoints) &&
	    !read_array(dp->skel->maps.xdplink_backends_v2, dp->max_backends, dp->backends) &&
	    !read_array(dp->skel->maps.xdplink_members_v1, dp->max_members, dp->members) &&
	    !read_pool_index(dp) && !frontends_read(dp) && !guards_read(dp)) {
		outer_map_read(bpf_map__fd(dp->skel->maps.xdplink_maglev_v2), dp->max_tables,
			       tables);
		for (uint32_t slot = 0; slot < dp->max_endpoints; slot++)
			dp->endpoint_state[slot] = endpoints[slot].state;
		for (uint32_t slot = 0; slot < dp->max_tables; slot++)
			dp->table_digest[slot] = tables[slot]; /* 1: a table of unknown members */
		rc = 0;
	}
	free(endpoints);
	free(tables);
	return rc;
}

/* A pinned flow's SNAT port is an index into its pool from the first port of the range it
 * was given: with flows in the table, the range must stay (other options may change). */
static int check_port_range(const struct datapath *dp, struct api_error *err)
{
	struct xl_config pinned = { 0 };
	uint32_t zero = 0;

	if (bpf_map__lookup_elem(dp->skel->maps.xdplink_config_v2, &zero, sizeof(zero), &pinned,
				 sizeof(pinned), 0) ||
	    !pinned.port_count ||
	    (pinned.port_min == dp->config.port_min &&
	     pinned.port_count == dp->config.port_count) ||
	    !flows_pinned(dp))
		return 0;
	return api_fail(err, API_InternalError,
			"the flows pinned in %s use SNAT ports %u-%u: start with --snat-ports "
			"%u-%u while they last, or remove the pin directory to start afresh",
			dp->pin_dir, pinned.port_min, pinned.port_min + pinned.port_count - 1,
			pinned.port_min, pinned.port_min + pinned.port_count - 1);
}

static int allocate_caches(struct datapath *dp)
{
	dp->table_digest = calloc(dp->max_tables, sizeof(*dp->table_digest));
	dp->endpoint_state = calloc(dp->max_endpoints, sizeof(*dp->endpoint_state));
	dp->endpoint_id = calloc(dp->max_endpoints, sizeof(*dp->endpoint_id));
	dp->backends = calloc(dp->max_backends, sizeof(*dp->backends));
	dp->members = calloc(dp->max_members, sizeof(*dp->members));
	dp->pool_keys = calloc(dp->max_pools, sizeof(*dp->pool_keys));
	dp->guards = calloc(dp->max_endpoints, sizeof(*dp->guards));
	dp->filter_counts =
	    calloc((size_t)XL_ADDRESS_FILTER_WORDS * 64, sizeof(*dp->filter_counts));
	return dp->table_digest && dp->endpoint_state && dp->endpoint_id && dp->backends &&
		       dp->members && dp->pool_keys && dp->guards && dp->filter_counts
		   ? 0
		   : -1;
}

struct datapath *datapath_open(const struct datapath_options *opts, struct api_error *err)
{
	struct datapath *dp = calloc(1, sizeof(*dp));

	if (!dp)
		return NULL;
	dp->pin_lock = -1;
	snprintf(dp->pin_dir, sizeof(dp->pin_dir), "%s", opts->pin_dir);
	dp->config = opts->config;
	dp->config.flow_homes = flow_table_homes(opts->max_flows);
	dp->max_endpoints = opts->max_endpoints;
	dp->max_backends = opts->max_backends;
	dp->max_members = opts->max_members;
	dp->max_pools = opts->max_pools;
	dp->max_tables = opts->max_tables;
	if (allocate_caches(dp)) {
		api_fail(err, API_InternalError, "out of memory");
		goto failed;
	}
	if (prepare_pin_dir(dp, err))
		goto failed;
	dp->skel = xdplink__open();
	if (!dp->skel) {
		api_fail(err, API_InternalError, "cannot open the BPF object: %s", strerror(errno));
		goto failed;
	}
	size_maps(dp->skel, opts);
	if (pin_maps(dp, err))
		goto failed;
	if (xdplink__load(dp->skel)) {
		api_fail(err, API_InternalError,
			 "cannot load the XDP program and its maps (%s); the lines above say why",
			 strerror(errno));
		goto failed;
	}
	remove_stale_pins(dp);
	dp->conns = map_memory(dp->skel->maps.xdplink_conns_v2);
	dp->conns_size = mmap_size(dp->skel->maps.xdplink_conns_v2);
	dp->flows.slots = map_memory(dp->skel->maps.xdplink_flows_v4);
	dp->flows_size = mmap_size(dp->skel->maps.xdplink_flows_v4);
	dp->flows.pages = map_memory(dp->skel->maps.xdplink_flow_pages_v1);
	dp->pages_size = mmap_size(dp->skel->maps.xdplink_flow_pages_v1);
	dp->flows.homes = dp->config.flow_homes;
	dp->flows.hash_seed = dp->config.hash_seed;
	dp->half_open_node = map_memory(dp->skel->maps.xdplink_half_open_v1);
	dp->half_open_size = mmap_size(dp->skel->maps.xdplink_half_open_v1);
	dp->member_conns = map_memory(dp->skel->maps.xdplink_member_conns_v2);
	dp->member_conns_size = mmap_size(dp->skel->maps.xdplink_member_conns_v2);
	dp->pools = map_memory(dp->skel->maps.xdplink_pools_v1);
	dp->pools_size = mmap_size(dp->skel->maps.xdplink_pools_v1);
	dp->address_words = map_memory(dp->skel->maps.xdplink_addresses_v1);
	dp->address_size = mmap_size(dp->skel->maps.xdplink_addresses_v1);
	dp->clock = map_memory(dp->skel->maps.xdplink_clock_v2);
	dp->clock_size = mmap_size(dp->skel->maps.xdplink_clock_v2);
	if (!dp->conns || !dp->member_conns || !dp->pools || !dp->address_words || !dp->clock ||
	    !dp->flows.slots || !dp->flows.pages || !dp->half_open_node) {
		api_fail(err, API_InternalError, "cannot map the shared counters: %s",
			 strerror(errno));
		goto failed;
	}
	if (check_port_range(dp, err))
		goto failed;
	if (datapath_write_config(dp) || read_maps(dp)) {
		api_fail(err, API_InternalError, "cannot set up the maps: %s", strerror(errno));
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
	if (dp->flows.slots)
		munmap(dp->flows.slots, dp->flows_size);
	if (dp->flows.pages)
		munmap(dp->flows.pages, dp->pages_size);
	if (dp->half_open_node)
		munmap(dp->half_open_node, dp->half_open_size);
	xdplink__destroy(dp->skel);
	if (dp->pin_lock >= 0)
		close(dp->pin_lock);
	free(dp->table_digest);
	free(dp->endpoint_state);
	free(dp->endpoint_id);
	free(dp->backends);
	free(dp->members);
	free(dp->pool_keys);
	free(dp->filter_counts);
	mirror_free(&dp->frontends);
	guards_free(dp);
	free(dp->ifaces);
	free(dp);
}

void datapath_set_clock(struct datapath *dp, uint64_t ms)
{
	__atomic_store_n(&dp->clock->ms, ms, __ATOMIC_RELAXED);
	__atomic_store_n(&dp->clock->s, (uint32_t)(ms / 1000), __ATOMIC_RELAXED);
}

int datapath_write_config(struct datapath *dp)
{
	uint32_t zero = 0;

	return bpf_map__update_elem(dp->skel->maps.xdplink_config_v2, &zero, sizeof(zero),
				    &dp->config, sizeof(dp->config), BPF_ANY);
}

/* ---- Counters ---------------------------------------------------------------- */

static void add_traffic(struct xl_traffic *sum, const struct xl_traffic *one_cpu)
{
	sum->new_flows += one_cpu->new_flows;
	sum->packets_in += one_cpu->packets_in;
	sum->bytes_in += one_cpu->bytes_in;
	sum->packets_out += one_cpu->packets_out;
	sum->bytes_out += one_cpu->bytes_out;
	sum->resets += one_cpu->resets;
	sum->port_alloc_errors += one_cpu->port_alloc_errors;
	sum->drops += one_cpu->drops;
}

static int sum_traffic(struct bpf_map *map, uint32_t slot, struct xl_traffic *sum)
{
	int cpus = libbpf_num_possible_cpus();
	struct xl_traffic *per_cpu = calloc((size_t)cpus, sizeof(*per_cpu));
	int rc = -1;

	memset(sum, 0, sizeof(*sum));
	if (per_cpu && !bpf_map__lookup_elem(map, &slot, sizeof(slot), per_cpu,
					     (size_t)cpus * sizeof(*per_cpu), 0)) {
		for (int i = 0; i < cpus; i++)
			add_traffic(sum, &per_cpu[i]);
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

uint64_t datapath_total_active_flows(const struct datapath *dp)
{
	uint64_t total = 0;

	for (uint32_t slot = 0; slot < dp->max_backends; slot++)
		total += active_flows(dp->conns, dp->max_backends, slot);
	return total;
}

/* Reads the per-CPU traffic of the endpoint slots below `count` in batches, and sums it
 * per slot. */
struct xl_traffic *datapath_endpoints_traffic(struct datapath *dp, size_t count)
{
	enum {
		BATCH_SLOTS = 4096
	};
	int fd = bpf_map__fd(dp->skel->maps.xdplink_endpoint_stats_v1);
	size_t cpus = (size_t)libbpf_num_possible_cpus();
	struct xl_traffic *values = calloc(BATCH_SLOTS * cpus, sizeof(*values)), *sums;
	uint32_t *keys = calloc(BATCH_SLOTS, sizeof(*keys)), batch = 0, *in = NULL;
	bool last = false;
	size_t done = 0;

	if (count > dp->max_endpoints)
		count = dp->max_endpoints;
	sums = calloc(count + 1, sizeof(*sums));
	while (sums && values && keys && !last && done < count) {
		uint32_t got = count - done < BATCH_SLOTS ? (uint32_t)(count - done) : BATCH_SLOTS;
		int rc = bpf_map_lookup_batch(fd, in, &batch, keys, values, &got, NULL);

		if (rc && errno != ENOENT) {
			free(sums);
			sums = NULL;
			break;
		}
		last = rc != 0;
		done += got;
		for (uint32_t i = 0; i < got; i++)
			for (size_t cpu = 0; keys[i] < count && cpu < cpus; cpu++)
				add_traffic(&sums[keys[i]], &values[i * cpus + cpu]);
		in = &batch;
	}
	if (!values || !keys) {
		free(sums);
		sums = NULL;
	}
	free(values);
	free(keys);
	return sums;
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
