/* The parts of a running agent, which the daemon's files share: its settings, the model
 * and its store, the data path and its flow collector, and the loop that drives them. */
#ifndef XL_AGENT_H
#define XL_AGENT_H

#include <time.h>

#include "options.h"

#define XDPLINK_VERSION "0.1.0"

struct agent {
	const struct daemon_options *opts;
	time_t started;
	struct model *model;
	struct datapath *dp;
	struct flows *flows;
	struct loop *loop;
	struct api *api;
	struct health *health;
	struct metrics *metrics;
};

#endif
