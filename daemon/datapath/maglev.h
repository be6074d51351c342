/* SPDX-License-Identifier: MIT */
/* Maglev lookup tables (Eisenbud et al., NSDI'16): the agent fills one table per
 * target group and scope, and every node of a fleet computes the same table. */
#ifndef XDPLINK_MAGLEV_H
#define XDPLINK_MAGLEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 2^24 entries is 64 MiB per table, and keeps the data path's 32-bit flow hash
 * modulo the size within 1/256 of uniform (at least 256 hash values per entry). */
#define MAGLEV_MAX_SIZE (1u << 24)

struct maglev_backend {
	uint32_t slot; /* value written into the table (xdplink: a member slot; never 0) */
	uint32_t addr; /* target IPv4, network byte order: identity for the permutation */
	uint16_t port; /* target port, network byte order */
};

/* Fills table[0..size-1] with backend slots following Maglev (NSDI'16, Pseudocode 1):
 * each backend gets floor(size/n) or ceil(size/n) entries. The result depends only on
 * the SET of backends (not their order) and the seed, so every node of a fleet builds
 * the same table. n == 0 fills the table with 0 (no target).
 * Returns 0; -EINVAL when size is not valid (maglev_size_valid), n > size, a slot is 0
 * or two backends share an identity (addr, port), leaving the table untouched;
 * -ENOMEM on allocation failure. */
int maglev_build(const struct maglev_backend *backends, size_t n, uint32_t size, uint32_t seed,
		 uint32_t *table);

/* A size is valid when it is a prime with 3 <= size <= MAGLEV_MAX_SIZE: a prime makes
 * every skip coprime with the size, so each backend's preference list visits every entry. */
bool maglev_size_valid(uint32_t size);

#endif
