/* SPDX-License-Identifier: MIT */
/* The ports of an entry of the security groups trie (guard_ports.h). */
#include "guard_ports.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static uint32_t prefix_mask(uint8_t prefix)
{
	return prefix ? ~0u << (32 - prefix) : 0;
}

/* Whether the rule's source contains the prefix source/length. */
static bool contains(const struct dp_guard_rule *rule, uint32_t source, uint8_t prefix)
{
	return rule->prefix <= prefix &&
	       ((ntohl(source) ^ ntohl(rule->addr)) & prefix_mask(rule->prefix)) == 0;
}

static int by_start(const void *a, const void *b)
{
	const struct xl_port_range *x = a, *y = b;

	return (x->from > y->from) - (x->from < y->from);
}

/* At most one range per rule, and an endpoint has at most XL_SG_MAX_RANGES rules (five
 * groups of 60), so they fit. */
void guard_ports(const struct dp_guard *g, uint32_t source, uint8_t prefix,
		 struct xl_sg_ports *ports)
{
	size_t count = 0, merged = 0;

	memset(ports, 0, sizeof(*ports));
	for (size_t i = 0; i < g->count && count < XL_SG_MAX_RANGES; i++)
		if (contains(&g->rules[i], source, prefix))
			ports->ranges[count++] = (struct xl_port_range){ .from = g->rules[i].from,
									 .to = g->rules[i].to };
	qsort(ports->ranges, count, sizeof(ports->ranges[0]), by_start);
	for (size_t i = 0; i < count; i++) {
		struct xl_port_range *last = merged ? &ports->ranges[merged - 1] : NULL;

		if (last && (uint32_t)ports->ranges[i].from <= (uint32_t)last->to + 1) {
			if (ports->ranges[i].to > last->to)
				last->to = ports->ranges[i].to;
			continue;
		}
		ports->ranges[merged++] = ports->ranges[i];
	}
	memset(&ports->ranges[merged], 0, (count - merged) * sizeof(ports->ranges[0]));
	ports->count = (uint32_t)merged;
}
