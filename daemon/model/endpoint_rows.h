/* SPDX-License-Identifier: MIT */
/* An interface endpoint's rows, shared by the files that act on endpoints: the
 * consumer's (endpoint.c), the provider's (connections.c) and service deletion. */
#ifndef XL_MODEL_ENDPOINT_ROWS_H
#define XL_MODEL_ENDPOINT_ROWS_H

#include <json-c/json.h>
#include <stdint.h>

#include "error.h"

struct model;

/* Endpoint states that hold a service's load balancers and block its deletion. */
#define LIVE_STATES "('pendingAcceptance', 'pending', 'available')"

/* vpce- and 17 hex digits, else InvalidVpcEndpointId.Malformed. */
int check_endpoint_id(const char *id, struct api_error *err);
/* The entries of DnsEntries, for the consumer's and the provider's views: the regional
 * name first, then one zonal name per ENI, then the private DNS name when it resolves;
 * none once deleted. */
int endpoint_dns_entries(struct model *m, int64_t endpoint, json_object *entries,
			 struct api_error *err);
/* deleting -> deleted: its ENIs and slot are freed, it stays listed. */
int endpoint_mark_deleted(struct model *m, int64_t endpoint, struct api_error *err);

#endif
