/* SPDX-License-Identifier: MIT */
/* The consumer VPCs (vpcs.h), as the model has them: each on its interface, with its
 * range. */
#include "vpcs.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

int dns_read_vpcs(struct model *m, struct dns_vpc **vpcs, size_t *count)
{
	struct model_dns_vpc *rows = NULL;
	struct dns_vpc *list;
	struct api_error err;
	size_t n = 0;

	*vpcs = NULL;
	*count = 0;
	if (model_dns_vpcs(m, &rows, &n, &err))
		return -1;
	list = calloc(n + 1, sizeof(*list));
	if (!list) {
		free(rows);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t size = rows[i].last - rows[i].first + 1; /* a power of two */

		snprintf(list[i].id, sizeof(list[i].id), "%s", rows[i].vpc_id);
		snprintf(list[i].iface, sizeof(list[i].iface), "%s", rows[i].interface);
		list[i].net = htonl(rows[i].first);
		list[i].mask = htonl(~(size - 1));
	}
	free(rows);
	*vpcs = list;
	*count = n;
	return 0;
}
