/* SPDX-License-Identifier: MIT */
/* Schema migrations: the steps that bring a state file of an earlier schema version to
 * STORE_SCHEMA_VERSION, in order, in the one transaction the store opens for them. */
#ifndef XL_MIGRATIONS_H
#define XL_MIGRATIONS_H

#include <stdint.h>

#include "error.h"
#include "store.h"

/* The oldest version a step starts from. */
#define STORE_OLDEST_VERSION 1

/* The version the file's layout really is: user_version, except for the one layout two
 * branches both called 3 (see migrations.c). -1 with err filled when SQLite fails. */
int migrations_layout(struct store *s, int64_t user_version, int64_t *layout,
		      struct api_error *err);

/* Runs every step from `layout` to STORE_SCHEMA_VERSION inside the caller's transaction,
 * logging a line per step naming `path`, and sets user_version. 0, or -1 with err filled
 * (the caller rolls back: the file stays as it was). */
int migrations_run(struct store *s, const char *path, int64_t layout, struct api_error *err);

#endif
