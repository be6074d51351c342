/* SPDX-License-Identifier: MIT */
/* Listeners, ENIs and node addresses: which interface an ENI serves (the consumer
 * interface whose subnet holds it), their entries, and the address filter in front of
 * them. The agent keeps what the map holds (mirror.h), so that a change writes the
 * entries of its addresses only, and only those that differ. */
#include "datapath_internal.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"

/* The interface an ENI serves, its VPC's: its index and slot once attached; index 0
 * (none) until then. */
static void serve_interface(const struct datapath *dp, const char *name, struct xl_frontend *fe)
{
	const struct attached_iface *iface = datapath_iface(dp, name);

	fe->ifindex = iface ? (uint32_t)iface->ifindex : 0;
	fe->iface_slot = iface ? iface->slot : 0;
}

/* ---- The address filter (mapped: the agent writes the program's words in place) -- */

/* An address gains its first entry: its bit is set before the entry appears, so that no
 * packet to a listener is ever left to the host. Bits are counted: addresses share them. */
static void filter_add(struct datapath *dp, uint32_t addr)
{
	uint32_t bit = xl_address_bit(addr);

	if (dp->filter_counts[bit]++ == 0)
		__atomic_fetch_or(&dp->address_words[bit / 64], 1ULL << (bit % 64),
				  __ATOMIC_RELEASE);
}

/* An address lost its last entry: its bit goes after the entry. */
static void filter_remove(struct datapath *dp, uint32_t addr)
{
	uint32_t bit = xl_address_bit(addr);

	if (dp->filter_counts[bit] && --dp->filter_counts[bit] == 0)
		__atomic_fetch_and(&dp->address_words[bit / 64], ~(1ULL << (bit % 64)),
				   __ATOMIC_RELEASE);
}

/* The words exactly as the counts say: after a whole reconciliation, when pinned words may
 * hold the bits of addresses that are gone. */
static void filter_exact(struct datapath *dp)
{
	for (size_t w = 0; w < XL_ADDRESS_FILTER_WORDS; w++) {
		uint64_t word = 0;

		for (size_t b = 0; b < 64; b++)
			word |= (uint64_t)(dp->filter_counts[w * 64 + b] != 0) << b;
		if (dp->address_words[w] != word)
			__atomic_store_n(&dp->address_words[w], word, __ATOMIC_RELEASE);
	}
}

/* ---- Entries ---------------------------------------------------------------------- */

static int write_entry(struct datapath *dp, uint32_t addr, uint16_t port,
		       const struct xl_frontend *value)
{
	struct xl_frontend_key key = { .addr = addr, .port = port };

	if (value->endpoint && !value->ifindex && !port) {
		char text[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &addr, text, sizeof(text));
		log_warn("ENI %s is in a VPC whose interface is not attached: it gets no traffic "
			 "until it is",
			 text);
	}
	if (bpf_map__update_elem(dp->skel->maps.xdplink_frontends_v3, &key, sizeof(key), value,
				 sizeof(*value), BPF_ANY))
		return -1;
	return mirror_set(&dp->frontends, addr, port, value);
}

static void delete_entry(struct datapath *dp, uint32_t addr, uint16_t port,
			 struct closed_traffic *closed)
{
	struct xl_frontend_key key = { .addr = addr, .port = port };

	bpf_map__delete_elem(dp->skel->maps.xdplink_frontends_v3, &key, sizeof(key), 0);
	mirror_remove(&dp->frontends, addr, port);
	if (port) /* a listener, not the address itself: its flows go with it */
		closed_add_listener(closed, &key);
}

static int by_key(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int by_address_and_port(const void *a, const void *b)
{
	const struct dp_frontend *x = a, *y = b;

	if (x->eni_addr != y->eni_addr)
		return x->eni_addr < y->eni_addr ? -1 : 1;
	return (x->port > y->port) - (x->port < y->port);
}

/* What one apply works from: the projection's entries by address, the node IPs of the
 * pools (each gets a marker: consumers must not reach it), sorted. */
struct wanted {
	const struct dataplane_scope *scope;
	struct dp_frontend *entries;
	size_t count;
	uint32_t *snat;
	size_t snat_count;
};

/* Makes the entries of one address what the projection wants: want[0..count) are its
 * entries (a node IP's marker among them). */
static int reconcile(struct datapath *dp, uint32_t addr, const struct dp_frontend *want,
		     size_t count, struct closed_traffic *closed)
{
	struct mirror_address *have = mirror_find(&dp->frontends, addr);
	bool had = have && have->count;

	if (!had && count)
		filter_add(dp, addr);
	for (size_t i = 0; i < count; i++) {
		/* An ENI serves its VPC's interface; a node IP's marker serves none. */
		struct xl_frontend value = {
			.endpoint = want[i].endpoint,
			.table = want[i].table,
			.snat_addr = want[i].snat_addr,
			.flags = (want[i].proxy_v2 ? XL_FE_PROXY_V2 : 0) |
				 (want[i].security_groups ? XL_FE_SECURITY_GROUPS : 0),
		};
		const struct mirror_entry *now = NULL;

		if (want[i].endpoint)
			serve_interface(dp, want[i].iface, &value);
		have = mirror_find(&dp->frontends, addr);
		for (uint32_t j = 0; have && j < have->count && !now; j++)
			if (have->entries[j].port == want[i].port)
				now = &have->entries[j];
		if ((!now || memcmp(&now->value, &value, sizeof(value))) &&
		    write_entry(dp, addr, want[i].port, &value))
			return -1;
	}
	/* What the map holds and the projection does not want goes. */
	for (uint32_t j = 0; (have = mirror_find(&dp->frontends, addr)) && j < have->count;) {
		uint16_t port = have->entries[j].port;
		bool wanted = false;

		for (size_t i = 0; i < count && !wanted; i++)
			wanted = want[i].port == port;
		if (wanted)
			j++;
		else
			delete_entry(dp, addr, port, closed);
	}
	if (had && !count)
		filter_remove(dp, addr);
	return 0;
}

/* The entries of one address: the projection's, or the marker of a node IP. */
static int reconcile_address(struct datapath *dp, const struct wanted *w, size_t *next,
			     uint32_t addr, struct closed_traffic *closed)
{
	struct dp_frontend marker = { .eni_addr = addr };
	size_t first;

	while (*next < w->count && w->entries[*next].eni_addr < addr)
		(*next)++;
	first = *next;
	while (*next < w->count && w->entries[*next].eni_addr == addr)
		(*next)++;
	if (*next > first)
		return reconcile(dp, addr, &w->entries[first], *next - first, closed);
	if (bsearch(&addr, w->snat, w->snat_count, sizeof(addr), by_key))
		return reconcile(dp, addr, &marker, 1, closed);
	return reconcile(dp, addr, NULL, 0, closed);
}

/* The addresses to bring in line, sorted: the scope's, or every one the map, the
 * projection or a pool has. */
static uint32_t *addresses_of(const struct datapath *dp, const struct wanted *w, bool everything,
			      size_t *count)
{
	const struct dp_keys *scoped = &w->scope->addresses;
	size_t mirrored = 0;
	uint32_t *have = everything ? mirror_addresses(&dp->frontends, &mirrored) : NULL;
	size_t capacity = everything ? mirrored + w->count + w->snat_count : scoped->count;
	uint32_t *all = malloc((capacity + 1) * sizeof(*all));

	*count = 0;
	if (all && everything && have) {
		memcpy(all, have, mirrored * sizeof(*all));
		*count = mirrored;
		for (size_t i = 0; i < w->count; i++)
			all[(*count)++] = w->entries[i].eni_addr;
		memcpy(all + *count, w->snat, w->snat_count * sizeof(*all));
		*count += w->snat_count;
	} else if (all && !everything) {
		memcpy(all, scoped->keys, scoped->count * sizeof(*all));
		*count = scoped->count;
	} else {
		free(all);
		all = NULL;
	}
	free(have);
	if (all)
		qsort(all, *count, sizeof(*all), by_key);
	return all;
}

int frontends_apply(struct datapath *dp, const struct dataplane *want,
		    struct closed_traffic *closed)
{
	bool everything = want->scope->all || want->scope->all_frontends;
	struct wanted w = {
		.scope = want->scope,
		.entries = malloc((want->frontend_count + 1) * sizeof(*w.entries)),
		.count = want->frontend_count,
		.snat = malloc(dp->max_pools * sizeof(*w.snat)),
	};
	size_t count = 0, next = 0;
	uint32_t *addresses = NULL;
	int rc = -1;

	if (!w.entries || !w.snat)
		goto out;
	memcpy(w.entries, want->frontends, w.count * sizeof(*w.entries));
	qsort(w.entries, w.count, sizeof(*w.entries), by_address_and_port);
	for (uint32_t slot = 1; slot < dp->max_pools; slot++)
		if (dp->pool_keys[slot].snat_addr)
			w.snat[w.snat_count++] = dp->pool_keys[slot].snat_addr;
	qsort(w.snat, w.snat_count, sizeof(*w.snat), by_key);
	addresses = addresses_of(dp, &w, everything, &count);
	if (!addresses)
		goto out;
	rc = 0;
	for (size_t i = 0; rc == 0 && i < count; i++)
		if (!i || addresses[i] != addresses[i - 1])
			rc = reconcile_address(dp, &w, &next, addresses[i], closed);
	if (rc == 0 && everything)
		filter_exact(dp);
out:
	free(addresses);
	free(w.entries);
	free(w.snat);
	return rc;
}

/* ---- What a restarted agent finds ------------------------------------------------- */

int frontends_read(struct datapath *dp)
{
	struct bpf_map *map = dp->skel->maps.xdplink_frontends_v3;
	struct xl_frontend_key key, *prev = NULL, next;

	while (!bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		struct xl_frontend value;

		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(map, &key, sizeof(key), &value, sizeof(value), 0))
			continue;
		if (!mirror_find(&dp->frontends, key.addr))
			dp->filter_counts[xl_address_bit(key.addr)]++;
		if (mirror_set(&dp->frontends, key.addr, key.port, &value))
			return -1;
	}
	return 0;
}
