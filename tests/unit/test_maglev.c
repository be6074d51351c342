/* SPDX-License-Identifier: MIT */
/* Unit tests of the agent's Maglev tables: validation, balance, order independence,
 * disruption on removal and addition, and a pinned small table. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../lib/check.h"
#include "maglev.h"
#include "xdplink.h"

#define TABLE_SIZE	  XL_DEFAULT_MAGLEV_SIZE
#define SEED		  XL_DEFAULT_HASH_SEED
#define MAX_TEST_BACKENDS 101

static uint32_t ipv4(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	return htonl(a << 24 | b << 16 | c << 8 | d);
}

/* Targets 10.1.x.y:80 in slots 1..n. */
static void make_backends(struct maglev_backend *backends, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		backends[i] = (struct maglev_backend){
			.slot = (uint32_t)i + 1,
			.addr = ipv4(10, 1, (uint32_t)i / 250, (uint32_t)i % 250 + 1),
			.port = htons(80),
		};
	}
}

static uint32_t *new_table(uint32_t size)
{
	uint32_t *table = calloc(size, sizeof(*table));

	if (!table) {
		perror("calloc");
		abort();
	}
	return table;
}

/* Entries per slot: counts[slot] for slot 0..max_slot. */
static void count_entries(const uint32_t *table, uint32_t size, size_t *counts, uint32_t max_slot)
{
	for (uint32_t slot = 0; slot <= max_slot; slot++)
		counts[slot] = 0;
	for (uint32_t entry = 0; entry < size; entry++) {
		if (table[entry] <= max_slot)
			counts[table[entry]]++;
	}
}

static size_t count_differences(const uint32_t *a, const uint32_t *b, uint32_t size)
{
	size_t differences = 0;

	for (uint32_t entry = 0; entry < size; entry++)
		differences += a[entry] != b[entry];
	return differences;
}

static void fills_every_entry_with_a_given_slot(void)
{
	struct maglev_backend backends[5];
	uint32_t table[251];
	size_t counts[6];

	make_backends(backends, 5);
	CHECK_EQ(maglev_build(backends, 5, 251, SEED, table), 0);
	count_entries(table, 251, counts, 5);
	CHECK_EQ(counts[0], 0);
	CHECK_EQ(counts[1] + counts[2] + counts[3] + counts[4] + counts[5], 251);
	for (size_t slot = 1; slot <= 5; slot++)
		CHECK(counts[slot] > 0);
}

static void no_backends_fills_zero(void)
{
	uint32_t table[13];

	for (size_t entry = 0; entry < 13; entry++)
		table[entry] = UINT32_MAX;
	CHECK_EQ(maglev_build(NULL, 0, 13, SEED, table), 0);
	for (size_t entry = 0; entry < 13; entry++)
		CHECK_EQ(table[entry], XL_NO_BACKEND);
}

static void rejects_invalid_sizes(void)
{
	static const uint32_t invalid[] = { 0, 1, 2, 4, 9, 65536, 65535, 16777216, 16777259 };
	static const uint32_t valid[] = { 3, 7, 251, 16381, 65521, 65537, 16777213 };
	struct maglev_backend backend;
	uint32_t table[16];

	make_backends(&backend, 1);
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		CHECK(!maglev_size_valid(invalid[i]));
		CHECK_EQ(maglev_build(&backend, 1, invalid[i], SEED, table), -EINVAL);
	}
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		CHECK(maglev_size_valid(valid[i]));
}

static void rejects_duplicate_identity(void)
{
	struct maglev_backend backends[3];
	uint32_t table[13];

	make_backends(backends, 3);
	backends[2].addr = backends[0].addr;
	backends[2].port = htons(8080);
	CHECK_EQ(maglev_build(backends, 3, 13, SEED, table), 0);
	backends[2].port = backends[0].port;
	CHECK_EQ(maglev_build(backends, 3, 13, SEED, table), -EINVAL);
}

static void rejects_slot_zero(void)
{
	struct maglev_backend backends[2];
	uint32_t table[13];

	make_backends(backends, 2);
	backends[1].slot = XL_NO_BACKEND;
	CHECK_EQ(maglev_build(backends, 2, 13, SEED, table), -EINVAL);
}

static void rejects_more_backends_than_entries(void)
{
	struct maglev_backend backends[8];
	uint32_t table[7];
	size_t counts[9];

	make_backends(backends, 8);
	CHECK_EQ(maglev_build(backends, 8, 7, SEED, table), -EINVAL);
	CHECK_EQ(maglev_build(backends, 7, 7, SEED, table), 0);
	count_entries(table, 7, counts, 8);
	for (size_t slot = 1; slot <= 7; slot++)
		CHECK_EQ(counts[slot], 1);
}

/* Maglev's guarantee: floor(M/N) or ceil(M/N) entries each, hence within 1% of fair. */
static void check_balance(size_t n)
{
	struct maglev_backend backends[MAX_TEST_BACKENDS];
	size_t counts[MAX_TEST_BACKENDS + 1];
	uint32_t *table = new_table(TABLE_SIZE);
	double fair = (double)TABLE_SIZE / (double)n;

	make_backends(backends, n);
	CHECK_EQ(maglev_build(backends, n, TABLE_SIZE, SEED, table), 0);
	count_entries(table, TABLE_SIZE, counts, (uint32_t)n);
	CHECK_EQ(counts[0], 0);
	for (size_t slot = 1; slot <= n; slot++) {
		CHECK(counts[slot] == TABLE_SIZE / n || counts[slot] == TABLE_SIZE / n + 1);
		CHECK((double)counts[slot] - fair <= 0.01 * fair);
		CHECK(fair - (double)counts[slot] <= 0.01 * fair);
	}
	free(table);
}

static void balance_3_backends(void)
{
	check_balance(3);
}

static void balance_100_backends(void)
{
	check_balance(100);
}

static uint64_t xorshift64(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static void independent_of_backend_order(void)
{
	struct maglev_backend backends[100];
	uint32_t *sorted = new_table(TABLE_SIZE), *shuffled = new_table(TABLE_SIZE);
	uint64_t rng = 42;

	make_backends(backends, 100);
	CHECK_EQ(maglev_build(backends, 100, TABLE_SIZE, SEED, sorted), 0);
	for (size_t i = 99; i > 0; i--) {
		size_t j = xorshift64(&rng) % (i + 1);
		struct maglev_backend swap = backends[i];

		backends[i] = backends[j];
		backends[j] = swap;
	}
	CHECK_EQ(maglev_build(backends, 100, TABLE_SIZE, SEED, shuffled), 0);
	CHECK_EQ(count_differences(sorted, shuffled, TABLE_SIZE), 0);
	free(sorted);
	free(shuffled);
}

/* Two seeds give unrelated tables: they agree on about 1/N of the entries. */
static void seed_changes_table(void)
{
	struct maglev_backend backends[100];
	uint32_t *one = new_table(TABLE_SIZE), *other = new_table(TABLE_SIZE);

	make_backends(backends, 100);
	CHECK_EQ(maglev_build(backends, 100, TABLE_SIZE, 1, one), 0);
	CHECK_EQ(maglev_build(backends, 100, TABLE_SIZE, 2, other), 0);
	CHECK(count_differences(one, other, TABLE_SIZE) > TABLE_SIZE * 95 / 100);
	free(one);
	free(other);
}

static void removal_moves_its_entries_and_under_1pct_of_others(void)
{
	struct maglev_backend all[100], rest[99];
	uint32_t *before = new_table(TABLE_SIZE), *after = new_table(TABLE_SIZE);
	const size_t removed = 37;
	size_t owned = 0, moved_others = 0;

	make_backends(all, 100);
	for (size_t i = 0, kept = 0; i < 100; i++) {
		if (i != removed)
			rest[kept++] = all[i];
	}
	CHECK_EQ(maglev_build(all, 100, TABLE_SIZE, SEED, before), 0);
	CHECK_EQ(maglev_build(rest, 99, TABLE_SIZE, SEED, after), 0);
	for (uint32_t entry = 0; entry < TABLE_SIZE; entry++) {
		if (before[entry] == all[removed].slot) {
			owned++;
			CHECK(after[entry] != all[removed].slot && after[entry] != XL_NO_BACKEND);
		} else {
			moved_others += before[entry] != after[entry];
		}
	}
	CHECK(owned == TABLE_SIZE / 100 || owned == TABLE_SIZE / 100 + 1);
	CHECK(moved_others < TABLE_SIZE / 100);
	printf("  removal of 1 of 100: %.3f%% of entries moved between remaining backends\n",
	       100.0 * (double)moved_others / TABLE_SIZE);
	free(before);
	free(after);
}

static void addition_takes_a_fair_share_and_moves_under_2pct_of_others(void)
{
	struct maglev_backend backends[101];
	uint32_t *before = new_table(TABLE_SIZE), *after = new_table(TABLE_SIZE);
	const uint32_t added_slot = 101;
	size_t taken = 0, moved_others = 0;

	make_backends(backends, 101);
	CHECK_EQ(maglev_build(backends, 100, TABLE_SIZE, SEED, before), 0);
	CHECK_EQ(maglev_build(backends, 101, TABLE_SIZE, SEED, after), 0);
	for (uint32_t entry = 0; entry < TABLE_SIZE; entry++) {
		if (after[entry] == added_slot)
			taken++;
		else
			moved_others += before[entry] != after[entry];
	}
	CHECK(taken == TABLE_SIZE / 101 || taken == TABLE_SIZE / 101 + 1);
	CHECK(moved_others < TABLE_SIZE / 50);
	printf("  addition of 1 to 100: %.3f%% of entries moved between old backends\n",
	       100.0 * (double)moved_others / TABLE_SIZE);
	free(before);
	free(after);
}

/* Pins the algorithm (hash, permutation, turn order): any change to it shows here. */
static void small_table_is_pinned(void)
{
	const struct maglev_backend backends[] = {
		{ .slot = 1, .addr = ipv4(10, 0, 1, 21), .port = htons(80) },
		{ .slot = 2, .addr = ipv4(10, 0, 1, 22), .port = htons(80) },
		{ .slot = 3, .addr = ipv4(10, 0, 2, 21), .port = htons(80) },
	};
	static const uint32_t expected[13] = { 3, 2, 1, 3, 1, 1, 2, 3, 1, 2, 3, 2, 1 };
	uint32_t table[13];

	CHECK_EQ(maglev_build(backends, 3, 13, 1, table), 0);
	for (size_t entry = 0; entry < 13; entry++)
		CHECK_EQ(table[entry], expected[entry]);
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		TEST_CASE(fills_every_entry_with_a_given_slot),
		TEST_CASE(no_backends_fills_zero),
		TEST_CASE(rejects_invalid_sizes),
		TEST_CASE(rejects_duplicate_identity),
		TEST_CASE(rejects_slot_zero),
		TEST_CASE(rejects_more_backends_than_entries),
		TEST_CASE(balance_3_backends),
		TEST_CASE(balance_100_backends),
		TEST_CASE(independent_of_backend_order),
		TEST_CASE(seed_changes_table),
		TEST_CASE(removal_moves_its_entries_and_under_1pct_of_others),
		TEST_CASE(addition_takes_a_fair_share_and_moves_under_2pct_of_others),
		TEST_CASE(small_table_is_pinned),
	};

	return RUN_TESTS("maglev", cases, argc, argv);
}
