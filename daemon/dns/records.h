/* SPDX-License-Identifier: MIT */
/* The records a VPC's resolver answers, and nothing of the wire: endpoint names as
 * endpoint create prints them (ids.h), resolved per consumer VPC from what the model says
 * (model_dns.h). A name is looked up in one VPC: another VPC's endpoints do not exist there. */
#ifndef XL_DNS_RECORDS_H
#define XL_DNS_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model_dns.h"

/* A consumer VPC with its resolver at the base of its CIDR + 2, as AWS's Amazon-provided
 * DNS. */
struct dns_vpc {
	char id[48];	    /* vpc-... */
	char iface[16];	    /* the consumer interface it lives on */
	uint32_t net, mask; /* network order */
};

uint32_t dns_vpc_resolver(const struct dns_vpc *vpc); /* network order */

/* Whether the endpoint lies in the VPC. */
bool dns_vpc_holds(const struct dns_vpc *vpc, const struct model_dns_endpoint *endpoint);
/* Whether addr (network order) is in the VPC's range. */
bool dns_vpc_has_address(const struct dns_vpc *vpc, uint32_t addr);

struct dns_records;

/* The records of `vpc_count` VPCs (indexed as given) from the model's available
 * endpoints, which it takes (and frees). NULL when memory ran out (endpoints freed too). */
struct dns_records *dns_records_build(const char *region, const struct dns_vpc *vpcs,
				      size_t vpc_count, struct model_dns_endpoint *endpoints,
				      size_t endpoint_count);
void dns_records_free(struct dns_records *r);

enum dns_outcome {
	DNS_NOT_OURS,	  /* a name the upstream answers */
	DNS_NO_SUCH_NAME, /* in the endpoints' zone, and not an endpoint of this VPC */
	DNS_ADDRESSES,	  /* an endpoint name of this VPC */
};

struct dns_found {
	enum dns_outcome outcome;
	/* a private DNS name is an alias (CNAME) of its endpoint's Regional name: that name,
	 * whose addresses follow; "" for the endpoint names themselves */
	char alias_of[DNS_NAME_MAX];
	size_t count;
	uint32_t addrs[MODEL_DNS_MAX_ENIS]; /* network order */
};

/* `name`: lowercase, without the final dot. The Regional name has the ENIs of the zones
 * whose load balancer has a healthy target, all of them when none has (AWS fails open);
 * a zonal name its zone's ENI; a private DNS name its endpoint's Regional answer. */
void dns_records_lookup(const struct dns_records *r, size_t vpc, const char *name,
			struct dns_found *found);

/* The zone the endpoint names live in ("us-east-1.vpce.amazonaws.com"), whose missing
 * names are NXDOMAIN. */
const char *dns_records_zone(const struct dns_records *r);

#endif
