/* SPDX-License-Identifier: MIT */
/* One AWS request, from the bytes the HTTP server received to the bytes it sends back:
 * checked (method, size, form), authenticated (SigV4, the access keys file), dispatched by
 * Version and Action to an EC2 or ELBv2 operation, and answered in AWS's XML, an error
 * included. The server knows HTTP; this knows AWS. */
#ifndef XL_AWS_DOOR_H
#define XL_AWS_DOOR_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "api.h"
#include "sigv4.h"

#define AWS_MAX_BODY  (64 * 1024)
#define AWS_MAX_SKEW  (15 * 60) /* seconds a signature's date may be off, as AWS allows */
#define AWS_ID_LENGTH 36	/* a request id: a UUID */

struct aws_request {
	const char *method;
	const char *path; /* decoded */
	bool has_query;	  /* the URL had a query string */
	const struct sigv4_header *headers;
	size_t header_count;
	const char *body;
	size_t body_length;
	bool too_large; /* more than AWS_MAX_BODY bytes were sent (body holds none of them) */
	bool too_many_headers; /* more than the server keeps: some are not in `headers` */
	const char *peer;      /* the client's address, for the log */
};

struct aws_reply {
	unsigned status;
	char *body; /* XML; the caller frees it */
	size_t length;
	char request_id[AWS_ID_LENGTH + 1];
};

struct aws_door;

/* A door for `region`, with the keys of `credentials_path`, calling `handler`. */
struct aws_door *aws_door_new(const char *region, const char *credentials_path, api_handler handler,
			      void *ctx);
void aws_door_free(struct aws_door *door);

/* Reads the access keys file (again when it changed since). Returns 0, or -1 with why: a
 * file that cannot be trusted, which refuses every key until it is mended. */
int aws_door_load_keys(struct aws_door *door, char *why, size_t why_size);

/* Serves one request; `now` is the wall clock (signatures are dated). */
void aws_door_serve(struct aws_door *door, const struct aws_request *request, time_t now,
		    struct aws_reply *reply);

#endif
