/* SPDX-License-Identifier: MIT */
/* Delivering connection notifications (Connect, Accept, Reject, Delete) to the webhooks and
 * commands the node's operator allows. Delivery runs on a thread of its own, so that a slow
 * or dead receiver never holds the agent's loop: each message is tried once, with a
 * deadline; a failure is logged and counted, never retried. */
#ifndef XL_NOTIFY_H
#define XL_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define NOTIFY_ALLOW_MAX 16

struct notify_options {
	/* "http://HOST[:PORT]/PATH..." or "https://...": webhooks under this prefix;
	 * "exec:NAME=/absolute/program": the command a notification names as exec:NAME */
	const char *allow[NOTIFY_ALLOW_MAX];
	size_t allow_count;
	uint32_t timeout_ms; /* per delivery, connection and answer, or the command's run */
};

/* Checks one --notify-allow entry: 0, or -1 with a sentence in why. */
int notify_parse_allow(const char *entry, char *why, size_t why_size);

/* The allow list the model asks (model_options.notification_target_allowed); `opts` must
 * outlive the agent. */
void notify_configure(const struct notify_options *opts);
bool notify_target_allowed(const char *target);

struct notifier;

/* Starts the delivery thread, which blocks every signal (the loop takes SIGTERM). NULL on
 * failure (logged). */
struct notifier *notify_start(const struct notify_options *opts);
/* Hands the events over (each becomes a message); never blocks on a receiver. */
void notify_send(struct notifier *n, const struct model_notification *events, size_t count);
/* Finishes the delivery under way, drops what waits (logged), and stops the thread. */
void notify_stop(struct notifier *n);

/* Messages delivered, failed (refused, timed out, unreachable), and dropped (the queue full,
 * or waiting at stop), since the start. */
struct notify_counts {
	uint64_t delivered, failed, dropped;
};
void notify_counts(struct notifier *n, struct notify_counts *out);

#endif
