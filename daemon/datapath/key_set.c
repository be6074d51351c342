#include "key_set.h"

#include <stdlib.h>
#include <string.h>

static int by_key(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

void key_set_sort(struct key_set *set)
{
	qsort(set->keys, set->count, sizeof(*set->keys), by_key);
}

bool key_set_has(const struct key_set *set, uint64_t key)
{
	return bsearch(&key, set->keys, set->count, sizeof(key), by_key) != NULL;
}

void key_set_prune(struct bpf_map *map, bool (*kept)(const void *key, void *ctx), void *ctx)
{
	size_t size = bpf_map__key_size(map);
	uint8_t last[64] = { 0 }, candidate[64];
	bool have_last = false;

	while (!bpf_map__get_next_key(map, have_last ? last : NULL, candidate, size)) {
		if (!kept(candidate, ctx)) {
			bpf_map__delete_elem(map, candidate, size, 0);
			continue;
		}
		memcpy(last, candidate, size);
		have_last = true;
	}
}
