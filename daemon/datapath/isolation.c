/* SPDX-License-Identifier: MIT */
/* The agent's own policy rules that keep the node from routing (isolation.h), through
 * libnl-route: a netlink library that NetworkManager and iproute's peers rely on, rather
 * than hand-made netlink messages. */
#include "isolation.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <netlink/errno.h>
#include <netlink/route/rule.h>
#include <sys/socket.h>

#include "log.h"

/* The blackhole rule for `name` in `family`. */
static struct rtnl_rule *blackhole_rule(const char *name, int family)
{
	struct rtnl_rule *rule = rtnl_rule_alloc();

	if (!rule)
		return NULL;
	rtnl_rule_set_family(rule, family);
	rtnl_rule_set_prio(rule, ISOLATION_RULE_PREF);
	rtnl_rule_set_action(rule, FR_ACT_BLACKHOLE);
	if (rtnl_rule_set_iif(rule, name)) {
		rtnl_rule_put(rule);
		return NULL;
	}
	return rule;
}

/* Runs `change` (rtnl_rule_add or rtnl_rule_delete) for both families; returns the first
 * libnl error, or 0. `tolerated` is an error that counts as done. */
static int for_both_families(const char *name,
			     int (*change)(struct nl_sock *, struct rtnl_rule *, int), int flags,
			     int tolerated)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct nl_sock *sock = nl_socket_alloc();
	int rc = sock ? nl_connect(sock, NETLINK_ROUTE) : -NLE_NOMEM;

	for (size_t i = 0; rc == 0 && i < sizeof(families) / sizeof(families[0]); i++) {
		struct rtnl_rule *rule = blackhole_rule(name, families[i]);

		rc = rule ? change(sock, rule, flags) : -NLE_NOMEM;
		if (rc == tolerated)
			rc = 0;
		rtnl_rule_put(rule);
	}
	nl_socket_free(sock);
	return rc;
}

int isolation_add(const char *name, struct api_error *err)
{
	int rc = for_both_families(name, rtnl_rule_add, NLM_F_EXCL, -NLE_EXIST);

	if (rc)
		return api_fail(err, API_AttachFailed,
				"cannot add the rule that keeps the node from routing from %s "
				"(pref %d iif %s blackhole): %s",
				name, ISOLATION_RULE_PREF, name, nl_geterror(rc));
	return 0;
}

void isolation_remove(const char *name)
{
	int rc = for_both_families(name, rtnl_rule_delete, 0, -NLE_OBJ_NOTFOUND);

	if (rc)
		log_warn("cannot remove the isolation rules of %s: %s", name, nl_geterror(rc));
}
