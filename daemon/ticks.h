/* SPDX-License-Identifier: MIT */
/* What the agent does by the clock, on its loop: publish the clock to the data path,
 * collect flows and release the slots the data path is done with, run health checks.
 * A tick with nothing to do does nothing: no projection, no map write, no store read. */
#ifndef XL_TICKS_H
#define XL_TICKS_H

#include "agent.h"
#include "source_ports.h"

/* Starts the timers, and the health checker they drive; -1 on failure. */
int ticks_start(struct agent *agent, const struct port_range *check_ports);

#endif
