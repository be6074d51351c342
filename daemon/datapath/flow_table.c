// SPDX-License-Identifier: MIT
/* The flow table behind flow_table.h. Every change of a slot's state is an atomic
 * operation on the memory the program shares, so that the agent and the CPUs running
 * the program agree on who owns a flow at every instant. */
#include "flow_table.h"

#include <string.h>

uint32_t flow_table_homes(uint32_t max_flows)
{
	return (uint32_t)((uint64_t)max_flows * XL_FLOW_SLACK_NUM / XL_FLOW_SLACK_DEN);
}

uint32_t flow_table_slots(uint32_t max_flows)
{
	return flow_table_homes(max_flows) + XL_FLOW_HOP;
}

uint32_t flow_table_page_words(uint32_t max_flows)
{
	return flow_table_slots(max_flows) / XL_FLOW_PAGE_SLOTS / 64 + 1;
}

uint32_t flow_slot_kind(const struct xl_flow *slot)
{
	return __atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) & XL_SLOT_KIND_MASK;
}

static uint32_t hash_of(const struct flow_table *table, const struct xl_flow_key *key)
{
	return xl_flow_hash(key->client_addr, key->eni_addr, key->client_port, key->eni_port,
			    table->hash_seed);
}

static int64_t find_in_window(const struct flow_table *table, const struct xl_flow_key *key,
			      uint32_t home, uint32_t tag, uint32_t *hop)
{
	*hop = __atomic_load_n(&table->slots[home].hop, __ATOMIC_ACQUIRE);
	for (uint32_t i = 0; i < XL_FLOW_HOP; i++) {
		const struct xl_flow *slot = &table->slots[home + i];
		uint32_t state;

		if (!(*hop & (1u << i)))
			continue;
		state = __atomic_load_n(&slot->state, __ATOMIC_ACQUIRE);
		if ((state & XL_SLOT_KIND_MASK) == XL_SLOT_FLOW &&
		    (state & XL_FLOW_TAG_MASK) == tag && !memcmp(&slot->key, key, sizeof(*key)))
			return home + i;
	}
	return -1;
}

int64_t flow_table_find(const struct flow_table *table, const struct xl_flow_key *key)
{
	uint32_t hash = hash_of(table, key), tag = xl_flow_tag(hash), hop, ignored;
	int64_t slot = find_in_window(table, key, xl_flow_home(hash, table->homes), tag, &hop);

	if (slot >= 0 || !(hop & XL_FLOW_OVERFLOW))
		return slot;
	return find_in_window(table, key, xl_flow_home(xl_flow_second_hash(hash), table->homes),
			      tag, &ignored);
}

bool flow_table_take(struct flow_table *table, uint32_t slot, uint32_t seen)
{
	uint32_t busy = (seen & XL_FLOW_TAG_MASK) | XL_SLOT_BUSY;

	if ((seen & XL_SLOT_KIND_MASK) != XL_SLOT_FLOW)
		return false;
	return __atomic_compare_exchange_n(&table->slots[slot].state, &seen, busy, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* The hop bit goes first: while the slot is busy nobody can take it, so the bit cleared
 * is its own flow's, never one a new flow set. */
void flow_table_remove(struct flow_table *table, uint32_t slot)
{
	struct xl_flow *flow = &table->slots[slot];
	uint32_t hash = hash_of(table, &flow->key), home;

	if (__atomic_load_n(&flow->state, __ATOMIC_ACQUIRE) & XL_FLOW_SECOND_HOME)
		hash = xl_flow_second_hash(hash);
	home = xl_flow_home(hash, table->homes);

	if (home <= slot && slot - home < XL_FLOW_HOP)
		__atomic_fetch_and(&table->slots[home].hop, ~(1u << (slot - home)),
				   __ATOMIC_ACQ_REL);
	__atomic_store_n(&flow->state, XL_SLOT_EMPTY, __ATOMIC_RELEASE);
}

/* Whether any slot of the page holds something (a flow, or one being written). */
static bool page_in_use(const struct flow_table *table, uint32_t page)
{
	uint32_t first = page * XL_FLOW_PAGE_SLOTS, slots = table->homes + XL_FLOW_HOP;

	for (uint32_t s = first; s < first + XL_FLOW_PAGE_SLOTS && s < slots; s++)
		if (flow_slot_kind(&table->slots[s]) != XL_SLOT_EMPTY)
			return true;
	return false;
}

/* A page with no flow loses its bit; the data path sets it again after it inserts, so
 * a check after the clearing catches a flow inserted meanwhile. */
static void forget_page_if_empty(struct flow_table *table, uint32_t page)
{
	uint64_t bit = 1ULL << (page % 64);

	if (page_in_use(table, page))
		return;
	__atomic_fetch_and(&table->pages[page / 64], ~bit, __ATOMIC_ACQ_REL);
	if (page_in_use(table, page))
		__atomic_fetch_or(&table->pages[page / 64], bit, __ATOMIC_ACQ_REL);
}

size_t flow_table_walk(struct flow_table *table, bool (*visit)(uint32_t slot, void *ctx), void *ctx)
{
	uint32_t slots = table->homes + XL_FLOW_HOP,
		 pages = (slots + XL_FLOW_PAGE_SLOTS - 1) / XL_FLOW_PAGE_SLOTS;
	size_t visited = 0;

	for (uint32_t word = 0; word * 64 < pages; word++) {
		uint64_t bits = __atomic_load_n(&table->pages[word], __ATOMIC_ACQUIRE);

		while (bits) {
			uint32_t page = word * 64 + (uint32_t)__builtin_ctzll(bits);
			uint32_t first = page * XL_FLOW_PAGE_SLOTS;

			bits &= bits - 1;
			for (uint32_t s = first; s < first + XL_FLOW_PAGE_SLOTS && s < slots; s++) {
				uint32_t kind = flow_slot_kind(&table->slots[s]);

				if (kind != XL_SLOT_FLOW && kind != XL_SLOT_RETIRED)
					continue;
				visited++;
				if (!visit(s, ctx))
					return visited;
			}
			forget_page_if_empty(table, page);
		}
	}
	return visited;
}
