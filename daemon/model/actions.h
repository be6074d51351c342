/* SPDX-License-Identifier: MIT */
/* The bodies of the model's actions, by the file that defines them, as the table of
 * actions (actions.c) runs them. */
#ifndef XL_MODEL_ACTIONS_H
#define XL_MODEL_ACTIONS_H

#include <json-c/json.h>

#include "error.h"
#include "ids.h"

struct model;

/* An action's body. It runs inside a step that is undone when it fails, so it may
 * stop half-way; *result is freed on failure. */
typedef int action_fn(struct model *m, const struct principal *caller, json_object *args,
		      json_object **result, struct api_error *err);

/* lb.c */
action_fn lb_create, lb_describe, lb_modify_attributes, lb_delete;
action_fn listener_create, listener_describe, listener_delete;
/* tg.c */
action_fn tg_create, tg_describe, tg_modify_attributes, tg_delete;
action_fn targets_register, targets_deregister, target_health_describe;
/* service.c */
action_fn service_create, services_describe, service_modify, services_delete;
action_fn permissions_modify, permissions_describe, services_consumer_describe;
/* connections.c */
action_fn connections_accept, connections_reject, connections_describe;
/* endpoint.c */
action_fn endpoint_create, endpoint_modify, endpoints_describe, endpoints_delete;
/* vpc.c */
action_fn vpc_create, vpcs_describe, vpc_delete, subnet_create, subnets_describe, subnet_delete;
/* security_group.c */
action_fn sg_create, sgs_describe, sg_delete, sg_authorize, sg_revoke;
/* iface.c */
action_fn iface_attach, iface_detach;
/* private_dns.c */
action_fn private_dns_verify;
/* tags.c */
action_fn tags_create, tags_delete, tags_describe;
/* notifications.c */
action_fn notification_create, notifications_describe, notification_modify, notifications_delete;

#endif
