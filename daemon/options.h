/* SPDX-License-Identifier: MIT */
/* xdplinkd's settings, read from its command line (xdplinkd.c) and checked there: where
 * its socket, state and pins are, the data path's sizes, and the collector's times. */
#ifndef XL_OPTIONS_H
#define XL_OPTIONS_H

#include <stdint.h>

#include "aws.h"
#include "datapath.h"
#include "dns.h"
#include "flows.h"
#include "notify.h"

struct daemon_options {
	const char *socket_path;
	const char *state_path;
	const char *region;
	struct datapath_options datapath;
	struct flows_options flows;
	uint32_t collect_interval_ms;
	uint32_t deleted_retention_s; /* a deleted endpoint is listed this long, then purged */
	const char *metrics_listen;   /* "ADDR:PORT" of the Prometheus endpoint, or NULL: off */
	struct aws_options aws;	      /* the EC2 and ELBv2 APIs; aws.listen NULL: off */
	struct dns_options dns;	      /* the VPCs' resolvers */
	struct notify_options notify; /* connection notifications' receivers */
};

/* Reads the command line into *o, with the defaults for what it does not say. Returns
 * 0, or -1 having said on stderr what is wrong; --help and --version print and exit. */
int options_read(int argc, char **argv, struct daemon_options *o);

#endif
