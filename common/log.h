/* SPDX-License-Identifier: MIT */
/* The agent's log: one line per event on stderr, with a level, in plain words. */
#ifndef XL_LOG_H
#define XL_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
