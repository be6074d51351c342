/* SPDX-License-Identifier: MIT */
/* EC2's Query API (Version 2016-11-15) for endpoint services and interface endpoints:
 * each operation's parameters as the socket API's arguments, and the model's answer in
 * EC2's XML names (lowerCamel elements, lists of <item>s, no result wrapper). */
#include <stdio.h>
#include <string.h>

#include "ec2.h"
#include "filters.h"
#include "network.h"
#include "operation.h"
#include "resources.h"
#include "tagging.h"

#define IPV4_ONLY   "endpoint services support IPv4 only"
#define NO_GATEWAYS "xdplink has network load balancers only, no gateway load balancers"
#define MAX_RESULTS 1000
#define NO_ROUTE_TABLES                                                                            \
	"route tables belong to gateway endpoints; xdplink has interface endpoints only"
#define NO_POLICIES                                                                                \
	"endpoint services here do not support endpoint policies (VpcEndpointPolicySupported is "  \
	"false)"

/* ---- Shapes ------------------------------------------------------------------------------- */

static const struct xml_field service_type_item[] = {
	XML_TEXT_FIELD("ServiceType", "serviceType"),
	XML_END,
};

static const struct xml_field tag_item[] = {
	XML_TEXT_FIELD("Key", "key"),
	XML_TEXT_FIELD("Value", "value"),
	XML_END,
};

static const struct xml_field private_dns_configuration[] = {
	XML_TEXT_FIELD("State", "state"),
	XML_TEXT_FIELD("Type", "type"),
	XML_TEXT_FIELD("Value", "value"),
	XML_TEXT_FIELD("Name", "name"),
	XML_END,
};

static const struct xml_field service_configuration[] = {
	XML_OBJECTS_FIELD("ServiceType", "serviceType", service_type_item),
	XML_TEXT_FIELD("ServiceId", "serviceId"),
	XML_TEXT_FIELD("ServiceName", "serviceName"),
	XML_TEXT_FIELD("ServiceState", "serviceState"),
	XML_LIST_FIELD("AvailabilityZones", "availabilityZoneSet"),
	XML_TEXT_FIELD("AcceptanceRequired", "acceptanceRequired"),
	XML_TEXT_FIELD("ManagesVpcEndpoints", "managesVpcEndpoints"),
	XML_LIST_FIELD("NetworkLoadBalancerArns", "networkLoadBalancerArnSet"),
	XML_LIST_FIELD("SupportedIpAddressTypes", "supportedIpAddressTypeSet"),
	XML_LIST_FIELD("BaseEndpointDnsNames", "baseEndpointDnsNameSet"),
	XML_TEXT_FIELD("PrivateDnsName", "privateDnsName"),
	XML_OBJECT_FIELD("PrivateDnsNameConfiguration", "privateDnsNameConfiguration",
			 private_dns_configuration),
	XML_OBJECTS_FIELD("Tags", "tagSet", tag_item),
	XML_END,
};

static const struct xml_field private_dns_name_item[] = {
	XML_TEXT_FIELD("PrivateDnsName", "privateDnsName"),
	XML_END,
};

static const struct xml_field service_detail[] = {
	XML_TEXT_FIELD("ServiceName", "serviceName"),
	XML_TEXT_FIELD("ServiceId", "serviceId"),
	XML_OBJECTS_FIELD("ServiceType", "serviceType", service_type_item),
	XML_LIST_FIELD("AvailabilityZones", "availabilityZoneSet"),
	XML_TEXT_FIELD("Owner", "owner"),
	XML_LIST_FIELD("BaseEndpointDnsNames", "baseEndpointDnsNameSet"),
	XML_TEXT_FIELD("PrivateDnsName", "privateDnsName"),
	XML_OBJECTS_FIELD("PrivateDnsNames", "privateDnsNameSet", private_dns_name_item),
	XML_TEXT_FIELD("VpcEndpointPolicySupported", "vpcEndpointPolicySupported"),
	XML_TEXT_FIELD("AcceptanceRequired", "acceptanceRequired"),
	XML_TEXT_FIELD("ManagesVpcEndpoints", "managesVpcEndpoints"),
	XML_OBJECTS_FIELD("Tags", "tagSet", tag_item),
	XML_TEXT_FIELD("PrivateDnsNameVerificationState", "privateDnsNameVerificationState"),
	XML_LIST_FIELD("SupportedIpAddressTypes", "supportedIpAddressTypeSet"),
	XML_END,
};

static const struct xml_field dns_entry_item[] = {
	XML_TEXT_FIELD("DnsName", "dnsName"),
	XML_TEXT_FIELD("HostedZoneId", "hostedZoneId"),
	XML_END,
};

static const struct xml_field group_item[] = {
	XML_TEXT_FIELD("GroupId", "groupId"),
	XML_TEXT_FIELD("GroupName", "groupName"),
	XML_END,
};

static const struct xml_field dns_options[] = {
	XML_TEXT_FIELD("DnsRecordIpType", "dnsRecordIpType"),
	XML_END,
};

static const struct xml_field vpc_endpoint[] = {
	XML_TEXT_FIELD("VpcEndpointId", "vpcEndpointId"),
	XML_TEXT_FIELD("VpcEndpointType", "vpcEndpointType"),
	XML_TEXT_FIELD("VpcId", "vpcId"),
	XML_TEXT_FIELD("ServiceName", "serviceName"),
	XML_TEXT_FIELD("State", "state"),
	XML_LIST_FIELD("RouteTableIds", "routeTableIdSet"),
	XML_LIST_FIELD("SubnetIds", "subnetIdSet"),
	XML_OBJECTS_FIELD("Groups", "groupSet", group_item),
	XML_TEXT_FIELD("IpAddressType", "ipAddressType"),
	XML_OBJECT_FIELD("DnsOptions", "dnsOptions", dns_options),
	XML_TEXT_FIELD("PrivateDnsEnabled", "privateDnsEnabled"),
	XML_TEXT_FIELD("RequesterManaged", "requesterManaged"),
	XML_OBJECTS_FIELD("DnsEntries", "dnsEntrySet", dns_entry_item),
	XML_TEXT_FIELD("CreationTimestamp", "creationTimestamp"),
	XML_OBJECTS_FIELD("Tags", "tagSet", tag_item),
	XML_TEXT_FIELD("OwnerId", "ownerId"),
	XML_END,
};

static const struct xml_field connection[] = {
	XML_TEXT_FIELD("ServiceId", "serviceId"),
	XML_TEXT_FIELD("VpcEndpointId", "vpcEndpointId"),
	XML_TEXT_FIELD("VpcEndpointOwner", "vpcEndpointOwner"),
	XML_TEXT_FIELD("VpcEndpointState", "vpcEndpointState"),
	XML_TEXT_FIELD("CreationTimestamp", "creationTimestamp"),
	XML_OBJECTS_FIELD("DnsEntries", "dnsEntrySet", dns_entry_item),
	XML_LIST_FIELD("NetworkLoadBalancerArns", "networkLoadBalancerArnSet"),
	XML_TEXT_FIELD("IpAddressType", "ipAddressType"),
	XML_END,
};

static const struct xml_field permission[] = {
	XML_TEXT_FIELD("PrincipalType", "principalType"),
	XML_TEXT_FIELD("Principal", "principal"),
	XML_TEXT_FIELD("ServicePermissionId", "servicePermissionId"),
	XML_TEXT_FIELD("ServiceId", "serviceId"),
	XML_END,
};

static const struct xml_field error_item[] = {
	XML_TEXT_FIELD("Code", "code"),
	XML_TEXT_FIELD("Message", "message"),
	XML_END,
};

static const struct xml_field unsuccessful_item[] = {
	XML_OBJECT_FIELD("Error", "error", error_item),
	XML_TEXT_FIELD("ResourceId", "resourceId"),
	XML_END,
};

/* ---- Outputs, by operation ----------------------------------------------------------------- */

static const struct xml_field configuration_output[] = {
	XML_OBJECT_FIELD("ServiceConfiguration", "serviceConfiguration", service_configuration),
	XML_TEXT_FIELD("ClientToken", "clientToken"),
	XML_END,
};

static const struct xml_field configurations_output[] = {
	XML_OBJECTS_FIELD("ServiceConfigurations", "serviceConfigurationSet",
			  service_configuration),
	XML_TEXT_FIELD("NextToken", "nextToken"),
	XML_END,
};

const struct xml_field ec2_return_output[] = {
	XML_TEXT_FIELD("Return", "return"),
	XML_END,
};

const struct xml_field ec2_return_value_output[] = {
	XML_TEXT_FIELD("ReturnValue", "return"),
	XML_END,
};

const struct xml_field ec2_unsuccessful_output[] = {
	XML_OBJECTS_FIELD("Unsuccessful", "unsuccessful", unsuccessful_item),
	XML_END,
};

static const struct xml_field permissions_modified_output[] = {
	XML_OBJECTS_FIELD("AddedPrincipals", "addedPrincipalSet", permission),
	XML_TEXT_FIELD("ReturnValue", "return"),
	XML_END,
};

static const struct xml_field permissions_output[] = {
	XML_OBJECTS_FIELD("AllowedPrincipals", "allowedPrincipals", permission),
	XML_TEXT_FIELD("NextToken", "nextToken"),
	XML_END,
};

static const struct xml_field services_output[] = {
	XML_LIST_FIELD("ServiceNames", "serviceNameSet"),
	XML_OBJECTS_FIELD("ServiceDetails", "serviceDetailSet", service_detail),
	XML_TEXT_FIELD("NextToken", "nextToken"),
	XML_END,
};

static const struct xml_field connections_output[] = {
	XML_OBJECTS_FIELD("VpcEndpointConnections", "vpcEndpointConnectionSet", connection),
	XML_TEXT_FIELD("NextToken", "nextToken"),
	XML_END,
};

static const struct xml_field endpoint_output[] = {
	XML_OBJECT_FIELD("VpcEndpoint", "vpcEndpoint", vpc_endpoint),
	XML_TEXT_FIELD("ClientToken", "clientToken"),
	XML_END,
};

static const struct xml_field endpoints_output[] = {
	XML_OBJECTS_FIELD("VpcEndpoints", "vpcEndpointSet", vpc_endpoint),
	XML_TEXT_FIELD("NextToken", "nextToken"),
	XML_END,
};

/* ---- What the model's JSON lacks of EC2's ---------------------------------------------------- */

static void add_strings(json_object *object, const char *key, const char *value)
{
	json_object *list = json_object_new_array();

	if (value)
		json_object_array_add(list, json_object_new_string(value));
	json_object_object_add(object, key, list);
}

/* What xdplink has of an endpoint beyond the model's answer (which has its VPC, subnets
 * and security groups). */
static void complete_endpoint(json_object *endpoint)
{
	json_object *options = json_object_new_object();

	add_strings(endpoint, "RouteTableIds", NULL);
	aws_put_string(options, "DnsRecordIpType", "ipv4");
	json_object_object_add(endpoint, "DnsOptions", options);
}

static void complete_service_detail(json_object *detail)
{
	const char *private_dns = aws_json_string(detail, "PrivateDnsName");
	json_object *names = json_object_new_array();

	if (private_dns[0]) {
		json_object *item = json_object_new_object();

		aws_put_string(item, "PrivateDnsName", private_dns);
		json_object_array_add(names, item);
	}
	json_object_object_add(detail, "PrivateDnsNames", names);
	json_object_object_add(detail, "VpcEndpointPolicySupported",
			       json_object_new_boolean(false));
}

/* ---- Helpers ----------------------------------------------------------------------------------- */

/* The names of the caller's load balancers behind a list of ARNs, into args[key]. */
static int lb_names(struct aws_call *c, json_object *holder, const char *arns_key,
		    json_object *args, const char *key)
{
	json_object *arns = aws_json_member(holder, arns_key), *names;

	if (!arns)
		return 0;
	names = json_object_new_array();
	json_object_object_add(args, key, names);
	for (size_t i = 0; i < json_object_array_length(arns); i++) {
		char name[AWS_NAME_MAX];

		if (aws_lb_name(c, json_object_get_string(json_object_array_get_idx(arns, i)),
				name) < 0)
			return -1;
		json_object_array_add(names, json_object_new_string(name));
	}
	return 0;
}

/* Every item of a list parameter is `value` (SupportedIpAddressType.N = ipv4). */
static int list_only(struct aws_call *c, const char *name, const char *value, const char *why)
{
	json_object *holder = json_object_new_object(), *list;
	int rc = aws_param_list(c, name, AWS_OPTIONAL, holder, "List");

	list = aws_json_member(holder, "List");
	for (size_t i = 0; rc == 0 && list && i < json_object_array_length(list); i++) {
		const char *given = json_object_get_string(json_object_array_get_idx(list, i));

		if (strcmp(given, value) != 0)
			rc = aws_fail(c->err, c->service->unsupported_code, "%s '%s': %s", name,
				      given, why);
	}
	json_object_put(holder);
	return rc;
}

/* A Describe call: the model's list, filtered by the agent (args "Filters"), each item
 * completed (when `complete` is given), then paged. */
int ec2_describe(struct aws_call *c, const char *action, json_object *args,
		 const struct aws_page *page, const char *list_key,
		 void (*complete)(json_object *item), json_object **result)
{
	if (aws_model_call(c, action, args, result) < 0)
		return -1;
	if (complete)
		aws_complete_each(*result, list_key, complete);
	aws_page_apply(c, page, *result, list_key);
	return 0;
}

int ec2_read_listing(struct aws_call *c, json_object *args, struct aws_page *page)
{
	if (aws_filters_read(c, args) < 0 || aws_page_read(c, MAX_RESULTS, page) < 0 ||
	    aws_params_done(c) < 0)
		return -1;
	return 0;
}

/* ---- Endpoint services ------------------------------------------------------------------------- */

static int create_service_configuration(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *holder = json_object_new_object();
	int rc = -1;

	if (aws_param_bool(c, "AcceptanceRequired", AWS_OPTIONAL, args, "AcceptanceRequired") ||
	    aws_param_string(c, "PrivateDnsName", AWS_OPTIONAL, args, "PrivateDnsName") ||
	    aws_param_list(c, "NetworkLoadBalancerArn", AWS_OPTIONAL, holder, "Arns") ||
	    aws_param_refused(c, "GatewayLoadBalancerArn", NO_GATEWAYS) ||
	    list_only(c, "SupportedIpAddressType", "ipv4", IPV4_ONLY) ||
	    ec2_read_tag_specifications(c, "vpc-endpoint-service", args) || aws_params_done(c) ||
	    lb_names(c, holder, "Arns", args, "LoadBalancerNames"))
		goto out;
	rc = aws_model_call(c, "CreateVpcEndpointServiceConfiguration", json_object_get(args),
			    result);
out:
	json_object_put(args);
	json_object_put(holder);
	return rc;
}

static int describe_service_configurations(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();
	struct aws_page page;

	if (aws_param_list(c, "ServiceId", AWS_OPTIONAL, args, "ServiceIds") < 0 ||
	    ec2_read_listing(c, args, &page) < 0) {
		json_object_put(args);
		return -1;
	}
	return ec2_describe(c, "DescribeVpcEndpointServiceConfigurations", args, &page,
			    "ServiceConfigurations", NULL, result);
}

static int modify_service_configuration(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *holder = json_object_new_object();
	int rc = -1;

	if (aws_param_string(c, "ServiceId", AWS_REQUIRED, args, "ServiceId") ||
	    aws_param_string(c, "PrivateDnsName", AWS_OPTIONAL, args, "PrivateDnsName") ||
	    aws_param_bool(c, "RemovePrivateDnsName", AWS_OPTIONAL, args, "RemovePrivateDnsName") ||
	    aws_param_bool(c, "AcceptanceRequired", AWS_OPTIONAL, args, "AcceptanceRequired") ||
	    aws_param_list(c, "AddNetworkLoadBalancerArn", AWS_OPTIONAL, holder, "Add") ||
	    aws_param_list(c, "RemoveNetworkLoadBalancerArn", AWS_OPTIONAL, holder, "Remove") ||
	    aws_param_refused(c, "AddGatewayLoadBalancerArn", NO_GATEWAYS) ||
	    aws_param_refused(c, "RemoveGatewayLoadBalancerArn", NO_GATEWAYS) ||
	    list_only(c, "AddSupportedIpAddressType", "ipv4", IPV4_ONLY) ||
	    aws_param_refused(c, "RemoveSupportedIpAddressType",
			      "IPv4 is the one address type an endpoint service supports") ||
	    aws_params_done(c) || lb_names(c, holder, "Add", args, "AddLoadBalancerNames") ||
	    lb_names(c, holder, "Remove", args, "RemoveLoadBalancerNames"))
		goto out;
	rc = aws_model_call(c, "ModifyVpcEndpointServiceConfiguration", json_object_get(args),
			    result);
out:
	json_object_put(args);
	json_object_put(holder);
	return rc;
}

/* An operation whose parameters are ids (and maybe a ServiceId), answered Unsuccessful. */
static int batch(struct aws_call *c, const char *action, bool with_service, const char *ids,
		 const char *key, json_object **result)
{
	json_object *args = json_object_new_object();

	if ((with_service &&
	     aws_param_string(c, "ServiceId", AWS_REQUIRED, args, "ServiceId") < 0) ||
	    aws_param_list(c, ids, AWS_REQUIRED, args, key) < 0 || aws_params_done(c) < 0) {
		json_object_put(args);
		return -1;
	}
	return aws_model_call(c, action, args, result);
}

static int delete_service_configurations(struct aws_call *c, json_object **result)
{
	return batch(c, "DeleteVpcEndpointServiceConfigurations", false, "ServiceId", "ServiceIds",
		     result);
}

static int start_private_dns_verification(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (aws_param_string(c, "ServiceId", AWS_REQUIRED, args, "ServiceId") ||
	    aws_params_done(c)) {
		json_object_put(args);
		return -1;
	}
	return aws_model_call(c, "StartVpcEndpointServicePrivateDnsVerification", args, result);
}

static int modify_permissions(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (aws_param_string(c, "ServiceId", AWS_REQUIRED, args, "ServiceId") < 0 ||
	    aws_param_list(c, "AddAllowedPrincipals", AWS_OPTIONAL, args, "AddAllowedPrincipals") <
		0 ||
	    aws_param_list(c, "RemoveAllowedPrincipals", AWS_OPTIONAL, args,
			   "RemoveAllowedPrincipals") < 0 ||
	    aws_params_done(c) < 0) {
		json_object_put(args);
		return -1;
	}
	return aws_model_call(c, "ModifyVpcEndpointServicePermissions", args, result);
}

static int describe_permissions(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();
	const char *service_id = aws_param(c, "ServiceId", AWS_REQUIRED);
	struct aws_page page;

	if (!service_id || ec2_read_listing(c, args, &page) < 0) {
		json_object_put(args);
		return -1;
	}
	json_object_object_add(args, "ServiceId", json_object_new_string(service_id));
	return ec2_describe(c, "DescribeVpcEndpointServicePermissions", args, &page,
			    "AllowedPrincipals", NULL, result);
}

/* The consumer's view; ServiceNames follows ServiceDetails through the filters and pages. */
static int describe_services(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *names;
	struct aws_page page;

	if (aws_param_list(c, "ServiceName", AWS_OPTIONAL, args, "ServiceNames") < 0 ||
	    ec2_read_listing(c, args, &page) < 0) {
		json_object_put(args);
		return -1;
	}
	if (ec2_describe(c, "DescribeVpcEndpointServices", args, &page, "ServiceDetails",
			 complete_service_detail, result) < 0)
		return -1;
	names = json_object_new_array();
	for (size_t i = 0; i < aws_json_length(*result, "ServiceDetails"); i++) {
		json_object *detail =
		    json_object_array_get_idx(aws_json_member(*result, "ServiceDetails"), i);

		json_object_array_add(
		    names, json_object_new_string(aws_json_string(detail, "ServiceName")));
	}
	json_object_object_add(*result, "ServiceNames", names);
	return 0;
}

/* ---- Connections ------------------------------------------------------------------------------- */

static int accept_connections(struct aws_call *c, json_object **result)
{
	return batch(c, "AcceptVpcEndpointConnections", true, "VpcEndpointId", "VpcEndpointIds",
		     result);
}

static int reject_connections(struct aws_call *c, json_object **result)
{
	return batch(c, "RejectVpcEndpointConnections", true, "VpcEndpointId", "VpcEndpointIds",
		     result);
}

static int describe_connections(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();
	struct aws_page page;

	if (ec2_read_listing(c, args, &page) < 0) {
		json_object_put(args);
		return -1;
	}
	return ec2_describe(c, "DescribeVpcEndpointConnections", args, &page,
			    "VpcEndpointConnections", NULL, result);
}

/* ---- Interface endpoints ----------------------------------------------------------------------- */

/* holder[key] (SubnetId.N: a subnet id, whose ENI gets a free address, or "ZONE=ADDRESS":
 * the caller's subnet there holding the address) as the model's args[key]. */
static int subnet_configurations(struct aws_call *c, json_object *holder, json_object *args,
				 const char *key)
{
	json_object *subnets = aws_json_member(holder, key);
	json_object *configurations = json_object_new_array();

	json_object_object_add(args, key, configurations);
	for (size_t i = 0; subnets && i < json_object_array_length(subnets); i++) {
		const char *subnet = json_object_get_string(json_object_array_get_idx(subnets, i));
		json_object *item = json_object_new_object();
		char zone[16], address[AWS_SUBNET_ID_MAX];

		json_object_array_add(configurations, item);
		if (!strncmp(subnet, "subnet-", 7)) {
			aws_put_string(item, "SubnetId", subnet);
			continue;
		}
		if (aws_subnet_parse(c, subnet, zone, address, sizeof(address)) < 0)
			return -1;
		aws_put_string(item, "AvailabilityZoneId", zone);
		aws_put_string(item, "Ipv4", address);
	}
	return 0;
}

static int create_endpoint(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *holder = json_object_new_object();
	const char *type, *vpc_id;
	int rc = -1;

	if (aws_param_string(c, "ServiceName", AWS_REQUIRED, args, "ServiceName") < 0)
		goto out;
	/* AWS makes a Gateway endpoint when no type is given: the model refuses that. */
	type = aws_param(c, "VpcEndpointType", AWS_OPTIONAL);
	aws_put_string(args, "VpcEndpointType", type ? type : "Gateway");
	vpc_id = aws_param(c, "VpcId", AWS_REQUIRED);
	if (vpc_id)
		aws_put_string(args, "VpcId", vpc_id);
	if (!vpc_id ||
	    aws_param_list(c, "SubnetId", AWS_OPTIONAL, holder, "SubnetConfigurations") ||
	    aws_param_list(c, "SecurityGroupId", AWS_OPTIONAL, args, "SecurityGroupIds") ||
	    aws_param_refused(c, "RouteTableId", NO_ROUTE_TABLES) ||
	    aws_param_refused(c, "PolicyDocument", NO_POLICIES) ||
	    aws_param_bool(c, "PrivateDnsEnabled", AWS_OPTIONAL, args, "PrivateDnsEnabled") ||
	    aws_param_only(c, "IpAddressType", "ipv4", IPV4_ONLY) ||
	    aws_param_only(c, "DnsOptions.DnsRecordIpType", "ipv4", IPV4_ONLY) ||
	    ec2_read_tag_specifications(c, "vpc-endpoint", args) || aws_params_done(c) ||
	    subnet_configurations(c, holder, args, "SubnetConfigurations"))
		goto out;
	rc = aws_model_call(c, "CreateVpcEndpoint", json_object_get(args), result);
	if (rc == 0)
		complete_endpoint(aws_json_member(*result, "VpcEndpoint"));
out:
	json_object_put(args);
	json_object_put(holder);
	return rc;
}

static int modify_endpoint(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object(), *holder = json_object_new_object();
	int rc = -1;

	if (aws_param_string(c, "VpcEndpointId", AWS_REQUIRED, args, "VpcEndpointId") ||
	    aws_param_list(c, "AddSubnetId", AWS_OPTIONAL, holder, "AddSubnetConfigurations") ||
	    aws_param_list(c, "RemoveSubnetId", AWS_OPTIONAL, holder,
			   "RemoveSubnetConfigurations") ||
	    aws_param_list(c, "AddSecurityGroupId", AWS_OPTIONAL, args, "AddSecurityGroupIds") ||
	    aws_param_list(c, "RemoveSecurityGroupId", AWS_OPTIONAL, args,
			   "RemoveSecurityGroupIds") ||
	    aws_param_refused(c, "AddRouteTableId", NO_ROUTE_TABLES) ||
	    aws_param_refused(c, "RemoveRouteTableId", NO_ROUTE_TABLES) ||
	    aws_param_refused(c, "PolicyDocument", NO_POLICIES) ||
	    aws_param_refused(c, "ResetPolicy", NO_POLICIES) ||
	    aws_param_bool(c, "PrivateDnsEnabled", AWS_OPTIONAL, args, "PrivateDnsEnabled") ||
	    aws_param_only(c, "IpAddressType", "ipv4", IPV4_ONLY) ||
	    aws_param_only(c, "DnsOptions.DnsRecordIpType", "ipv4", IPV4_ONLY) ||
	    aws_params_done(c) ||
	    subnet_configurations(c, holder, args, "AddSubnetConfigurations") ||
	    subnet_configurations(c, holder, args, "RemoveSubnetConfigurations"))
		goto out;
	rc = aws_model_call(c, "ModifyVpcEndpoint", json_object_get(args), result);
out:
	json_object_put(args);
	json_object_put(holder);
	return rc;
}

static int describe_endpoints(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();
	struct aws_page page;

	if (aws_param_list(c, "VpcEndpointId", AWS_OPTIONAL, args, "VpcEndpointIds") < 0 ||
	    ec2_read_listing(c, args, &page) < 0) {
		json_object_put(args);
		return -1;
	}
	return ec2_describe(c, "DescribeVpcEndpoints", args, &page, "VpcEndpoints",
			    complete_endpoint, result);
}

static int delete_endpoints(struct aws_call *c, json_object **result)
{
	return batch(c, "DeleteVpcEndpoints", false, "VpcEndpointId", "VpcEndpointIds", result);
}

/* ---- The service ------------------------------------------------------------------------------- */

static const struct aws_operation operations[] = {
	{ "CreateVpcEndpointServiceConfiguration", create_service_configuration,
	  configuration_output, true },
	{ "DescribeVpcEndpointServiceConfigurations", describe_service_configurations,
	  configurations_output, false },
	{ "ModifyVpcEndpointServiceConfiguration", modify_service_configuration, ec2_return_output,
	  false },
	{ "DeleteVpcEndpointServiceConfigurations", delete_service_configurations,
	  ec2_unsuccessful_output, false },
	{ "StartVpcEndpointServicePrivateDnsVerification", start_private_dns_verification,
	  ec2_return_value_output, false },
	{ "ModifyVpcEndpointServicePermissions", modify_permissions, permissions_modified_output,
	  false },
	{ "DescribeVpcEndpointServicePermissions", describe_permissions, permissions_output,
	  false },
	{ "DescribeVpcEndpointServices", describe_services, services_output, false },
	{ "AcceptVpcEndpointConnections", accept_connections, ec2_unsuccessful_output, false },
	{ "RejectVpcEndpointConnections", reject_connections, ec2_unsuccessful_output, false },
	{ "DescribeVpcEndpointConnections", describe_connections, connections_output, false },
	{ "CreateVpcEndpoint", create_endpoint, endpoint_output, true },
	{ "ModifyVpcEndpoint", modify_endpoint, ec2_return_output, false },
	{ "DescribeVpcEndpoints", describe_endpoints, endpoints_output, false },
	{ "DeleteVpcEndpoints", delete_endpoints, ec2_unsuccessful_output, false },
	{ NULL, NULL, NULL, false },
};

static const struct aws_operation *const tables[] = {
	operations,	    ec2_vpc_operations,		 ec2_sg_operations,
	ec2_tag_operations, ec2_notification_operations, NULL,
};

const struct aws_service aws_ec2 = {
	.name = "ec2",
	.version = "2016-11-15",
	.xmlns = "http://ec2.amazonaws.com/doc/2016-11-15/",
	.elbv2 = false,
	.invalid_value_code = "InvalidParameterValue",
	.unsupported_code = "UnsupportedOperation",
	.auth_failure_code = "AuthFailure",
	.unknown_key_code = "AuthFailure",
	.tables = tables,
};
