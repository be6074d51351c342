/* SPDX-License-Identifier: MIT */
/* Endpoint services: configuration, deletion, and several load balancers, one per zone
 * for a given endpoint (service.c). */
#include "harness.h"

void service_configuration_rules(void)
{
	json_object *view;
	char pattern[160], endpoint[ID_MAX];

	fresh_model();
	provider_lab(true);
	view = GET(PROVIDER, "DescribeVpcEndpointServiceConfigurations", "{}");
	CHECK_STR(text_at(view, "ServiceConfigurations.0.ServiceType.0.ServiceType"), "Interface");
	CHECK_STR(text_at(view, "ServiceConfigurations.0.ServiceState"), "Available");
	CHECK_STR(text_at(view, "ServiceConfigurations.0.Owner"), "111111111111");
	CHECK_STR(text_at(view, "ServiceConfigurations.0.AvailabilityZones.0"), "us-east-1a");
	CHECK_STR(text_at(view, "ServiceConfigurations.0.AvailabilityZoneIds.1"), "use1-az2");
	CHECK_STR(text_at(view, "ServiceConfigurations.0.SupportedIpAddressTypes.0"), "ipv4");
	CHECK(!json_object_get_boolean(at(view, "ServiceConfigurations.0.ManagesVpcEndpoints")));
	CHECK_EQ(count_at(view, "ServiceConfigurations.0.NetworkLoadBalancerArns"), 1);
	snprintf(pattern, sizeof(pattern), "^%s\\.us-east-1\\.vpce\\.amazonaws\\.com$", service_id);
	CHECK(matches(text_at(view, "ServiceConfigurations.0.BaseEndpointDnsNames.0"), pattern));
	CHECK(at(view, "ServiceConfigurations.0.PrivateDnsName") == NULL);
	json_object_put(view);

	REFUSE("InvalidParameter", PROVIDER, "CreateVpcEndpointServiceConfiguration", "{}");
	CHECK_STR(refusal.message,
		  "exactly one of NetworkLoadBalancerArns or GatewayLoadBalancerArns is required");
	REFUSE("InvalidParameter", PROVIDER, "CreateVpcEndpointServiceConfiguration",
	       "{'LoadBalancerNames': []}");
	REFUSE("LoadBalancerNotFound", PROVIDER, "CreateVpcEndpointServiceConfiguration",
	       "{'LoadBalancerNames': ['nope']}");
	REFUSE("ResourceInUse", PROVIDER, "CreateVpcEndpointServiceConfiguration",
	       "{'LoadBalancerNames': ['web']}");
	REFUSE("ResourceInUse", PROVIDER, "DeleteLoadBalancer", "{'Name': 'web'}");
	CHECK_STR(refusal.message, "load balancer web cannot be deleted because it is currently "
				   "associated with another service");
	DO(CONSUMER, "CreateLoadBalancer",
	   "{'Name': 'theirs', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.9.1.10'}]}");
	REFUSE("LoadBalancerNotFound", PROVIDER, "CreateVpcEndpointServiceConfiguration",
	       "{'LoadBalancerNames': ['theirs']}");
	REFUSE("InvalidVpcEndpointServiceId.NotFound", PROVIDER,
	       "DescribeVpcEndpointServiceConfigurations",
	       "{'ServiceIds': ['vpce-svc-00000000000000000']}");

	/* Load balancers join and leave; at least one stays. */
	DO(PROVIDER, "CreateLoadBalancer",
	   "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.3.10'}]}");
	DO(PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	   "{'ServiceId': '%s', 'AddLoadBalancerNames': ['api']}", service_id);
	view = GET(PROVIDER, "DescribeVpcEndpointServiceConfigurations", "{'ServiceIds': ['%s']}",
		   service_id);
	CHECK_EQ(count_at(view, "ServiceConfigurations.0.AvailabilityZoneIds"), 3);
	json_object_put(view);
	REFUSE("ResourceInUse", PROVIDER, "CreateVpcEndpointServiceConfiguration",
	       "{'LoadBalancerNames': ['api']}");
	REFUSE("InvalidParameter", PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	       "{'ServiceId': '%s', 'RemoveLoadBalancerNames': ['web', 'api']}", service_id);
	DO(PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	   "{'ServiceId': '%s', 'RemoveLoadBalancerNames': ['api']}", service_id);
	REFUSE("InvalidParameter", PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	       "{'ServiceId': '%s', 'RemoveLoadBalancerNames': ['api']}", service_id);
	/* A load balancer a live endpoint uses cannot leave. */
	create_endpoint(CONSUMER, 50, endpoint);
	REFUSE("ResourceInUse", PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	       "{'ServiceId': '%s', 'AddLoadBalancerNames': ['api'],"
	       " 'RemoveLoadBalancerNames': ['web']}",
	       service_id);
	DO(PROVIDER, "DeleteLoadBalancer", "{'Name': 'api'}");

	/* Private DNS: a name to verify with a TXT record. */
	DO(PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	   "{'ServiceId': '%s', 'PrivateDnsName': 'api.example.com'}", service_id);
	view = GET(PROVIDER, "DescribeVpcEndpointServiceConfigurations", "{}");
	CHECK_STR(text_at(view, "ServiceConfigurations.0.PrivateDnsName"), "api.example.com");
	CHECK_STR(text_at(view, "ServiceConfigurations.0.PrivateDnsNameConfiguration.State"),
		  "pendingVerification");
	CHECK_STR(text_at(view, "ServiceConfigurations.0.PrivateDnsNameConfiguration.Type"), "TXT");
	CHECK(matches(text_at(view, "ServiceConfigurations.0.PrivateDnsNameConfiguration.Name"),
		      "^_vpce-[a-z0-9]{12}$"));
	CHECK(matches(text_at(view, "ServiceConfigurations.0.PrivateDnsNameConfiguration.Value"),
		      "^vpce:[a-zA-Z0-9]{20}$"));
	json_object_put(view);
	view = GET(CONSUMER, "DescribeVpcEndpointServices", "{}");
	CHECK_STR(text_at(view, "ServiceDetails.0.PrivateDnsNameVerificationState"),
		  "pendingVerification");
	json_object_put(view);
	REFUSE("InvalidParameterValue", PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	       "{'ServiceId': '%s', 'PrivateDnsName': 'Not A Name'}", service_id);
	REFUSE("InvalidParameter", PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	       "{'ServiceId': '%s', 'PrivateDnsName': 'x.example.com',"
	       " 'RemovePrivateDnsName': true}",
	       service_id);
	DO(PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	   "{'ServiceId': '%s', 'RemovePrivateDnsName': true}", service_id);
	view = GET(PROVIDER, "DescribeVpcEndpointServiceConfigurations", "{}");
	CHECK(at(view, "ServiceConfigurations.0.PrivateDnsName") == NULL);
	json_object_put(view);
	DO(PROVIDER, "CreateLoadBalancer",
	   "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.3.10'}]}");
	view = GET(PROVIDER, "CreateVpcEndpointServiceConfiguration",
		   "{'LoadBalancerNames': ['api'], 'PrivateDnsName': '*.example.com'}");
	CHECK_STR(text_at(view, "ServiceConfiguration.PrivateDnsName"), "*.example.com");
	json_object_put(view);
	remove_model();
}

void service_deletion_rules(void)
{
	char endpoint[ID_MAX];
	json_object *view;

	fresh_model();
	provider_lab(true);
	create_endpoint(CONSUMER, 50, endpoint);
	UNSUCCESSFUL("ExistingVpcEndpointConnections", PROVIDER,
		     "DeleteVpcEndpointServiceConfigurations", "{'ServiceIds': ['%s']}",
		     service_id);
	DO(PROVIDER, "AcceptVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, endpoint);
	UNSUCCESSFUL("ExistingVpcEndpointConnections", PROVIDER,
		     "DeleteVpcEndpointServiceConfigurations", "{'ServiceIds': ['%s']}",
		     service_id);
	UNSUCCESSFUL("InvalidVpcEndpointService.NotFound", PROVIDER,
		     "DeleteVpcEndpointServiceConfigurations",
		     "{'ServiceIds': ['vpce-svc-00000000000000000']}");
	REFUSE("ValidationError", PROVIDER, "DeleteVpcEndpointServiceConfigurations",
	       "{'ServiceIds': []}");

	/* Rejected endpoints do not hold the service; deleting it deletes them. */
	DO(PROVIDER, "RejectVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, endpoint);
	view = GET(PROVIDER, "DeleteVpcEndpointServiceConfigurations", "{'ServiceIds': ['%s']}",
		   service_id);
	CHECK_EQ(count_at(view, "Unsuccessful"), 0);
	json_object_put(view);
	CHECK_STR(endpoint_state(CONSUMER, endpoint), "deleted");
	view = GET(CONSUMER, "DescribeVpcEndpoints", "{}");
	CHECK_STR(text_at(view, "VpcEndpoints.0.ServiceName"), service);
	json_object_put(view);
	view = GET(PROVIDER, "DescribeVpcEndpointServiceConfigurations", "{}");
	CHECK_EQ(count_at(view, "ServiceConfigurations"), 0);
	json_object_put(view);
	/* Deleting a service leaves its load balancers, now free to delete. */
	DO(PROVIDER, "DeleteLoadBalancer", "{'Name': 'web'}");
	remove_model();
}

/* With several load balancers, an endpoint uses exactly one in each zone, for life. */
void several_load_balancers_one_per_zone(void)
{
	char a_arn[ARN_MAX], b_arn[ARN_MAX];
	json_object *view;
	int a_in_az1 = 0, b_in_az1 = 0;

	fresh_model();
	consumer_vpc(CONSUMER, 1, 3);
	view = GET(PROVIDER, "CreateLoadBalancer",
		   "{'Name': 'a', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'},"
		   " {'ZoneId': 'use1-az2', 'Address': '10.0.2.10'}]}");
	snprintf(a_arn, sizeof(a_arn), "%s", text_at(view, "LoadBalancer.LoadBalancerArn"));
	json_object_put(view);
	view = GET(PROVIDER, "CreateLoadBalancer",
		   "{'Name': 'b', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.11'},"
		   " {'ZoneId': 'use1-az3', 'Address': '10.0.3.11'}]}");
	snprintf(b_arn, sizeof(b_arn), "%s", text_at(view, "LoadBalancer.LoadBalancerArn"));
	json_object_put(view);
	DO(PROVIDER, "CreateTargetGroup", "{'Name': 'a-tg', 'Port': 80}");
	DO(PROVIDER, "CreateTargetGroup", "{'Name': 'b-tg', 'Port': 80}");
	DO(PROVIDER, "CreateListener",
	   "{'LoadBalancerName': 'a', 'Port': 80, 'TargetGroupName': 'a-tg'}");
	DO(PROVIDER, "CreateListener",
	   "{'LoadBalancerName': 'b', 'Port': 80, 'TargetGroupName': 'b-tg'}");
	remember_service(GET(PROVIDER, "CreateVpcEndpointServiceConfiguration",
			     "{'LoadBalancerNames': ['a', 'b'], 'AcceptanceRequired': false}"));
	DO(PROVIDER, "ModifyVpcEndpointServicePermissions",
	   "{'ServiceId': '%s', 'AddAllowedPrincipals': ['*']}", service_id);
	for (int i = 0; i < 24; i++) {
		view = GET(CONSUMER, "CreateVpcEndpoint",
			   "{'ServiceName': '%s', 'SubnetConfigurations':"
			   " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.%d'},"
			   " {'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.1.2.%d'},"
			   " {'AvailabilityZoneId': 'use1-az3', 'Ipv4': '10.1.3.%d'}]}",
			   service, i + 10, i + 10, i + 10);
		CHECK_EQ(count_at(view, "VpcEndpoint.NetworkInterfaces"), 3);
		CHECK_STR(text_at(view, "VpcEndpoint.NetworkInterfaces.1.NetworkLoadBalancerArn"),
			  a_arn);
		CHECK_STR(text_at(view, "VpcEndpoint.NetworkInterfaces.2.NetworkLoadBalancerArn"),
			  b_arn);
		a_in_az1 += strcmp(text_at(view, "VpcEndpoint.NetworkInterfaces.0."
						 "NetworkLoadBalancerArn"),
				   a_arn) == 0;
		b_in_az1 += strcmp(text_at(view, "VpcEndpoint.NetworkInterfaces.0."
						 "NetworkLoadBalancerArn"),
				   b_arn) == 0;
		json_object_put(view);
	}
	/* Spread by a hash of the endpoint id: 24 endpoints all on one is a 2^-23 chance. */
	CHECK_EQ(a_in_az1 + b_in_az1, 24);
	CHECK(a_in_az1 > 0 && b_in_az1 > 0);

	/* Fixed for life: the same after a restart and a cross-zone change. */
	view = GET(CONSUMER, "DescribeVpcEndpoints", "{}");
	model_close(m);
	open_model();
	DO(PROVIDER, "ModifyLoadBalancerAttributes", "{'Name': 'b', 'CrossZone': true}");
	{
		json_object *again = GET(CONSUMER, "DescribeVpcEndpoints", "{}");

		CHECK_STR(json_object_to_json_string(again), json_object_to_json_string(view));
		json_object_put(again);
	}
	json_object_put(view);

	/* Each ENI's frontends carry the node IP of its own load balancer in its zone. */
	{
		struct dataplane dp;
		size_t seen = 0;

		project(&dp);
		for (size_t i = 0; i < dp.frontend_count; i++) {
			uint32_t eni = ntohl(dp.frontends[i].eni_addr);
			uint32_t zone = (eni >> 8) & 0xff, snat = ntohl(dp.frontends[i].snat_addr);

			CHECK_EQ((snat >> 8) & 0xff, zone);
			seen++;
		}
		CHECK_EQ(seen, 24 * 3 * 2);
		dataplane_free(&dp);
	}
	REFUSE("ResourceInUse", PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	       "{'ServiceId': '%s', 'RemoveLoadBalancerNames': ['b']}", service_id);
	remove_model();
}
