/* SPDX-License-Identifier: MIT */
/* The agent's log: one line per event on stderr, with a syslog priority. Under systemd,
 * whose journal reads stderr, a line starts "<N>" (sd-daemon's prefix, so that
 * `journalctl -p warning` filters it); anywhere else it is readable text with a time. */
#ifndef XL_LOG_H
#define XL_LOG_H

#include <stdbool.h>

/* The priorities of syslog(3), which the journal keeps. */
enum log_priority {
	LOG_PRIORITY_ERR = 3,
	LOG_PRIORITY_WARNING = 4,
	LOG_PRIORITY_NOTICE = 5,
	LOG_PRIORITY_INFO = 6,
};

void log_at(enum log_priority priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whether stderr is the journal's stream: systemd says so in $JOURNAL_STREAM, "DEV:INODE"
 * of the stream it connected; a stderr redirected elsewhere by the service is not it. */
bool log_to_journal(void);

#endif
