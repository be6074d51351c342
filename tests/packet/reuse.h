/* SPDX-License-Identifier: MIT */
/* One loaded BPF object for many packet tests: its maps emptied as if it had just been
 * created, and the inner maps of its maps of maps made once and kept, by key. */
#ifndef XL_TEST_REUSE_H
#define XL_TEST_REUSE_H

#include <bpf/libbpf.h>
#include <stdbool.h>
#include <stdint.h>

/* The inner maps the fixture put into one map of maps. It keeps their fds, so that it
 * never looks an entry up: on 6.1 a lookup in a map of maps, like an update or a delete,
 * waits for an RCU grace period (kernel/bpf/syscall.c, maybe_wait_bpf_programs), which
 * takes about 16 ms in the QEMU guest (1024 lookups emptying one map took 16 s). */
struct inner_maps {
	struct bpf_map *outer;
	uint32_t count; /* the outer map's entries */
	int *fd;	/* by key; -1: none */
	bool *kept;	/* asked for by the scene being built */
};

int inner_maps_init(struct inner_maps *maps, struct bpf_map *outer);
void inner_maps_free(struct inner_maps *maps);
/* The inner map at key, made by make() and put into the outer map when there is none;
 * what it holds is the caller's to write. Marks it as kept by the new scene. */
int inner_map(struct inner_maps *maps, uint32_t key, int (*make)(void));
/* A new scene begins: no inner map is kept yet. */
void inner_maps_begin(struct inner_maps *maps);
/* The scene is built: the inner maps it did not ask for leave the outer map, as a fresh
 * object would not have them. */
void inner_maps_end(struct inner_maps *maps);

/* Writes zeros over every entry of an array map (per-CPU arrays: each CPU's copy). */
int zero_array(int fd, uint32_t entries, size_t value_size);
/* Empties every map of the object but its maps of maps (whose entries inner_maps keeps)
 * and its constants, as if it had just been created. */
void empty_maps(struct bpf_object *obj);

#endif
