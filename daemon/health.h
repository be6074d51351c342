/* SPDX-License-Identifier: MIT */
/* Target health checks, as an NLB runs them: a TCP connect (or an HTTP GET whose
 * status must match) from the node IP of the target's zone, every interval, many at
 * once on the event loop; thresholds of consecutive results move a target between
 * healthy and unhealthy. */
#ifndef XL_HEALTH_H
#define XL_HEALTH_H

#include <stddef.h>
#include <stdint.h>

#include "loop.h"
#include "model.h"
#include "source_ports.h"

/* Called when consecutive results cross a threshold: the target should now be
 * `state` ("healthy" or "unhealthy") with AWS's `reason` ("" when healthy). */
typedef void (*health_report_fn)(void *ctx, const struct model_target *target, const char *state,
				 const char *reason);

struct health;

/* The checks' sockets take their source ports from `ports` (source_ports.h). */
struct health *health_new(struct loop *loop, const struct port_range *ports,
			  health_report_fn report, void *ctx);
void health_free(struct health *health);

/* Checks leave by `device` only (NULL: by whatever route the host has): a target that
 * routes elsewhere, into a consumer's VPC, fails its checks rather than be probed there. */
void health_leave_by(struct health *health, const char *device);

/* Starts the checks now due among `targets` and fails those past their timeout.
 * Targets no longer listed are forgotten. */
void health_tick(struct health *health, const struct model_target *targets, size_t count,
		 uint64_t now_ms);
/* The same for the targets of the last health_tick, as they are now (their state follows
 * the results): for ticks of a store that did not change. */
void health_tick_again(struct health *health, uint64_t now_ms);

/* Whether an HTTP status matches a matcher such as "200-399" or "200,202". */
int health_status_matches(const char *matcher, int status);

#endif
