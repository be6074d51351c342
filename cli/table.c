/* SPDX-License-Identifier: MIT */
/* Human output: tables whose columns are as wide as their widest cell (two spaces
 * apart, "-" for an empty cell, so awk can split them), and "Label: value" fields. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_COLUMNS 16
#define FIELD_WIDTH 22

struct table {
	const char *headings[MAX_COLUMNS];
	size_t columns;
	char **cells; /* rows * columns, row-major; NULL for a cell not filled */
	size_t rows;
};

struct table *table_new(const char *const *headings)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	while (headings[t->columns] && t->columns < MAX_COLUMNS) {
		t->headings[t->columns] = headings[t->columns];
		t->columns++;
	}
	return t;
}

void table_row(struct table *t)
{
	t->cells = realloc(t->cells, (t->rows + 1) * t->columns * sizeof(*t->cells));
	if (!t->cells)
		abort();
	memset(&t->cells[t->rows * t->columns], 0, t->columns * sizeof(*t->cells));
	t->rows++;
}

/* The last filled cell of the current row, or the next one when `next`. */
static char **row_cell(struct table *t, bool next)
{
	char **row = &t->cells[(t->rows - 1) * t->columns];
	size_t i = 0;

	while (i < t->columns && row[i])
		i++;
	if (!next)
		return i ? &row[i - 1] : NULL;
	return i < t->columns ? &row[i] : NULL;
}

static void add_text(struct table *t, bool next, const char *fmt, va_list ap)
{
	char **cell = row_cell(t, next);
	char *text, *joined;

	if (!cell || vasprintf(&text, fmt, ap) < 0)
		abort();
	if (next || !*cell) {
		*cell = text;
		return;
	}
	if (asprintf(&joined, "%s%s", *cell, text) < 0)
		abort();
	free(*cell);
	free(text);
	*cell = joined;
}

void table_cell(struct table *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_text(t, true, fmt, ap);
	va_end(ap);
}

void table_append(struct table *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_text(t, false, fmt, ap);
	va_end(ap);
}

static const char *heading_text(const char *heading)
{
	return heading[0] == '>' ? heading + 1 : heading;
}

static const char *cell_text(const char *cell)
{
	return cell && cell[0] ? cell : "-";
}

static void print_line(const struct table *t, const size_t *widths, const char *const *texts,
		       FILE *out)
{
	for (size_t c = 0; c < t->columns; c++) {
		bool last = c + 1 == t->columns;
		int width = (int)widths[c];

		if (t->headings[c][0] == '>')
			fprintf(out, "%*s", width, texts[c]);
		else
			fprintf(out, "%-*s", last ? 0 : width, texts[c]);
		fputs(last ? "\n" : "  ", out);
	}
}

void table_print(struct table *t, FILE *out)
{
	size_t widths[MAX_COLUMNS];
	const char *texts[MAX_COLUMNS];

	for (size_t c = 0; c < t->columns; c++) {
		widths[c] = strlen(heading_text(t->headings[c]));
		for (size_t r = 0; r < t->rows; r++) {
			size_t len = strlen(cell_text(t->cells[r * t->columns + c]));

			if (len > widths[c])
				widths[c] = len;
		}
		texts[c] = heading_text(t->headings[c]);
	}
	print_line(t, widths, texts, out);
	for (size_t r = 0; r < t->rows; r++) {
		for (size_t c = 0; c < t->columns; c++)
			texts[c] = cell_text(t->cells[r * t->columns + c]);
		print_line(t, widths, texts, out);
	}
	for (size_t i = 0; i < t->rows * t->columns; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void field(const char *label, const char *fmt, ...)
{
	va_list ap;

	if (label[0])
		printf("%s:%*s", label, FIELD_WIDTH - (int)strlen(label) - 1, "");
	else
		printf("%*s", FIELD_WIDTH, "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}
