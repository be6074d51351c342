/* SPDX-License-Identifier: MIT */
/* The test harness behind check.h. */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>

static int failures_in_case;

void check_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("  %s:%d: check failed: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failures_in_case++;
}

int run_tests(const char *suite, const struct test_case *cases, size_t n, int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int passed = 0, failed = 0;

	for (size_t i = 0; i < n; i++) {
		if (filter && !strstr(cases[i].name, filter))
			continue;
		failures_in_case = 0;
		cases[i].run();
		if (failures_in_case) {
			failed++;
			printf("FAIL %s/%s\n", suite, cases[i].name);
		} else {
			passed++;
			printf("ok   %s/%s\n", suite, cases[i].name);
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
