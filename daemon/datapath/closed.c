/* SPDX-License-Identifier: MIT */
/* The list of endpoints and listeners that stopped carrying traffic in an apply: their
 * flows go next, with their counts and ports. */
#include "datapath_internal.h"

#include <stdlib.h>

#include "log.h"

/* Room for one more item in a list of `size`-byte items; false when memory ran out. */
static bool grow(void **items, size_t count, size_t *capacity, size_t size)
{
	size_t bigger = *capacity ? 2 * *capacity : 16;
	void *grown;

	if (count < *capacity)
		return true;
	grown = realloc(*items, bigger * size);
	if (!grown)
		return false;
	*items = grown;
	*capacity = bigger;
	return true;
}

void closed_add_endpoint(struct closed_traffic *closed, uint32_t slot)
{
	if (!grow((void **)&closed->endpoints, closed->endpoint_count, &closed->endpoint_capacity,
		  sizeof(*closed->endpoints))) {
		log_warn("out of memory: the flows of a closed endpoint stay until idle");
		return;
	}
	closed->endpoints[closed->endpoint_count++] = slot;
}

void closed_add_listener(struct closed_traffic *closed, const struct xl_frontend_key *key)
{
	if (!grow((void **)&closed->listeners, closed->listener_count, &closed->listener_capacity,
		  sizeof(*closed->listeners))) {
		log_warn("out of memory: the flows of a removed listener stay until idle");
		return;
	}
	closed->listeners[closed->listener_count++] = *key;
}

void closed_traffic_free(struct closed_traffic *closed)
{
	free(closed->endpoints);
	free(closed->listeners);
	*closed = (struct closed_traffic){ 0 };
}
