/* Listeners, ENIs and node addresses: which interface an ENI serves (the consumer
 * interface whose subnet holds it), their entries, and the address filter. */
#include "datapath_internal.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "key_set.h"
#include "log.h"

struct subnet {
	uint32_t net; /* network order, like the mask */
	uint32_t mask;
	int ifindex;
};

/* The subnets of the attached consumer interfaces: an ENI is in the VPC whose
 * subnet holds its address, and serves only that interface. */
static size_t consumer_subnets(const struct datapath *dp, struct subnet *out, size_t max)
{
	struct ifaddrs *list;
	size_t n = 0;

	if (getifaddrs(&list))
		return 0;
	for (struct ifaddrs *a = list; a && n < max; a = a->ifa_next) {
		const struct attached_iface *iface = datapath_iface(dp, a->ifa_name);
		uint32_t addr, mask;

		if (!iface || iface->role == XL_ROLE_PROVIDER || !a->ifa_addr || !a->ifa_netmask ||
		    a->ifa_addr->sa_family != AF_INET)
			continue;
		addr = ((struct sockaddr_in *)a->ifa_addr)->sin_addr.s_addr;
		mask = ((struct sockaddr_in *)a->ifa_netmask)->sin_addr.s_addr;
		out[n++] = (struct subnet){ addr & mask, mask, iface->ifindex };
	}
	freeifaddrs(list);
	return n;
}

/* The interface of the most specific subnet that holds addr, or 0: none. */
static uint32_t interface_of(const struct subnet *subnets, size_t count, uint32_t addr)
{
	uint32_t ifindex = 0, longest = 0;

	for (size_t i = 0; i < count; i++)
		if ((addr & subnets[i].mask) == subnets[i].net &&
		    ntohl(subnets[i].mask) >= longest) {
			longest = ntohl(subnets[i].mask);
			ifindex = (uint32_t)subnets[i].ifindex;
		}
	return ifindex;
}

struct frontend_entry {
	struct xl_frontend_key key;
	struct xl_frontend value;
};

static int write_frontend(struct datapath *dp, const struct frontend_entry *e)
{
	struct bpf_map *map = dp->skel->maps.xdplink_frontends_v1;
	struct xl_frontend now;

	if (!bpf_map__lookup_elem(map, &e->key, sizeof(e->key), &now, sizeof(now), 0) &&
	    !memcmp(&now, &e->value, sizeof(now)))
		return 0;
	if (e->value.endpoint && !e->value.ifindex && !e->key.port) {
		char addr[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &e->key.addr, addr, sizeof(addr));
		log_warn("ENI %s is in the subnet of no attached consumer interface: it gets no "
			 "traffic until one is attached",
			 addr);
	}
	return bpf_map__update_elem(map, &e->key, sizeof(e->key), &e->value, sizeof(e->value),
				    BPF_ANY);
}

/* Every listener and ENI entry of the projection, and a marker for every node
 * address (the SNAT addresses): consumers must not reach those. */
static size_t frontend_entries(const struct datapath *dp, const struct dataplane *want,
			       struct frontend_entry *out)
{
	struct subnet subnets[64];
	size_t count = consumer_subnets(dp, subnets, 64), n = 0;

	for (size_t i = 0; i < want->frontend_count; i++) {
		const struct dp_frontend *f = &want->frontends[i];

		out[n++] = (struct frontend_entry){
			.key = { .addr = f->eni_addr, .port = f->port },
			.value = { .endpoint = f->endpoint,
				   .table = f->table,
				   .snat_addr = f->snat_addr,
				   .ifindex = interface_of(subnets, count, f->eni_addr) },
		};
	}
	for (size_t i = 0; i < want->pool_count; i++) {
		bool seen = false;

		for (size_t j = want->frontend_count; j < n && !seen; j++)
			seen = out[j].key.addr == want->pools[i].snat_addr;
		if (!seen)
			out[n++] =
			    (struct frontend_entry){ .key = { .addr = want->pools[i].snat_addr } };
	}
	return n;
}

static uint64_t frontend_key64(uint32_t addr, uint16_t port)
{
	return (uint64_t)addr << 16 | port;
}

struct pruning {
	const struct key_set *wanted;
	struct closed_traffic *closed;
};

static bool frontend_kept(const void *key, void *ctx)
{
	const struct xl_frontend_key *k = key;
	struct pruning *p = ctx;

	if (key_set_has(p->wanted, frontend_key64(k->addr, k->port)))
		return true;
	if (k->port) /* not a marker: a listener */
		closed_add_listener(p->closed, k);
	return false;
}

/* ---- The address filter (mapped: the agent writes the program's words in place) -- */

struct address_filter {
	uint64_t words[XL_ADDRESS_FILTER_WORDS];
};

static void filter_entries(struct address_filter *f, const struct frontend_entry *entries,
			   size_t count)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < count; i++) {
		uint32_t bit = xl_address_bit(entries[i].key.addr);

		f->words[bit / 64] |= 1ULL << (bit % 64);
	}
}

static void widen_filter(uint64_t *map_words, const struct address_filter *next)
{
	for (size_t w = 0; w < XL_ADDRESS_FILTER_WORDS; w++)
		if (next->words[w] & ~map_words[w])
			__atomic_fetch_or(&map_words[w], next->words[w], __ATOMIC_RELEASE);
}

static void narrow_filter(uint64_t *map_words, const struct address_filter *next)
{
	for (size_t w = 0; w < XL_ADDRESS_FILTER_WORDS; w++)
		if (map_words[w] != next->words[w])
			__atomic_store_n(&map_words[w], next->words[w], __ATOMIC_RELEASE);
}

int frontends_apply(struct datapath *dp, const struct dataplane *want,
		    struct closed_traffic *closed)
{
	size_t capacity = want->frontend_count + want->pool_count + 1, count;
	struct frontend_entry *entries = calloc(capacity, sizeof(*entries));
	struct key_set set = { calloc(capacity, sizeof(uint64_t)), 0 };
	struct address_filter *filter = malloc(sizeof(*filter));
	int rc = -1;

	if (!entries || !set.keys || !filter)
		goto out;
	count = frontend_entries(dp, want, entries);
	filter_entries(filter, entries, count);
	widen_filter(dp->address_words, filter);
	for (size_t i = 0; i < count; i++) {
		if (write_frontend(dp, &entries[i]))
			goto out;
		set.keys[set.count++] = frontend_key64(entries[i].key.addr, entries[i].key.port);
	}
	key_set_sort(&set);
	key_set_prune(dp->skel->maps.xdplink_frontends_v1, frontend_kept,
		      &(struct pruning){ &set, closed });
	narrow_filter(dp->address_words, filter);
	rc = 0;
out:
	free(filter);
	free(entries);
	free(set.keys);
	return rc;
}
