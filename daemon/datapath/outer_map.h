/* SPDX-License-Identifier: MIT */
/* Reading which entries of a map of maps hold a map, quickly on every kernel. */
#ifndef XL_OUTER_MAP_H
#define XL_OUTER_MAP_H

#include <stdbool.h>
#include <stdint.h>

/* present[key], for each of the first `count` keys of the map of maps `fd`: whether a
 * lookup of the key finds a map. */
void outer_map_read(int fd, uint32_t count, bool *present);

#endif
