/* SPDX-License-Identifier: MIT */
/* The seed lab end to end with its exact data-path projection, and a refusal inside the
 * daemon's transaction, which leaves nothing behind. */
#include "harness.h"

void seed_lab_end_to_end(void)
{
	char endpoint[ID_MAX], pattern[256];
	json_object *created, *accepted;
	struct dataplane dp;

	fresh_model();
	provider_lab(true);
	CHECK(matches(service_id, "^vpce-svc-[0-9a-f]{17}$"));
	snprintf(pattern, sizeof(pattern), "^com\\.amazonaws\\.vpce\\.us-east-1\\.%s$", service_id);
	CHECK(matches(service, pattern));

	created = GET(CONSUMER, "CreateVpcEndpoint",
		      "{'ServiceName': '%s', 'SubnetConfigurations':"
		      " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.50'},"
		      " {'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.1.2.50'}]}",
		      service);
	snprintf(endpoint, sizeof(endpoint), "%s", text_at(created, "VpcEndpoint.VpcEndpointId"));
	CHECK(matches(endpoint, "^vpce-[0-9a-f]{17}$"));
	CHECK_STR(text_at(created, "VpcEndpoint.State"), "pendingAcceptance");
	CHECK_STR(text_at(created, "VpcEndpoint.OwnerId"), "222222222222");
	CHECK_STR(text_at(created, "VpcEndpoint.ServiceName"), service);
	CHECK_EQ(count_at(created, "VpcEndpoint.DnsEntries"), 3);
	snprintf(pattern, sizeof(pattern),
		 "^%s-[a-z0-9]{8}\\.%s\\.us-east-1\\.vpce\\.amazonaws\\.com$", endpoint,
		 service_id);
	CHECK(matches(text_at(created, "VpcEndpoint.DnsEntries.0.DnsName"), pattern));
	snprintf(pattern, sizeof(pattern),
		 "^%s-[a-z0-9]{8}-us-east-1a\\.%s\\.us-east-1\\.vpce\\.amazonaws\\.com$", endpoint,
		 service_id);
	CHECK(matches(text_at(created, "VpcEndpoint.DnsEntries.1.DnsName"), pattern));
	snprintf(pattern, sizeof(pattern),
		 "^%s-[a-z0-9]{8}-us-east-1b\\.%s\\.us-east-1\\.vpce\\.amazonaws\\.com$", endpoint,
		 service_id);
	CHECK(matches(text_at(created, "VpcEndpoint.DnsEntries.2.DnsName"), pattern));
	CHECK_STR(text_at(created, "VpcEndpoint.DnsEntries.0.HostedZoneId"), "Z7HUB22UULQXV");
	CHECK_STR(text_at(created, "VpcEndpoint.NetworkInterfaces.1.AvailabilityZone"),
		  "us-east-1b");
	json_object_put(created);

	project(&dp);
	CHECK_EQ(dp.endpoint_count, 1);
	CHECK_EQ(dp.endpoints[0].state, XL_EP_PENDING_ACCEPTANCE);
	dataplane_free(&dp);

	accepted = GET(PROVIDER, "AcceptVpcEndpointConnections",
		       "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, endpoint);
	CHECK_EQ(count_at(accepted, "Unsuccessful"), 0);
	json_object_put(accepted);
	CHECK_STR(endpoint_state(CONSUMER, endpoint), "available");

	/* Both targets are initial: no healthy one in either zone, so each fails open. */
	project(&dp);
	CHECK_EQ(dp.endpoint_count, 1);
	CHECK_EQ(dp.endpoints[0].slot, 1);
	CHECK_EQ(dp.endpoints[0].state, XL_EP_AVAILABLE);
	CHECK_STR(dp.endpoints[0].id, endpoint);
	CHECK_STR(dp.endpoints[0].service_id, service_id);
	CHECK_EQ(dp.frontend_count, 4);
	{
		static const struct dp_frontend expected[] = {
			{ 0, 0, 1, 0, 0, false, false, "lo" },
			{ 0, 80, 1, 1, 0, false, false, "lo" },
			{ 0, 0, 1, 0, 0, false, false, "lo" },
			{ 0, 80, 1, 2, 0, false, false, "lo" },
		};
		static const char *const enis[] = { "10.1.1.50", "10.1.1.50", "10.1.2.50",
						    "10.1.2.50" };
		static const char *const snats[] = { "10.0.1.10", "10.0.1.10", "10.0.2.10",
						     "10.0.2.10" };

		for (size_t i = 0; i < 4 && i < dp.frontend_count; i++) {
			CHECK_EQ(dp.frontends[i].eni_addr, ip(enis[i]));
			CHECK_EQ(dp.frontends[i].port, htons(expected[i].port));
			CHECK_EQ(dp.frontends[i].endpoint, expected[i].endpoint);
			CHECK_EQ(dp.frontends[i].table, expected[i].table);
			CHECK_EQ(dp.frontends[i].snat_addr, ip(snats[i]));
		}
	}
	CHECK_EQ(dp.backend_count, 2);
	CHECK_EQ(dp.backends[0].slot, 1);
	CHECK_EQ(dp.backends[0].addr, ip("10.0.1.21"));
	CHECK_EQ(dp.backends[0].port, htons(80));
	CHECK_EQ(dp.backends[0].flags, 0);
	CHECK_EQ(dp.backends[1].slot, 2);
	CHECK_EQ(dp.backends[1].addr, ip("10.0.2.21"));
	CHECK_EQ(dp.table_count, 2);
	CHECK_EQ(dp.tables[0].slot, 1);
	CHECK_EQ(dp.member_count, 2);
	CHECK_EQ(dp.members[0].slot, 1);
	CHECK_EQ(dp.members[0].backend, 1);
	CHECK_EQ(dp.members[1].slot, 2);
	CHECK_EQ(dp.members[1].backend, 2);
	CHECK_EQ(dp.tables[0].count, 1);
	CHECK_EQ(dp.tables[0].members[0].member, 1);
	CHECK_EQ(dp.tables[0].members[0].backend, 1);
	CHECK_EQ(dp.tables[0].members[0].addr, ip("10.0.1.21"));
	CHECK_EQ(dp.tables[0].members[0].port, htons(80));
	CHECK_EQ(dp.tables[1].slot, 2);
	CHECK_EQ(dp.tables[1].count, 1);
	CHECK_EQ(dp.tables[1].members[0].member, 2);
	CHECK_EQ(dp.tables[1].members[0].backend, 2);
	CHECK_EQ(dp.pool_count, 4);
	{
		static const char *const snats[] = { "10.0.1.10", "10.0.1.10", "10.0.2.10",
						     "10.0.2.10" };

		for (size_t i = 0; i < 4 && i < dp.pool_count; i++) {
			CHECK_EQ(dp.pools[i].slot, i + 1);
			CHECK_EQ(dp.pools[i].snat_addr, ip(snats[i]));
			CHECK_EQ(dp.pools[i].backend, i % 2 + 1);
		}
	}
	CHECK_EQ(dp.iface_count, 1); /* lo, the lab's consumer interface */
	dataplane_free(&dp);

	/* Cross-zone on: one table over both zones; the pools stay as they were. */
	DO(PROVIDER, "ModifyLoadBalancerAttributes", "{'Name': 'web', 'CrossZone': true}");
	project(&dp);
	CHECK_EQ(dp.table_count, 1);
	CHECK_EQ(dp.tables[0].slot, 3);
	CHECK_EQ(dp.tables[0].count, 2);
	CHECK_EQ(dp.frontends[1].table, 3);
	CHECK_EQ(dp.frontends[3].table, 3);
	CHECK_EQ(dp.frontends[3].snat_addr, ip("10.0.2.10"));
	CHECK_EQ(dp.pool_count, 4);
	CHECK_EQ(dp.pools[3].slot, 4);
	dataplane_free(&dp);
	DO(PROVIDER, "ModifyLoadBalancerAttributes", "{'Name': 'web', 'CrossZone': false}");
	project(&dp);
	CHECK_EQ(dp.table_count, 2);
	CHECK_EQ(dp.frontends[1].table, 1);
	CHECK_EQ(dp.frontends[3].table, 2);
	dataplane_free(&dp);
	remove_model();
}

/* A refused action leaves nothing behind even inside the daemon's transaction, before
 * any rollback: the second ENI is refused after the endpoint and first ENI were written. */
void refusal_inside_transaction_writes_nothing(void)
{
	const struct model_action *create = model_find_action("CreateVpcEndpoint");
	json_object *args, *result = NULL;
	struct api_error err = { 0 };
	char *before, *inside;
	char text[512];

	fresh_model();
	provider_lab(true);
	before = snapshot();
	snprintf(text, sizeof(text),
		 "{\"ServiceName\": \"%s\", \"SubnetConfigurations\": ["
		 "{\"AvailabilityZoneId\": \"use1-az1\", \"Ipv4\": \"10.1.1.50\"},"
		 "{\"AvailabilityZoneId\": \"use1-az3\", \"Ipv4\": \"10.1.3.50\"}]}",
		 service);
	args = json_tokener_parse(text);
	CHECK_EQ(model_begin(m, &err), 0);
	CHECK_EQ(create->run(m, CONSUMER, args, &result, &err), -1);
	CHECK_STR(api_code_name(err.code), "InvalidParameter");
	CHECK(result == NULL);
	inside = snapshot();
	CHECK_STR(inside, before);
	model_rollback(m);
	json_object_put(args);
	free(before);
	free(inside);
	remove_model();
}
