/* SPDX-License-Identifier: MIT */
/* The node is no router (isolation.c): whatever the kernel would forward from an attached
 * interface is dropped by a policy rule of the agent's own, so that a consumer or a target
 * that routes through the node reaches nothing. The program looks routes up past the
 * rules (BPF_FIB_LOOKUP_DIRECT), and the node's own addresses still answer (the local
 * table comes first). */
#ifndef XL_ISOLATION_H
#define XL_ISOLATION_H

#include "error.h"

/* The rules' preference: after the local table (0), before the main one (32766). */
#define ISOLATION_RULE_PREF 100

/* Adds "pref ISOLATION_RULE_PREF iif NAME blackhole" for IPv4 and IPv6 (kept if there).
 * Returns 0, or -1 with err filled. */
int isolation_add(const char *name, struct api_error *err);
/* Removes them; a rule already gone is no error. */
void isolation_remove(const char *name);

#endif
