/* SPDX-License-Identifier: MIT */
/* The audit trail: one log line per change asked of the agent, from whichever front door,
 * saying who asked what of which resources and how it ended, so that "who rejected my
 * endpoint, and when?" has an answer in the journal. */
#ifndef XL_AUDIT_H
#define XL_AUDIT_H

#include <json-c/json.h>
#include <stdbool.h>

#include "error.h"

/* Logs the change `action` that `principal` asked with `args`: its result (NULL when
 * refused) names what it created; `err` is the refusal, or NULL. A dry run says so. */
void audit_change(const char *principal, const char *action, json_object *args, json_object *result,
		  const struct api_error *err, bool dry_run);

#endif
