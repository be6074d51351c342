/* SPDX-License-Identifier: MIT */
/* The one request handler that every front door calls: the API socket (api.c), and
 * the AWS Query APIs (aws/). An envelope {"Action", "Principal", "Args"} goes in
 * (common/envelope.h), an answer comes out. The walk goes down: the model's actions run
 * as a change of the store and the data path (change.c); the daemon answers its own
 * (actions.c). */
#ifndef XL_HANDLER_H
#define XL_HANDLER_H

#include <json-c/json.h>

/* `ctx` is the struct agent; `request` is NULL when the bytes received were not one
 * JSON object. Returns a new answer, never NULL. */
json_object *handle_request(void *ctx, json_object *request);

#endif
