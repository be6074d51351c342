/* SPDX-License-Identifier: MIT */
/* A change is acknowledged only once it is both committed and in the maps: it runs in a
 * transaction of the store, the maps are programmed from the transaction's view, and any
 * failure rolls the store back and the maps with it. Flows of what stopped carrying
 * traffic go once it is committed. Only what the change touched is programmed. */
#ifndef XL_CHANGE_H
#define XL_CHANGE_H

#include "agent.h"
#include "dataplane.h"
#include "error.h"

typedef int change_fn(struct agent *agent, void *ctx, struct api_error *err);

/* Runs `run` (which writes to the store through the model) as one change. An interface
 * the data path cannot attach fails the change only if it is `strict_iface`. */
int change(struct agent *agent, const char *strict_iface, change_fn *run, void *ctx,
	   struct api_error *err);

/* Makes the keys of `scope` what the store says, without writing to the store: all of
 * them at start; the interfaces, or every frontend, when the host changed under them. */
int change_sync(struct agent *agent, const struct dataplane_scope *scope, struct api_error *err);

#endif
