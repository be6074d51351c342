/* SPDX-License-Identifier: MIT */
/* Adding and removing a resolver's /32 with rtnetlink (address.h), through libmnl: the
 * netfilter project's small netlink library does the message layout and the checks of the
 * kernel's acknowledgement. One request, one acknowledgement, on a socket of its own: the
 * kernel answers at once, so the loop is never held. */
#include "address.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int change_address(const char *iface, uint32_t addr, uint16_t type, uint16_t flags)
{
	char buffer[MNL_SOCKET_BUFFER_SIZE];
	unsigned int ifindex = if_nametoindex(iface), sequence = (unsigned int)time(NULL);
	struct mnl_socket *nl;
	struct nlmsghdr *request;
	struct ifaddrmsg *ifa;
	int rc = -1, saved;
	ssize_t got;

	if (!ifindex)
		return -1;
	request = mnl_nlmsg_put_header(buffer);
	request->nlmsg_type = type;
	request->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	request->nlmsg_seq = sequence;
	ifa = mnl_nlmsg_put_extra_header(request, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 32;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	mnl_attr_put_u32(request, IFA_LOCAL, addr);
	mnl_attr_put_u32(request, IFA_ADDRESS, addr);
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == 0 &&
	    mnl_socket_sendto(nl, request, request->nlmsg_len) >= 0 &&
	    (got = mnl_socket_recvfrom(nl, buffer, sizeof(buffer))) > 0)
		rc = mnl_cb_run(buffer, (size_t)got, sequence, mnl_socket_get_portid(nl), NULL,
				NULL) < 0
			 ? -1
			 : 0;
	saved = errno;
	mnl_socket_close(nl);
	errno = saved;
	return rc;
}

int address_add(const char *iface, uint32_t addr)
{
	if (change_address(iface, addr, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL) == 0)
		return 1;
	return errno == EEXIST ? 0 : -1;
}

int address_remove(const char *iface, uint32_t addr)
{
	return change_address(iface, addr, RTM_DELADDR, 0);
}
