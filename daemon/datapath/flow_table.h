/* SPDX-License-Identifier: MIT */
/* The flow table as userspace holds it: the pinned xdplink_flows_v4 array mapped into
 * memory (see include/xdplink.h for its layout), where the collector reads flows and
 * removes them with the same atomic steps the data path inserts them with. */
#ifndef XL_FLOW_TABLE_H
#define XL_FLOW_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdplink.h"

struct flow_table {
	struct xl_flow *slots; /* homes + XL_FLOW_HOP of them */
	uint32_t homes;
	uint32_t hash_seed;
	uint64_t *pages; /* a bit per XL_FLOW_PAGE_SLOTS slots that may hold flows */
};

/* The sizes that hold max_flows flows: home slots, all slots, and page bit words. */
uint32_t flow_table_homes(uint32_t max_flows);
uint32_t flow_table_slots(uint32_t max_flows);
uint32_t flow_table_page_words(uint32_t max_flows);

uint32_t flow_slot_kind(const struct xl_flow *slot);

/* The slot of the flow with this key, or -1. */
int64_t flow_table_find(const struct flow_table *table, const struct xl_flow_key *key);

/* Takes the flow in `slot` out of the data path's hands if its state is still `seen`
 * (kind, flags and tag as a pass read them): the one call that succeeds owns its count
 * and port. Then flow_table_remove empties the slot. */
bool flow_table_take(struct flow_table *table, uint32_t slot, uint32_t seen);
void flow_table_remove(struct flow_table *table, uint32_t slot);

/* Calls visit(slot, ctx) for every slot that holds a flow, or a flow the data path
 * retired, until visit returns false; returns how many it visited. Pages found empty
 * lose their bit, so the next walk skips them. */
size_t flow_table_walk(struct flow_table *table, bool (*visit)(uint32_t slot, void *ctx),
		       void *ctx);

#endif
