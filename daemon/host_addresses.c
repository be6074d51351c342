/* SPDX-License-Identifier: MIT */
/* What this host knows of IPv4 addresses (host_addresses.h). */
#include "host_addresses.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>

bool node_has_address(const char *address)
{
	struct ifaddrs *list;
	struct in_addr want;
	bool found = false;

	if (inet_pton(AF_INET, address, &want) != 1 || getifaddrs(&list))
		return false;
	for (struct ifaddrs *a = list; a && !found; a = a->ifa_next)
		found = a->ifa_addr && a->ifa_addr->sa_family == AF_INET &&
			((struct sockaddr_in *)a->ifa_addr)->sin_addr.s_addr == want.s_addr;
	freeifaddrs(list);
	return found;
}

/* /proc/net/arp: "IP address  HW type  Flags  HW address  Mask  Device", a line each. */
bool host_answers(const char *iface, const char *address)
{
	char line[256], ip[64], device[64];
	unsigned int type, flags;
	bool found = false;
	FILE *f = fopen("/proc/net/arp", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found =
		    sscanf(line, "%63s 0x%x 0x%x %*s %*s %63s", ip, &type, &flags, device) == 4 &&
		    (flags & ATF_COM) && !strcmp(ip, address) && !strcmp(device, iface);
	fclose(f);
	return found;
}
