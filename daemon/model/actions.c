/* SPDX-License-Identifier: MIT */
/* The table of the model's actions, and the step each runs in: the caller's principal is
 * read, the body runs in a savepoint, and a mutating one brings the slots in line. */
#include "actions.h"

#include <string.h>

#include "config.h"
#include "envelope.h"
#include "model_internal.h"
#include "slots.h"

static int parse_caller(const char *arn, struct principal *caller, struct api_error *err)
{
	if (!arn)
		arn = XL_DEFAULT_PRINCIPAL;
	if (!principal_parse(arn, caller) || caller->type == PRINCIPAL_ALL)
		return api_fail(
		    err, API_InvalidParameterValue,
		    "Principal '%s' is not arn:aws:iam::<12 digits>:root, :user/<name> or "
		    ":role/<name>",
		    arn);
	return 0;
}

/* Every action runs in a step of its own: a refusal undoes whatever it had written,
 * even inside the caller's transaction, and a read sees one consistent state. */
static int run_action(struct model *m, action_fn *body, bool mutates, const char *principal,
		      json_object *args, json_object **result, struct api_error *err)
{
	struct principal caller;

	*result = NULL;
	if (parse_caller(principal, &caller, err) < 0 || store_savepoint(m->store, err) < 0)
		return -1;
	if (body(m, &caller, args, result, err) == 0 && (!mutates || slots_sync(m, err) == 0) &&
	    store_release(m->store, err) == 0) {
		if (!*result)
			*result = json_object_new_object();
		return 0;
	}
	store_undo(m->store);
	json_object_put(*result);
	*result = NULL;
	return -1;
}

#define MODEL_ACTIONS(X)                                                                           \
	X(CreateLoadBalancer, true, lb_create)                                                     \
	X(DescribeLoadBalancers, false, lb_describe)                                               \
	X(ModifyLoadBalancerAttributes, true, lb_modify_attributes)                                \
	X(DeleteLoadBalancer, true, lb_delete)                                                     \
	X(CreateTargetGroup, true, tg_create)                                                      \
	X(DescribeTargetGroups, false, tg_describe)                                                \
	X(ModifyTargetGroupAttributes, true, tg_modify_attributes)                                 \
	X(DeleteTargetGroup, true, tg_delete)                                                      \
	X(RegisterTargets, true, targets_register)                                                 \
	X(DeregisterTargets, true, targets_deregister)                                             \
	X(DescribeTargetHealth, false, target_health_describe)                                     \
	X(CreateListener, true, listener_create)                                                   \
	X(DescribeListeners, false, listener_describe)                                             \
	X(DeleteListener, true, listener_delete)                                                   \
	X(CreateVpcEndpointServiceConfiguration, true, service_create)                             \
	X(DescribeVpcEndpointServiceConfigurations, false, services_describe)                      \
	X(ModifyVpcEndpointServiceConfiguration, true, service_modify)                             \
	X(DeleteVpcEndpointServiceConfigurations, true, services_delete)                           \
	X(StartVpcEndpointServicePrivateDnsVerification, true, private_dns_verify)                 \
	X(ModifyVpcEndpointServicePermissions, true, permissions_modify)                           \
	X(DescribeVpcEndpointServicePermissions, false, permissions_describe)                      \
	X(DescribeVpcEndpointServices, false, services_consumer_describe)                          \
	X(AcceptVpcEndpointConnections, true, connections_accept)                                  \
	X(RejectVpcEndpointConnections, true, connections_reject)                                  \
	X(DescribeVpcEndpointConnections, false, connections_describe)                             \
	X(CreateVpcEndpoint, true, endpoint_create)                                                \
	X(ModifyVpcEndpoint, true, endpoint_modify)                                                \
	X(DescribeVpcEndpoints, false, endpoints_describe)                                         \
	X(DeleteVpcEndpoints, true, endpoints_delete)                                              \
	X(CreateVpc, true, vpc_create)                                                             \
	X(DescribeVpcs, false, vpcs_describe)                                                      \
	X(DeleteVpc, true, vpc_delete)                                                             \
	X(CreateSubnet, true, subnet_create)                                                       \
	X(DescribeSubnets, false, subnets_describe)                                                \
	X(DeleteSubnet, true, subnet_delete)                                                       \
	X(CreateSecurityGroup, true, sg_create)                                                    \
	X(DescribeSecurityGroups, false, sgs_describe)                                             \
	X(DeleteSecurityGroup, true, sg_delete)                                                    \
	X(AuthorizeSecurityGroupIngress, true, sg_authorize)                                       \
	X(RevokeSecurityGroupIngress, true, sg_revoke)                                             \
	X(AttachInterface, true, iface_attach)                                                     \
	X(DetachInterface, true, iface_detach)                                                     \
	X(CreateTags, true, tags_create)                                                           \
	X(DeleteTags, true, tags_delete)                                                           \
	X(DescribeTags, false, tags_describe)                                                      \
	X(CreateVpcEndpointConnectionNotification, true, notification_create)                      \
	X(DescribeVpcEndpointConnectionNotifications, false, notifications_describe)               \
	X(ModifyVpcEndpointConnectionNotification, true, notification_modify)                      \
	X(DeleteVpcEndpointConnectionNotifications, true, notifications_delete)                    \
	X(ExportConfiguration, false, config_export_action)                                        \
	X(PlanConfiguration, false, config_plan_action)                                            \
	X(ApplyConfiguration, true, config_apply_action)

#define DEFINE_RUN(name, mutates, body)                                                            \
	static int run_##name(struct model *m, const char *principal, json_object *args,           \
			      json_object **result, struct api_error *err)                         \
	{                                                                                          \
		return run_action(m, body, mutates, principal, args, result, err);                 \
	}
MODEL_ACTIONS(DEFINE_RUN)
#undef DEFINE_RUN

#define ACTION_ENTRY(name, mutates, body) { #name, mutates, run_##name },
static const struct model_action actions[] = { MODEL_ACTIONS(ACTION_ENTRY) };
#undef ACTION_ENTRY

const struct model_action *model_find_action(const char *name)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(actions[i].name, name) == 0)
			return &actions[i];
	}
	return NULL;
}
