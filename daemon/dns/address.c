/* SPDX-License-Identifier: MIT */
/* Adding and removing a resolver's /32 with rtnetlink (address.h), through libnl-route, the
 * netlink library the agent's isolation rules use too. One request and its acknowledgement:
 * the kernel answers at once, so the loop is never held. */
#include "address.h"

#include <errno.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/route/addr.h>
#include <sys/socket.h>

/* addr/32 on the interface with index `ifindex`, or NULL when out of memory. */
static struct rtnl_addr *host_address(unsigned int ifindex, uint32_t addr)
{
	struct rtnl_addr *entry = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(AF_INET, &addr, sizeof(addr));

	if (entry && local) {
		nl_addr_set_prefixlen(local, 32);
		rtnl_addr_set_ifindex(entry, (int)ifindex);
		rtnl_addr_set_family(entry, AF_INET);
		if (rtnl_addr_set_local(entry, local) == 0) {
			nl_addr_put(local);
			return entry;
		}
	}
	nl_addr_put(local);
	rtnl_addr_put(entry);
	return NULL;
}

/* Runs `change` (rtnl_addr_add or rtnl_addr_delete) for addr/32 on the interface; returns
 * libnl's error, or 0. */
static int change_address(const char *iface, uint32_t addr,
			  int (*change)(struct nl_sock *, struct rtnl_addr *, int), int flags)
{
	unsigned int ifindex = if_nametoindex(iface);
	struct nl_sock *sock = NULL;
	struct rtnl_addr *entry = NULL;
	int rc;

	if (!ifindex)
		return -NLE_NODEV;
	sock = nl_socket_alloc();
	rc = sock ? nl_connect(sock, NETLINK_ROUTE) : -NLE_NOMEM;
	if (rc == 0) {
		entry = host_address(ifindex, addr);
		rc = entry ? change(sock, entry, flags) : -NLE_NOMEM;
	}
	rtnl_addr_put(entry);
	nl_socket_free(sock);
	return rc;
}

static int as_errno(int rc)
{
	errno = rc == -NLE_NODEV ? ENODEV : rc == -NLE_OBJ_NOTFOUND ? EADDRNOTAVAIL : EIO;
	return -1;
}

int address_add(const char *iface, uint32_t addr)
{
	int rc = change_address(iface, addr, rtnl_addr_add, NLM_F_EXCL);

	if (rc == 0)
		return 1;
	return rc == -NLE_EXIST ? 0 : as_errno(rc);
}

int address_remove(const char *iface, uint32_t addr)
{
	int rc = change_address(iface, addr, rtnl_addr_delete, 0);

	return rc == 0 ? 0 : as_errno(rc);
}
