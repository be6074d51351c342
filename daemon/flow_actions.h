/* SPDX-License-Identifier: MIT */
/* The flows the data path tracks, as the daemon answers for them (DescribeFlows), and the
 * active connections of each endpoint (GetStats, the Prometheus endpoint). */
#ifndef XL_FLOW_ACTIONS_H
#define XL_FLOW_ACTIONS_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "agent.h"
#include "error.h"

/* Args: VpcEndpointId, Target ("IP" or "IP:PORT"), ClientAddress (the same), MaxResults
 * (1-100000, default 1000). Result: Flows (at most MaxResults), FlowCount (all that
 * matched), Truncated. */
int describe_flows(struct agent *agent, json_object *args, json_object *result,
		   struct api_error *err);

/* The flows of each endpoint slot below `slots` that still carry a connection (not reset,
 * not closed both ways); a new array the caller frees, or NULL. */
uint64_t *flows_per_endpoint(struct agent *agent, size_t slots);

#endif
