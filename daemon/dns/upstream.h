/* SPDX-License-Identifier: MIT */
/* The operator's upstream DNS server, asked without blocking the loop: one UDP socket
 * connected to it, questions under random ids, answers matched to them by id and question,
 * and an answer in time or none (upstream_expire). For names that are not the VPCs' own,
 * and for the TXT records that prove private DNS names. */
#ifndef XL_DNS_UPSTREAM_H
#define XL_DNS_UPSTREAM_H

#include <ldns/ldns.h>
#include <netinet/in.h>
#include <stdint.h>

struct loop;
struct upstream;

#define UPSTREAM_TIMEOUT_MS 2000
#define UPSTREAM_PENDING    1024 /* questions waiting at once; more are refused */

/* Called once per question: with the answer, or NULL when none came in time (or the
 * upstream went away). The callback owns ctx. */
typedef void upstream_fn(void *ctx, const ldns_pkt *answer);

struct upstream *upstream_new(struct loop *loop, const struct sockaddr_in *server);
/* Every question still waiting gets its callback with NULL first. */
void upstream_free(struct upstream *up);

/* Asks the upstream for name/type (class IN, recursion desired). 0, or -1 when it cannot
 * be asked now (too many waiting, no route): then fn is not called. */
int upstream_ask(struct upstream *up, const ldns_rdf *name, ldns_rr_type type, upstream_fn *fn,
		 void *ctx);

/* Questions older than UPSTREAM_TIMEOUT_MS get their callback with NULL. */
void upstream_expire(struct upstream *up, uint64_t now_ms);

#endif
