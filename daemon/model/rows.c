/* SPDX-License-Identifier: MIT */
/* Rows into arrays (rows.h). */
#include "rows.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

void *load_rows_with(struct model *m, const char *sql, const struct sql_arg *args, size_t arg_count,
		     size_t element_size, row_fn *fill, size_t *count, struct api_error *err)
{
	sqlite3_stmt *stmt = store_query(m->store, sql, args, arg_count, err);
	size_t capacity = 16;
	unsigned char *array = stmt ? calloc(capacity + 1, element_size) : NULL;
	int rc = 0;

	*count = 0;
	while (array && (rc = store_next(m->store, stmt, err)) > 0) {
		if (*count == capacity) {
			unsigned char *grown = realloc(array, (2 * capacity + 1) * element_size);

			if (!grown)
				break;
			array = grown;
			capacity *= 2;
		}
		memset(array + element_size * *count, 0, 2 * element_size);
		fill(stmt, array + element_size * (*count)++);
	}
	sqlite3_finalize(stmt);
	if (stmt && (!array || rc > 0))
		api_fail(err, API_InternalError, "out of memory");
	if (!array || rc != 0) {
		free(array);
		return NULL;
	}
	return array;
}

void *load_rows(struct model *m, const char *sql, size_t element_size, row_fn *fill, size_t *count,
		struct api_error *err)
{
	return load_rows_with(m, sql, NO_ARGS, element_size, fill, count, err);
}

uint32_t column_addr(sqlite3_stmt *row, int column)
{
	struct in_addr addr = { 0 };

	inet_pton(AF_INET, store_column_text(row, column), &addr);
	return addr.s_addr;
}

uint32_t column_u32(sqlite3_stmt *row, int column)
{
	return (uint32_t)sqlite3_column_int64(row, column);
}

uint16_t column_port(sqlite3_stmt *row, int column)
{
	return htons((uint16_t)sqlite3_column_int(row, column));
}
