/* SPDX-License-Identifier: MIT */
/* ELBv2's network load balancers (with their attribute, cross-zone) and listeners. */
#include <stdio.h>
#include <string.h>

#include "elbv2.h"
#include "tagging.h"
#include "filters.h"
#include "network.h"
#include "resources.h"

/* ---- Shapes ------------------------------------------------------------------------------- */

static const struct xml_field lb_address[] = {
	XML_TEXT_FIELD("PrivateIPv4Address", "PrivateIPv4Address"),
	XML_END,
};

static const struct xml_field lb_zone[] = {
	XML_TEXT_FIELD("ZoneName", "ZoneName"),
	XML_TEXT_FIELD("SubnetId", "SubnetId"),
	XML_OBJECTS_FIELD("LoadBalancerAddresses", "LoadBalancerAddresses", lb_address),
	XML_END,
};

static const struct xml_field lb_state[] = {
	XML_TEXT_FIELD("Code", "Code"),
	XML_END,
};

static const struct xml_field load_balancer[] = {
	XML_TEXT_FIELD("LoadBalancerArn", "LoadBalancerArn"),
	XML_TEXT_FIELD("CreatedTime", "CreatedTime"),
	XML_TEXT_FIELD("LoadBalancerName", "LoadBalancerName"),
	XML_TEXT_FIELD("Scheme", "Scheme"),
	XML_TEXT_FIELD("VpcId", "VpcId"),
	XML_OBJECT_FIELD("State", "State", lb_state),
	XML_TEXT_FIELD("Type", "Type"),
	XML_OBJECTS_FIELD("AvailabilityZones", "AvailabilityZones", lb_zone),
	XML_TEXT_FIELD("IpAddressType", "IpAddressType"),
	XML_END,
};

static const struct xml_field action[] = {
	XML_TEXT_FIELD("Type", "Type"),
	XML_TEXT_FIELD("TargetGroupArn", "TargetGroupArn"),
	XML_END,
};

static const struct xml_field listener[] = {
	XML_TEXT_FIELD("ListenerArn", "ListenerArn"),
	XML_TEXT_FIELD("LoadBalancerArn", "LoadBalancerArn"),
	XML_TEXT_FIELD("Port", "Port"),
	XML_TEXT_FIELD("Protocol", "Protocol"),
	XML_OBJECTS_FIELD("DefaultActions", "DefaultActions", action),
	XML_END,
};

/* ---- Outputs ------------------------------------------------------------------------------ */

static const struct xml_field created_lb_output[] = {
	XML_ONE_ITEM_FIELD("LoadBalancer", "LoadBalancers", load_balancer),
	XML_END,
};

static const struct xml_field lbs_output[] = {
	XML_OBJECTS_FIELD("LoadBalancers", "LoadBalancers", load_balancer),
	XML_TEXT_FIELD("NextMarker", "NextMarker"),
	XML_END,
};

static const struct xml_field created_listener_output[] = {
	XML_ONE_ITEM_FIELD("Listener", "Listeners", listener),
	XML_END,
};

static const struct xml_field listeners_output[] = {
	XML_OBJECTS_FIELD("Listeners", "Listeners", listener),
	XML_TEXT_FIELD("NextMarker", "NextMarker"),
	XML_END,
};

/* ---- What the model's JSON lacks of ELBv2's -------------------------------------------------- */

/* A load balancer's VPC, and each zone's subnet id (network.h). */
static void complete_lb(json_object *lb)
{
	json_object *zones = aws_json_member(lb, "AvailabilityZones");

	elbv2_add_vpc(lb);
	for (size_t i = 0; zones && i < json_object_array_length(zones); i++) {
		json_object *zone = json_object_array_get_idx(zones, i);
		json_object *address =
		    json_object_array_get_idx(aws_json_member(zone, "LoadBalancerAddresses"), 0);
		char subnet[AWS_SUBNET_ID_MAX];

		aws_subnet_id(aws_json_string(zone, "ZoneId"),
			      aws_json_string(address, "PrivateIPv4Address"), subnet,
			      sizeof(subnet));
		aws_put_string(zone, "SubnetId", subnet);
	}
}

static const struct elbv2_attribute lb_attributes[] = {
	{ "load_balancing.cross_zone.enabled", "CrossZone", "CrossZoneEnabled", true },
};

/* ---- Load balancers ---------------------------------------------------------------------------- */

/* Subnets.member.N ("ZONE=ADDRESS") or SubnetMappings.member.N.{SubnetId, PrivateIPv4Address}
 * as the model's Zones. */
static int read_zones(struct aws_call *c, json_object *args)
{
	json_object *zones = json_object_new_array(), *holder = json_object_new_object();
	size_t mappings = query_list_length(c->query, "SubnetMappings", true);
	json_object *subnets;
	int rc = 0;

	json_object_object_add(args, "Zones", zones);
	rc = aws_param_list(c, "Subnets", AWS_OPTIONAL, holder, "Subnets");
	subnets = aws_json_member(holder, "Subnets");
	for (size_t i = 0; rc == 0 && subnets && i < json_object_array_length(subnets); i++) {
		json_object *zone = json_object_new_object();
		char zone_id[16], address[AWS_SUBNET_ID_MAX];

		json_object_array_add(zones, zone);
		rc = aws_subnet_parse(c,
				      json_object_get_string(json_object_array_get_idx(subnets, i)),
				      zone_id, address, sizeof(address));
		aws_put_string(zone, "ZoneId", zone_id);
		aws_put_string(zone, "Address", address);
	}
	for (size_t i = 1; rc == 0 && i <= mappings; i++) {
		char prefix[64], name[96], zone_id[16], address[AWS_SUBNET_ID_MAX];
		const char *subnet, *ip;
		json_object *zone;

		query_list_item("SubnetMappings", true, i, prefix, sizeof(prefix));
		snprintf(name, sizeof(name), "%s.SubnetId", prefix);
		subnet = aws_param(c, name, AWS_REQUIRED);
		snprintf(name, sizeof(name), "%s.PrivateIPv4Address", prefix);
		ip = subnet ? aws_param(c, name, AWS_OPTIONAL) : NULL;
		if (!subnet) {
			rc = -1;
			break;
		}
		/* the address in the mapping, or in the subnet id */
		rc = aws_subnet_parse(c, subnet, zone_id, ip ? NULL : address, sizeof(address));
		zone = json_object_new_object();
		json_object_array_add(zones, zone);
		aws_put_string(zone, "ZoneId", zone_id);
		aws_put_string(zone, "Address", ip ? ip : address);
		snprintf(name, sizeof(name), "%s.AllocationId", prefix);
		if (rc == 0)
			rc = aws_param_refused(c, name,
					       "an internal load balancer has no Elastic IP");
		snprintf(name, sizeof(name), "%s.IPv6Address", prefix);
		if (rc == 0)
			rc = aws_param_refused(c, name, ELBV2_IPV4_ONLY);
	}
	json_object_put(holder);
	return rc;
}

static int create_lb(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();
	const char *type, *scheme;

	if (aws_param_string(c, "Name", AWS_REQUIRED, args, "Name") < 0 || read_zones(c, args) < 0)
		return aws_drop(args);
	/* AWS makes an internet-facing application load balancer when these are left out. */
	type = aws_param(c, "Type", AWS_OPTIONAL);
	scheme = aws_param(c, "Scheme", AWS_OPTIONAL);
	if (!type || strcmp(type, "network") != 0) {
		aws_fail(c->err, "InvalidConfigurationRequest",
			 "Type '%s': xdplink has network load balancers only (--type network)",
			 type ? type : "application (the default)");
		return aws_drop(args);
	}
	if (!scheme || strcmp(scheme, "internal") != 0) {
		aws_fail(c->err, "InvalidConfigurationRequest",
			 "Scheme '%s': the load balancer of an endpoint service is internal "
			 "(--scheme internal)",
			 scheme ? scheme : "internet-facing (the default)");
		return aws_drop(args);
	}
	if (aws_param_refused(c, "SecurityGroups",
			      "xdplink's network load balancers have no security groups") < 0 ||
	    aws_param_only(c, "IpAddressType", "ipv4", ELBV2_IPV4_ONLY) < 0 ||
	    aws_param_refused(c, "CustomerOwnedIpv4Pool", "xdplink has no Outposts") < 0 ||
	    aws_read_tags(c, "Tags", args) < 0 || aws_params_done(c) < 0)
		return aws_drop(args);
	if (aws_model_call(c, "CreateLoadBalancer", args, result) < 0)
		return -1;
	complete_lb(aws_json_member(*result, "LoadBalancer"));
	return 0;
}

static int describe_lbs(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *holder = json_object_new_object();
	struct aws_page page;
	int rc = -1;

	if (aws_param_list(c, "LoadBalancerArns", AWS_OPTIONAL, holder, "Arns") < 0 ||
	    aws_param_list(c, "Names", AWS_OPTIONAL, args, "Names") < 0 ||
	    aws_page_read(c, ELBV2_MAX_PAGE_SIZE, &page) < 0 || aws_params_done(c) < 0)
		goto out;
	if (aws_json_member(holder, "Arns") && aws_json_member(args, "Names")) {
		aws_fail(c->err, "ValidationError",
			 "Load balancer names and load balancer ARNs cannot be specified at the "
			 "same time");
		goto out;
	}
	if (aws_json_member(holder, "Arns")) {
		*result = json_object_new_object();
		rc = elbv2_find_each(c, "Arns", aws_find_lb, holder, *result, "LoadBalancers");
		if (rc < 0) {
			json_object_put(*result);
			*result = NULL;
		}
	} else {
		rc = aws_model_call(c, "DescribeLoadBalancers", json_object_get(args), result);
	}
	if (rc == 0) {
		aws_complete_each(*result, "LoadBalancers", complete_lb);
		aws_page_apply(c, &page, *result, "LoadBalancers");
	}
out:
	json_object_put(args);
	json_object_put(holder);
	return rc;
}

/* An operation on one load balancer named by LoadBalancerArn: its name into args["Name"]
 * (after the other parameters were read by `read`, which may be NULL). */
static int lb_by_arn(struct aws_call *c, json_object *args, const char *name_key,
		     int (*read)(struct aws_call *, json_object *))
{
	const char *arn = aws_param(c, "LoadBalancerArn", AWS_REQUIRED);
	char name[AWS_NAME_MAX];

	if (!arn || (read && read(c, args) < 0) || aws_params_done(c) < 0 ||
	    aws_lb_name(c, arn, name) < 0)
		return -1;
	aws_put_string(args, name_key, name);
	return 0;
}

static int delete_lb(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (lb_by_arn(c, args, "Name", NULL) < 0)
		return aws_drop(args);
	return aws_model_call(c, "DeleteLoadBalancer", args, result);
}

static int read_lb_attributes(struct aws_call *c, json_object *args)
{
	return elbv2_read_attributes(c, lb_attributes, ELBV2_COUNT(lb_attributes), args);
}

static int modify_lb_attributes(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *changed;

	if (lb_by_arn(c, args, "Name", read_lb_attributes) < 0)
		return aws_drop(args);
	if (aws_model_call(c, "ModifyLoadBalancerAttributes", args, &changed) < 0)
		return -1;
	*result = elbv2_attributes_of(aws_json_member(changed, "LoadBalancer"), lb_attributes,
				      ELBV2_COUNT(lb_attributes));
	json_object_put(changed);
	return 0;
}

static int describe_lb_attributes(struct aws_call *c, json_object **result)
{
	const char *arn = aws_param(c, "LoadBalancerArn", AWS_REQUIRED);
	json_object *lb;

	if (!arn || aws_params_done(c) < 0 || aws_find_lb(c, arn, &lb) < 0)
		return -1;
	*result = elbv2_attributes_of(lb, lb_attributes, ELBV2_COUNT(lb_attributes));
	json_object_put(lb);
	return 0;
}

/* ---- Listeners --------------------------------------------------------------------------------- */

/* The target group ARN of the one default action: forward to one target group, given as
 * TargetGroupArn or as a ForwardConfig of one group. */
static const char *read_forward_action(struct aws_call *c)
{
	const char *type, *arn, *config_arn, *sticky;
	size_t actions = query_list_length(c->query, "DefaultActions", true);

	if (actions != 1) {
		aws_fail(c->err, "InvalidConfigurationRequest",
			 "a listener here has one default action, forward, not %zu", actions);
		return NULL;
	}
	type = aws_param(c, "DefaultActions.member.1.Type", AWS_REQUIRED);
	if (!type)
		return NULL;
	if (strcmp(type, "forward") != 0) {
		aws_fail(c->err, "InvalidConfigurationRequest",
			 "action type '%s': a network load balancer's listener forwards", type);
		return NULL;
	}
	aws_param(c, "DefaultActions.member.1.Order", AWS_OPTIONAL); /* one action: first */
	arn = aws_param(c, "DefaultActions.member.1.TargetGroupArn", AWS_OPTIONAL);
	if (query_list_length(c->query, "DefaultActions.member.1.ForwardConfig.TargetGroups",
			      true) > 1) {
		aws_fail(c->err, "InvalidConfigurationRequest",
			 "a listener here forwards to one target group");
		return NULL;
	}
	config_arn = aws_param(c,
			       "DefaultActions.member.1.ForwardConfig.TargetGroups.member.1."
			       "TargetGroupArn",
			       AWS_OPTIONAL);
	/* one group takes every flow, whatever its weight */
	aws_param(c, "DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight",
		  AWS_OPTIONAL);
	sticky = aws_param(c,
			   "DefaultActions.member.1.ForwardConfig.TargetGroupStickinessConfig."
			   "Enabled",
			   AWS_OPTIONAL);
	if (sticky && strcmp(sticky, "false") != 0) {
		aws_fail(c->err, "InvalidConfigurationRequest",
			 "target group stickiness applies to several target groups");
		return NULL;
	}
	if (arn && config_arn && strcmp(arn, config_arn) != 0) {
		aws_fail(c->err, "ValidationError",
			 "TargetGroupArn and ForwardConfig name different target groups");
		return NULL;
	}
	if (!arn && !config_arn)
		aws_fail(c->err, "ValidationError",
			 "a forward action needs a TargetGroupArn or a ForwardConfig");
	return arn ? arn : config_arn;
}

static int create_listener(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();
	const char *lb_arn = aws_param(c, "LoadBalancerArn", AWS_REQUIRED), *tg_arn;
	char lb[AWS_NAME_MAX], tg[AWS_NAME_MAX];

	if (!lb_arn || aws_param_string(c, "Protocol", AWS_REQUIRED, args, "Protocol") < 0 ||
	    aws_param_int(c, "Port", AWS_REQUIRED, INT32_MIN, INT32_MAX, args, "Port") < 0)
		return aws_drop(args);
	tg_arn = read_forward_action(c);
	if (!tg_arn ||
	    aws_param_refused(c, "SslPolicy", "TLS listeners are not supported: TCP only") < 0 ||
	    aws_param_refused(c, "Certificates", "TLS listeners are not supported: TCP only") < 0 ||
	    aws_param_refused(c, "AlpnPolicy", "TLS listeners are not supported: TCP only") < 0 ||
	    aws_read_tags(c, "Tags", args) < 0 || aws_params_done(c) < 0 ||
	    aws_lb_name(c, lb_arn, lb) < 0 || aws_tg_name(c, tg_arn, tg) < 0)
		return aws_drop(args);
	aws_put_string(args, "LoadBalancerName", lb);
	aws_put_string(args, "TargetGroupName", tg);
	return aws_model_call(c, "CreateListener", args, result);
}

static int describe_listeners(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *holder = json_object_new_object();
	const char *lb_arn = aws_param(c, "LoadBalancerArn", AWS_OPTIONAL);
	struct aws_page page;
	char name[AWS_NAME_MAX];
	int rc = -1;

	if (aws_param_list(c, "ListenerArns", AWS_OPTIONAL, holder, "Arns") < 0 ||
	    aws_page_read(c, ELBV2_MAX_PAGE_SIZE, &page) < 0 || aws_params_done(c) < 0)
		goto out;
	if (!lb_arn == !aws_json_member(holder, "Arns")) {
		aws_fail(c->err, "ValidationError",
			 "You must specify either a load balancer or one or more listeners");
		goto out;
	}
	if (lb_arn) {
		if (aws_lb_name(c, lb_arn, name) < 0)
			goto out;
		aws_put_string(args, "LoadBalancerName", name);
		rc = aws_model_call(c, "DescribeListeners", json_object_get(args), result);
	} else {
		*result = json_object_new_object();
		rc = elbv2_find_each(c, "Arns", aws_find_listener, holder, *result, "Listeners");
		if (rc < 0) {
			json_object_put(*result);
			*result = NULL;
		}
	}
	if (rc == 0)
		aws_page_apply(c, &page, *result, "Listeners");
out:
	json_object_put(args);
	json_object_put(holder);
	return rc;
}

static int delete_listener(struct aws_call *c, json_object **result)
{
	const char *arn = aws_param(c, "ListenerArn", AWS_REQUIRED);
	json_object *found, *args, *lb;
	char name[AWS_NAME_MAX];
	int rc;

	if (!arn || aws_params_done(c) < 0 || aws_find_listener(c, arn, &found) < 0)
		return -1;
	if (aws_find_lb(c, aws_json_string(found, "LoadBalancerArn"), &lb) < 0) {
		json_object_put(found);
		return -1;
	}
	snprintf(name, sizeof(name), "%s", aws_json_string(lb, "LoadBalancerName"));
	args = json_object_new_object();
	aws_put_string(args, "LoadBalancerName", name);
	json_object_object_add(args, "Port", json_object_get(aws_json_member(found, "Port")));
	rc = aws_model_call(c, "DeleteListener", args, result);
	json_object_put(found);
	json_object_put(lb);
	return rc;
}

/* ---- The table -------------------------------------------------------------------------------- */

const struct aws_operation elbv2_lb_operations[] = {
	{ "CreateLoadBalancer", create_lb, created_lb_output, false },
	{ "DescribeLoadBalancers", describe_lbs, lbs_output, false },
	{ "DeleteLoadBalancer", delete_lb, elbv2_no_output, false },
	{ "ModifyLoadBalancerAttributes", modify_lb_attributes, elbv2_attributes_output, false },
	{ "DescribeLoadBalancerAttributes", describe_lb_attributes, elbv2_attributes_output,
	  false },
	{ "CreateListener", create_listener, created_listener_output, false },
	{ "DescribeListeners", describe_listeners, listeners_output, false },
	{ "DeleteListener", delete_listener, elbv2_no_output, false },
	{ NULL, NULL, NULL, false },
};
