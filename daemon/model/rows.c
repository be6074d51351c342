/* Rows into arrays (rows.h). */
#include "rows.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "model_internal.h"

void *load_rows(struct model *m, const char *sql, size_t element_size, row_fn *fill, size_t *count,
		struct api_error *err)
{
	char count_sql[1024];
	int64_t rows = 0;
	unsigned char *array;
	sqlite3_stmt *stmt;
	int rc = 0;

	snprintf(count_sql, sizeof(count_sql), "SELECT count(*) FROM (%s)", sql);
	if (store_int(m->store, count_sql, NO_ARGS, &rows, err) < 0)
		return NULL;
	array = calloc((size_t)rows + 1, element_size);
	stmt = array ? store_query(m->store, sql, NO_ARGS, err) : NULL;
	if (!stmt) {
		if (!array)
			api_fail(err, API_InternalError, "out of memory");
		free(array);
		return NULL;
	}
	*count = 0;
	while (*count < (size_t)rows && (rc = store_next(m->store, stmt, err)) > 0)
		fill(stmt, array + element_size * (*count)++);
	sqlite3_finalize(stmt);
	if (rc < 0) {
		free(array);
		return NULL;
	}
	return array;
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
