/* Sets of the keys a sync wants in a hash map, and the deletion of all others. */
#ifndef XL_KEY_SET_H
#define XL_KEY_SET_H

#include <bpf/libbpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct key_set {
	uint64_t *keys; /* each map key packed into 64 bits; sorted by key_set_sort */
	size_t count;
};

void key_set_sort(struct key_set *set);
bool key_set_has(const struct key_set *set, uint64_t key);

/* Deletes every key of a hash map that `kept(key, ctx)` refuses. */
void key_set_prune(struct bpf_map *map, bool (*kept)(const void *key, void *ctx), void *ctx);

#endif
