/* SPDX-License-Identifier: MIT */
/* The memory of projections and their scopes (dataplane.h). */
#include "dataplane.h"

#include <stdlib.h>

/* Keys stay unsorted while a scope is built; a lookup sorts them once. */
int dp_keys_add(struct dp_keys *keys, uint32_t key)
{
	if (keys->count == keys->capacity) {
		size_t capacity = keys->capacity ? 2 * keys->capacity : 16;
		uint32_t *grown = realloc(keys->keys, capacity * sizeof(*grown));

		if (!grown)
			return -1;
		keys->keys = grown;
		keys->capacity = capacity;
	}
	keys->keys[keys->count++] = key;
	return 0;
}

bool dp_keys_has(const struct dp_keys *keys, uint32_t key)
{
	for (size_t i = 0; i < keys->count; i++)
		if (keys->keys[i] == key)
			return true;
	return false;
}

bool dataplane_scope_empty(const struct dataplane_scope *scope)
{
	return !scope->all && !scope->ifaces && !scope->all_frontends && !scope->endpoints.count &&
	       !scope->backends.count && !scope->members.count && !scope->pools.count &&
	       !scope->tables.count && !scope->addresses.count;
}

void dataplane_scope_free(struct dataplane_scope *scope)
{
	free(scope->endpoints.keys);
	free(scope->backends.keys);
	free(scope->members.keys);
	free(scope->pools.keys);
	free(scope->tables.keys);
	free(scope->addresses.keys);
	*scope = (struct dataplane_scope){ 0 };
}

void dataplane_free(struct dataplane *dp)
{
	for (size_t i = 0; dp->tables && i < dp->table_count; i++)
		free(dp->tables[i].members);
	for (size_t i = 0; dp->guards && i < dp->guard_count; i++)
		free(dp->guards[i].rules);
	free(dp->guards);
	free(dp->frontends);
	free(dp->endpoints);
	free(dp->backends);
	free(dp->members);
	free(dp->pools);
	free(dp->tables);
	free(dp->ifaces);
	*dp = (struct dataplane){ 0 };
}
