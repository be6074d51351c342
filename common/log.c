/* SPDX-License-Identifier: MIT */
/* The agent's log (log.h): a line per event on stderr, prefixed for the journal or
 * stamped for a person. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool log_to_journal(void)
{
	const char *stream = getenv("JOURNAL_STREAM");
	unsigned long long device, inode;
	struct stat st;
	char tail;

	if (!stream || sscanf(stream, "%llu:%llu%c", &device, &inode, &tail) != 2 ||
	    fstat(STDERR_FILENO, &st))
		return false;
	return st.st_dev == device && st.st_ino == inode;
}

static const char *priority_word(enum log_priority priority)
{
	switch (priority) {
	case LOG_PRIORITY_ERR:
		return "error";
	case LOG_PRIORITY_WARNING:
		return "warn";
	case LOG_PRIORITY_NOTICE:
		return "notice";
	default:
		return "info";
	}
}

static void say(enum log_priority priority, const char *fmt, va_list ap)
{
	static int journal = -1; /* decided once: stderr does not move */

	if (journal < 0)
		journal = log_to_journal();
	flockfile(stderr); /* one line whole, when notifications' thread logs too */
	if (journal) {
		fprintf(stderr, "<%d>", (int)priority);
	} else {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;

		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
		fprintf(stderr, "%s %s ", stamp, priority_word(priority));
	}
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

void log_at(enum log_priority priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(priority, fmt, ap);
	va_end(ap);
}

#define LOG_FUNCTION(name, priority)                                                               \
	void name(const char *fmt, ...)                                                            \
	{                                                                                          \
		va_list ap;                                                                        \
                                                                                                   \
		va_start(ap, fmt);                                                                 \
		say(priority, fmt, ap);                                                            \
		va_end(ap);                                                                        \
	}

LOG_FUNCTION(log_info, LOG_PRIORITY_INFO)
LOG_FUNCTION(log_notice, LOG_PRIORITY_NOTICE)
LOG_FUNCTION(log_warn, LOG_PRIORITY_WARNING)
LOG_FUNCTION(log_error, LOG_PRIORITY_ERR)
