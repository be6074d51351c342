/* SPDX-License-Identifier: MIT */
/* The packet-test fixture: a private network namespace with real interfaces and
 * neighbours, and the real BPF object loaded with small maps and a known scene. */
#include "fixture.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "frames.h"
#include "maglev.h"
#include "reuse.h"

const uint8_t mac_cons[6] = { 0x02, 0, 0, 0, 0x0c, 0x00 };
const uint8_t mac_cons_peer[6] = { 0x02, 0, 0, 0, 0x0c, 0x01 };
const uint8_t mac_prov[6] = { 0x02, 0, 0, 0, 0x0d, 0x00 };
const uint8_t mac_target[7][6] = {
	{ 0 },
	{ 0x02, 0, 0, 0, 0x01, 0x21 },
	{ 0x02, 0, 0, 0, 0x01, 0x22 },
	{ 0x02, 0, 0, 0, 0x02, 0x21 },
	{ 0x02, 0, 0, 0, 0x02, 0x22 },
	{ 0x02, 0, 0, 0, 0x19, 0x09 },
	{ 0 },
};
const char *backend_ip[7] = { NULL,	   "10.0.1.21", "10.0.1.22", "10.0.2.21",
			      "10.0.2.22", "10.1.9.9",	"10.0.1.99" };
const uint16_t backend_port[7] = { 0, 80, 80, 80, 8080, 80, 80 };
int ifindex_cons, ifindex_prov;

/* The interfaces' slots in xdplink_iface_slots_v1, which flows record. */
#define CONSUMER_SLOT 0
#define PROVIDER_SLOT 1

int fx_shell(const char *fmt, ...)
{
	char command[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(command, sizeof(command), fmt, ap);
	va_end(ap);
	if (system(command) != 0) {
		fprintf(stderr, "fixture: command failed: %s\n", command);
		return -1;
	}
	return 0;
}

static const char *mac_text(const uint8_t *mac)
{
	static char text[4][18];
	static int next;
	char *out = text[next++ % 4];

	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return out;
}

int fixture_netns(void)
{
	if (unshare(CLONE_NEWNET)) {
		perror("fixture: unshare(CLONE_NEWNET)");
		return -1;
	}
	if (fx_shell("ip link set lo up") ||
	    fx_shell("ip link add cons address %s type veth peer name cons-peer address %s",
		     mac_text(mac_cons), mac_text(mac_cons_peer)) ||
	    fx_shell("ip link add prov address %s type veth peer name prov-peer",
		     mac_text(mac_prov)) ||
	    fx_shell("ip link set cons up && ip link set cons-peer up && ip link set prov up && "
		     "ip link set prov-peer up") ||
	    fx_shell("ip addr add 10.1.0.5/16 dev cons && ip addr add 10.0.0.5/16 dev prov && "
		     "ip addr add " NODE_AZ1 "/16 dev prov && ip addr add " NODE_AZ2
		     "/16 dev prov") ||
	    fx_shell("sysctl -qw net.ipv4.conf.all.forwarding=1"))
		return -1;
	for (int b = 1; b <= 4; b++)
		if (fx_shell("ip neigh add %s lladdr %s dev prov nud permanent", backend_ip[b],
			     mac_text(mac_target[b])))
			return -1;
	if (fx_shell("ip neigh add %s lladdr %s dev cons nud permanent", backend_ip[5],
		     mac_text(mac_target[5])))
		return -1;
	ifindex_cons = (int)if_nametoindex("cons");
	ifindex_prov = (int)if_nametoindex("prov");
	return ifindex_cons && ifindex_prov ? 0 : -1;
}

static void update(struct bpf_map *map, const void *key, const void *value)
{
	if (bpf_map__update_elem(map, key, bpf_map__key_size(map), value, bpf_map__value_size(map),
				 BPF_ANY)) {
		fprintf(stderr, "fixture: update of %s failed: %s\n", bpf_map__name(map),
			strerror(errno));
		abort();
	}
}

static struct xl_config read_config(struct fixture *fx)
{
	struct xl_config cfg;
	uint32_t zero = 0;

	if (bpf_map__lookup_elem(fx->skel->maps.xdplink_config_v2, &zero, sizeof(zero), &cfg,
				 sizeof(cfg), 0))
		abort();
	return cfg;
}

void fx_set_mss_clamp(struct fixture *fx, uint16_t mss)
{
	struct xl_config cfg = read_config(fx);
	uint32_t zero = 0;

	cfg.mss_clamp = mss;
	update(fx->skel->maps.xdplink_config_v2, &zero, &cfg);
}

void fx_set_half_open_limits(struct fixture *fx, uint32_t per_target, uint32_t per_node)
{
	struct xl_config cfg = read_config(fx);
	uint32_t zero = 0;

	cfg.half_open_per_target = per_target;
	cfg.half_open_per_node = per_node;
	update(fx->skel->maps.xdplink_config_v2, &zero, &cfg);
}

uint32_t fx_half_open(struct fixture *fx, uint32_t backend)
{
	struct xl_conns conns = { 0 };

	bpf_map__lookup_elem(fx->skel->maps.xdplink_conns_v2, &backend, sizeof(backend), &conns,
			     sizeof(conns), 0);
	return conns.half_open;
}

uint64_t fx_node_half_open(struct fixture *fx)
{
	uint64_t count = 0;
	uint32_t zero = 0;

	bpf_map__lookup_elem(fx->skel->maps.xdplink_half_open_v1, &zero, sizeof(zero), &count,
			     sizeof(count), 0);
	return count;
}

uint32_t fx_slots_of_kind(struct fixture *fx, uint32_t kind)
{
	uint32_t n = 0, slots = fx->flows.homes + XL_FLOW_HOP;

	for (uint32_t s = 0; s < slots; s++)
		n += flow_slot_kind(&fx->flows.slots[s]) == kind;
	return n;
}

void fx_set_config(struct fixture *fx, uint32_t max_conns, uint16_t port_count)
{
	struct xl_config cfg = {
		.max_conns_per_target = max_conns,
		.maglev_size = MAGLEV_SIZE,
		.hash_seed = XL_DEFAULT_HASH_SEED,
		.port_min = XL_DEFAULT_PORT_MIN,
		.port_count = port_count,
		.flow_homes = fx->flows.homes,
		.half_open_per_target = UINT32_MAX, /* no SYN cookies unless a test wants them */
		.half_open_per_node = UINT32_MAX,
	};
	uint32_t zero = 0;

	update(fx->skel->maps.xdplink_config_v2, &zero, &cfg);
}

static void add_iface(struct fixture *fx, int ifindex, uint8_t role, const uint8_t *mac,
		      uint32_t slot)
{
	struct xl_iface iface = {
		.role = role, .slot = (uint8_t)slot, .ifindex = (uint32_t)ifindex, .mtu = 1500
	};
	uint32_t key = (uint32_t)ifindex;

	memcpy(iface.mac, mac, 6);
	update(fx->skel->maps.xdplink_ifaces_v2, &key, &iface);
	update(fx->skel->maps.xdplink_iface_slots_v1, &slot, &iface);
	update(fx->skel->maps.xdplink_tx_ports_v1, &key, &key);
}

void fx_set_role(struct fixture *fx, int ifindex, uint8_t role)
{
	uint32_t key = (uint32_t)ifindex;
	struct xl_iface iface;

	if (bpf_map__lookup_elem(fx->skel->maps.xdplink_ifaces_v2, &key, sizeof(key), &iface,
				 sizeof(iface), 0))
		abort();
	add_iface(fx, ifindex, role, iface.mac, iface.slot);
}

void fx_set_clock(struct fixture *fx, uint64_t ms)
{
	struct xl_clock clock = { .ms = ms, .s = (uint32_t)(ms / 1000) };
	uint32_t zero = 0;

	update(fx->skel->maps.xdplink_clock_v2, &zero, &clock);
}

void fx_set_endpoint_state(struct fixture *fx, uint32_t endpoint, uint32_t state)
{
	struct xl_endpoint ep = { .state = state };

	memcpy(ep.id, fx_endpoint_id(endpoint), XL_ENDPOINT_ID_LEN);
	update(fx->skel->maps.xdplink_endpoints_v2, &endpoint, &ep);
}

const char *fx_endpoint_id(uint32_t endpoint)
{
	static char id[XL_ENDPOINT_ID_LEN + 1];

	snprintf(id, sizeof(id), "vpce-0123456789abcde%02x", endpoint & 0xff);
	return id;
}

void fx_add_listener(struct fixture *fx, const char *eni, uint16_t port, uint32_t table,
		     uint32_t flags)
{
	struct xl_frontend_key key = { .addr = ipv4(eni), .port = htons(port) };
	struct xl_frontend_key marker = { .addr = ipv4(eni), .port = 0 };
	struct xl_frontend fe;

	if (bpf_map__lookup_elem(fx->skel->maps.xdplink_frontends_v3, &marker, sizeof(marker), &fe,
				 sizeof(fe), 0))
		abort();
	fe.table = table;
	fe.flags = flags;
	update(fx->skel->maps.xdplink_frontends_v3, &key, &fe);
}

void fx_set_half_open(struct fixture *fx, uint32_t backend, uint32_t count)
{
	struct xl_conns conns = { 0 };

	bpf_map__lookup_elem(fx->skel->maps.xdplink_conns_v2, &backend, sizeof(backend), &conns,
			     sizeof(conns), 0);
	conns.half_open = count;
	update(fx->skel->maps.xdplink_conns_v2, &backend, &conns);
}

void fx_set_listener_flags(struct fixture *fx, const char *eni, uint16_t port, uint32_t flags)
{
	struct xl_frontend_key key = { .addr = ipv4(eni), .port = htons(port) };
	struct xl_frontend fe;

	if (bpf_map__lookup_elem(fx->skel->maps.xdplink_frontends_v3, &key, sizeof(key), &fe,
				 sizeof(fe), 0))
		abort();
	fe.flags = flags;
	update(fx->skel->maps.xdplink_frontends_v3, &key, &fe);
}

void fx_set_security_rule(struct fixture *fx, uint32_t endpoint, const char *source, uint8_t prefix,
			  const struct xl_port_range *ranges, uint32_t count)
{
	struct xl_sg_key key = { .prefixlen = XL_SG_KEY_ENDPOINT_BITS + prefix,
				 .endpoint = endpoint,
				 .source = ipv4(source) };
	struct xl_sg_ports ports = { .count = count };

	memcpy(ports.ranges, ranges, count * sizeof(*ranges));
	update(fx->skel->maps.xdplink_security_groups_v1, &key, &ports);
}

void fx_set_mtu(struct fixture *fx, int ifindex, uint32_t mtu)
{
	uint32_t key = (uint32_t)ifindex;
	struct xl_iface iface;

	if (bpf_map__lookup_elem(fx->skel->maps.xdplink_ifaces_v2, &key, sizeof(key), &iface,
				 sizeof(iface), 0))
		abort();
	iface.mtu = mtu;
	update(fx->skel->maps.xdplink_ifaces_v2, &key, &iface);
	key = iface.slot;
	update(fx->skel->maps.xdplink_iface_slots_v1, &key, &iface);
}

void fx_set_listener_table(struct fixture *fx, const char *eni, uint16_t port, uint32_t table,
			   const char *snat)
{
	struct xl_frontend_key key = { .addr = ipv4(eni), .port = htons(port) };
	struct xl_frontend fe;

	if (bpf_map__lookup_elem(fx->skel->maps.xdplink_frontends_v3, &key, sizeof(key), &fe,
				 sizeof(fe), 0))
		memset(&fe, 0, sizeof(fe));
	fe.table = table;
	fe.snat_addr = ipv4(snat);
	update(fx->skel->maps.xdplink_frontends_v3, &key, &fe);
}

/* Sets the address filter bit of one of our addresses, as the agent does. */
static void mark_ours(struct fixture *fx, const char *addr)
{
	struct bpf_map *map = fx->skel->maps.xdplink_addresses_v1;
	uint32_t bit = xl_address_bit(ipv4(addr)), word = bit / 64;
	struct xl_address_word w;

	if (bpf_map__lookup_elem(map, &word, sizeof(word), &w, sizeof(w), 0))
		abort();
	w.bits |= 1ULL << (bit % 64);
	update(map, &word, &w);
}

static void add_eni(struct fixture *fx, const char *eni, uint32_t endpoint, uint32_t state)
{
	struct xl_frontend listener = { .endpoint = endpoint,
					.table = 1,
					.snat_addr = ipv4(NODE_AZ1),
					.ifindex = (uint32_t)ifindex_cons,
					.iface_slot = CONSUMER_SLOT };
	struct xl_frontend_key marker = { .addr = ipv4(eni), .port = 0 };
	struct xl_frontend_key port80 = { .addr = ipv4(eni), .port = htons(80) };

	mark_ours(fx, eni);
	update(fx->skel->maps.xdplink_frontends_v3, &marker, &listener);
	update(fx->skel->maps.xdplink_frontends_v3, &port80, &listener);
	fx_set_endpoint_state(fx, endpoint, state);
}

static void add_node_address(struct fixture *fx, const char *addr)
{
	struct xl_frontend_key key = { .addr = ipv4(addr), .port = 0 };
	struct xl_frontend node = { .endpoint = 0 };

	mark_ours(fx, addr);
	update(fx->skel->maps.xdplink_frontends_v3, &key, &node);
}

void fx_add_backend(struct fixture *fx, uint32_t slot, const char *addr, uint16_t port)
{
	struct xl_backend be = { .addr = ipv4(addr), .port = htons(port) };

	update(fx->skel->maps.xdplink_backends_v2, &slot, &be);
	fx_add_member(fx, slot, slot);
}

void fx_add_member(struct fixture *fx, uint32_t slot, uint32_t backend)
{
	struct xl_member member = { .backend = backend };

	update(fx->skel->maps.xdplink_members_v1, &slot, &member);
}

static uint32_t backend_of(struct fixture *fx, uint32_t member)
{
	struct xl_member found = { 0 };

	bpf_map__lookup_elem(fx->skel->maps.xdplink_members_v1, &member, sizeof(member), &found,
			     sizeof(found), 0);
	return found.backend;
}

void fx_set_backend_flags(struct fixture *fx, uint32_t backend, uint8_t flags)
{
	struct xl_backend be;

	bpf_map__lookup_elem(fx->skel->maps.xdplink_backends_v2, &backend, sizeof(backend), &be,
			     sizeof(be), 0);
	be.flags = flags;
	update(fx->skel->maps.xdplink_backends_v2, &backend, &be);
}

/* The inner maps the fixture put into the maps of maps (reuse.h), while `loaded` lasts. */
static struct inner_maps tables, port_indexes;

static int make_port_index(void)
{
	return bpf_map_create(BPF_MAP_TYPE_ARRAY, "xl_test_ports", 4, 4, XL_PORTS_PER_POOL, NULL);
}

static int make_table(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_INNER_MAP);

	return bpf_map_create(BPF_MAP_TYPE_ARRAY, "xl_test_table", 4, 4, MAGLEV_SIZE, &opts);
}

void fx_add_pool(struct fixture *fx, const char *snat, uint32_t backend, uint32_t pool)
{
	struct xl_backend be = { 0 };
	struct xl_pool_key key = { .snat_addr = ipv4(snat) };
	struct xl_pool_slot slot = { .pool = pool };

	bpf_map__lookup_elem(fx->skel->maps.xdplink_backends_v2, &backend, sizeof(backend), &be,
			     sizeof(be), 0);
	key.target_addr = be.addr;
	key.target_port = be.port;
	inner_map(&port_indexes, pool, make_port_index); /* empty: see empty_used_port_indexes */
	update(fx->skel->maps.xdplink_pool_index_v2, &key, &slot);
}

void fx_set_table(struct fixture *fx, uint32_t table, const uint32_t *members, size_t n)
{
	struct maglev_backend entries[8];

	for (size_t i = 0; i < n && i < 8; i++) {
		uint32_t backend = backend_of(fx, members[i]);

		entries[i].slot = members[i];
		entries[i].addr = ipv4(backend_ip[backend]);
		entries[i].port = htons(backend_port[backend]);
	}
	fx_set_table_of(fx, table, entries, n < 8 ? n : 8);
}

void fx_set_table_of(struct fixture *fx, uint32_t table, const struct maglev_backend *members,
		     size_t n)
{
	uint32_t slots[MAGLEV_SIZE];
	int inner;

	(void)fx;
	if (maglev_build(members, n, MAGLEV_SIZE, XL_DEFAULT_HASH_SEED, slots))
		abort();
	inner = inner_map(&tables, table, make_table);
	for (uint32_t i = 0; i < MAGLEV_SIZE; i++)
		bpf_map_update_elem(inner, &i, &slots[i], BPF_ANY);
}

/* Empties the port indexes of the pools the last test used. The data path writes a port's
 * entry only once it holds the port's bit in the pool (xdplink_pools_v1), and gives a port
 * back unwritten; nothing in these tests clears a bit. So a pool whose bits and cursor are
 * zero still has the empty index it was made with; emptying every pool's 55,000 entries
 * after every test would cost more than loading the object anew. */
static void empty_used_port_indexes(struct fixture *fx)
{
	static const struct xl_port_pool unused;
	struct xl_port_pool pool;

	for (uint32_t key = 0; key < port_indexes.count; key++) {
		if (port_indexes.fd[key] < 0)
			continue;
		if (bpf_map__lookup_elem(fx->skel->maps.xdplink_pools_v1, &key, sizeof(key), &pool,
					 sizeof(pool), 0))
			abort();
		if (memcmp(&pool, &unused, sizeof(pool)) &&
		    zero_array(port_indexes.fd[key], XL_PORTS_PER_POOL, sizeof(uint32_t)))
			abort();
	}
}

void fx_fill_pool(struct fixture *fx, uint32_t pool, uint32_t except_index)
{
	struct xl_port_pool bits;

	memset(&bits, 0xff, sizeof(bits));
	bits.cursor = 0;
	bits.pad = 0;
	bits.used[except_index / 64] &= ~(1ULL << (except_index % 64));
	update(fx->skel->maps.xdplink_pools_v1, &pool, &bits);
}

static void *map_memory(struct bpf_map *map, size_t *size)
{
	void *memory;

	*size = (size_t)bpf_map__value_size(map) * bpf_map__max_entries(map);
	memory = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(map), 0);
	return memory == MAP_FAILED ? NULL : memory;
}

static int map_flow_table(struct fixture *fx, uint32_t max_flows)
{
	fx->max_flows = max_flows;
	fx->flows.homes = flow_table_homes(max_flows);
	fx->flows.hash_seed = XL_DEFAULT_HASH_SEED;
	fx->flows.slots = map_memory(fx->skel->maps.xdplink_flows_v4, &fx->flows_size);
	fx->flows.pages = map_memory(fx->skel->maps.xdplink_flow_pages_v1, &fx->pages_size);
	return fx->flows.slots && fx->flows.pages ? 0 : -1;
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

/* The object loaded last, kept by fx_close for the next fx_open with the same table
 * size: the verifier's pass over the program is most of what a fresh one costs. */
static struct fixture loaded;

static int load(struct fixture *fx, uint32_t max_flows)
{
	fx->skel = xdplink__open();
	if (!fx->skel)
		return -1;
	bpf_map__set_max_entries(fx->skel->maps.xdplink_flows_v4, flow_table_slots(max_flows));
	bpf_map__set_max_entries(fx->skel->maps.xdplink_flow_pages_v1,
				 flow_table_page_words(max_flows));
	bpf_map__set_max_entries(fx->skel->maps.xdplink_pools_v1, FIXTURE_POOLS);
	bpf_map__set_max_entries(fx->skel->maps.xdplink_pool_index_v2, FIXTURE_POOLS);
	bpf_map__set_max_entries(fx->skel->maps.xdplink_pool_flows_v1, FIXTURE_POOLS);
	if (xdplink__load(fx->skel) || map_flow_table(fx, max_flows)) {
		xdplink__destroy(fx->skel);
		return -1;
	}
	fx->consumer = bpf_program__fd(fx->skel->progs.xdplink_consumer);
	fx->provider = bpf_program__fd(fx->skel->progs.xdplink_provider);
	fx->both = bpf_program__fd(fx->skel->progs.xdplink_both);
	return inner_maps_init(&tables, fx->skel->maps.xdplink_maglev_v2) ||
	       inner_maps_init(&port_indexes, fx->skel->maps.xdplink_pool_flows_v1);
}

static void unload(struct fixture *fx)
{
	inner_maps_free(&tables);
	inner_maps_free(&port_indexes);
	munmap(fx->flows.slots, fx->flows_size);
	munmap(fx->flows.pages, fx->pages_size);
	xdplink__destroy(fx->skel);
	fx->skel = NULL;
}

int fx_open(struct fixture *fx, const struct fixture_options *opts)
{
	uint32_t max_flows = opts && opts->max_flows ? opts->max_flows : 1024;
	uint32_t max_conns = opts && opts->max_conns ? opts->max_conns : XL_DEFAULT_MAX_CONNS;
	uint16_t port_count = opts && opts->port_count ? opts->port_count : XL_PORTS_PER_POOL;
	static const uint32_t az1[] = { 1, 2 }, all[] = { 1, 2, 3, 4 };

	libbpf_set_print(silent);
	if (loaded.skel && loaded.max_flows == max_flows) {
		empty_used_port_indexes(&loaded);
		empty_maps(loaded.skel->obj);
	} else {
		if (loaded.skel)
			unload(&loaded);
		if (load(&loaded, max_flows))
			return -1;
	}
	*fx = loaded;
	inner_maps_begin(&tables);
	inner_maps_begin(&port_indexes);

	fx_set_config(fx, max_conns, port_count);
	add_iface(fx, ifindex_cons, XL_ROLE_CONSUMER, mac_cons, CONSUMER_SLOT);
	add_iface(fx, ifindex_prov, XL_ROLE_PROVIDER, mac_prov, PROVIDER_SLOT);
	add_eni(fx, ENI_IP, 1, XL_EP_AVAILABLE);
	add_eni(fx, PENDING_ENI_IP, 2, XL_EP_PENDING_ACCEPTANCE);
	add_node_address(fx, NODE_AZ1);
	add_node_address(fx, NODE_AZ2);
	for (uint32_t b = 1; b <= 6; b++) {
		fx_add_backend(fx, b, backend_ip[b], backend_port[b]);
		fx_add_pool(fx, NODE_AZ1, b, b);
		fx_add_pool(fx, NODE_AZ2, b, 8 + b);
	}
	fx_set_table(fx, 1, az1, 2);
	fx_set_table(fx, 2, all, 4);
	inner_maps_end(&tables);
	inner_maps_end(&port_indexes);
	return 0;
}

void fx_close(struct fixture *fx)
{
	fx->skel = NULL; /* `loaded` keeps the object for the next test */
}

int fx_run(struct fixture *fx, int prog, int ifindex, const uint8_t *in, size_t len, uint8_t *out,
	   size_t *out_len)
{
	return fx_run_split(fx, prog, ifindex, in, len, len, out, out_len);
}

int fx_run_split(struct fixture *fx, int prog, int ifindex, const uint8_t *in, size_t len,
		 size_t first, uint8_t *out, size_t *out_len)
{
	struct xdp_md ctx = { .data_end = (uint32_t)first, .ingress_ifindex = (uint32_t)ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = FRAME_MAX, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	(void)fx;

	if (bpf_prog_test_run_opts(prog, &opts))
		return -errno;
	*out_len = opts.data_size_out;
	return (int)opts.retval;
}

static int cpus(void)
{
	static int n;

	if (!n)
		n = libbpf_num_possible_cpus();
	return n;
}

uint64_t fx_reason(struct fixture *fx, enum xl_reason reason)
{
	uint64_t values[cpus()], total = 0;
	uint32_t key = reason;

	if (bpf_map__lookup_elem(fx->skel->maps.xdplink_reasons_v1, &key, sizeof(key), values,
				 sizeof(values), 0))
		return UINT64_MAX;
	for (int i = 0; i < cpus(); i++)
		total += values[i];
	return total;
}

static struct xl_traffic sum_traffic(struct bpf_map *map, uint32_t slot)
{
	struct xl_traffic values[cpus()], total = { 0 };

	if (bpf_map__lookup_elem(map, &slot, sizeof(slot), values, sizeof(values), 0))
		return total;
	for (int i = 0; i < cpus(); i++) {
		total.new_flows += values[i].new_flows;
		total.packets_in += values[i].packets_in;
		total.bytes_in += values[i].bytes_in;
		total.packets_out += values[i].packets_out;
		total.bytes_out += values[i].bytes_out;
		total.resets += values[i].resets;
		total.port_alloc_errors += values[i].port_alloc_errors;
		total.drops += values[i].drops;
	}
	return total;
}

struct xl_traffic fx_member_traffic(struct fixture *fx, uint32_t member)
{
	return sum_traffic(fx->skel->maps.xdplink_member_stats_v1, member);
}

struct xl_traffic fx_endpoint_traffic(struct fixture *fx, uint32_t endpoint)
{
	return sum_traffic(fx->skel->maps.xdplink_endpoint_stats_v1, endpoint);
}

static uint32_t active(struct bpf_map *map, uint32_t slot)
{
	struct xl_conns conns = { 0 };

	bpf_map__lookup_elem(map, &slot, sizeof(slot), &conns, sizeof(conns), 0);
	return conns.active;
}

uint32_t fx_active(struct fixture *fx, uint32_t backend)
{
	return active(fx->skel->maps.xdplink_conns_v2, backend);
}

uint32_t fx_member_active(struct fixture *fx, uint32_t member)
{
	return active(fx->skel->maps.xdplink_member_conns_v2, member);
}

uint32_t fx_ports_used(struct fixture *fx, uint32_t pool)
{
	struct xl_port_pool bits;
	uint32_t used = 0;

	if (bpf_map__lookup_elem(fx->skel->maps.xdplink_pools_v1, &pool, sizeof(pool), &bits,
				 sizeof(bits), 0))
		return UINT32_MAX;
	for (int w = 0; w < XL_POOL_WORDS; w++)
		used += (uint32_t)__builtin_popcountll(bits.used[w]);
	return used;
}

uint32_t fx_flow_count(struct fixture *fx)
{
	return fx_slots_of_kind(fx, XL_SLOT_FLOW);
}

static int ifindex_of_slot(struct fixture *fx, uint32_t slot)
{
	struct xl_iface iface = { 0 };

	bpf_map__lookup_elem(fx->skel->maps.xdplink_iface_slots_v1, &slot, sizeof(slot), &iface,
			     sizeof(iface), 0);
	return (int)iface.ifindex;
}

bool fx_flow(struct fixture *fx, const char *client, uint16_t sport, const char *eni,
	     uint16_t dport, struct flow_view *view)
{
	struct xl_flow_key key = { .client_addr = ipv4(client),
				   .eni_addr = ipv4(eni),
				   .client_port = htons(sport),
				   .eni_port = htons(dport) };
	int64_t slot = flow_table_find(&fx->flows, &key);
	const struct xl_flow *flow;
	struct xl_backend be = { 0 };

	if (slot < 0)
		return false;
	flow = &fx->flows.slots[slot];
	*view = (struct flow_view){
		.slot = (uint32_t)slot,
		.member = flow->member,
		.backend = backend_of(fx, flow->member),
		.endpoint = flow->endpoint,
		.pool = flow->pool,
		.flags = flow->state & ~(XL_SLOT_KIND_MASK | XL_FLOW_TAG_MASK),
		.seq_shift = flow->seq_shift,
		.snat_addr = flow->snat_addr,
		.snat_port = flow->snat_port,
		.ifindex = ifindex_of_slot(fx, flow->iface),
		.last_seen = flow->last_seen,
		.client_shift = flow->window_shifts & 0xf,
	};
	memcpy(view->client_mac, flow->client_mac, 6);
	bpf_map__lookup_elem(fx->skel->maps.xdplink_backends_v2, &view->backend,
			     sizeof(view->backend), &be, sizeof(be), 0);
	view->target_addr = be.addr;
	view->target_port = be.port;
	return true;
}

bool fx_port_leads_to(struct fixture *fx, const struct flow_view *flow)
{
	uint32_t inner_id, index = ntohs(flow->snat_port) - XL_DEFAULT_PORT_MIN, slot = UINT32_MAX;
	int inner;

	if (bpf_map__lookup_elem(fx->skel->maps.xdplink_pool_flows_v1, &flow->pool,
				 sizeof(flow->pool), &inner_id, sizeof(inner_id), 0))
		return false;
	inner = bpf_map_get_fd_by_id(inner_id);
	bpf_map_lookup_elem(inner, &index, &slot);
	close(inner);
	return slot == flow->slot;
}

uint32_t fx_maglev_choice(struct fixture *fx, uint32_t table, const char *client, uint16_t sport,
			  const char *eni, uint16_t dport)
{
	uint32_t inner_id, slot, member = 0;
	int inner;

	if (bpf_map__lookup_elem(fx->skel->maps.xdplink_maglev_v2, &table, sizeof(table), &inner_id,
				 sizeof(inner_id), 0))
		return 0;
	inner = bpf_map_get_fd_by_id(inner_id);
	slot = xl_flow_hash(ipv4(client), ipv4(eni), htons(sport), htons(dport),
			    XL_DEFAULT_HASH_SEED) %
	       MAGLEV_SIZE;
	bpf_map_lookup_elem(inner, &slot, &member);
	close(inner);
	return member;
}
