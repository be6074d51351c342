/* SPDX-License-Identifier: MIT */
/* The agent's API socket: one JSON request and one JSON response per connection,
 * on a root-only Unix socket, served by the event loop without ever blocking it. */
#ifndef XL_API_H
#define XL_API_H

#include <json-c/json.h>

#include "loop.h"

#define API_CLIENT_TIMEOUT_MS 5000

/* Turns a request into a response; never NULL. `request` is NULL when the bytes
 * received were not a JSON object: the handler answers MalformedRequest. */
typedef json_object *(*api_handler)(void *ctx, json_object *request);

struct api;

struct api *api_listen(struct loop *loop, const char *path, api_handler handler, void *ctx);
void api_close(struct api *api);

#endif
