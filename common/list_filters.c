/* SPDX-License-Identifier: MIT */
/* The filters of Describe lists (list_filters.h): the names of each list, reading them from
 * a request, and keeping the items they take. */
#include "list_filters.h"

#include <fnmatch.h>
#include <stdbool.h>
#include <string.h>

/* ---- The names, by action ---------------------------------------------------------------- */

/* EC2's (DescribeVpcEndpoints and the others, in the EC2 API reference). */
static const struct list_filter_spec configuration_filters[] = {
	{ "service-name", "ServiceName" },
	{ "service-id", "ServiceId" },
	{ "service-state", "ServiceState" },
	{ "supported-ip-address-types", "SupportedIpAddressTypes" },
	{ NULL, NULL },
};

static const struct list_filter_spec permission_filters[] = {
	{ "principal", "Principal" },
	{ "principal-type", "PrincipalType" },
	{ NULL, NULL },
};

static const struct list_filter_spec service_filters[] = {
	{ "service-name", "ServiceName" },
	{ "service-type", "ServiceType.ServiceType" },
	{ "owner", "Owner" },
	{ "supported-ip-address-types", "SupportedIpAddressTypes" },
	{ NULL, NULL },
};

static const struct list_filter_spec connection_filters[] = {
	{ "service-id", "ServiceId" },		{ "vpc-endpoint-owner", "VpcEndpointOwner" },
	{ "vpc-endpoint-id", "VpcEndpointId" }, { "vpc-endpoint-state", "VpcEndpointState" },
	{ "ip-address-type", "IpAddressType" }, { NULL, NULL },
};

static const struct list_filter_spec endpoint_filters[] = {
	{ "vpc-endpoint-id", "VpcEndpointId" },
	{ "vpc-endpoint-state", "State" },
	{ "vpc-endpoint-type", "VpcEndpointType" },
	{ "service-name", "ServiceName" },
	{ "vpc-id", "VpcId" },
	{ "ip-address-type", "IpAddressType" },
	{ NULL, NULL },
};

static const struct list_filter_spec vpc_filters[] = {
	{ "vpc-id", "VpcId" },
	{ "cidr", "CidrBlock" },
	{ "cidr-block-association.cidr-block", "CidrBlock" },
	{ "owner-id", "OwnerId" },
	{ "state", "State" },
	{ "is-default", "IsDefault" },
	{ NULL, NULL },
};

static const struct list_filter_spec subnet_filters[] = {
	{ "subnet-id", "SubnetId" },
	{ "vpc-id", "VpcId" },
	{ "cidr-block", "CidrBlock" },
	{ "availability-zone", "AvailabilityZone" },
	{ "availability-zone-id", "AvailabilityZoneId" },
	{ "owner-id", "OwnerId" },
	{ "state", "State" },
	{ NULL, NULL },
};

/* ELBv2 filters nothing; these are xdplink's, for its CLI, named in EC2's style. */
static const struct list_filter_spec load_balancer_filters[] = {
	{ "load-balancer-name", "LoadBalancerName" },
	{ "load-balancer-arn", "LoadBalancerArn" },
	{ "state", "State.Code" },
	{ "availability-zone-id", "AvailabilityZones.ZoneId" },
	{ "address", "AvailabilityZones.LoadBalancerAddresses.PrivateIPv4Address" },
	{ NULL, NULL },
};

static const struct list_filter_spec target_group_filters[] = {
	{ "target-group-name", "TargetGroupName" },
	{ "target-group-arn", "TargetGroupArn" },
	{ "port", "Port" },
	{ "health-check-protocol", "HealthCheckProtocol" },
	{ "load-balancer-arn", "LoadBalancerArns" },
	{ NULL, NULL },
};

static const struct list_filter_spec target_health_filters[] = {
	{ "target-id", "Target.Id" },
	{ "port", "Target.Port" },
	{ "availability-zone", "Target.AvailabilityZone" },
	{ "target-health-state", "TargetHealth.State" },
	{ "reason", "TargetHealth.Reason" },
	{ NULL, NULL },
};

static const struct list_filter_spec listener_filters[] = {
	{ "port", "Port" },
	{ "load-balancer-arn", "LoadBalancerArn" },
	{ "target-group-arn", "DefaultActions.TargetGroupArn" },
	{ NULL, NULL },
};

static const struct list_filter_spec security_group_filters[] = {
	{ "group-id", "GroupId" },
	{ "group-name", "GroupName" },
	{ "description", "Description" },
	{ "owner-id", "OwnerId" },
	{ "vpc-id", "VpcId" },
	{ "ip-permission.protocol", "IpPermissions.IpProtocol" },
	{ "ip-permission.from-port", "IpPermissions.FromPort" },
	{ "ip-permission.to-port", "IpPermissions.ToPort" },
	{ "ip-permission.cidr", "IpPermissions.IpRanges.CidrIp" },
	{ "ip-permission.group-id", "IpPermissions.UserIdGroupPairs.GroupId" },
	{ "ip-permission.user-id", "IpPermissions.UserIdGroupPairs.UserId" },
	{ NULL, NULL },
};

static const struct list_filter_spec tag_filters[] = {
	{ "resource-id", "ResourceId" },
	{ "resource-type", "ResourceType" },
	{ "key", "Key" },
	{ "value", "Value" },
	{ NULL, NULL },
};

static const struct list_filter_spec notification_filters[] = {
	{ "connection-notification-arn", "ConnectionNotificationArn" },
	{ "connection-notification-id", "ConnectionNotificationId" },
	{ "connection-notification-state", "ConnectionNotificationState" },
	{ "connection-notification-type", "ConnectionNotificationType" },
	{ "service-id", "ServiceId" },
	{ "vpc-endpoint-id", "VpcEndpointId" },
	{ NULL, NULL },
};

static const struct list_filters_of lists[] = {
	{ "DescribeVpcEndpointServiceConfigurations", "ServiceConfigurations",
	  configuration_filters },
	{ "DescribeVpcEndpointServicePermissions", "AllowedPrincipals", permission_filters },
	{ "DescribeVpcEndpointServices", "ServiceDetails", service_filters },
	{ "DescribeVpcEndpointConnections", "VpcEndpointConnections", connection_filters },
	{ "DescribeVpcEndpoints", "VpcEndpoints", endpoint_filters },
	{ "DescribeVpcs", "Vpcs", vpc_filters },
	{ "DescribeSubnets", "Subnets", subnet_filters },
	{ "DescribeLoadBalancers", "LoadBalancers", load_balancer_filters },
	{ "DescribeTargetGroups", "TargetGroups", target_group_filters },
	{ "DescribeTargetHealth", "TargetHealthDescriptions", target_health_filters },
	{ "DescribeListeners", "Listeners", listener_filters },
	{ "DescribeSecurityGroups", "SecurityGroups", security_group_filters },
	{ "DescribeTags", "Tags", tag_filters },
	{ "DescribeVpcEndpointConnectionNotifications", "ConnectionNotificationSet",
	  notification_filters },
};

const struct list_filters_of *list_filters_for(const char *action)
{
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (!strcmp(lists[i].action, action))
			return &lists[i];
	return NULL;
}

/* ---- Reading them --------------------------------------------------------------------------- */

static bool is_tag_filter(const char *name)
{
	return !strncmp(name, "tag:", 4) || !strcmp(name, "tag-key");
}

static const struct list_filter_spec *find_spec(const struct list_filters_of *of, const char *name)
{
	for (const struct list_filter_spec *s = of->specs; s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

static bool all_strings(json_object *values)
{
	for (size_t i = 0; i < json_object_array_length(values); i++)
		if (!json_object_is_type(json_object_array_get_idx(values, i), json_type_string))
			return false;
	return true;
}

/* {"Name": "...", "Values": ["...", ...]}, Values perhaps absent (then refused as empty). */
static bool well_formed(json_object *item)
{
	json_object *name = NULL, *values = NULL;

	if (!json_object_is_type(item, json_type_object))
		return false;
	json_object_object_foreach(item, key, value)
	{
		(void)value;
		if (strcmp(key, "Name") && strcmp(key, "Values"))
			return false;
	}
	return json_object_object_get_ex(item, "Name", &name) &&
	       json_object_is_type(name, json_type_string) &&
	       (!json_object_object_get_ex(item, "Values", &values) ||
		(json_object_is_type(values, json_type_array) && all_strings(values)));
}

static int read_filter(const struct list_filters_of *of, json_object *item,
		       struct list_filter *filter, struct api_error *err)
{
	json_object *values = NULL;
	const char *text;

	if (!well_formed(item))
		return api_fail(err, API_ValidationError,
				"Filters: each is {\"Name\": NAME, \"Values\": [VALUE...]}");
	text = json_object_get_string(json_object_object_get(item, "Name"));
	json_object_object_get_ex(item, "Values", &values);
	filter->spec = find_spec(of, text);
	if (!filter->spec && !is_tag_filter(text))
		return api_fail(err, API_InvalidParameterValue, "The filter '%.64s' is invalid",
				text);
	if (!values || json_object_array_length(values) == 0 ||
	    json_object_array_length(values) > LIST_MAX_VALUES)
		return api_fail(err, API_InvalidParameterValue,
				"The filter '%.64s' needs 1 to %d values", text, LIST_MAX_VALUES);
	filter->values = json_object_get(values);
	filter->tag_key = strncmp(text, "tag:", 4) ? NULL : json_object_new_string(text + 4);
	return 0;
}

int list_filters_take(const char *action, json_object *args, struct list_filters *filters,
		      struct api_error *err)
{
	json_object *given = NULL;
	int rc = 0;

	*filters = (struct list_filters){ .of = list_filters_for(action) };
	if (!filters->of || !json_object_object_get_ex(args, "Filters", &given))
		return 0;
	given = json_object_get(given);
	json_object_object_del(args, "Filters");
	if (!json_object_is_type(given, json_type_array))
		rc = api_fail(err, API_ValidationError,
			      "Filters: a list of {\"Name\": NAME, \"Values\": [VALUE...]}");
	else if (json_object_array_length(given) > LIST_MAX_FILTERS)
		rc = api_fail(err, API_InvalidParameterValue, "at most %d filters",
			      LIST_MAX_FILTERS);
	for (size_t i = 0; rc == 0 && i < json_object_array_length(given); i++) {
		rc = read_filter(filters->of, json_object_array_get_idx(given, i),
				 &filters->items[i], err);
		if (rc == 0)
			filters->count = i + 1;
	}
	json_object_put(given);
	if (rc)
		list_filters_free(filters);
	return rc;
}

void list_filters_free(struct list_filters *filters)
{
	for (size_t i = 0; i < filters->count; i++) {
		json_object_put(filters->items[i].values);
		json_object_put(filters->items[i].tag_key);
	}
	filters->count = 0;
}

/* ---- Applying them -------------------------------------------------------------------------- */

static bool value_matches(json_object *values, const char *text)
{
	for (size_t i = 0; i < json_object_array_length(values); i++)
		if (fnmatch(json_object_get_string(json_object_array_get_idx(values, i)), text,
			    0) == 0)
			return true;
	return false;
}

/* Whether some value at `path` under `node` (into objects and through lists) matches. */
static bool path_matches(json_object *node, const char *path, json_object *values)
{
	if (!node)
		return false;
	if (json_object_is_type(node, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(node); i++)
			if (path_matches(json_object_array_get_idx(node, i), path, values))
				return true;
		return false;
	}
	if (!*path)
		return !json_object_is_type(node, json_type_object) &&
		       value_matches(values, json_object_get_string(node));
	if (json_object_is_type(node, json_type_object)) {
		const char *dot = strchr(path, '.');
		size_t length = dot ? (size_t)(dot - path) : strlen(path);
		char key[64];
		json_object *member;

		if (length >= sizeof(key))
			return false;
		memcpy(key, path, length);
		key[length] = '\0';
		return json_object_object_get_ex(node, key, &member) &&
		       path_matches(member, dot ? dot + 1 : "", values);
	}
	return false;
}

/* tag:KEY: a tag KEY whose value matches; tag-key: a tag whose key matches. */
static bool tags_match(json_object *item, const struct list_filter *f)
{
	json_object *tags = NULL;

	if (!json_object_object_get_ex(item, "Tags", &tags) ||
	    !json_object_is_type(tags, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(tags); i++) {
		json_object *tag = json_object_array_get_idx(tags, i), *key = NULL, *value = NULL;

		json_object_object_get_ex(tag, "Key", &key);
		json_object_object_get_ex(tag, "Value", &value);
		if (!key)
			continue;
		if (!f->tag_key && value_matches(f->values, json_object_get_string(key)))
			return true;
		if (f->tag_key &&
		    !strcmp(json_object_get_string(f->tag_key), json_object_get_string(key)) &&
		    value_matches(f->values, value ? json_object_get_string(value) : ""))
			return true;
	}
	return false;
}

static bool item_passes(const struct list_filters *filters, json_object *item)
{
	for (size_t i = 0; i < filters->count; i++) {
		const struct list_filter *f = &filters->items[i];

		if (f->spec ? !path_matches(item, f->spec->path, f->values) : !tags_match(item, f))
			return false;
	}
	return true;
}

void list_filters_apply(const struct list_filters *filters, json_object *result)
{
	json_object *list, *kept;

	if (filters->count == 0 ||
	    !json_object_object_get_ex(result, filters->of->list_key, &list) ||
	    !json_object_is_type(list, json_type_array))
		return;
	kept = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *item = json_object_array_get_idx(list, i);

		if (item_passes(filters, item))
			json_object_array_add(kept, json_object_get(item));
	}
	json_object_object_add(result, filters->of->list_key, kept);
}
