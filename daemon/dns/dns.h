/* SPDX-License-Identifier: MIT */
/* The DNS front door: a resolver in each consumer VPC (its Amazon-provided DNS, at the
 * VPC's base + 2) answering its endpoints' names, forwarding the rest to the operator's
 * upstream server, and the look-ups of the TXT records that prove private DNS names. It
 * reads the model, and writes to it only the outcome of a look-up, through the daemon. */
#ifndef XL_DNS_H
#define XL_DNS_H

#include <json-c/json.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "model_dns.h"

#define DNS_DEFAULT_VERIFY_INTERVAL_S 60

struct dns_options {
	bool off;		     /* --no-dns: no resolvers */
	bool has_upstream;	     /* --dns-upstream given */
	struct sockaddr_in upstream; /* where names that are not the VPCs' own are asked */
	uint32_t verify_interval_s;  /* how often unproved private DNS names are looked up */
};

/* "ADDR" or "ADDR:PORT" (port 53 by default): 0, or -1. */
int dns_parse_upstream(const char *text, struct sockaddr_in *out);

struct loop;
struct model;
struct dns_door;

/* Records the outcome of a look-up of check->txt_name (model_private_dns_result, as one
 * change of the store). */
typedef int dns_record_fn(void *ctx, const struct model_private_dns_check *check, bool found);

/* Starts the door; its resolvers come up on the next ticks, as VPCs are found. NULL
 * when out of memory. */
struct dns_door *dns_start(struct loop *loop, struct model *model, const char *region,
			   const struct dns_options *opts, dns_record_fn *record, void *ctx);
void dns_stop(struct dns_door *door);

/* Told of every action that succeeded: StartVpcEndpointServicePrivateDnsVerification has
 * its name looked up at once, and a failed look-up then says `failed`. */
void dns_action_done(struct dns_door *door, const char *action, json_object *args);

#endif
