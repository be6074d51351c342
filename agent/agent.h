/* The parts of a running agent, shared by the daemon and its own actions. */
#ifndef XL_AGENT_H
#define XL_AGENT_H

#include <time.h>

#include "api.h"
#include "aws.h"
#include "daemon.h"
#include "datapath.h"
#include "flows.h"
#include "health.h"
#include "loop.h"
#include "metrics.h"
#include "model.h"

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
	struct aws_server *aws;
};

#endif
