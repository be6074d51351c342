/* xdplinkd's settings, read from its command line (xdplinkd.c) and checked there: where
 * its socket, state and pins are, the data path's sizes, and the collector's times. */
#ifndef XL_OPTIONS_H
#define XL_OPTIONS_H

#include <stdint.h>

#include "datapath.h"
#include "flows.h"

struct daemon_options {
	const char *socket_path;
	const char *state_path;
	const char *region;
	struct datapath_options datapath;
	struct flows_options flows;
	uint32_t collect_interval_ms;
	const char *metrics_listen; /* "ADDR:PORT" of the Prometheus endpoint, or NULL: off */
};

#endif
