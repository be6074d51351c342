/* SPDX-License-Identifier: MIT */
/* What the DNS front door (daemon/dns/) reads from the model and tells it: the endpoints
 * whose names resolve, with the health of their zones, and the private DNS names waiting
 * for their TXT record to be found (private_dns.c). */
#ifndef XL_MODEL_DNS_H
#define XL_MODEL_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ids.h"

struct model;

#define MODEL_DNS_MAX_ENIS 6 /* one per zone of a region */

/* A consumer VPC: its resolver is at first + 2. */
struct model_dns_vpc {
	char vpc_id[ID_MAX];
	char interface[16];
	uint32_t first, last; /* its addresses, host order */
};

/* Every consumer VPC, sorted by id. *vpcs is freed by the caller. */
int model_dns_vpcs(struct model *m, struct model_dns_vpc **vpcs, size_t *count,
		   struct api_error *err);

/* An available endpoint, as its names are made (ids.h: endpoint_dns_name). */
struct model_dns_endpoint {
	char endpoint_id[ID_MAX];
	char vpc_id[ID_MAX]; /* the VPC it is in: its names exist there only */
	char dns_suffix[9];
	char service_id[ID_MAX];
	char account[13];
	/* the service's private DNS name when the endpoint has PrivateDnsEnabled and the
	 * name is verified (it may start with "*."), else "" */
	char private_name[DNS_NAME_MAX];
	size_t eni_count;
	struct model_dns_eni {
		char zone[ZONE_MAX]; /* AZ id */
		uint32_t addr;	     /* network order */
		/* the ENI's load balancer has a healthy target it may send to from this zone
		 * (its own zone's, or any with cross-zone) */
		bool healthy;
	} enis[MODEL_DNS_MAX_ENIS];
};

/* Every available endpoint with its ENIs, sorted by endpoint id. *endpoints is freed
 * by the caller. */
int model_dns_endpoints(struct model *m, struct model_dns_endpoint **endpoints, size_t *count,
			struct api_error *err);

/* A service's private DNS name that is not verified yet (or failed): where its TXT record
 * must be (txt_name: the record's label, then the name without a leading "*.") and what it
 * must say. */
struct model_private_dns_check {
	char service_id[ID_MAX];
	char name[DNS_NAME_MAX];
	char txt_name[DNS_NAME_MAX];
	char value[32];
	char state[24]; /* pendingVerification or failed */
};

int model_private_dns_checks(struct model *m, struct model_private_dns_check **checks,
			     size_t *count, struct api_error *err);

/* The outcome of a look-up of check->txt_name: verified when found, else failed. Only a
 * service whose name and value are still those of the check changes (a new name starts
 * over). Returns 1 if the state changed, 0 if not, -1 on error. */
int model_private_dns_result(struct model *m, const struct model_private_dns_check *check,
			     bool found, struct api_error *err);

/* Every commit since the model was opened, whatever it changed: a reader of the store that
 * saw the same number would read the same. */
uint64_t model_commits(const struct model *m);

#endif
