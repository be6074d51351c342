/* SPDX-License-Identifier: MIT */
/* The ports the agent's own sockets from node IPs (health checks) may use (source_ports.c):
 * never one of the SNAT ports, which the data path gives flows to the same targets; a
 * health check's SYN-ACK must not meet a flow's reverse NAT. */
#ifndef XL_SOURCE_PORTS_H
#define XL_SOURCE_PORTS_H

#include <stddef.h>
#include <stdint.h>

struct port_range {
	uint16_t first, last; /* 0, 0: the host's ip_local_port_range already keeps apart */
};

/* Chooses the range for SNAT ports [snat_first, snat_first + snat_count): none when the
 * host's ip_local_port_range keeps apart from them, else the larger part of the host's
 * range outside them, given to each socket (IP_LOCAL_PORT_RANGE, Linux 6.3). Returns 0,
 * or -1 with the reason and the way out in `why` (an older kernel, no port left). */
int source_ports_choose(uint16_t snat_first, uint16_t snat_count, struct port_range *range,
			char *why, size_t size);
/* Gives a socket the range (nothing for 0, 0). */
int source_ports_apply(int fd, const struct port_range *range);

#endif
