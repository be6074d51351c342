/* SPDX-License-Identifier: MIT */
/* The Prometheus endpoint: GET /metrics answers the agent's counters in the text
 * exposition format, named as Prometheus would have them (xdplink_target_new_flows_total)
 * with the CloudWatch metric each stands for in its help (NewFlowCount): per target as
 * AWS/NetworkELB, per endpoint and per service as AWS/PrivateLinkEndpoints and
 * AWS/PrivateLinkServices, the node's table use, and xdplink_build_info. */
#ifndef XL_METRICS_H
#define XL_METRICS_H

#include <json-c/json.h>
#include <netinet/in.h>
#include <stddef.h>

#include "loop.h"

/* Returns the GetStats result (a new reference), or NULL. */
typedef json_object *(*metrics_source)(void *ctx);

struct metrics;

/* "ADDR:PORT" (an IPv4 address, a port 1-65535) into addr; -1 if it is not that. */
int metrics_parse_listen(const char *listen, struct sockaddr_in *addr);

/* Serves `listen` ("ADDR:PORT", IPv4) from the agent's loop: libmicrohttpd runs in
 * its epoll mode and no thread ever touches the agent's state. */
struct metrics *metrics_start(struct loop *loop, const char *listen, metrics_source source,
			      void *ctx, char *err, size_t err_size);
void metrics_stop(struct metrics *metrics);

/* The exposition text of a GetStats result; the caller frees it. */
char *metrics_render(json_object *stats);

#endif
