/* SPDX-License-Identifier: MIT */
/* What this host knows of IPv4 addresses, for the model's checks of a new ENI: the node's
 * own addresses, and those a neighbour answered for. */
#ifndef XL_HOST_ADDRESSES_H
#define XL_HOST_ADDRESSES_H

#include <stdbool.h>

/* Whether an interface of this network namespace has the address. */
bool node_has_address(const char *address);
/* Whether a host on interface `iface` answers ARP for the address: the kernel holds a
 * complete neighbour entry for it there. */
bool host_answers(const char *iface, const char *address);

#endif
