/* SPDX-License-Identifier: MIT */
/* Where an endpoint's ENI goes (vpc.c): a subnet of the caller's own, and an address
 * there that is free, given or picked as EC2 picks one. */
#ifndef XL_MODEL_VPC_H
#define XL_MODEL_VPC_H

#include <arpa/inet.h>
#include <stdint.h>

#include "error.h"
#include "ids.h"

struct model;

/* One item of SubnetConfigurations: a subnet id, or a zone and an address (the caller's
 * subnet there that holds it), or both; without an address, the first free one. */
struct eni_request {
	const char *subnet_id; /* or NULL */
	const char *zone;      /* AZ id, or NULL */
	const char *address;   /* or NULL */
};

struct eni_place {
	int64_t subnet, vpc; /* row ids */
	char subnet_id[ID_MAX];
	char vpc_id[ID_MAX];
	char zone[ZONE_MAX];
	char interface[16]; /* the VPC's */
	char address[INET_ADDRSTRLEN];
};

/* Places an ENI for `want` in the VPC `vpc` (a row id; 0: the VPC of its subnet), or
 * refuses: another account's subnet is not found, an address outside the subnet,
 * reserved, or in use is InvalidParameterValue. */
int eni_place(struct model *m, const struct principal *caller, const struct eni_request *want,
	      int64_t vpc, struct eni_place *place, struct api_error *err);

#endif
