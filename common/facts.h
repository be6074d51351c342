/* SPDX-License-Identifier: MIT */
/* The names of the facts include/xdplink.h defines once, as the API, the CLI, the logs
 * and the metrics write them: interface roles, endpoint states, packet reasons. */
#ifndef XL_FACTS_H
#define XL_FACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "xdplink.h"

/* "consumer", "provider", "both"; NULL for a value that is no role. */
const char *xl_role_name(uint8_t role);
/* The role named `name`; false when it names none. */
bool xl_role_parse(const char *name, uint8_t *role);

/* "pendingAcceptance" ... "failed"; "failed" for a value that is no state. */
const char *xl_endpoint_state_name(uint32_t state);
/* The state AWS names `name`; XL_EP_FAILED for a name that is no state. */
uint32_t xl_endpoint_state_parse(const char *name);

/* "pass_not_ipv4" ... for each enum xl_reason, and what it means. */
extern const char *const xl_reason_names[XL_REASON_COUNT];
extern const char *const xl_reason_texts[XL_REASON_COUNT];

#endif
