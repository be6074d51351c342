/* SPDX-License-Identifier: MIT */
/* The parts of a running agent, which the daemon's files share: its settings, the model
 * and its store, the data path and its flow collector, and the loop that drives them. */
#ifndef XL_AGENT_H
#define XL_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "options.h"
#include "version.h"

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
	struct aws_server *aws;	   /* the EC2 and ELBv2 APIs, or NULL */
	struct dns_door *dns;	   /* the VPCs' resolvers, or NULL */
	struct notifier *notifier; /* connection notifications' delivery */
	/* What the timers last worked from (ticks.c): with the same store, the same answer. */
	struct {
		bool done;	     /* it ran once */
		uint64_t generation; /* the model's when it last ran */
		int64_t next_drain;  /* UNIX time the next draining target's delay ends */
		int64_t next_purge;  /* ... and the next deleted endpoint is to be purged */
		/* unused slots the data path still used, asked again on every tick */
		struct dp_keys busy_backends, busy_pools;
	} release;
	bool health_listed;
	uint64_t health_generation;
};

#endif
