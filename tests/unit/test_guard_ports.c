/* SPDX-License-Identifier: MIT */
/* Unit tests of the ports the agent writes for an entry of the security groups trie: the
 * rules whose source contains the entry's prefix, sorted and merged. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "../lib/check.h"
#include "guard_ports.h"

static struct dp_guard_rule rule(const char *addr, uint8_t prefix, uint16_t from, uint16_t to)
{
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	return (struct dp_guard_rule){ .addr = a.s_addr, .prefix = prefix, .from = from, .to = to };
}

/* The entry's ranges as "80-90 443-443". */
static const char *ports_text(const struct dp_guard *g, const char *addr, uint8_t prefix)
{
	static struct xl_sg_ports ports;
	static char text[4096];
	struct in_addr a;
	size_t used = 0;

	inet_pton(AF_INET, addr, &a);
	guard_ports(g, a.s_addr, prefix, &ports);
	text[0] = '\0';
	for (uint32_t i = 0; i < ports.count && used < sizeof(text); i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%u-%u", i ? " " : "",
					 ports.ranges[i].from, ports.ranges[i].to);
	return text;
}

static void an_entry_holds_the_ports_of_every_rule_containing_it(void)
{
	struct dp_guard_rule rules[] = {
		rule("10.0.0.0", 8, 80, 80),	  rule("10.1.0.0", 16, 443, 443),
		rule("10.1.0.0", 16, 81, 90),	  rule("10.1.1.5", 32, 0, 65535),
		rule("10.2.0.0", 16, 1000, 2000), rule("10.2.0.0", 16, 1500, 2500),
		rule("10.1.0.0", 16, 1500, 2500),
	};
	struct dp_guard g = { .slot = 1,
			      .count = sizeof(rules) / sizeof(rules[0]),
			      .rules = rules };

	CHECK_STR(ports_text(&g, "10.0.0.0", 8), "80-80");
	/* 80 and 81-90 touch: one range. */
	CHECK_STR(ports_text(&g, "10.1.0.0", 16), "80-90 443-443 1500-2500");
	CHECK_STR(ports_text(&g, "10.1.1.5", 32), "0-65535");
	/* 1000-2000 and 1500-2500 overlap: one range. */
	CHECK_STR(ports_text(&g, "10.2.0.0", 16), "80-80 1000-2500");
}

static void the_most_rules_fit_one_entry(void)
{
	static struct dp_guard_rule rules[XL_SG_MAX_RANGES];
	static struct xl_sg_ports ports;
	static char everywhere[4096];
	struct dp_guard g = { .slot = 1, .count = XL_SG_MAX_RANGES, .rules = rules };

	for (uint16_t i = 0; i < XL_SG_MAX_RANGES; i++) /* the last first: sorting is needed */
		rules[i] = rule("0.0.0.0", 0, (uint16_t)(60000 - 3 * i), (uint16_t)(60000 - 3 * i));
	guard_ports(&g, 0, 0, &ports);
	CHECK_EQ(ports.count, XL_SG_MAX_RANGES);
	CHECK_EQ(ports.ranges[0].from, 60000 - 3 * (XL_SG_MAX_RANGES - 1));
	CHECK_EQ(ports.ranges[XL_SG_MAX_RANGES - 1].to, 60000);
	snprintf(everywhere, sizeof(everywhere), "%s", ports_text(&g, "0.0.0.0", 0));
	CHECK_STR(ports_text(&g, "192.168.0.0", 16), everywhere); /* /0 contains every prefix */
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		TEST_CASE(an_entry_holds_the_ports_of_every_rule_containing_it),
		TEST_CASE(the_most_rules_fit_one_entry),
	};

	return RUN_TESTS("guard_ports", cases, argc, argv);
}
