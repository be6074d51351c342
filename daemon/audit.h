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

/* The principal of the changes the agent makes or sees by itself: a private DNS name
 * verified, deleted endpoints purged. */
#define AUDIT_AGENT "xdplinkd"
/* ... and of the access keys file, which only root can write. */
#define AUDIT_KEYS_FILE "root"

/* Logs a change that no request asked: `ids` comma-separated, `result` "ok" or "failed",
 * and what happened in `message` (or NULL). */
void audit_event(const char *principal, const char *action, const char *ids, const char *result,
		 const char *message);

#endif
