/* SPDX-License-Identifier: MIT */
/* A resolver's address on its VPC's interface, in the node's own network namespace: the
 * kernel then answers ARP for it and delivers its packets to the resolver's sockets, and
 * nothing else routes to it (a /32, no prefix route). */
#ifndef XL_DNS_ADDRESS_H
#define XL_DNS_ADDRESS_H

#include <stdbool.h>
#include <stdint.h>

/* Adds addr/32 to the interface. Returns 1 when added, 0 when it was there already
 * (then it is not ours to remove), -1 with errno. */
int address_add(const char *iface, uint32_t addr);
/* Removes addr/32 from the interface: 0, or -1 with errno. */
int address_remove(const char *iface, uint32_t addr);

#endif
