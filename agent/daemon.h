/* xdplinkd: the model, the data path and the flow collector behind one API socket,
 * driven by one event loop. */
#ifndef XL_DAEMON_H
#define XL_DAEMON_H

#include <stdint.h>

#include "aws.h"
#include "datapath.h"
#include "flows.h"
#include "model.h"

struct daemon_options {
	const char *socket_path;
	const char *state_path;
	const char *region;
	struct datapath_options datapath;
	struct flows_options flows;
	uint32_t collect_interval_ms;
	const char *metrics_listen; /* "ADDR:PORT" of the Prometheus endpoint, or NULL: off */
	struct aws_options aws;	    /* the EC2 and ELBv2 APIs; aws.listen NULL: off */
};

/* Runs the agent until SIGTERM or SIGINT. Returns the process exit status. */
int daemon_run(const struct daemon_options *opts);

#endif
