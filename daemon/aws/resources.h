/* SPDX-License-Identifier: MIT */
/* ELBv2's resources by ARN. The socket API names load balancers and target groups by name
 * (unique per account); an ARN is read for its name, and the resource the model describes
 * under that name is the one meant only if its ARN is exactly the one given. Another
 * account's ARN, or one of a resource deleted since, is not found, as a missing one. */
#ifndef XL_AWS_RESOURCES_H
#define XL_AWS_RESOURCES_H

#include <json-c/json.h>

#include "operation.h"

#define AWS_NAME_MAX 33

/* The caller's load balancer, target group or listener with this ARN: its JSON as the
 * model describes it (a new reference), or LoadBalancerNotFound, TargetGroupNotFound,
 * ListenerNotFound; ValidationError for text that is not such an ARN. */
int aws_find_lb(struct aws_call *c, const char *arn, json_object **lb);
int aws_find_tg(struct aws_call *c, const char *arn, json_object **tg);
int aws_find_listener(struct aws_call *c, const char *arn, json_object **listener);

/* The name of the load balancer (or target group) behind an ARN, through aws_find_*. */
int aws_lb_name(struct aws_call *c, const char *arn, char name[AWS_NAME_MAX]);
int aws_tg_name(struct aws_call *c, const char *arn, char name[AWS_NAME_MAX]);

#endif
