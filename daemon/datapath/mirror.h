/* SPDX-License-Identifier: MIT */
/* What the frontends map holds, kept by the agent, by address: a change reads and writes
 * the entries of the addresses it touched, without walking the map (frontends.c). */
#ifndef XL_MIRROR_H
#define XL_MIRROR_H

#include <stddef.h>
#include <stdint.h>

#include "xdplink.h"

struct mirror_entry {
	uint16_t port; /* network order; 0 for the address's own entry */
	struct xl_frontend value;
};

/* The entries of one address. */
struct mirror_address {
	uint32_t addr; /* network order; 0: a free place of the table */
	uint32_t count, capacity;
	struct mirror_entry *entries;
};

/* An open-addressing hash table of addresses (linear probing, at most half full). */
struct mirror {
	struct mirror_address *places;
	size_t capacity; /* a power of two */
	size_t used;
};

void mirror_free(struct mirror *m);
/* The entries of addr, or NULL. */
struct mirror_address *mirror_find(const struct mirror *m, uint32_t addr);
/* Sets (adds or replaces) the entry of addr:port: 0, or -1 when memory ran out. Only
 * a new address moves the places of the others. */
int mirror_set(struct mirror *m, uint32_t addr, uint16_t port, const struct xl_frontend *value);
/* Removes the entry of addr:port if there is one. */
void mirror_remove(struct mirror *m, uint32_t addr, uint16_t port);
/* Every address that has entries, into a new array; NULL when memory ran out. */
uint32_t *mirror_addresses(const struct mirror *m, size_t *count);

#endif
