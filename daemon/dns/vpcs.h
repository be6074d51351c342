/* SPDX-License-Identifier: MIT */
/* The consumer VPCs that get a resolver. */
#ifndef XL_DNS_VPCS_H
#define XL_DNS_VPCS_H

#include <stddef.h>

#include "records.h"

struct model;

/* The VPCs as the model has them now, sorted by id: *vpcs freed by the caller. 0, or -1. */
int dns_read_vpcs(struct model *m, struct dns_vpc **vpcs, size_t *count);

#endif
