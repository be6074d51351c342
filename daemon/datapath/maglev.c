/* SPDX-License-Identifier: MIT */
/* Maglev table construction (NSDI'16, Pseudocode 1): backends take turns claiming
 * their next preferred free entry until the table is full. */
#include "maglev.h"

#include <errno.h>
#include <stdlib.h>

#include "xdplink.h"

/* One backend's walk through its permutation, (offset + j * skip) % size for j = 0, 1, ...
 * Only the current position is kept: O(n) memory for the permutations, not O(n * size). */
struct preference {
	uint64_t identity; /* addr << 16 | port */
	uint32_t slot;
	uint32_t next; /* the entry this backend wants next */
	uint32_t skip;
};

static bool is_prime(uint32_t n)
{
	if (n < 2)
		return false;
	if (n % 2 == 0)
		return n == 2;
	for (uint64_t divisor = 3; divisor * divisor <= n; divisor += 2) {
		if (n % divisor == 0)
			return false;
	}
	return true;
}

bool maglev_size_valid(uint32_t size)
{
	return size >= 3 && size <= MAGLEV_MAX_SIZE && is_prime(size);
}

/* The 64-bit finalizer of MurmurHash3: every input bit affects every output bit. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* A family of hashes of a backend identity: each (seed, salt) pair selects one member. */
static uint64_t identity_hash(uint64_t identity, uint32_t seed, uint32_t salt)
{
	return mix64(identity ^ mix64(((uint64_t)seed << 32) | salt));
}

static int compare_identity(const void *left, const void *right)
{
	uint64_t a = ((const struct preference *)left)->identity;
	uint64_t b = ((const struct preference *)right)->identity;

	return (a > b) - (a < b);
}

/* Sorted by identity, so the turn order, and with it the table, ignores input order. */
static int prepare_preferences(const struct maglev_backend *backends, size_t n, uint32_t size,
			       uint32_t seed, struct preference *prefs)
{
	for (size_t i = 0; i < n; i++) {
		if (backends[i].slot == XL_NO_BACKEND)
			return -EINVAL;
		prefs[i].identity = (uint64_t)backends[i].addr << 16 | backends[i].port;
		prefs[i].slot = backends[i].slot;
	}
	qsort(prefs, n, sizeof(*prefs), compare_identity);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && prefs[i].identity == prefs[i - 1].identity)
			return -EINVAL;
		prefs[i].next = (uint32_t)(identity_hash(prefs[i].identity, seed, 1) % size);
		prefs[i].skip =
		    (uint32_t)(identity_hash(prefs[i].identity, seed, 2) % (size - 1)) + 1;
	}
	return 0;
}

static void advance(struct preference *pref, uint32_t size)
{
	pref->next += pref->skip;
	if (pref->next >= size)
		pref->next -= size;
}

static void clear(uint32_t *table, uint32_t size)
{
	for (uint32_t entry = 0; entry < size; entry++)
		table[entry] = XL_NO_BACKEND;
}

int maglev_build(const struct maglev_backend *backends, size_t n, uint32_t size, uint32_t seed,
		 uint32_t *table)
{
	if (!maglev_size_valid(size) || n > size)
		return -EINVAL;
	if (n == 0) {
		clear(table, size);
		return 0;
	}

	struct preference *prefs = malloc(n * sizeof(*prefs));

	if (!prefs)
		return -ENOMEM;
	int err = prepare_preferences(backends, n, size, seed, prefs);

	if (err) {
		free(prefs);
		return err;
	}

	/* Slots are never 0, so a 0 entry is a free one: the table is its own bitmap. */
	clear(table, size);
	uint32_t filled = 0;

	while (filled < size) {
		for (size_t i = 0; i < n && filled < size; i++) {
			struct preference *pref = &prefs[i];

			while (table[pref->next] != XL_NO_BACKEND)
				advance(pref, size);
			table[pref->next] = pref->slot;
			advance(pref, size);
			filled++;
		}
	}
	free(prefs);
	return 0;
}
