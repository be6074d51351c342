/* SPDX-License-Identifier: MIT */
/* An endpoint's PrivateDnsEnabled, as endpoint.c sets it and its describers show it
 * (private_dns.c). */
#ifndef XL_MODEL_PRIVATE_DNS_H
#define XL_MODEL_PRIVATE_DNS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct model;

/* Turns private DNS on or off for the endpoint. On needs a service whose private DNS name
 * is verified: InvalidParameter otherwise, as AWS says it. */
int endpoint_set_private_dns(struct model *m, int64_t endpoint, bool enabled,
			     struct api_error *err);

/* The DnsEntries item of the private DNS name, when the endpoint resolves it (enabled and
 * verified): appended to `entries`. */
int endpoint_private_dns_entry(struct model *m, int64_t endpoint, json_object *entries,
			       struct api_error *err);

#endif
