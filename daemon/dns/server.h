/* SPDX-License-Identifier: MIT */
/* One VPC's resolver on the wire: UDP and TCP port 53 at the VPC's base + 2, on its
 * interface only (SO_BINDTODEVICE: a query that arrives on another VPC's interface never
 * reaches it), in the agent's loop. Messages go to the door (dns.c) whole; replies come
 * back, now or once the upstream answered. */
#ifndef XL_DNS_SERVER_H
#define XL_DNS_SERVER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"

#define DNS_PORT	     53
#define DNS_TCP_CONNECTIONS  64	       /* per VPC; a new one ends the longest idle */
#define DNS_TCP_IDLE_MS	     10000     /* a connection that says nothing that long ends */
#define DNS_TCP_OUTPUT_LIMIT (1 << 20) /* unread replies a client may leave: then it ends */

struct loop;
struct vpc_server;

/* Where a reply goes: found again by these when it is ready (the connection may be gone). */
struct dns_client {
	char vpc_id[48];
	bool tcp;
	uint64_t connection;	 /* TCP: the connection's serial number */
	struct sockaddr_in addr; /* the client (its replies go there over UDP) */
};

/* A message from a client of the server's VPC. */
typedef void dns_message_fn(void *ctx, struct vpc_server *server, const struct dns_client *client,
			    const uint8_t *bytes, size_t length);

/* Adds the resolver's address to the VPC's interface and listens on it. NULL with a
 * sentence in `why` when it cannot. */
struct vpc_server *vpc_server_start(struct loop *loop, const struct dns_vpc *vpc,
				    dns_message_fn *fn, void *ctx, char *why, size_t why_size);
/* Stops listening, ends its connections, and takes the address away again (if it added
 * it). */
void vpc_server_stop(struct vpc_server *s);

const struct dns_vpc *vpc_server_vpc(const struct vpc_server *s);

/* Sends a reply to the client, if it is still there. */
void vpc_server_reply(struct vpc_server *s, const struct dns_client *client, const uint8_t *bytes,
		      size_t length);

/* Ends the TCP connections idle for DNS_TCP_IDLE_MS. */
void vpc_server_expire(struct vpc_server *s, uint64_t now_ms);

#endif
