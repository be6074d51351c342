/* SPDX-License-Identifier: MIT */
/* The security groups trie: per endpoint with groups, one entry per source prefix of its
 * rules, holding the TCP ports of every rule whose source contains that prefix, so that
 * the data path's longest match alone decides. Written per endpoint, in proportion to the
 * change: an entry is written when its ports differ from what the agent wrote, new and
 * changed entries before stale ones go, so that a client allowed before and after is never
 * refused in between. */
#include "datapath_internal.h"
#include "guard_ports.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdlib.h>
#include <string.h>

static uint64_t ports_digest(const struct xl_sg_ports *ports)
{
	const unsigned char *bytes = (const unsigned char *)ports;
	size_t size = sizeof(ports->count) + ports->count * sizeof(ports->ranges[0]);
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < size; i++)
		h = (h ^ bytes[i]) * 1099511628211ULL;
	return h;
}

static struct xl_sg_key key_of(uint32_t slot, uint32_t source, uint8_t prefix)
{
	return (struct xl_sg_key){ .prefixlen = XL_SG_KEY_ENDPOINT_BITS + prefix,
				   .endpoint = slot,
				   .source = source };
}

static const struct guard_entry *held_entry(const struct guard_held *held, uint32_t source,
					    uint8_t prefix)
{
	for (size_t i = 0; i < held->count; i++)
		if (held->entries[i].source == source && held->entries[i].prefix == prefix)
			return &held->entries[i];
	return NULL;
}

/* The distinct source prefixes of the endpoint's rules, each with its ports written. */
static int write_wanted(struct datapath *dp, uint32_t slot, const struct dp_guard *g,
			struct guard_held *next)
{
	struct bpf_map *map = dp->skel->maps.xdplink_security_groups_v1;
	const struct guard_held *now = &dp->guards[slot];
	struct xl_sg_ports *ports = malloc(sizeof(*ports));

	next->entries = calloc(g->count + 1, sizeof(*next->entries));
	if (!ports || !next->entries) {
		free(ports);
		return -1;
	}
	for (size_t i = 0; i < g->count; i++) {
		const struct dp_guard_rule *r = &g->rules[i];
		const struct guard_entry *had;
		struct xl_sg_key key = key_of(slot, r->addr, r->prefix);
		uint64_t digest;

		if (held_entry(next, r->addr, r->prefix))
			continue;
		guard_ports(g, r->addr, r->prefix, ports);
		digest = ports_digest(ports);
		had = held_entry(now, r->addr, r->prefix);
		if ((!had || had->digest != digest) &&
		    bpf_map__update_elem(map, &key, sizeof(key), ports, sizeof(*ports), BPF_ANY)) {
			free(ports);
			return -1;
		}
		next->entries[next->count++] = (struct guard_entry){ .source = r->addr,
								     .prefix = r->prefix,
								     .digest = digest };
	}
	free(ports);
	return 0;
}

int guard_apply(struct datapath *dp, uint32_t slot, const void *wanted, void *ctx)
{
	static const struct dp_guard none = { 0 };
	const struct dp_guard *g = wanted ? wanted : &none;
	struct guard_held *now = &dp->guards[slot], next = { 0 };

	(void)ctx;
	if (!wanted && !now->count)
		return 0;
	if (write_wanted(dp, slot, g, &next)) {
		free(next.entries);
		return -1;
	}
	for (size_t i = 0; i < now->count; i++) {
		struct xl_sg_key key = key_of(slot, now->entries[i].source, now->entries[i].prefix);

		if (!held_entry(&next, now->entries[i].source, now->entries[i].prefix))
			bpf_map__delete_elem(dp->skel->maps.xdplink_security_groups_v1, &key,
					     sizeof(key), 0);
	}
	free(now->entries);
	*now = next;
	return 0;
}

static int hold(struct guard_held *held, const struct xl_sg_key *key, uint64_t digest)
{
	struct guard_entry *grown =
	    realloc(held->entries, (held->count + 1) * sizeof(*held->entries));

	if (!grown)
		return -1;
	held->entries = grown;
	held->entries[held->count++] =
	    (struct guard_entry){ .source = key->source,
				  .prefix = (uint8_t)(key->prefixlen - XL_SG_KEY_ENDPOINT_BITS),
				  .digest = digest };
	return 0;
}

int guards_read(struct datapath *dp)
{
	int fd = bpf_map__fd(dp->skel->maps.xdplink_security_groups_v1);
	struct xl_sg_ports *ports = malloc(sizeof(*ports));
	struct xl_sg_key key, *previous = NULL;
	int rc = 0;

	if (!ports)
		return -1;
	while (!rc && !bpf_map_get_next_key(fd, previous, &key)) {
		previous = &key;
		if (key.endpoint >= dp->max_endpoints || key.prefixlen < XL_SG_KEY_ENDPOINT_BITS ||
		    key.prefixlen > XL_SG_KEY_ENDPOINT_BITS + 32 ||
		    bpf_map_lookup_elem(fd, &key, ports))
			continue;
		rc = hold(&dp->guards[key.endpoint], &key, ports_digest(ports));
	}
	free(ports);
	return rc;
}

void guards_free(struct datapath *dp)
{
	for (uint32_t slot = 0; dp->guards && slot < dp->max_endpoints; slot++)
		free(dp->guards[slot].entries);
	free(dp->guards);
}
