/* SPDX-License-Identifier: MIT */
/* The wire protocol of the API socket (docs/API.md), for both ends: one JSON object per
 * line each way. A request is {"Action", "Principal", "Args", "DryRun"}; the answer is
 * {"Ok": true, "Result": {...}} or {"Ok": false, "Error": {"Code", "Message"}}. */
#ifndef XL_ENVELOPE_H
#define XL_ENVELOPE_H

#include <json-c/json.h>
#include <stdbool.h>

#include "error.h"

#define XL_DEFAULT_SOCKET "/run/xdplink/xdplink.sock"
/* Who a request without a Principal speaks for: the node's own (provider) account. */
#define XL_DEFAULT_PRINCIPAL "arn:aws:iam::111111111111:root"
#define XL_MAX_REQUEST	     (64 * 1024) /* bytes, without the closing newline */

struct envelope {
	const char *action;
	const char *principal; /* XL_DEFAULT_PRINCIPAL when the request has none */
	json_object *args;     /* NULL when the request has none */
	bool dry_run;	       /* check it as if it ran, and change nothing (EC2's DryRun) */
};

/* The request a client sends (a new object; args is shared, not consumed). */
json_object *envelope_request(const char *action, const char *principal, json_object *args);
/* Makes a request a dry run. */
void envelope_set_dry_run(json_object *request);

/* Reads a request, which has Action and may have Principal, Args and DryRun, and nothing
 * else.
 * `request` is NULL when the bytes were not one JSON object. The strings point into it. */
int envelope_read(json_object *request, struct envelope *out, struct api_error *err);

/* The answers (new objects; `result` is consumed). */
json_object *envelope_ok(json_object *result);
json_object *envelope_refusal(const struct api_error *err);

/* Reads an answer: 1 with its Result (borrowed), 0 with its Code and Message (borrowed),
 * -1 when it is not an answer. */
int envelope_read_answer(json_object *answer, json_object **result, const char **code,
			 const char **message);

#endif
