/* ELBv2's Query API (Version 2015-12-01) for network load balancers, target groups,
 * targets and listeners: ARNs become the socket API's names (resources.h), attributes
 * its fields, and the model's answer ELBv2's XML (PascalCase elements, lists of <member>s,
 * inside <ActionResult>). */
#include <stdio.h>
#include <string.h>

#include "filters.h"
#include "ids.h"
#include "network.h"
#include "operation.h"
#include "resources.h"

#define NO_TAGS	      "xdplink keeps no tags yet"
#define IPV4_ONLY     "endpoint services support IPv4 only"
#define MAX_PAGE_SIZE 400

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

static const struct xml_field attribute[] = {
	XML_TEXT_FIELD("Key", "Key"),
	XML_TEXT_FIELD("Value", "Value"),
	XML_END,
};

/* ---- Outputs, by operation ------------------------------------------------------------------ */

static const struct xml_field created_lb_output[] = {
	XML_ONE_ITEM_FIELD("LoadBalancer", "LoadBalancers", load_balancer),
	XML_END,
};

static const struct xml_field lbs_output[] = {
	XML_OBJECTS_FIELD("LoadBalancers", "LoadBalancers", load_balancer),
	XML_TEXT_FIELD("NextMarker", "NextMarker"),
	XML_END,
};

static const struct xml_field no_output[] = {
	XML_END,
};

static const struct xml_field attributes_output[] = {
	XML_OBJECTS_FIELD("Attributes", "Attributes", attribute),
	XML_END,
};

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

static const struct xml_field created_listener_output[] = {
	XML_ONE_ITEM_FIELD("Listener", "Listeners", listener),
	XML_END,
};

static const struct xml_field listeners_output[] = {
	XML_OBJECTS_FIELD("Listeners", "Listeners", listener),
	XML_TEXT_FIELD("NextMarker", "NextMarker"),
	XML_END,
};

/* ---- What the model's JSON lacks of ELBv2's ---------------------------------------------------- */

static void add_string(json_object *object, const char *key, const char *value)
{
	json_object_object_add(object, key, json_object_new_string(value));
}

static void add_vpc(json_object *object)
{
	char vpc[AWS_VPC_ID_MAX];

	aws_vpc_of(aws_json_string(object, "OwnerId"), vpc);
	add_string(object, "VpcId", vpc);
	add_string(object, "IpAddressType", "ipv4");
}

/* A load balancer's VPC, and each zone's subnet id (network.h). */
static void complete_lb(json_object *lb)
{
	json_object *zones = aws_json_member(lb, "AvailabilityZones");

	add_vpc(lb);
	for (size_t i = 0; zones && i < json_object_array_length(zones); i++) {
		json_object *zone = json_object_array_get_idx(zones, i);
		json_object *address =
		    json_object_array_get_idx(aws_json_member(zone, "LoadBalancerAddresses"), 0);
		char subnet[AWS_SUBNET_ID_MAX];

		aws_subnet_id(aws_json_string(zone, "ZoneId"),
			      aws_json_string(address, "PrivateIPv4Address"), subnet,
			      sizeof(subnet));
		add_string(zone, "SubnetId", subnet);
	}
}

/* A target group's VPC, and its matcher as ELBv2's {HttpCode}. Health checks are always
 * on, as for every network load balancer's target group of type ip. */
static void complete_tg(json_object *tg)
{
	add_vpc(tg);
	json_object_object_add(tg, "HealthCheckEnabled", json_object_new_boolean(true));
	if (aws_json_member(tg, "Matcher")) {
		json_object *codes = json_object_new_object();

		add_string(codes, "HttpCode", aws_json_string(tg, "Matcher"));
		json_object_object_add(tg, "MatcherCodes", codes);
	}
}

static void complete_each(json_object *result, const char *list_key,
			  void (*complete)(json_object *item))
{
	json_object *list = aws_json_member(result, list_key);

	for (size_t i = 0; list && i < json_object_array_length(list); i++)
		complete(json_object_array_get_idx(list, i));
}

/* ---- Attributes --------------------------------------------------------------------------------- */

/* An ELBv2 attribute and the model's field for it: booleans, or whole seconds. */
struct attribute {
	const char *key;
	const char *arg;    /* the model's argument */
	const char *output; /* the model's field in its answer */
	bool boolean;
};

static const struct attribute lb_attributes[] = {
	{ "load_balancing.cross_zone.enabled", "CrossZone", "CrossZoneEnabled", true },
};

static const struct attribute tg_attributes[] = {
	{ "deregistration_delay.timeout_seconds", "DeregistrationDelaySeconds",
	  "DeregistrationDelaySeconds", false },
	{ "deregistration_delay.connection_termination.enabled",
	  "DeregistrationConnectionTermination", "DeregistrationConnectionTermination", true },
	{ "proxy_protocol_v2.enabled", "ProxyProtocolV2", "ProxyProtocolV2", true },
	{ "target_health_state.unhealthy.connection_termination.enabled",
	  "UnhealthyConnectionTermination", "UnhealthyConnectionTermination", true },
};

static const struct attribute *find_attribute(const struct attribute *table, size_t count,
					      const char *key)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(table[i].key, key) == 0)
			return &table[i];
	}
	return NULL;
}

/* Attributes.member.N.{Key,Value} into the model's arguments. */
static int read_attributes(struct aws_call *c, const struct attribute *table, size_t count,
			   json_object *args)
{
	size_t given = query_list_length(c->query, "Attributes", true);

	if (given == 0)
		return aws_fail(c->err, "MissingParameter",
				"The request must contain the parameter Attributes");
	for (size_t i = 1; i <= given; i++) {
		char prefix[64], name[96];
		const char *key, *value;
		const struct attribute *a;

		query_list_item("Attributes", true, i, prefix, sizeof(prefix));
		snprintf(name, sizeof(name), "%s.Key", prefix);
		key = aws_param(c, name, AWS_REQUIRED);
		snprintf(name, sizeof(name), "%s.Value", prefix);
		value = key ? aws_param(c, name, AWS_REQUIRED) : NULL;
		if (!value)
			return -1;
		a = find_attribute(table, count, key);
		if (!a)
			return aws_fail(c->err, "InvalidConfigurationRequest",
					"xdplink does not have the attribute '%s'", key);
		if (a->boolean) {
			bool on;

			if (aws_bool_value(c, key, value, &on) < 0)
				return -1;
			json_object_object_add(args, a->arg, json_object_new_boolean(on));
		} else {
			int64_t seconds;

			if (aws_int_value(c, key, value, INT32_MIN, INT32_MAX, &seconds) < 0)
				return -1;
			json_object_object_add(args, a->arg, json_object_new_int64(seconds));
		}
	}
	return 0;
}

/* {"Attributes": [{Key, Value}]} of every attribute of the table, from the model's JSON. */
static json_object *attributes_of(json_object *resource, const struct attribute *table,
				  size_t count)
{
	json_object *result = json_object_new_object(), *list = json_object_new_array();

	for (size_t i = 0; i < count; i++) {
		json_object *item = json_object_new_object();

		add_string(item, "Key", table[i].key);
		add_string(item, "Value", aws_json_string(resource, table[i].output));
		json_object_array_add(list, item);
	}
	json_object_object_add(result, "Attributes", list);
	return result;
}

#define COUNT(table) (sizeof(table) / sizeof(table[0]))

/* ---- Helpers ------------------------------------------------------------------------------------- */

static int fail_args(json_object *args)
{
	json_object_put(args);
	return -1;
}

/* The resources behind ARN list `name` (resolved by `find`), as result[list_key]. */
static int find_each(struct aws_call *c, const char *name,
		     int (*find)(struct aws_call *, const char *, json_object **),
		     json_object *arns_holder, json_object *result, const char *list_key)
{
	json_object *arns = aws_json_member(arns_holder, name), *list = json_object_new_array();

	json_object_object_add(result, list_key, list);
	for (size_t i = 0; arns && i < json_object_array_length(arns); i++) {
		json_object *found;

		if (find(c, json_object_get_string(json_object_array_get_idx(arns, i)), &found) < 0)
			return -1;
		json_object_array_add(list, found);
	}
	return 0;
}

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
		add_string(zone, "ZoneId", zone_id);
		add_string(zone, "Address", address);
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
		add_string(zone, "ZoneId", zone_id);
		add_string(zone, "Address", ip ? ip : address);
		snprintf(name, sizeof(name), "%s.AllocationId", prefix);
		if (rc == 0)
			rc = aws_param_refused(c, name,
					       "an internal load balancer has no Elastic IP");
		snprintf(name, sizeof(name), "%s.IPv6Address", prefix);
		if (rc == 0)
			rc = aws_param_refused(c, name, IPV4_ONLY);
	}
	json_object_put(holder);
	return rc;
}

static int create_lb(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();
	const char *type, *scheme;

	if (aws_param_string(c, "Name", AWS_REQUIRED, args, "Name") < 0 || read_zones(c, args) < 0)
		return fail_args(args);
	/* AWS makes an internet-facing application load balancer when these are left out. */
	type = aws_param(c, "Type", AWS_OPTIONAL);
	scheme = aws_param(c, "Scheme", AWS_OPTIONAL);
	if (!type || strcmp(type, "network") != 0) {
		aws_fail(c->err, "InvalidConfigurationRequest",
			 "Type '%s': xdplink has network load balancers only (--type network)",
			 type ? type : "application (the default)");
		return fail_args(args);
	}
	if (!scheme || strcmp(scheme, "internal") != 0) {
		aws_fail(c->err, "InvalidConfigurationRequest",
			 "Scheme '%s': the load balancer of an endpoint service is internal "
			 "(--scheme internal)",
			 scheme ? scheme : "internet-facing (the default)");
		return fail_args(args);
	}
	if (aws_param_refused(c, "SecurityGroups",
			      "xdplink's network load balancers have no security groups") < 0 ||
	    aws_param_only(c, "IpAddressType", "ipv4", IPV4_ONLY) < 0 ||
	    aws_param_refused(c, "CustomerOwnedIpv4Pool", "xdplink has no Outposts") < 0 ||
	    aws_param_refused(c, "Tags", NO_TAGS) < 0 || aws_params_done(c) < 0)
		return fail_args(args);
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
	    aws_page_read(c, MAX_PAGE_SIZE, &page) < 0 || aws_params_done(c) < 0)
		goto out;
	if (aws_json_member(holder, "Arns") && aws_json_member(args, "Names")) {
		aws_fail(c->err, "ValidationError",
			 "Load balancer names and load balancer ARNs cannot be specified at the "
			 "same time");
		goto out;
	}
	if (aws_json_member(holder, "Arns")) {
		*result = json_object_new_object();
		rc = find_each(c, "Arns", aws_find_lb, holder, *result, "LoadBalancers");
		if (rc < 0) {
			json_object_put(*result);
			*result = NULL;
		}
	} else {
		rc = aws_model_call(c, "DescribeLoadBalancers", json_object_get(args), result);
	}
	if (rc == 0) {
		complete_each(*result, "LoadBalancers", complete_lb);
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
	add_string(args, name_key, name);
	return 0;
}

static int delete_lb(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (lb_by_arn(c, args, "Name", NULL) < 0)
		return fail_args(args);
	return aws_model_call(c, "DeleteLoadBalancer", args, result);
}

static int read_lb_attributes(struct aws_call *c, json_object *args)
{
	return read_attributes(c, lb_attributes, COUNT(lb_attributes), args);
}

static int modify_lb_attributes(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *changed;

	if (lb_by_arn(c, args, "Name", read_lb_attributes) < 0)
		return fail_args(args);
	if (aws_model_call(c, "ModifyLoadBalancerAttributes", args, &changed) < 0)
		return -1;
	*result = attributes_of(aws_json_member(changed, "LoadBalancer"), lb_attributes,
				COUNT(lb_attributes));
	json_object_put(changed);
	return 0;
}

static int describe_lb_attributes(struct aws_call *c, json_object **result)
{
	const char *arn = aws_param(c, "LoadBalancerArn", AWS_REQUIRED);
	json_object *lb;

	if (!arn || aws_params_done(c) < 0 || aws_find_lb(c, arn, &lb) < 0)
		return -1;
	*result = attributes_of(lb, lb_attributes, COUNT(lb_attributes));
	json_object_put(lb);
	return 0;
}

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
		add_string(args, "HealthCheckPort", port);
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
		return fail_args(args);
	vpc_id = aws_param(c, "VpcId", AWS_OPTIONAL);
	/* AWS registers instances when no type is given. */
	target_type = aws_param(c, "TargetType", AWS_OPTIONAL);
	if (!target_type || strcmp(target_type, "ip") != 0) {
		aws_fail(c->err, "InvalidConfigurationRequest",
			 "TargetType '%s': xdplink's targets are IP addresses (--target-type ip)",
			 target_type ? target_type : "instance (the default)");
		return fail_args(args);
	}
	if (aws_param_refused(c, "ProtocolVersion", "it applies to HTTP and HTTPS target groups") <
		0 ||
	    aws_param_only(c, "IpAddressType", "ipv4", IPV4_ONLY) < 0 ||
	    aws_param_refused(c, "Tags", NO_TAGS) < 0 || aws_params_done(c) < 0 ||
	    (vpc_id && aws_vpc_check(c, vpc_id) < 0))
		return fail_args(args);
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
	    aws_page_read(c, MAX_PAGE_SIZE, &page) < 0 || aws_params_done(c) < 0)
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
		rc = find_each(c, "Arns", aws_find_tg, holder, *result, "TargetGroups");
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
		complete_each(*result, "TargetGroups", complete_tg);
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
	add_string(args, "Name", name);
	return 0;
}

static int modify_tg(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (tg_by_arn(c, args, read_health_check) < 0)
		return fail_args(args);
	if (aws_model_call(c, "ModifyTargetGroupAttributes", args, result) < 0)
		return -1;
	complete_tg(aws_json_member(*result, "TargetGroup"));
	return 0;
}

static int read_tg_attributes(struct aws_call *c, json_object *args)
{
	return read_attributes(c, tg_attributes, COUNT(tg_attributes), args);
}

static int modify_tg_attributes(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *changed;

	if (tg_by_arn(c, args, read_tg_attributes) < 0)
		return fail_args(args);
	if (aws_model_call(c, "ModifyTargetGroupAttributes", args, &changed) < 0)
		return -1;
	*result = attributes_of(aws_json_member(changed, "TargetGroup"), tg_attributes,
				COUNT(tg_attributes));
	json_object_put(changed);
	return 0;
}

static int describe_tg_attributes(struct aws_call *c, json_object **result)
{
	const char *arn = aws_param(c, "TargetGroupArn", AWS_REQUIRED);
	json_object *tg;

	if (!arn || aws_params_done(c) < 0 || aws_find_tg(c, arn, &tg) < 0)
		return -1;
	*result = attributes_of(tg, tg_attributes, COUNT(tg_attributes));
	json_object_put(tg);
	return 0;
}

static int delete_tg(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (tg_by_arn(c, args, NULL) < 0)
		return fail_args(args);
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
			add_string(t, "AvailabilityZone", zone_id);
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
		return fail_args(args);
	return aws_model_call(c, "RegisterTargets", args, result);
}

static int deregister_targets(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (tg_by_arn(c, args, read_deregistration) < 0)
		return fail_args(args);
	return aws_model_call(c, "DeregisterTargets", args, result);
}

/* A description as ELBv2 gives it: the zone by name, and the port health checks use. */
static void complete_description(json_object *description, const char *check_port,
				 const char *region)
{
	json_object *t = aws_json_member(description, "Target");
	char zone_name[ZONE_MAX];

	if (zone_name_of(region, aws_json_string(t, "AvailabilityZone"), zone_name))
		add_string(t, "AvailabilityZone", zone_name);
	add_string(description, "HealthCheckPort",
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
		add_string(t, "Id", aws_json_string(want, "Id"));
		json_object_object_add(
		    t, "Port",
		    json_object_new_int64(aws_json_member(want, "Port")
					      ? json_object_get_int64(aws_json_member(want, "Port"))
					      : default_port));
		json_object_object_add(found, "Target", t);
		health = json_object_new_object();
		add_string(health, "State", "unused");
		add_string(health, "Reason", "Target.NotRegistered");
		add_string(health, "Description", "Target is not registered to the target group");
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
	add_string(args, "Name", aws_json_string(tg, "TargetGroupName"));
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
		return fail_args(args);
	tg_arn = read_forward_action(c);
	if (!tg_arn ||
	    aws_param_refused(c, "SslPolicy", "TLS listeners are not supported: TCP only") < 0 ||
	    aws_param_refused(c, "Certificates", "TLS listeners are not supported: TCP only") < 0 ||
	    aws_param_refused(c, "AlpnPolicy", "TLS listeners are not supported: TCP only") < 0 ||
	    aws_param_refused(c, "Tags", NO_TAGS) < 0 || aws_params_done(c) < 0 ||
	    aws_lb_name(c, lb_arn, lb) < 0 || aws_tg_name(c, tg_arn, tg) < 0)
		return fail_args(args);
	add_string(args, "LoadBalancerName", lb);
	add_string(args, "TargetGroupName", tg);
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
	    aws_page_read(c, MAX_PAGE_SIZE, &page) < 0 || aws_params_done(c) < 0)
		goto out;
	if (!lb_arn == !aws_json_member(holder, "Arns")) {
		aws_fail(c->err, "ValidationError",
			 "You must specify either a load balancer or one or more listeners");
		goto out;
	}
	if (lb_arn) {
		if (aws_lb_name(c, lb_arn, name) < 0)
			goto out;
		add_string(args, "LoadBalancerName", name);
		rc = aws_model_call(c, "DescribeListeners", json_object_get(args), result);
	} else {
		*result = json_object_new_object();
		rc = find_each(c, "Arns", aws_find_listener, holder, *result, "Listeners");
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
	add_string(args, "LoadBalancerName", name);
	json_object_object_add(args, "Port", json_object_get(aws_json_member(found, "Port")));
	rc = aws_model_call(c, "DeleteListener", args, result);
	json_object_put(found);
	json_object_put(lb);
	return rc;
}

/* ---- The service ------------------------------------------------------------------------------- */

static const struct aws_operation operations[] = {
	{ "CreateLoadBalancer", create_lb, created_lb_output, false },
	{ "DescribeLoadBalancers", describe_lbs, lbs_output, false },
	{ "DeleteLoadBalancer", delete_lb, no_output, false },
	{ "ModifyLoadBalancerAttributes", modify_lb_attributes, attributes_output, false },
	{ "DescribeLoadBalancerAttributes", describe_lb_attributes, attributes_output, false },
	{ "CreateTargetGroup", create_tg, created_tg_output, false },
	{ "DescribeTargetGroups", describe_tgs, tgs_output, false },
	{ "ModifyTargetGroup", modify_tg, created_tg_output, false },
	{ "ModifyTargetGroupAttributes", modify_tg_attributes, attributes_output, false },
	{ "DescribeTargetGroupAttributes", describe_tg_attributes, attributes_output, false },
	{ "DeleteTargetGroup", delete_tg, no_output, false },
	{ "RegisterTargets", register_targets, no_output, false },
	{ "DeregisterTargets", deregister_targets, no_output, false },
	{ "DescribeTargetHealth", describe_target_health, health_output, false },
	{ "CreateListener", create_listener, created_listener_output, false },
	{ "DescribeListeners", describe_listeners, listeners_output, false },
	{ "DeleteListener", delete_listener, no_output, false },
};

const struct aws_service aws_elbv2 = {
	.name = "elasticloadbalancing",
	.version = "2015-12-01",
	.xmlns = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
	.elbv2 = true,
	.invalid_value_code = "ValidationError",
	.unsupported_code = "InvalidConfigurationRequest",
	.auth_failure_code = "SignatureDoesNotMatch",
	.unknown_key_code = "InvalidClientTokenId",
	.operations = operations,
	.operation_count = sizeof(operations) / sizeof(operations[0]),
};
