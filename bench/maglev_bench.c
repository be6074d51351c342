/* SPDX-License-Identifier: MIT */
/* Maglev benchmark: the share of flows whose target changes when one target leaves or
 * joins, against the ideal, and the table build time. A table on stdout, JSON to argv[1]. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "maglev.h"
#include "xdplink.h"

#define TABLE_SIZE  XL_DEFAULT_MAGLEV_SIZE
#define FLOWS	    1000000
#define BUILD_RUNS  21
#define MAX_TARGETS 1001

static const size_t target_counts[] = { 10, 100, 1000 };
static const size_t timed_target_counts[] = { 100, 1000 };

#define N_TARGET_COUNTS (sizeof(target_counts) / sizeof(target_counts[0]))
#define N_TIMED		(sizeof(timed_target_counts) / sizeof(timed_target_counts[0]))

struct disruption {
	size_t targets;
	const char *change;
	double moved; /* share of flows whose target changed */
	double ideal; /* the share a perfect consistent hash would move */
};

static uint64_t xorshift64(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static void *xcalloc(size_t count, size_t size)
{
	void *memory = calloc(count, size);

	if (!memory) {
		perror("calloc");
		exit(1);
	}
	return memory;
}

/* Targets 10.2.x.y:80 in slots 1..n. */
static void make_targets(struct maglev_backend *targets, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t host =
		    10u << 24 | 2u << 16 | (uint32_t)(i / 250) << 8 | (uint32_t)(i % 250 + 1);

		targets[i] = (struct maglev_backend){
			.slot = (uint32_t)i + 1,
			.addr = htonl(host),
			.port = htons(80),
		};
	}
}

static void build(const struct maglev_backend *targets, size_t n, uint32_t *table)
{
	int err = maglev_build(targets, n, TABLE_SIZE, XL_DEFAULT_HASH_SEED, table);

	if (err) {
		fprintf(stderr, "maglev_build(%zu targets): %s\n", n, strerror(-err));
		exit(1);
	}
}

/* The table entry each random flow lands on, as the data path computes it. */
static uint32_t *random_flow_entries(void)
{
	uint32_t *entries = xcalloc(FLOWS, sizeof(*entries));
	uint64_t rng = 0x9e3779b97f4a7c15ULL;

	for (size_t i = 0; i < FLOWS; i++) {
		uint64_t addrs = xorshift64(&rng), ports = xorshift64(&rng);
		uint32_t hash =
		    xl_flow_hash((uint32_t)addrs, (uint32_t)(addrs >> 32), (uint16_t)ports,
				 (uint16_t)(ports >> 16), XL_DEFAULT_HASH_SEED);

		entries[i] = hash % TABLE_SIZE;
	}
	return entries;
}

static double moved_share(const uint32_t *before, const uint32_t *after,
			  const uint32_t *flow_entries)
{
	size_t moved = 0;

	for (size_t i = 0; i < FLOWS; i++)
		moved += before[flow_entries[i]] != after[flow_entries[i]];
	return (double)moved / FLOWS;
}

/* Starting from targets[0..n-1]: removes the middle one, or adds targets[n]. */
static void measure_disruption(const struct maglev_backend *targets, size_t n,
			       const uint32_t *flow_entries, struct disruption *removal,
			       struct disruption *addition)
{
	struct maglev_backend rest[MAX_TARGETS];
	uint32_t *before = xcalloc(TABLE_SIZE, sizeof(*before));
	uint32_t *after = xcalloc(TABLE_SIZE, sizeof(*after));
	size_t removed = n / 2;

	build(targets, n, before);

	for (size_t i = 0, kept = 0; i < n; i++) {
		if (i != removed)
			rest[kept++] = targets[i];
	}
	build(rest, n - 1, after);
	*removal = (struct disruption){ n, "remove", moved_share(before, after, flow_entries),
					1.0 / (double)n };

	build(targets, n + 1, after);
	*addition = (struct disruption){ n, "add", moved_share(before, after, flow_entries),
					 1.0 / (double)(n + 1) };
	free(before);
	free(after);
}

static double elapsed_ms(const struct timespec *start, const struct timespec *end)
{
	return (double)(end->tv_sec - start->tv_sec) * 1e3 +
	       (double)(end->tv_nsec - start->tv_nsec) / 1e6;
}

static int compare_double(const void *left, const void *right)
{
	double a = *(const double *)left, b = *(const double *)right;

	return (a > b) - (a < b);
}

static double median_build_ms(const struct maglev_backend *targets, size_t n)
{
	uint32_t *table = xcalloc(TABLE_SIZE, sizeof(*table));
	double runs[BUILD_RUNS];

	for (size_t run = 0; run < BUILD_RUNS; run++) {
		struct timespec start, end;

		clock_gettime(CLOCK_MONOTONIC, &start);
		build(targets, n, table);
		clock_gettime(CLOCK_MONOTONIC, &end);
		runs[run] = elapsed_ms(&start, &end);
	}
	free(table);
	qsort(runs, BUILD_RUNS, sizeof(runs[0]), compare_double);
	return runs[BUILD_RUNS / 2];
}

static void print_table(const struct disruption *results, size_t n_results, const double *build_ms)
{
	printf("Maglev disruption, M=%d, %d flows\n", TABLE_SIZE, FLOWS);
	printf("targets  change   moved    ideal    excess\n");
	for (size_t i = 0; i < n_results; i++) {
		const struct disruption *r = &results[i];

		printf("%7zu  %-6s  %6.2f%%  %6.2f%%  %+6.2f%%\n", r->targets, r->change,
		       100 * r->moved, 100 * r->ideal, 100 * (r->moved - r->ideal));
	}
	printf("build time (median of %d):", BUILD_RUNS);
	for (size_t i = 0; i < N_TIMED; i++)
		printf("%s %zu targets %.2f ms", i ? "," : "", timed_target_counts[i], build_ms[i]);
	printf("\n");
}

static int write_json(const char *path, const struct disruption *results, size_t n_results,
		      const double *build_ms)
{
	FILE *out = fopen(path, "w");

	if (!out) {
		perror(path);
		return -1;
	}
	fprintf(out, "{\"table_size\":%d,\"flows\":%d,\"disruption\":[", TABLE_SIZE, FLOWS);
	for (size_t i = 0; i < n_results; i++) {
		const struct disruption *r = &results[i];

		fprintf(out,
			"%s{\"targets\":%zu,\"change\":\"%s\",\"moved\":%.6g,\"ideal\":%.6g,"
			"\"excess\":%.6g}",
			i ? "," : "", r->targets, r->change, r->moved, r->ideal,
			r->moved - r->ideal);
	}
	fprintf(out, "],\"build_ms\":{");
	for (size_t i = 0; i < N_TIMED; i++)
		fprintf(out, "%s\"%zu\":%.3f", i ? "," : "", timed_target_counts[i], build_ms[i]);
	fprintf(out, "}}\n");
	if (fclose(out)) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct maglev_backend targets[MAX_TARGETS];
	struct disruption results[2 * N_TARGET_COUNTS];
	double build_ms[N_TIMED];

	if (argc != 2) {
		fprintf(stderr, "usage: %s OUTPUT.json\n", argv[0]);
		return 2;
	}
	make_targets(targets, MAX_TARGETS);
	uint32_t *flow_entries = random_flow_entries();

	for (size_t i = 0; i < N_TARGET_COUNTS; i++)
		measure_disruption(targets, target_counts[i], flow_entries, &results[2 * i],
				   &results[2 * i + 1]);
	free(flow_entries);
	for (size_t i = 0; i < N_TIMED; i++)
		build_ms[i] = median_build_ms(targets, timed_target_counts[i]);

	print_table(results, 2 * N_TARGET_COUNTS, build_ms);
	return write_json(argv[1], results, 2 * N_TARGET_COUNTS, build_ms) ? 1 : 0;
}
