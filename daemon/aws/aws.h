/* SPDX-License-Identifier: MIT */
/* xdplinkd's AWS endpoint: EC2's and ELBv2's Query APIs over HTTP (HTTPS when given a
 * certificate), signed with SigV4 by keys of the access keys file, so that the aws CLI
 * drives xdplink. It is another front door to the one model: every operation becomes a
 * request of the socket API, run by the same handler as the socket's, as the key's account. */
#ifndef XL_AWS_H
#define XL_AWS_H

#include <stddef.h>

#include "api.h"
#include "loop.h"

struct aws_options {
	const char *listen;	 /* "ADDR:PORT"; NULL: no AWS endpoint */
	const char *credentials; /* the access keys file */
	const char *tls_cert;	 /* PEM certificate (chain) and key: HTTPS when both given */
	const char *tls_key;
};

struct aws_server;

/* Serves `opts->listen` from the agent's loop (libmicrohttpd in its epoll mode, no
 * thread of its own). NULL with a sentence in `why` when it cannot. */
struct aws_server *aws_start(struct loop *loop, const struct aws_options *opts, const char *region,
			     api_handler handler, void *ctx, char *why, size_t why_size);
void aws_stop(struct aws_server *server);

#endif
