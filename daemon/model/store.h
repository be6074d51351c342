/* SPDX-License-Identifier: MIT */
/* The durable store: one SQLite file holding the model's tables, opened only after it
 * proved to be an intact xdplink database of this schema, and small query helpers. */
#ifndef XL_STORE_H
#define XL_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define STORE_APPLICATION_ID 0x78646c6b /* "xdlk" */
/* 2: member slots (registrations), which the data path counts per target group.
 * 3: consumer VPCs and subnets, which every endpoint and ENI is in.
 * 4: endpoint.private_dns (PrivateDnsEnabled).
 * 5: the next release's tables (migrations.c).
 * A file of an older version is migrated when opened (migrations.h). */
#define STORE_SCHEMA_VERSION 5

struct store;

/* A missing file is created with the schema (atomically: a crash leaves no half-made
 * file). An existing one must be an SQLite database with xdplink's application id, a
 * schema version this xdplink knows, and pass quick_check; otherwise it is refused,
 * untouched, with a sentence naming the path and the problem. One of an older version is
 * migrated in one transaction, or refused as it was. */
struct store *store_open(const char *path, struct api_error *err);
void store_close(struct store *s);
sqlite3 *store_handle(struct store *s);

/* A statement's parameters, bound in order: SQL_STR(NULL) binds NULL. */
struct sql_arg {
	enum {
		SQL_ARG_TEXT,
		SQL_ARG_INT
	} type;
	const char *text;
	int64_t number;
};

#define SQL_STR(value) ((struct sql_arg){ .type = SQL_ARG_TEXT, .text = (value) })
#define SQL_INT(value) ((struct sql_arg){ .type = SQL_ARG_INT, .number = (int64_t)(value) })
#define SQL_ARGS(...)                                                                              \
	(const struct sql_arg[]){ __VA_ARGS__ },                                                   \
	    sizeof((const struct sql_arg[]){ __VA_ARGS__ }) / sizeof(struct sql_arg)
#define NO_ARGS NULL, 0

/* Every helper fills *err with InternalError and returns -1 (or NULL) when SQLite fails. */

/* Runs a statement to completion: 0, or -1. */
int store_exec(struct store *s, const char *sql, const struct sql_arg *args, size_t count,
	       struct api_error *err);
/* The rows the last statement inserted, updated or deleted. */
int store_changes(struct store *s);
/* The first column of the first row: 1 when there is a row, 0 when there is none. */
int store_int(struct store *s, const char *sql, const struct sql_arg *args, size_t count,
	      int64_t *out, struct api_error *err);
int store_text(struct store *s, const char *sql, const struct sql_arg *args, size_t count,
	       char *out, size_t size, struct api_error *err);
int64_t store_last_id(struct store *s);

/* A prepared statement with its parameters bound, to be stepped through; the caller
 * finalizes it with sqlite3_finalize(). */
sqlite3_stmt *store_query(struct store *s, const char *sql, const struct sql_arg *args,
			  size_t count, struct api_error *err);
/* 1 with a row ready, 0 at the end, -1 on error. */
int store_next(struct store *s, sqlite3_stmt *stmt, struct api_error *err);
/* Column i as text; "" when NULL. */
const char *store_column_text(sqlite3_stmt *stmt, int column);

/* The outer transaction (BEGIN IMMEDIATE: the write lock is taken at once). */
int store_begin(struct store *s, struct api_error *err);
int store_commit(struct store *s, struct api_error *err);
void store_rollback(struct store *s);

/* A step that is kept or undone as a whole: inside a transaction a savepoint, outside
 * one a transaction of its own. Steps nest. */
int store_savepoint(struct store *s, struct api_error *err);
int store_release(struct store *s, struct api_error *err);
void store_undo(struct store *s);

#endif
