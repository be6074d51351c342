/* SPDX-License-Identifier: MIT */
/* The ports of the agent's own sockets from node IPs (source_ports.h). */
#include "source_ports.h"

#include <errno.h>
#include <linux/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FIRST_UNPRIVILEGED 1024

int source_ports_apply(int fd, const struct port_range *range)
{
	uint32_t packed = (uint32_t)range->last << 16 | range->first;

	if (!range->first)
		return 0;
	return setsockopt(fd, IPPROTO_IP, IP_LOCAL_PORT_RANGE, &packed, sizeof(packed));
}

/* Whether this kernel gives a socket a port range of its own. */
static int per_socket_ranges(void)
{
	struct port_range probe = { 60000, 60001 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return 0;
	rc = source_ports_apply(fd, &probe) == 0;
	close(fd);
	return rc;
}

static int host_range(unsigned int *first, unsigned int *last)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
	int got = f ? fscanf(f, "%u %u", first, last) : 0;

	if (f)
		fclose(f);
	return got == 2 ? 0 : -1;
}

int source_ports_choose(uint16_t snat_first, uint16_t snat_count, struct port_range *range,
			char *why, size_t size)
{
	unsigned int snat_last = (unsigned int)snat_first + snat_count - 1;
	unsigned int first = FIRST_UNPRIVILEGED, last = 65535;
	/* What of the host's range lies below the SNAT ports, and above: a socket's own range
	 * narrows the host's, it never widens it. */
	unsigned int below_last, above_first, below, above;

	*range = (struct port_range){ 0, 0 };
	if (host_range(&first, &last) == 0 && (last < snat_first || first > snat_last))
		return 0;
	below_last = snat_first > first ? snat_first - 1 : 0;
	below = below_last >= first ? below_last - first + 1 : 0;
	above_first = snat_last + 1 > first ? snat_last + 1 : first;
	above = last >= above_first ? last - above_first + 1 : 0;
	if (!below && !above) {
		snprintf(why, size,
			 "the host's ip_local_port_range %u-%u lies within the SNAT ports %u-%u: "
			 "health checks would have no port; widen it or start with other "
			 "--snat-ports",
			 first, last, snat_first, snat_last);
		return -1;
	}
	if (above >= below)
		*range = (struct port_range){ (uint16_t)above_first, (uint16_t)last };
	else
		*range = (struct port_range){ (uint16_t)first, (uint16_t)below_last };
	if (!per_socket_ranges()) {
		snprintf(why, size,
			 "the host's ip_local_port_range %u-%u overlaps the SNAT ports %u-%u, and "
			 "this kernel cannot give health checks a range of their own "
			 "(IP_LOCAL_PORT_RANGE, Linux 6.3): set net.ipv4.ip_local_port_range to "
			 "\"%u %u\", or start with other --snat-ports",
			 first, last, snat_first, snat_last, range->first, range->last);
		return -1;
	}
	return 0;
}
