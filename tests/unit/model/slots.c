/* SPDX-License-Identifier: MIT */
/* Slots: released only once the data path is done with them, one per registration, a clear
 * refusal when they run out, the same after a restart, checked at opening (slots.c,
 * release.c, model.c). */
#include "harness.h"

/* What the data path answers when asked whether slots are idle. */
static struct idle_answers {
	bool backends_idle;
	bool pools_empty;
	int asked;
} data_path;

static bool backend_idle(void *ctx, uint32_t backend)
{
	struct idle_answers *answers = ctx;

	(void)backend;
	answers->asked++;
	return answers->backends_idle;
}

static bool pool_empty(void *ctx, uint32_t pool)
{
	struct idle_answers *answers = ctx;

	(void)pool;
	answers->asked++;
	return answers->pools_empty;
}

void unused_slots_wait_for_the_data_path(void)
{
	struct model_release release = { backend_idle, pool_empty, &data_path };
	struct api_error err = { 0 };
	char endpoint[ID_MAX];
	struct dataplane dp;

	fresh_model();
	provider_lab(false);
	create_endpoint(CONSUMER, 50, endpoint);
	DO(PROVIDER, "ModifyTargetGroupAttributes",
	   "{'Name': 'web-tg', 'DeregistrationDelaySeconds': 0}");
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.2.21'}]}");
	CHECK_EQ(model_expire_draining(m, time(NULL), &err), 1);
	/* Nothing in use is ever offered. */
	CHECK_EQ(model_release_unused(m, &release, &err), 0);
	CHECK_EQ(data_path.asked, 3); /* the two pools of backend 2, and its member */
	project(&dp);
	CHECK_EQ(dp.backend_count, 2);
	CHECK_EQ(dp.member_count, 2);
	CHECK_EQ(dp.pool_count, 4);
	dataplane_free(&dp);
	/* Pools empty but flows still on the backend: the pools go, the member and the
	 * backend stay (the registration's flows may still count to its member). */
	data_path.pools_empty = true;
	CHECK_EQ(model_release_unused(m, &release, &err), 0);
	project(&dp);
	CHECK_EQ(dp.pool_count, 2);
	CHECK_EQ(dp.pools[0].backend, 1);
	CHECK_EQ(dp.pools[1].backend, 1);
	CHECK_EQ(dp.member_count, 2);
	CHECK_EQ(dp.backend_count, 2);
	dataplane_free(&dp);
	data_path.backends_idle = true;
	CHECK_EQ(model_release_unused(m, &release, &err), 0);
	project(&dp);
	CHECK_EQ(dp.member_count, 1);
	CHECK_EQ(dp.members[0].slot, 1);
	CHECK_EQ(dp.backend_count, 1);
	CHECK_EQ(dp.backends[0].slot, 1);
	dataplane_free(&dp);
	CHECK_EQ(model_release_unused(m, &release, &err), 0);
	/* Released slots are given to the next new target. */
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.2.22', 'AvailabilityZone': 'use1-az2'}]}");
	project(&dp);
	CHECK_EQ(dp.backend_count, 2);
	CHECK_EQ(dp.backends[1].slot, 2);
	CHECK_EQ(dp.backends[1].addr, ip("10.0.2.22"));
	CHECK_EQ(dp.member_count, 2);
	CHECK_EQ(dp.members[1].slot, 2);
	CHECK_EQ(dp.members[1].backend, 2);
	CHECK_EQ(dp.pool_count, 4);
	dataplane_free(&dp);
	data_path = (struct idle_answers){ 0 };
	remove_model();
}

/* The target with this address in the group, from model_list_targets (zeroes if none). */
static struct model_target target_of(const char *group, const char *address)
{
	struct model_target *targets = NULL, found = { 0 };
	size_t count = 0;

	if (model_list_targets(m, &targets, &count, &last_error) == 0) {
		for (size_t i = 0; i < count; i++) {
			if (strcmp(targets[i].group, group) == 0 && targets[i].addr == ip(address))
				found = targets[i];
		}
	}
	free(targets);
	return found;
}

/* The member of the table the frontend (ENI address, port) uses, when it has just one. */
static uint32_t only_member_of(const char *eni, uint16_t port)
{
	struct dataplane dp;
	const struct dp_table *table = NULL;
	uint32_t member = 0;

	project(&dp);
	for (size_t i = 0; i < dp.frontend_count; i++) {
		if (dp.frontends[i].eni_addr == ip(eni) && dp.frontends[i].port == htons(port))
			table = table_of(&dp, dp.frontends[i].table);
	}
	if (table && table->count == 1)
		member = table->members[0].member;
	dataplane_free(&dp);
	return member;
}

/* A target in two groups is one backend (one connection limit) with a member in each:
 * what the data path counts each group's flows and traffic to. A member is allocated
 * with its registration, kept across restarts and while draining, and outlives the
 * registration until its backend is idle. */
void registrations_have_member_slots_of_their_own(void)
{
	struct model_release release = { backend_idle, pool_empty, &data_path };
	struct api_error err = { 0 };
	char endpoint[ID_MAX], *before, *after;

	fresh_model();
	provider_lab(false);
	create_endpoint(CONSUMER, 50, endpoint);
	DO(PROVIDER, "CreateTargetGroup", "{'Name': 'api-tg', 'Port': 80}");
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'api-tg', 'Targets': [{'Id': '10.0.2.21', 'AvailabilityZone': 'use1-az2'}]}");
	CHECK_EQ(target_of("web-tg", "10.0.1.21").member, 1);
	CHECK_EQ(target_of("web-tg", "10.0.2.21").member, 2);
	CHECK_EQ(target_of("web-tg", "10.0.2.21").backend, 2);
	CHECK_EQ(target_of("api-tg", "10.0.2.21").member, 3);
	CHECK_EQ(target_of("api-tg", "10.0.2.21").backend, 2);
	CHECK_EQ(only_member_of("10.1.2.50", 80), 2);

	/* Registered again while draining: the same registration, the same member. */
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.2.21'}]}");
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.2.21', 'AvailabilityZone': 'use1-az2'}]}");
	CHECK_EQ(target_of("web-tg", "10.0.2.21").member, 2);

	/* Gone and registered again while flows may still count to the old member: a new
	 * member, and the table holds it. */
	DO(PROVIDER, "ModifyTargetGroupAttributes",
	   "{'Name': 'web-tg', 'DeregistrationDelaySeconds': 0}");
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.2.21'}]}");
	CHECK_EQ(model_expire_draining(m, time(NULL), &err), 1);
	CHECK_EQ(model_release_unused(m, &release, &err), 0); /* backend 2 is busy */
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.2.21', 'AvailabilityZone': 'use1-az2'}]}");
	CHECK_EQ(target_of("web-tg", "10.0.2.21").member, 4);
	CHECK_EQ(target_of("web-tg", "10.0.2.21").backend, 2);
	CHECK_EQ(only_member_of("10.1.2.50", 80), 4);

	before = snapshot();
	model_close(m);
	open_model();
	after = snapshot();
	CHECK_STR(after, before);
	CHECK(strstr(after, "member 2 2\n") != NULL); /* still held */
	free(before);
	free(after);

	/* Once the backend is idle the old member goes; the registered ones stay. */
	data_path.backends_idle = true;
	data_path.pools_empty = true;
	CHECK_EQ(model_release_unused(m, &release, &err), 0);
	after = snapshot();
	CHECK(strstr(after, "member 2 2\n") == NULL);
	CHECK(strstr(after, "member 3 2\n") != NULL);
	CHECK(strstr(after, "member 4 2\n") != NULL);
	free(after);
	/* The group deleted: its member is released like any unreferenced one. */
	DO(PROVIDER, "DeleteTargetGroup", "{'Name': 'api-tg'}");
	CHECK_EQ(model_release_unused(m, &release, &err), 0);
	CHECK_EQ(target_of("web-tg", "10.0.2.21").member, 4);
	after = snapshot();
	CHECK(strstr(after, "member 3 2\n") == NULL);
	free(after);
	data_path = (struct idle_answers){ 0 };
	remove_model();
}

void slots_run_out_with_a_clear_refusal(void)
{
	char first[ID_MAX], second[ID_MAX];

	options.max_endpoints = 3;
	options.max_backends = 4;
	options.max_members = 4;
	fresh_model();
	provider_lab(true);
	create_endpoint(CONSUMER, 50, first);
	create_endpoint(CONSUMER, 51, second);
	REFUSE("VpcEndpointLimitExceeded", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.52'}]}",
	       service);
	CHECK(strstr(refusal.message, "max_endpoints") != NULL);
	DO(CONSUMER, "DeleteVpcEndpoints", "{'VpcEndpointIds': ['%s']}", first);
	create_endpoint(CONSUMER, 52, first);
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.22', 'AvailabilityZone': 'use1-az1'}]}");
	REFUSE(
	    "TooManyTargets", PROVIDER, "RegisterTargets",
	    "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.23', 'AvailabilityZone': 'use1-az1'}]}");
	CHECK(strstr(refusal.message, "max_backends") != NULL);
	/* A known target registered in another group takes a member slot only. */
	DO(PROVIDER, "CreateTargetGroup", "{'Name': 'other', 'Port': 80}");
	REFUSE(
	    "TooManyTargets", PROVIDER, "RegisterTargets",
	    "{'Name': 'other', 'Targets': [{'Id': '10.0.1.22', 'AvailabilityZone': 'use1-az1'}]}");
	CHECK(strstr(refusal.message, "max_members") != NULL);
	remove_model();
	options.max_endpoints = 64;
	options.max_backends = 64;
	options.max_members = 128;
}

void state_and_slots_survive_a_restart(void)
{
	char endpoint[ID_MAX];
	char *before, *after;
	struct api_error err = { 0 };
	const struct model_action *create = model_find_action("CreateTargetGroup");
	json_object *args = json_tokener_parse("{\"Name\": \"standalone\", \"Port\": 80}");
	json_object *result = NULL;

	fresh_model();
	provider_lab(true);
	create_endpoint(CONSUMER, 50, endpoint);
	create_endpoint(CONSUMER, 51, endpoint);
	DO(PROVIDER, "AcceptVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, endpoint);
	/* Run without the daemon's transaction, a mutating action commits on its own. */
	CHECK_EQ(create->run(m, NULL, args, &result, &err), 0);
	json_object_put(result);
	json_object_put(args);
	before = snapshot();
	model_close(m);
	open_model();
	after = snapshot();
	CHECK_STR(after, before);
	CHECK(strstr(after, "standalone") != NULL);
	free(before);
	free(after);
	remove_model();
}

void opening_checks_region_and_limits(void)
{
	struct api_error err = { 0 };
	struct model *other;
	char endpoint[ID_MAX];

	fresh_model();
	provider_lab(true);
	create_endpoint(CONSUMER, 50, endpoint);
	create_endpoint(CONSUMER, 51, endpoint);
	model_close(m);
	options.region = "eu-west-2";
	other = model_open(&options, &err);
	CHECK(other == NULL);
	CHECK(strstr(err.message, "region us-east-1") != NULL);
	options.region = "us-east-1";
	options.max_endpoints = 2;
	other = model_open(&options, &err);
	CHECK(other == NULL);
	CHECK(strstr(err.message, "max_endpoints") != NULL);
	options.max_endpoints = 64;
	options.region = "mars-north-1";
	other = model_open(&options, &err);
	CHECK(other == NULL);
	CHECK_STR(api_code_name(err.code), "InvalidParameterValue");
	options.region = "us-east-1";
	open_model();
	remove_model();
}
