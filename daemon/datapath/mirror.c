/* SPDX-License-Identifier: MIT */
/* The frontends' mirror (mirror.h). */
#include "mirror.h"

#include <stdlib.h>

static size_t place_of(const struct mirror *m, uint32_t addr)
{
	return (size_t)(addr * 0x9e3779b1u) & (m->capacity - 1);
}

void mirror_free(struct mirror *m)
{
	for (size_t i = 0; i < m->capacity; i++)
		free(m->places[i].entries);
	free(m->places);
	*m = (struct mirror){ 0 };
}

struct mirror_address *mirror_find(const struct mirror *m, uint32_t addr)
{
	if (!m->capacity)
		return NULL;
	for (size_t i = place_of(m, addr);; i = (i + 1) & (m->capacity - 1)) {
		if (m->places[i].addr == addr)
			return &m->places[i];
		if (!m->places[i].addr)
			return NULL;
	}
}

/* The place of addr, taken if it is new. */
static struct mirror_address *take(struct mirror *m, uint32_t addr)
{
	size_t i = place_of(m, addr);

	while (m->places[i].addr && m->places[i].addr != addr)
		i = (i + 1) & (m->capacity - 1);
	if (!m->places[i].addr) {
		m->places[i].addr = addr;
		m->used++;
	}
	return &m->places[i];
}

static int grow(struct mirror *m)
{
	struct mirror old = *m;

	m->capacity = old.capacity ? 2 * old.capacity : 1024;
	m->places = calloc(m->capacity, sizeof(*m->places));
	m->used = 0;
	if (!m->places) {
		*m = old;
		return -1;
	}
	for (size_t i = 0; i < old.capacity; i++)
		if (old.places[i].addr)
			*take(m, old.places[i].addr) = old.places[i];
	free(old.places);
	return 0;
}

int mirror_set(struct mirror *m, uint32_t addr, uint16_t port, const struct xl_frontend *value)
{
	struct mirror_address *a = mirror_find(m, addr);

	/* Only a new address may grow the table: places stay where they are otherwise. */
	if (!a) {
		if (2 * (m->used + 1) > m->capacity && grow(m) < 0)
			return -1;
		a = take(m, addr);
	}
	for (uint32_t i = 0; i < a->count; i++)
		if (a->entries[i].port == port) {
			a->entries[i].value = *value;
			return 0;
		}
	if (a->count == a->capacity) {
		uint32_t capacity = a->capacity ? 2 * a->capacity : 2;
		struct mirror_entry *grown = realloc(a->entries, capacity * sizeof(*grown));

		if (!grown)
			return -1;
		a->entries = grown;
		a->capacity = capacity;
	}
	a->entries[a->count++] = (struct mirror_entry){ .port = port, .value = *value };
	return 0;
}

/* Frees the place of an address without entries, moving back the addresses after it that
 * would otherwise no longer be found (deletion in linear probing). */
static void release_place(struct mirror *m, struct mirror_address *a)
{
	size_t hole = (size_t)(a - m->places);

	free(a->entries);
	m->places[hole] = (struct mirror_address){ 0 };
	m->used--;
	for (size_t i = (hole + 1) & (m->capacity - 1); m->places[i].addr;
	     i = (i + 1) & (m->capacity - 1)) {
		size_t home = place_of(m, m->places[i].addr);

		/* It may move back to the hole if its home is not in (hole, i]. */
		if ((i > hole && (home <= hole || home > i)) ||
		    (i < hole && home <= hole && home > i)) {
			m->places[hole] = m->places[i];
			m->places[i] = (struct mirror_address){ 0 };
			hole = i;
		}
	}
}

void mirror_remove(struct mirror *m, uint32_t addr, uint16_t port)
{
	struct mirror_address *a = mirror_find(m, addr);

	if (!a)
		return;
	for (uint32_t i = 0; i < a->count; i++)
		if (a->entries[i].port == port) {
			a->entries[i] = a->entries[--a->count];
			break;
		}
	if (!a->count)
		release_place(m, a);
}

uint32_t *mirror_addresses(const struct mirror *m, size_t *count)
{
	uint32_t *list = malloc((m->used + 1) * sizeof(*list));

	*count = 0;
	for (size_t i = 0; list && i < m->capacity; i++)
		if (m->places[i].addr)
			list[(*count)++] = m->places[i].addr;
	return list;
}
