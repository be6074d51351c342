/* SPDX-License-Identifier: MIT */
/* Private DNS verification: the TXT record of each name not yet proved is looked up in
 * real DNS through the upstream server, at once for a new name or when the provider asks
 * (StartVpcEndpointServicePrivateDnsVerification), and again every interval, as AWS polls.
 * Found: verified. Not found: failed when the provider asked, else still pending. */
#ifndef XL_DNS_VERIFY_H
#define XL_DNS_VERIFY_H

#include <stdint.h>

#include "dns.h"

struct model;
struct upstream;
struct verifier;

/* `up` may be NULL (no upstream: a name asked for fails). */
struct verifier *verifier_new(struct model *m, struct upstream *up, uint32_t interval_s,
			      dns_record_fn *record, void *ctx);
/* Look-ups that end from now on record nothing (the upstream is going away). */
void verifier_stopping(struct verifier *v);
void verifier_free(struct verifier *v);

/* The provider asked to verify the service's name. */
void verifier_request(struct verifier *v, const char *service_id);

/* Starts the look-ups that are due. */
void verifier_tick(struct verifier *v, uint64_t now_ms);

#endif
