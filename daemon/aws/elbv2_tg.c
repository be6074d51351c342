/* SPDX-License-Identifier: MIT */
/* ELBv2's target groups (health checks, attributes) and their targets (registration,
 * health). */
#include <stdio.h>
#include <string.h>

#include "elbv2.h"
#include "tagging.h"
#include "filters.h"
#include "ids.h"
#include "network.h"
#include "resources.h"

/* ---- Shapes ------------------------------------------------------------------------------- */

static const struct xml_field matcher[] = {
	XML_TEXT_FIELD("HttpCode", "HttpCode"),
	XML_END,
};

static const struct xml_field target_group[] = {
	XML_TEXT_FIELD("TargetGroupArn", "TargetGroupArn"),
	XML_TEXT_FIELD("TargetGroupName", "TargetGroupName"),
	XML_TEXT_FIELD("Protocol", "Protocol"),
	XML_TEXT_FIELD("Port", "Port"),
	XML_TEXT_FIELD("VpcId", "VpcId"),
	XML_TEXT_FIELD("HealthCheckProtocol", "HealthCheckProtocol"),
	XML_TEXT_FIELD("HealthCheckPort", "HealthCheckPort"),
	XML_TEXT_FIELD("HealthCheckEnabled", "HealthCheckEnabled"),
	XML_TEXT_FIELD("HealthCheckIntervalSeconds", "HealthCheckIntervalSeconds"),
	XML_TEXT_FIELD("HealthCheckTimeoutSeconds", "HealthCheckTimeoutSeconds"),
	XML_TEXT_FIELD("HealthyThresholdCount", "HealthyThresholdCount"),
	XML_TEXT_FIELD("UnhealthyThresholdCount", "UnhealthyThresholdCount"),
	XML_TEXT_FIELD("HealthCheckPath", "HealthCheckPath"),
	XML_OBJECT_FIELD("MatcherCodes", "Matcher", matcher),
	XML_LIST_FIELD("LoadBalancerArns", "LoadBalancerArns"),
	XML_TEXT_FIELD("TargetType", "TargetType"),
	XML_TEXT_FIELD("IpAddressType", "IpAddressType"),
	XML_END,
};

static const struct xml_field target[] = {
	XML_TEXT_FIELD("Id", "Id"),
	XML_TEXT_FIELD("Port", "Port"),
	XML_TEXT_FIELD("AvailabilityZone", "AvailabilityZone"),
	XML_END,
};

static const struct xml_field target_health[] = {
	XML_TEXT_FIELD("State", "State"),
	XML_TEXT_FIELD("Reason", "Reason"),
	XML_TEXT_FIELD("Description", "Description"),
	XML_END,
};

static const struct xml_field health_description[] = {
	XML_OBJECT_FIELD("Target", "Target", target),
	XML_TEXT_FIELD("HealthCheckPort", "HealthCheckPort"),
	XML_OBJECT_FIELD("TargetHealth", "TargetHealth", target_health),
	XML_END,
};

/* ---- Outputs ------------------------------------------------------------------------------ */

static const struct xml_field created_tg_output[] = {
	XML_ONE_ITEM_FIELD("TargetGroup", "TargetGroups", target_group),
	XML_END,
};

static const struct xml_field tgs_output[] = {
	XML_OBJECTS_FIELD("TargetGroups", "TargetGroups", target_group),
	XML_TEXT_FIELD("NextMarker", "NextMarker"),
	XML_END,
};

static const struct xml_field health_output[] = {
	XML_OBJECTS_FIELD("TargetHealthDescriptions", "TargetHealthDescriptions",
			  health_description),
	XML_END,
};

/* ---- What the model's JSON lacks of ELBv2's -------------------------------------------------- */

/* A target group's VPC, and its matcher as ELBv2's {HttpCode}. Health checks are always
 * on, as for every network load balancer's target group of type ip. */
static void complete_tg(json_object *tg)
{
	elbv2_add_vpc(tg);
	json_object_object_add(tg, "HealthCheckEnabled", json_object_new_boolean(true));
	if (aws_json_member(tg, "Matcher")) {
		json_object *codes = json_object_new_object();

		aws_put_string(codes, "HttpCode", aws_json_string(tg, "Matcher"));
		json_object_object_add(tg, "MatcherCodes", codes);
	}
}

static const struct elbv2_attribute tg_attributes[] = {
	{ "deregistration_delay.timeout_seconds", "DeregistrationDelaySeconds",
	  "DeregistrationDelaySeconds", false },
	{ "deregistration_delay.connection_termination.enabled",
	  "DeregistrationConnectionTermination", "DeregistrationConnectionTermination", true },
	{ "proxy_protocol_v2.enabled", "ProxyProtocolV2", "ProxyProtocolV2", true },
	{ "target_health_state.unhealthy.connection_termination.enabled",
	  "UnhealthyConnectionTermination", "UnhealthyConnectionTermination", true },
};

/* ---- Target groups ---------------------------------------------------------------------------- */

/* The health check settings of CreateTargetGroup and ModifyTargetGroup. */
static int read_health_check(struct aws_call *c, json_object *args)
{
	static const char *const counts[] = {
		"HealthCheckIntervalSeconds",
		"HealthCheckTimeoutSeconds",
		"HealthyThresholdCount",
		"UnhealthyThresholdCount",
	};
	const char *port = aws_param(c, "HealthCheckPort", AWS_OPTIONAL);
	int64_t number;

	if (port && strcmp(port, "traffic-port") == 0)
		aws_put_string(args, "HealthCheckPort", port);
	else if (port && aws_int_value(c, "HealthCheckPort", port, 1, 65535, &number) == 0)
		json_object_object_add(args, "HealthCheckPort", json_object_new_int64(number));
	else if (port)
		return -1;
	if (aws_param_string(c, "HealthCheckProtocol", AWS_OPTIONAL, args, "HealthCheckProtocol") <
		0 ||
	    aws_param_only(c, "HealthCheckEnabled", "true",
			   "a network load balancer's target group of type ip is always health "
			   "checked") < 0 ||
	    aws_param_string(c, "HealthCheckPath", AWS_OPTIONAL, args, "HealthCheckPath") < 0 ||
	    aws_param_string(c, "Matcher.HttpCode", AWS_OPTIONAL, args, "Matcher") < 0 ||
	    aws_param_refused(c, "Matcher.GrpcCode", "xdplink's health checks are TCP or HTTP") < 0)
		return -1;
	/* The model checks the ranges, as for the socket API. */
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		if (aws_param_int(c, counts[i], AWS_OPTIONAL, INT32_MIN, INT32_MAX, args,
				  counts[i]) < 0)
			return -1;
	}
	return 0;
}

static int create_tg(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();
	const char *vpc_id, *target_type;

	if (aws_param_string(c, "Name", AWS_REQUIRED, args, "Name") < 0 ||
	    aws_param_string(c, "Protocol", AWS_REQUIRED, args, "Protocol") < 0 ||
	    aws_param_int(c, "Port", AWS_REQUIRED, INT32_MIN, INT32_MAX, args, "Port") < 0 ||
	    read_health_check(c, args) < 0)
		return aws_drop(args);
	vpc_id = aws_param(c, "VpcId", AWS_OPTIONAL);
	/* AWS registers instances when no type is given. */
	target_type = aws_param(c, "TargetType", AWS_OPTIONAL);
	if (!target_type || strcmp(target_type, "ip") != 0) {
		aws_fail(c->err, "InvalidConfigurationRequest",
			 "TargetType '%s': xdplink's targets are IP addresses (--target-type ip)",
			 target_type ? target_type : "instance (the default)");
		return aws_drop(args);
	}
	if (aws_param_refused(c, "ProtocolVersion", "it applies to HTTP and HTTPS target groups") <
		0 ||
	    aws_param_only(c, "IpAddressType", "ipv4", ELBV2_IPV4_ONLY) < 0 ||
	    aws_read_tags(c, "Tags", args) < 0 || aws_params_done(c) < 0 ||
	    (vpc_id && aws_vpc_check(c, vpc_id) < 0))
		return aws_drop(args);
	if (aws_model_call(c, "CreateTargetGroup", args, result) < 0)
		return -1;
	complete_tg(aws_json_member(*result, "TargetGroup"));
	return 0;
}

/* Keeps the target groups that one of whose load balancers is `lb_arn`. */
static void keep_serving(json_object *result, const char *lb_arn)
{
	json_object *list = aws_json_member(result, "TargetGroups"),
		    *kept = json_object_new_array();

	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		json_object *tg = json_object_array_get_idx(list, i);
		json_object *arns = aws_json_member(tg, "LoadBalancerArns");

		for (size_t k = 0; arns && k < json_object_array_length(arns); k++) {
			if (strcmp(json_object_get_string(json_object_array_get_idx(arns, k)),
				   lb_arn) == 0) {
				json_object_array_add(kept, json_object_get(tg));
				break;
			}
		}
	}
	json_object_object_add(result, "TargetGroups", kept);
}

static int describe_tgs(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *holder = json_object_new_object(), *lb;
	const char *lb_arn;
	struct aws_page page;
	int rc = -1;

	lb_arn = aws_param(c, "LoadBalancerArn", AWS_OPTIONAL);
	if (aws_param_list(c, "TargetGroupArns", AWS_OPTIONAL, holder, "Arns") < 0 ||
	    aws_param_list(c, "Names", AWS_OPTIONAL, args, "Names") < 0 ||
	    aws_page_read(c, ELBV2_MAX_PAGE_SIZE, &page) < 0 || aws_params_done(c) < 0)
		goto out;
	if (!!lb_arn + !!aws_json_member(holder, "Arns") + !!aws_json_member(args, "Names") > 1) {
		aws_fail(c->err, "ValidationError",
			 "A load balancer ARN, target group ARNs and target group names cannot be "
			 "specified together");
		goto out;
	}
	if (lb_arn && aws_find_lb(c, lb_arn, &lb) < 0)
		goto out;
	if (lb_arn)
		json_object_put(lb);
	if (aws_json_member(holder, "Arns")) {
		*result = json_object_new_object();
		rc = elbv2_find_each(c, "Arns", aws_find_tg, holder, *result, "TargetGroups");
		if (rc < 0) {
			json_object_put(*result);
			*result = NULL;
		}
	} else {
		rc = aws_model_call(c, "DescribeTargetGroups", json_object_get(args), result);
	}
	if (rc == 0) {
		if (lb_arn)
			keep_serving(*result, lb_arn);
		aws_complete_each(*result, "TargetGroups", complete_tg);
		aws_page_apply(c, &page, *result, "TargetGroups");
	}
out:
	json_object_put(args);
	json_object_put(holder);
	return rc;
}

/* An operation on one target group named by TargetGroupArn: its name into args["Name"]
 * (after the other parameters were read by `read`, which may be NULL). */
static int tg_by_arn(struct aws_call *c, json_object *args,
		     int (*read)(struct aws_call *, json_object *))
{
	const char *arn = aws_param(c, "TargetGroupArn", AWS_REQUIRED);
	char name[AWS_NAME_MAX];

	if (!arn || (read && read(c, args) < 0) || aws_params_done(c) < 0 ||
	    aws_tg_name(c, arn, name) < 0)
		return -1;
	aws_put_string(args, "Name", name);
	return 0;
}

static int modify_tg(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (tg_by_arn(c, args, read_health_check) < 0)
		return aws_drop(args);
	if (aws_model_call(c, "ModifyTargetGroupAttributes", args, result) < 0)
		return -1;
	complete_tg(aws_json_member(*result, "TargetGroup"));
	return 0;
}

static int read_tg_attributes(struct aws_call *c, json_object *args)
{
	return elbv2_read_attributes(c, tg_attributes, ELBV2_COUNT(tg_attributes), args);
}

static int modify_tg_attributes(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *changed;

	if (tg_by_arn(c, args, read_tg_attributes) < 0)
		return aws_drop(args);
	if (aws_model_call(c, "ModifyTargetGroupAttributes", args, &changed) < 0)
		return -1;
	*result = elbv2_attributes_of(aws_json_member(changed, "TargetGroup"), tg_attributes,
				      ELBV2_COUNT(tg_attributes));
	json_object_put(changed);
	return 0;
}

static int describe_tg_attributes(struct aws_call *c, json_object **result)
{
	const char *arn = aws_param(c, "TargetGroupArn", AWS_REQUIRED);
	json_object *tg;

	if (!arn || aws_params_done(c) < 0 || aws_find_tg(c, arn, &tg) < 0)
		return -1;
	*result = elbv2_attributes_of(tg, tg_attributes, ELBV2_COUNT(tg_attributes));
	json_object_put(tg);
	return 0;
}

static int delete_tg(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (tg_by_arn(c, args, NULL) < 0)
		return aws_drop(args);
	return aws_model_call(c, "DeleteTargetGroup", args, result);
}

/* ---- Targets ------------------------------------------------------------------------------------ */

/* Targets.member.N.{Id, Port, AvailabilityZone} as the model's Targets; a zone's name
 * stands for its id. */
static int read_targets(struct aws_call *c, json_object *args, bool zones)
{
	size_t count = query_list_length(c->query, "Targets", true);
	json_object *targets = json_object_new_array();

	json_object_object_add(args, "Targets", targets);
	for (size_t i = 1; i <= count; i++) {
		json_object *t = json_object_new_object();
		char prefix[64], name[96], zone_id[ZONE_MAX];
		const char *zone;

		json_object_array_add(targets, t);
		query_list_item("Targets", true, i, prefix, sizeof(prefix));
		snprintf(name, sizeof(name), "%s.Id", prefix);
		if (aws_param_string(c, name, AWS_REQUIRED, t, "Id") < 0)
			return -1;
		snprintf(name, sizeof(name), "%s.Port", prefix);
		if (aws_param_int(c, name, AWS_OPTIONAL, INT32_MIN, INT32_MAX, t, "Port") < 0)
			return -1;
		snprintf(name, sizeof(name), "%s.AvailabilityZone", prefix);
		zone = zones ? aws_param(c, name, AWS_OPTIONAL) : NULL;
		if (zone && strcmp(zone, "all") == 0)
			return aws_fail(c->err, "InvalidTarget",
					"AvailabilityZone 'all' is for targets outside the VPC; "
					"xdplink needs each target's zone");
		if (zone && !zone_id_of(c->region, zone, zone_id))
			snprintf(zone_id, sizeof(zone_id), "%s", zone);
		if (zone)
			aws_put_string(t, "AvailabilityZone", zone_id);
	}
	return 0;
}

static int read_registration(struct aws_call *c, json_object *args)
{
	return read_targets(c, args, true);
}

static int read_deregistration(struct aws_call *c, json_object *args)
{
	return read_targets(c, args, false);
}

static int register_targets(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (tg_by_arn(c, args, read_registration) < 0)
		return aws_drop(args);
	return aws_model_call(c, "RegisterTargets", args, result);
}

static int deregister_targets(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (tg_by_arn(c, args, read_deregistration) < 0)
		return aws_drop(args);
	return aws_model_call(c, "DeregisterTargets", args, result);
}

/* A description as ELBv2 gives it: the zone by name, and the port health checks use. */
static void complete_description(json_object *description, const char *check_port,
				 const char *region)
{
	json_object *t = aws_json_member(description, "Target");
	char zone_name[ZONE_MAX];

	if (zone_name_of(region, aws_json_string(t, "AvailabilityZone"), zone_name))
		aws_put_string(t, "AvailabilityZone", zone_name);
	aws_put_string(description, "HealthCheckPort",
		       strcmp(check_port, "traffic-port") == 0 ? aws_json_string(t, "Port")
							       : check_port);
}

static bool same_target(json_object *description, json_object *wanted, int64_t default_port)
{
	json_object *t = aws_json_member(description, "Target");
	json_object *port = aws_json_member(wanted, "Port");

	return strcmp(aws_json_string(t, "Id"), aws_json_string(wanted, "Id")) == 0 &&
	       json_object_get_int64(aws_json_member(t, "Port")) ==
		   (port ? json_object_get_int64(port) : default_port);
}

/* Only the targets asked for; one that is not registered is "unused", as AWS says. */
static json_object *asked_targets(json_object *all, json_object *wanted, int64_t default_port)
{
	json_object *kept = json_object_new_array();

	for (size_t w = 0; w < json_object_array_length(wanted); w++) {
		json_object *want = json_object_array_get_idx(wanted, w), *found = NULL;
		json_object *health, *t;

		for (size_t i = 0; !found && all && i < json_object_array_length(all); i++) {
			if (same_target(json_object_array_get_idx(all, i), want, default_port))
				found = json_object_array_get_idx(all, i);
		}
		if (found) {
			json_object_array_add(kept, json_object_get(found));
			continue;
		}
		found = json_object_new_object();
		t = json_object_new_object();
		aws_put_string(t, "Id", aws_json_string(want, "Id"));
		json_object_object_add(
		    t, "Port",
		    json_object_new_int64(aws_json_member(want, "Port")
					      ? json_object_get_int64(aws_json_member(want, "Port"))
					      : default_port));
		json_object_object_add(found, "Target", t);
		health = json_object_new_object();
		aws_put_string(health, "State", "unused");
		aws_put_string(health, "Reason", "Target.NotRegistered");
		aws_put_string(health, "Description",
			       "Target is not registered to the target group");
		json_object_object_add(found, "TargetHealth", health);
		json_object_array_add(kept, found);
	}
	return kept;
}

static int describe_target_health(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *asked = json_object_new_object(), *tg;
	const char *arn = aws_param(c, "TargetGroupArn", AWS_REQUIRED);
	int rc = -1;

	if (!arn || read_targets(c, asked, false) < 0 ||
	    aws_param_refused(c, "Include", "xdplink has no anomaly detection") < 0 ||
	    aws_params_done(c) < 0 || aws_find_tg(c, arn, &tg) < 0) {
		json_object_put(args);
		json_object_put(asked);
		return -1;
	}
	aws_put_string(args, "Name", aws_json_string(tg, "TargetGroupName"));
	if (aws_model_call(c, "DescribeTargetHealth", args, result) == 0) {
		if (aws_json_length(asked, "Targets") > 0)
			json_object_object_add(
			    *result, "TargetHealthDescriptions",
			    asked_targets(aws_json_member(*result, "TargetHealthDescriptions"),
					  aws_json_member(asked, "Targets"),
					  json_object_get_int64(aws_json_member(tg, "Port"))));
		json_object *list = aws_json_member(*result, "TargetHealthDescriptions");

		for (size_t i = 0; list && i < json_object_array_length(list); i++)
			complete_description(json_object_array_get_idx(list, i),
					     aws_json_string(tg, "HealthCheckPort"), c->region);
		rc = 0;
	}
	json_object_put(asked);
	json_object_put(tg);
	return rc;
}

/* ---- The table -------------------------------------------------------------------------------- */

const struct aws_operation elbv2_tg_operations[] = {
	{ "CreateTargetGroup", create_tg, created_tg_output, false },
	{ "DescribeTargetGroups", describe_tgs, tgs_output, false },
	{ "ModifyTargetGroup", modify_tg, created_tg_output, false },
	{ "ModifyTargetGroupAttributes", modify_tg_attributes, elbv2_attributes_output, false },
	{ "DescribeTargetGroupAttributes", describe_tg_attributes, elbv2_attributes_output, false },
	{ "DeleteTargetGroup", delete_tg, elbv2_no_output, false },
	{ "RegisterTargets", register_targets, elbv2_no_output, false },
	{ "DeregisterTargets", deregister_targets, elbv2_no_output, false },
	{ "DescribeTargetHealth", describe_target_health, health_output, false },
	{ NULL, NULL, NULL, false },
};
