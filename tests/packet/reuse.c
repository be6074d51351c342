/* SPDX-License-Identifier: MIT */
/* One loaded BPF object for many packet tests (reuse.h). */
#include "reuse.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int inner_maps_init(struct inner_maps *maps, struct bpf_map *outer)
{
	maps->outer = outer;
	maps->count = bpf_map__max_entries(outer);
	maps->fd = malloc(maps->count * sizeof(*maps->fd));
	maps->kept = calloc(maps->count, sizeof(*maps->kept));
	if (!maps->fd || !maps->kept)
		return -1;
	for (uint32_t key = 0; key < maps->count; key++)
		maps->fd[key] = -1;
	return 0;
}

void inner_maps_free(struct inner_maps *maps)
{
	for (uint32_t key = 0; maps->fd && key < maps->count; key++)
		if (maps->fd[key] >= 0)
			close(maps->fd[key]);
	free(maps->fd);
	free(maps->kept);
	*maps = (struct inner_maps){ 0 };
}

int inner_map(struct inner_maps *maps, uint32_t key, int (*make)(void))
{
	int fd;

	if (key >= maps->count)
		abort();
	if (maps->fd[key] < 0) {
		fd = make();
		if (fd < 0 || bpf_map__update_elem(maps->outer, &key, sizeof(key), &fd, sizeof(fd),
						   BPF_ANY)) {
			fprintf(stderr, "fixture: cannot add an inner map to %s: %s\n",
				bpf_map__name(maps->outer), strerror(errno));
			abort();
		}
		maps->fd[key] = fd;
	}
	maps->kept[key] = true;
	return maps->fd[key];
}

void inner_maps_begin(struct inner_maps *maps)
{
	memset(maps->kept, 0, maps->count * sizeof(*maps->kept));
}

void inner_maps_end(struct inner_maps *maps)
{
	for (uint32_t key = 0; key < maps->count; key++) {
		if (maps->fd[key] < 0 || maps->kept[key])
			continue;
		if (bpf_map__delete_elem(maps->outer, &key, sizeof(key), 0)) {
			fprintf(stderr, "fixture: cannot take inner map %u out of %s: %s\n", key,
				bpf_map__name(maps->outer), strerror(errno));
			abort();
		}
		close(maps->fd[key]);
		maps->fd[key] = -1;
	}
}

int zero_array(int fd, uint32_t entries, size_t value_size)
{
	uint32_t *keys = calloc(entries, sizeof(*keys)), count = entries;
	void *values = calloc(entries, value_size);
	int rc = -1;

	if (keys && values) {
		for (uint32_t i = 0; i < entries; i++)
			keys[i] = i;
		rc = bpf_map_update_batch(fd, keys, values, &count, NULL) || count != entries;
	}
	free(keys);
	free(values);
	return rc;
}

/* Zeros over an array the program shares by mmap: a memset, not a syscall per entry. */
static int zero_shared_array(int fd, uint32_t entries, size_t value_size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t size = ((size_t)entries * ((value_size + 7) & ~(size_t)7) + page - 1) / page * page;
	void *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (memory == MAP_FAILED)
		return -1;
	memset(memory, 0, size);
	return munmap(memory, size);
}

/* Deletes every key. A hash map's freed entries are its preallocated ones again. */
static int empty_hash(int fd, size_t key_size)
{
	void *key = malloc(key_size);
	int rc = key ? 0 : -1;

	while (!rc && !bpf_map_get_next_key(fd, NULL, key))
		rc = bpf_map_delete_elem(fd, key);
	free(key);
	return rc;
}

/* Every map type the program has is known here: a new one must say how it is emptied. */
static void empty_map(struct bpf_map *map)
{
	uint32_t entries = bpf_map__max_entries(map);
	size_t value_size = bpf_map__value_size(map);
	int fd = bpf_map__fd(map), rc = -1;

	switch (bpf_map__type(map)) {
	case BPF_MAP_TYPE_PERCPU_ARRAY: /* a copy per CPU, each 8-byte aligned */
		value_size = ((value_size + 7) & ~(size_t)7) * (size_t)libbpf_num_possible_cpus();
		rc = zero_array(fd, entries, value_size);
		break;
	case BPF_MAP_TYPE_ARRAY:
		if (bpf_map__map_flags(map) & BPF_F_MMAPABLE)
			rc = zero_shared_array(fd, entries, value_size);
		else
			rc = zero_array(fd, entries, value_size);
		break;
	case BPF_MAP_TYPE_ARRAY_OF_MAPS: /* struct inner_maps */
		rc = 0;
		break;
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_DEVMAP_HASH:
	case BPF_MAP_TYPE_LPM_TRIE:
		rc = empty_hash(fd, bpf_map__key_size(map));
		break;
	default:
		errno = EOPNOTSUPP;
	}
	if (rc) {
		fprintf(stderr, "fixture: cannot empty %s: %s\n", bpf_map__name(map),
			strerror(errno));
		abort();
	}
}

void empty_maps(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		if (!bpf_map__is_internal(map)) /* .rodata: constants */
			empty_map(map);
	}
}
