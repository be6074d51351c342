/* SPDX-License-Identifier: MIT */
/* The actions the daemon answers itself, from its runtime state rather than the
 * store: its status, its interfaces and the counters of the data path. */
#ifndef XL_ACTIONS_H
#define XL_ACTIONS_H

#include <json-c/json.h>
#include <stdbool.h>

#include "agent.h"
#include "error.h"

/* Whether `name` is one of the daemon's own actions below. */
bool daemon_has_action(const char *name);
/* DescribeAgent, DescribeInterfaces, GetStats, DescribeFlows (flow_actions.h);
 * InvalidAction for any other name. */
int daemon_action(struct agent *agent, const char *name, json_object *args, json_object **result,
		  struct api_error *err);

/* Adds runtime facts to the answer of a model action the principal called with args:
 * ActiveFlowCount to DescribeTargetHealth. */
int decorate_result(struct agent *agent, const char *name, const char *principal, json_object *args,
		    json_object *result, struct api_error *err);

#endif
