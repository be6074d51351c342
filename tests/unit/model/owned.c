/* SPDX-License-Identifier: MIT */
/* Another account's resources are invisible (owned.c); allowed principals decide who sees
 * a service (service.c). */
#include "harness.h"

void other_accounts_see_nothing(void)
{
	char endpoint[ID_MAX];
	json_object *view;

	fresh_model();
	provider_lab(true);
	create_endpoint(CONSUMER, 50, endpoint);
	REFUSE("LoadBalancerNotFound", STRANGER, "DescribeLoadBalancers", "{'Names': ['web']}");
	REFUSE("LoadBalancerNotFound", STRANGER, "ModifyLoadBalancerAttributes",
	       "{'Name': 'web', 'CrossZone': true}");
	REFUSE("LoadBalancerNotFound", STRANGER, "DeleteLoadBalancer", "{'Name': 'web'}");
	REFUSE("TargetGroupNotFound", STRANGER, "DescribeTargetHealth", "{'Name': 'web-tg'}");
	REFUSE("TargetGroupNotFound", STRANGER, "DeregisterTargets",
	       "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21'}]}");
	REFUSE("InvalidVpcEndpointServiceId.NotFound", STRANGER,
	       "DescribeVpcEndpointServiceConfigurations", "{'ServiceIds': ['%s']}", service_id);
	CHECK(strstr(refusal.message, "does not exist") != NULL);
	REFUSE("InvalidVpcEndpointServiceId.NotFound", CONSUMER,
	       "ModifyVpcEndpointServiceConfiguration",
	       "{'ServiceId': '%s', 'AcceptanceRequired': false}", service_id);
	REFUSE("InvalidVpcEndpointServiceId.NotFound", CONSUMER,
	       "ModifyVpcEndpointServicePermissions",
	       "{'ServiceId': '%s', 'AddAllowedPrincipals': ['*']}", service_id);
	REFUSE("InvalidVpcEndpointServiceId.NotFound", CONSUMER,
	       "DescribeVpcEndpointServicePermissions", "{'ServiceId': '%s'}", service_id);
	REFUSE("InvalidVpcEndpointServiceId.NotFound", CONSUMER, "DescribeVpcEndpointConnections",
	       "{'ServiceId': '%s'}", service_id);
	/* Only the owner accepts: the consumer cannot accept its own endpoint. */
	REFUSE("InvalidVpcEndpointServiceId.NotFound", CONSUMER, "AcceptVpcEndpointConnections",
	       "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, endpoint);
	UNSUCCESSFUL("InvalidVpcEndpointService.NotFound", CONSUMER,
		     "DeleteVpcEndpointServiceConfigurations", "{'ServiceIds': ['%s']}",
		     service_id);
	/* Only the endpoint's owner deletes it: the provider rejects instead. */
	UNSUCCESSFUL("InvalidVpcEndpointId.NotFound", PROVIDER, "DeleteVpcEndpoints",
		     "{'VpcEndpointIds': ['%s']}", endpoint);
	UNSUCCESSFUL("InvalidVpcEndpointId.NotFound", STRANGER, "DeleteVpcEndpoints",
		     "{'VpcEndpointIds': ['%s']}", endpoint);
	REFUSE("InvalidVpcEndpointId.NotFound", PROVIDER, "DescribeVpcEndpoints",
	       "{'VpcEndpointIds': ['%s']}", endpoint);
	view = GET(PROVIDER, "DescribeVpcEndpoints", "{}");
	CHECK_EQ(count_at(view, "VpcEndpoints"), 0);
	json_object_put(view);
	view = GET(STRANGER, "DescribeLoadBalancers", "{}");
	CHECK_EQ(count_at(view, "LoadBalancers"), 0);
	json_object_put(view);
	view = GET(PROVIDER, "DescribeVpcEndpointConnections", "{}");
	CHECK_EQ(count_at(view, "VpcEndpointConnections"), 1);
	CHECK_STR(text_at(view, "VpcEndpointConnections.0.VpcEndpointOwner"), "222222222222");
	CHECK_STR(text_at(view, "VpcEndpointConnections.0.VpcEndpointState"), "pendingAcceptance");
	CHECK_EQ(count_at(view, "VpcEndpointConnections.0.DnsEntries"), 3);
	CHECK_EQ(count_at(view, "VpcEndpointConnections.0.NetworkLoadBalancerArns"), 1);
	json_object_put(view);
	remove_model();
}

void allowed_principals_decide_who_sees_a_service(void)
{
	char endpoint[ID_MAX];
	json_object *view;

	fresh_model();
	provider_lab(true);
	REFUSE("InvalidServiceName", STRANGER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.2.1.50'}]}",
	       service);
	CHECK(strstr(refusal.message, service) != NULL);
	REFUSE("InvalidServiceName", STRANGER, "DescribeVpcEndpointServices",
	       "{'ServiceNames': ['%s']}", service);
	REFUSE(
	    "InvalidServiceName", CONSUMER, "CreateVpcEndpoint",
	    "{'ServiceName': 'com.amazonaws.vpce.us-east-1.vpce-svc-00000000000000000',"
	    " 'SubnetConfigurations': [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.2.1.50'}]}");
	REFUSE(
	    "InvalidServiceName", CONSUMER, "CreateVpcEndpoint",
	    "{'ServiceName': 'com.amazonaws.vpce.eu-west-1.%s',"
	    " 'SubnetConfigurations': [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.2.1.50'}]}",
	    service_id);
	view = GET(STRANGER, "DescribeVpcEndpointServices", "{}");
	CHECK_EQ(count_at(view, "ServiceDetails"), 0);
	json_object_put(view);

	/* The account's root lets every principal of the account in. */
	view = GET(ALICE, "DescribeVpcEndpointServices", "{}");
	CHECK_EQ(count_at(view, "ServiceDetails"), 1);
	CHECK_STR(text_at(view, "ServiceNames.0"), service);
	CHECK_STR(text_at(view, "ServiceDetails.0.Owner"), "111111111111");
	CHECK_STR(text_at(view, "ServiceDetails.0.AvailabilityZoneIds.1"), "use1-az2");
	CHECK_STR(text_at(view, "ServiceDetails.0.AvailabilityZones.1"), "us-east-1b");
	CHECK(json_object_get_boolean(at(view, "ServiceDetails.0.AcceptanceRequired")));
	CHECK(at(view, "ServiceDetails.0.ServiceState") == NULL);
	json_object_put(view);
	create_endpoint(ALICE, 50, endpoint);

	/* A user entry lets in exactly that user; the owner always sees its service. */
	view = GET(PROVIDER, "ModifyVpcEndpointServicePermissions",
		   "{'ServiceId': '%s', 'AddAllowedPrincipals':"
		   " ['arn:aws:iam::333333333333:user/bob'],"
		   " 'RemoveAllowedPrincipals': ['arn:aws:iam::222222222222:root']}",
		   service_id);
	CHECK_STR(text_at(view, "AddedPrincipals.0.PrincipalType"), "User");
	CHECK_STR(text_at(view, "AddedPrincipals.0.ServiceId"), service_id);
	CHECK(matches(text_at(view, "AddedPrincipals.0.ServicePermissionId"),
		      "^vpce-svc-perm-[0-9a-f]{17}$"));
	CHECK(json_object_get_boolean(at(view, "ReturnValue")));
	json_object_put(view);
	REFUSE("InvalidServiceName", STRANGER, "DescribeVpcEndpointServices",
	       "{'ServiceNames': ['%s']}", service);
	view = GET("arn:aws:iam::333333333333:user/bob", "DescribeVpcEndpointServices",
		   "{'ServiceNames': ['%s']}", service);
	CHECK_EQ(count_at(view, "ServiceDetails"), 1);
	json_object_put(view);
	view = GET(PROVIDER, "DescribeVpcEndpointServices", "{}");
	CHECK_EQ(count_at(view, "ServiceDetails"), 1);
	json_object_put(view);

	/* "*" lets everyone in. */
	DO(PROVIDER, "ModifyVpcEndpointServicePermissions",
	   "{'ServiceId': '%s', 'AddAllowedPrincipals': ['*']}", service_id);
	view = GET(PROVIDER, "DescribeVpcEndpointServicePermissions", "{'ServiceId': '%s'}",
		   service_id);
	CHECK_EQ(count_at(view, "AllowedPrincipals"), 2);
	CHECK_STR(text_at(view, "AllowedPrincipals.0.Principal"), "*");
	CHECK_STR(text_at(view, "AllowedPrincipals.0.PrincipalType"), "All");
	json_object_put(view);
	create_endpoint(STRANGER, 60, endpoint);
	REFUSE(
	    "InvalidParameterValue", PROVIDER, "ModifyVpcEndpointServicePermissions",
	    "{'ServiceId': '%s', 'AddAllowedPrincipals': ['arn:aws:iam::222222222222:user/a/b']}",
	    service_id);
	REFUSE("InvalidParameterValue", PROVIDER, "ModifyVpcEndpointServicePermissions",
	       "{'ServiceId': '%s', 'AddAllowedPrincipals': ['*'], 'RemoveAllowedPrincipals':"
	       " ['222222222222']}",
	       service_id);
	remove_model();
}
