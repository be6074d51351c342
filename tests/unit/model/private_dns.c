/* SPDX-License-Identifier: MIT */
/* Private DNS names (verification, PrivateDnsEnabled with AWS's refusals) and what the
 * resolver reads of the model: available endpoints, their ENIs and their zones' health. */
#include "harness.h"
#include "model_dns.h"

/* The one check of the provider lab's service; the test cannot go on without it. */
static struct model_private_dns_check the_check(void)
{
	struct model_private_dns_check *checks = NULL, check;
	size_t count = 0;

	CHECK_EQ(model_private_dns_checks(m, &checks, &count, &last_error), 0);
	CHECK_EQ(count, 1);
	if (count != 1)
		abort();
	check = checks[0];
	free(checks);
	return check;
}

static const char *private_dns_state(void)
{
	static char state[32];
	json_object *result = GET(PROVIDER, "DescribeVpcEndpointServiceConfigurations",
				  "{'ServiceIds': ['%s']}", service_id);

	snprintf(state, sizeof(state), "%s",
		 text_at(result, "ServiceConfigurations.0.PrivateDnsNameConfiguration.State"));
	json_object_put(result);
	return state;
}

static void create_with_private_dns(const char *code)
{
	REFUSE(code, CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'PrivateDnsEnabled': true, 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.50'}]}",
	       service);
}

void private_dns_names_are_verified_before_use(void)
{
	struct model_private_dns_check check, old;
	json_object *created, *described;
	char endpoint[ID_MAX];

	fresh_model();
	provider_lab(false);
	/* No name: AWS's sentence, and nothing to verify. */
	create_with_private_dns("InvalidParameter");
	CHECK(matches(refusal.message, "does not provide a private DNS name"));
	REFUSE("InvalidParameter", PROVIDER, "StartVpcEndpointServicePrivateDnsVerification",
	       "{'ServiceId': '%s'}", service_id);
	REFUSE("InvalidVpcEndpointServiceId.NotFound", STRANGER,
	       "StartVpcEndpointServicePrivateDnsVerification", "{'ServiceId': '%s'}", service_id);

	/* A name waits for its TXT record: where and what the check says. */
	DO(PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	   "{'ServiceId': '%s', 'PrivateDnsName': 'myservice.example.com'}", service_id);
	check = the_check();
	CHECK_STR(check.name, "myservice.example.com");
	CHECK(matches(check.txt_name, "^_vpce-[a-z0-9]{12}\\.myservice\\.example\\.com$"));
	CHECK(matches(check.value, "^vpce:[A-Za-z0-9]{20}$"));
	CHECK_STR(check.state, "pendingVerification");
	create_with_private_dns("InvalidParameter");
	CHECK(matches(refusal.message, "is not verified"));

	/* Not found: failed; found: verified, and no longer checked. */
	CHECK_EQ(model_private_dns_result(m, &check, false, &last_error), 1);
	CHECK_STR(private_dns_state(), "failed");
	CHECK_EQ(model_private_dns_result(m, &check, false, &last_error), 0);
	check = the_check();
	CHECK_EQ(model_private_dns_result(m, &check, true, &last_error), 1);
	CHECK_STR(private_dns_state(), "verified");
	CHECK_EQ(model_private_dns_checks(m, &(struct model_private_dns_check *){ NULL },
					  &(size_t){ 0 }, &last_error),
		 0);

	/* A verified name: the endpoint resolves it, and says so. */
	created = GET(CONSUMER, "CreateVpcEndpoint",
		      "{'ServiceName': '%s', 'PrivateDnsEnabled': true, 'SubnetConfigurations':"
		      " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.50'}]}",
		      service);
	snprintf(endpoint, sizeof(endpoint), "%s", text_at(created, "VpcEndpoint.VpcEndpointId"));
	CHECK(json_object_get_boolean(at(created, "VpcEndpoint.PrivateDnsEnabled")));
	CHECK_EQ(count_at(created, "VpcEndpoint.DnsEntries"), 3);
	CHECK_STR(text_at(created, "VpcEndpoint.DnsEntries.2.DnsName"), "myservice.example.com");
	json_object_put(created);

	/* A new name starts over: pending, the old check no longer counts, and the endpoint
	 * stops resolving it (its switch stays on). */
	old = check;
	DO(PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	   "{'ServiceId': '%s', 'PrivateDnsName': 'api.example.com'}", service_id);
	CHECK_EQ(model_private_dns_result(m, &old, true, &last_error), 0);
	CHECK_STR(private_dns_state(), "pendingVerification");
	CHECK(strcmp(the_check().txt_name, old.txt_name) != 0);
	described = GET(CONSUMER, "DescribeVpcEndpoints", "{'VpcEndpointIds': ['%s']}", endpoint);
	CHECK_EQ(count_at(described, "VpcEndpoints.0.DnsEntries"), 2);
	CHECK(json_object_get_boolean(at(described, "VpcEndpoints.0.PrivateDnsEnabled")));
	json_object_put(described);

	/* Off is always possible, on only with a verified name; verification starts over. */
	REFUSE("InvalidParameter", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'PrivateDnsEnabled': true}", endpoint);
	DO(CONSUMER, "ModifyVpcEndpoint", "{'VpcEndpointId': '%s', 'PrivateDnsEnabled': false}",
	   endpoint);
	check = the_check();
	CHECK_EQ(model_private_dns_result(m, &check, false, &last_error), 1);
	DO(PROVIDER, "StartVpcEndpointServicePrivateDnsVerification", "{'ServiceId': '%s'}",
	   service_id);
	CHECK_STR(private_dns_state(), "pendingVerification");
	CHECK_EQ(model_private_dns_result(m, &check, true, &last_error), 1);
	DO(CONSUMER, "ModifyVpcEndpoint", "{'VpcEndpointId': '%s', 'PrivateDnsEnabled': true}",
	   endpoint);
	remove_model();
}

static const struct model_dns_endpoint *dns_endpoint(struct model_dns_endpoint *list, size_t count,
						     const char *id)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(list[i].endpoint_id, id) == 0)
			return &list[i];
	return NULL;
}

void the_resolver_reads_available_endpoints_and_zone_health(void)
{
	struct model_dns_endpoint *list = NULL;
	const struct model_dns_endpoint *e;
	char available[ID_MAX], pending[ID_MAX];
	size_t count = 0;

	fresh_model();
	provider_lab(true);
	create_endpoint(CONSUMER, 50, available);
	create_endpoint(CONSUMER, 51, pending);
	DO(PROVIDER, "AcceptVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, available);

	/* Only the available one, its ENIs by zone, no zone healthy yet. */
	CHECK_EQ(model_dns_endpoints(m, &list, &count, &last_error), 0);
	CHECK_EQ(count, 1);
	e = dns_endpoint(list, count, available);
	CHECK(e != NULL);
	if (!e)
		abort();
	CHECK_EQ(e->eni_count, 2);
	CHECK_STR(e->enis[0].zone, "use1-az1");
	CHECK_EQ(e->enis[0].addr, ip("10.1.1.50"));
	CHECK_STR(e->enis[1].zone, "use1-az2");
	CHECK(!e->enis[0].healthy && !e->enis[1].healthy);
	CHECK_STR(e->private_name, "");
	free(list);

	/* A healthy target makes its zone healthy, and only its zone (cross-zone off)... */
	set_health("web-tg", "10.0.1.21", "healthy", "");
	CHECK_EQ(model_dns_endpoints(m, &list, &count, &last_error), 0);
	e = dns_endpoint(list, count, available);
	CHECK(e && e->enis[0].healthy && !e->enis[1].healthy);
	free(list);

	/* ...every zone with cross-zone on. */
	DO(PROVIDER, "ModifyLoadBalancerAttributes", "{'Name': 'web', 'CrossZone': true}");
	CHECK_EQ(model_dns_endpoints(m, &list, &count, &last_error), 0);
	e = dns_endpoint(list, count, available);
	CHECK(e && e->enis[0].healthy && e->enis[1].healthy);
	free(list);

	/* Rejected: gone. */
	DO(PROVIDER, "RejectVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, available);
	CHECK_EQ(model_dns_endpoints(m, &list, &count, &last_error), 0);
	CHECK_EQ(count, 0);
	free(list);
	remove_model();
}
