/* SPDX-License-Identifier: MIT */
/* Reading rows of the store into arrays, and the columns the data path needs as numbers. */
#ifndef XL_MODEL_ROWS_H
#define XL_MODEL_ROWS_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "store.h"

struct model;

typedef void row_fn(sqlite3_stmt *row, void *element);

/* All rows of `sql`, each turned into one element by `fill`. The array has room for
 * one more element, so that it is never NULL when there is no row; NULL means failure. */
void *load_rows(struct model *m, const char *sql, size_t element_size, row_fn *fill, size_t *count,
		struct api_error *err);
/* The same with the statement's parameters. */
void *load_rows_with(struct model *m, const char *sql, const struct sql_arg *args, size_t arg_count,
		     size_t element_size, row_fn *fill, size_t *count, struct api_error *err);
uint32_t column_addr(sqlite3_stmt *row, int column); /* dotted IPv4 text, network order */
uint32_t column_u32(sqlite3_stmt *row, int column);
uint16_t column_port(sqlite3_stmt *row, int column); /* network order */

#endif
