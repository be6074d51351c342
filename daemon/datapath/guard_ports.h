/* SPDX-License-Identifier: MIT */
/* The ports of an entry of the security groups trie: for a source prefix of an endpoint's
 * rules, the TCP ports of every rule whose source contains it, so that the data path's longest
 * match alone decides (guard_ports.c). */
#ifndef XL_GUARD_PORTS_H
#define XL_GUARD_PORTS_H

#include <stdint.h>

#include "dataplane.h"
#include "xdplink.h"

/* The entry of source/prefix (network order): its ranges sorted, overlapping and adjacent
 * ones merged, the rest of *ports zeroed. */
void guard_ports(const struct dp_guard *g, uint32_t source, uint8_t prefix,
		 struct xl_sg_ports *ports);

#endif
