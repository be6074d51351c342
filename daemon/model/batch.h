/* SPDX-License-Identifier: MIT */
/* Batch actions (accept, reject, delete): each id in a step of its own, and the ids that
 * failed listed as EC2 lists them. */
#ifndef XL_MODEL_BATCH_H
#define XL_MODEL_BATCH_H

#include <json-c/json.h>
#include <stdint.h>

#include "error.h"
#include "ids.h"

struct model;

/* One id of a batch action. `context` is the action's: the service row for accept and
 * reject. */
typedef int batch_item_fn(struct model *m, const struct principal *caller, int64_t context,
			  const char *id, struct api_error *err);

/* Runs `item` for each id in its own step; the ids that fail are listed in
 * {"Unsuccessful": [...]}, as EC2 does. A store failure fails the whole action. */
int run_batch(struct model *m, const struct principal *caller, int64_t context, json_object *ids,
	      batch_item_fn *item, json_object **result, struct api_error *err);

#endif
