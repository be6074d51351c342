/* SPDX-License-Identifier: MIT */
/* Minimal test harness shared by the C test suites: CHECK macros that record a
 * failure with its file and line, a table of test cases, and the closing line. */
#ifndef XL_CHECK_H
#define XL_CHECK_H

#include <stddef.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*run)(void);
};

#define TEST_CASE(fn)                                                                              \
	{                                                                                          \
#fn, fn                                                                            \
	}

void check_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			check_fail(__FILE__, __LINE__, "%s", #cond);                               \
	} while (0)

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);                    \
		if (check_a_ != check_b_)                                                          \
			check_fail(__FILE__, __LINE__, "%s == %s (%lld != %lld)", #a, #b,          \
				   check_a_, check_b_);                                            \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *check_a_ = (a), *check_b_ = (b);                                       \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0)                     \
			check_fail(__FILE__, __LINE__, "%s == %s (\"%s\" != \"%s\")", #a, #b,      \
				   check_a_ ? check_a_ : "(null)",                                 \
				   check_b_ ? check_b_ : "(null)");                                \
	} while (0)

/* Runs every case whose name contains argv[1] (all without an argument), prints
 * "ok NAME" or "FAIL NAME" per case and "N passed, N failed" last. Returns the
 * process exit status: 0 when nothing failed. */
int run_tests(const char *suite, const struct test_case *cases, size_t n, int argc, char **argv);

#define RUN_TESTS(suite, cases, argc, argv)                                                        \
	run_tests(suite, cases, sizeof(cases) / sizeof((cases)[0]), argc, argv)

#endif
