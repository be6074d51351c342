/* SPDX-License-Identifier: MIT */
/* xdplinkd: the model, the data path and the flow collector behind the API socket,
 * driven by one event loop. */
#ifndef XL_DAEMON_H
#define XL_DAEMON_H

#include "options.h"

/* Runs the agent until SIGTERM or SIGINT. Returns the process exit status. */
int daemon_run(const struct daemon_options *opts);

#endif
