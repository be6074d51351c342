/* SPDX-License-Identifier: MIT */
/* The consumer VPCs (vpcs.h): a subnet of an attached consumer interface is a VPC, as the
 * data path sees it (an ENI serves the interface whose subnet holds it). The resolvers'
 * own /32s are not subnets. */
#include "vpcs.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "model.h"

static bool consumer_facing(const struct dp_iface *ifaces, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(ifaces[i].name, name) == 0 && ifaces[i].role != XL_ROLE_PROVIDER)
			return true;
	return false;
}

static bool listed(const struct dns_vpc *vpcs, size_t count, const struct dns_vpc *vpc)
{
	for (size_t i = 0; i < count; i++)
		if (vpcs[i].net == vpc->net && vpcs[i].mask == vpc->mask &&
		    strcmp(vpcs[i].iface, vpc->iface) == 0)
			return true;
	return false;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct dns_vpc *)a)->id, ((const struct dns_vpc *)b)->id);
}

int dns_read_vpcs(struct model *m, struct dns_vpc **vpcs, size_t *count)
{
	struct dp_iface *ifaces = NULL;
	struct ifaddrs *addresses = NULL;
	struct api_error err;
	size_t iface_count = 0, n = 0, capacity = 0;
	struct dns_vpc *list = NULL;

	*vpcs = NULL;
	*count = 0;
	if (model_list_interfaces(m, &ifaces, &iface_count, &err) || getifaddrs(&addresses)) {
		free(ifaces);
		return -1;
	}
	for (struct ifaddrs *a = addresses; a; a = a->ifa_next) {
		struct dns_vpc vpc = { 0 };
		char net[INET_ADDRSTRLEN];

		if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || !a->ifa_netmask ||
		    !consumer_facing(ifaces, iface_count, a->ifa_name))
			continue;
		vpc.mask = ((struct sockaddr_in *)a->ifa_netmask)->sin_addr.s_addr;
		vpc.net = ((struct sockaddr_in *)a->ifa_addr)->sin_addr.s_addr & vpc.mask;
		if (vpc.mask == 0xffffffff || ntohl(vpc.mask) > 0xfffffff0) /* /29 at most */
			continue;
		snprintf(vpc.iface, sizeof(vpc.iface), "%s", a->ifa_name);
		inet_ntop(AF_INET, &vpc.net, net, sizeof(net));
		snprintf(vpc.id, sizeof(vpc.id), "%s/%d@%s", net, __builtin_popcount(vpc.mask),
			 vpc.iface);
		if (listed(list, n, &vpc))
			continue;
		if (n == capacity) {
			struct dns_vpc *bigger = realloc(list, (capacity + 8) * sizeof(*list));

			if (!bigger) {
				free(list);
				free(ifaces);
				freeifaddrs(addresses);
				return -1;
			}
			list = bigger;
			capacity += 8;
		}
		list[n++] = vpc;
	}
	free(ifaces);
	freeifaddrs(addresses);
	if (n)
		qsort(list, n, sizeof(*list), by_id);
	*vpcs = list;
	*count = n;
	return 0;
}
