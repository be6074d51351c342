/* SPDX-License-Identifier: MIT */
/* The table of actions: what the model answers, and what it leaves to the daemon (actions.c). */
#include "harness.h"

void unknown_actions_are_not_the_model_s(void)
{
	CHECK(model_find_action("CreateLoadBalancer") != NULL);
	CHECK(model_find_action("CreateLoadBalancer")->mutates);
	CHECK(!model_find_action("DescribeLoadBalancers")->mutates);
	CHECK(model_find_action("DescribeAgent") == NULL);
	CHECK(model_find_action("GetStats") == NULL);
	CHECK(model_find_action("createloadbalancer") == NULL);
}
