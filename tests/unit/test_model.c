/* Unit tests of the model through its actions, as the daemon calls them: the seed lab
 * end to end with its exact data-path projection, then every rule and error code, each
 * refusal checked to leave every account's view and the projection unchanged. */
#include <arpa/inet.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/check.h"
#include "ids.h"
#include "model.h"

#define PROVIDER "arn:aws:iam::111111111111:root"
#define CONSUMER "arn:aws:iam::222222222222:root"
#define STRANGER "arn:aws:iam::333333333333:root"
#define ALICE	 "arn:aws:iam::222222222222:user/alice"

static char directory[64];
static char state_path[128];

/* The node's own address in these tests: its consumer-facing one in the seed lab. */
static bool node_has_address(const char *address)
{
	return strcmp(address, "10.1.0.5") == 0;
}

static struct model_options options = {
	.path = state_path,
	.region = "us-east-1",
	.max_endpoints = 64,
	.max_backends = 64,
	.max_members = 128,
	.max_pools = 256,
	.max_tables = 64,
	.node_has_address = node_has_address,
};
static struct model *m;
static struct api_error last_error; /* of the last act() */
static struct api_error refusal;    /* of the last REFUSE */

/* ---- Running actions -------------------------------------------------------------------- */

static bool commit_with_projection(void)
{
	struct dataplane dp;

	if (model_dataplane(m, &dp, &last_error) < 0)
		return false;
	dataplane_free(&dp);
	return model_commit(m, &last_error) == 0;
}

/* Runs an action as the daemon does: a mutating one in a transaction with the data-path
 * projection before the commit, a reading one without a transaction. `fmt` is JSON with
 * ' for ". Returns the result, or NULL with last_error. */
static json_object *vact(const char *principal, const char *action, const char *fmt, va_list ap)
{
	const struct model_action *entry = model_find_action(action);
	json_object *args, *result = NULL;
	char text[4096];
	int rc;

	vsnprintf(text, sizeof(text), fmt, ap);
	for (char *quote = strchr(text, '\''); quote; quote = strchr(quote, '\''))
		*quote = '"';
	memset(&last_error, 0, sizeof(last_error));
	args = json_tokener_parse(text);
	if (!entry || !args) {
		printf("  bad test call %s %s\n", action, text);
		abort();
	}
	if (entry->mutates && model_begin(m, &last_error) < 0) {
		json_object_put(args);
		return NULL;
	}
	rc = entry->run(m, principal, args, &result, &last_error);
	if (entry->mutates && (rc < 0 || !commit_with_projection())) {
		model_rollback(m);
		json_object_put(result);
		result = NULL;
	}
	json_object_put(args);
	return result;
}

static json_object *act(const char *principal, const char *action, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static json_object *act(const char *principal, const char *action, const char *fmt, ...)
{
	va_list ap;
	json_object *result;

	va_start(ap, fmt);
	result = vact(principal, action, fmt, ap);
	va_end(ap);
	return result;
}

/* The value at a path such as "VpcEndpoint.DnsEntries.0.DnsName". */
static json_object *at(json_object *object, const char *path)
{
	char copy[256], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", path);
	for (char *key = strtok_r(copy, ".", &save); key && object;
	     key = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(object, json_type_array))
			object = json_object_array_get_idx(object, (size_t)atoi(key));
		else if (!json_object_object_get_ex(object, key, &object))
			object = NULL;
	}
	return object;
}

static const char *text_at(json_object *object, const char *path)
{
	json_object *value = at(object, path);

	return value ? json_object_get_string(value) : "(missing)";
}

static long long int_at(json_object *object, const char *path)
{
	return json_object_get_int64(at(object, path));
}

static size_t count_at(json_object *object, const char *path)
{
	json_object *value = at(object, path);

	return value ? json_object_array_length(value) : 0;
}

static bool matches(const char *text, const char *pattern)
{
	regex_t re;
	int rc;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	rc = regexec(&re, text, 0, NULL, 0);
	regfree(&re);
	return rc == 0;
}

/* ---- Snapshots: everything every account can see, and the projection -------------------- */

static void dump_dataplane(FILE *out)
{
	struct dataplane dp;

	if (model_dataplane(m, &dp, &last_error) < 0) {
		fprintf(out, "dataplane failed: %s\n", last_error.message);
		return;
	}
	for (size_t i = 0; i < dp.frontend_count; i++)
		fprintf(out, "fe %08x:%u ep %u table %u snat %08x\n", dp.frontends[i].eni_addr,
			ntohs(dp.frontends[i].port), dp.frontends[i].endpoint,
			dp.frontends[i].table, dp.frontends[i].snat_addr);
	for (size_t i = 0; i < dp.endpoint_count; i++)
		fprintf(out, "ep %u %u %s %s\n", dp.endpoints[i].slot, dp.endpoints[i].state,
			dp.endpoints[i].id, dp.endpoints[i].service_id);
	for (size_t i = 0; i < dp.backend_count; i++)
		fprintf(out, "be %u %08x:%u %u\n", dp.backends[i].slot, dp.backends[i].addr,
			ntohs(dp.backends[i].port), dp.backends[i].flags);
	for (size_t i = 0; i < dp.member_count; i++)
		fprintf(out, "member %u %u\n", dp.members[i].slot, dp.members[i].backend);
	for (size_t i = 0; i < dp.pool_count; i++)
		fprintf(out, "pool %u %08x %u\n", dp.pools[i].slot, dp.pools[i].snat_addr,
			dp.pools[i].backend);
	for (size_t i = 0; i < dp.table_count; i++) {
		fprintf(out, "table %u:", dp.tables[i].slot);
		for (size_t j = 0; j < dp.tables[i].count; j++)
			fprintf(out, " %u/%u", dp.tables[i].members[j].member,
				dp.tables[i].members[j].backend);
		fputc('\n', out);
	}
	for (size_t i = 0; i < dp.iface_count; i++)
		fprintf(out, "iface %s %u %d\n", dp.ifaces[i].name, dp.ifaces[i].role,
			dp.ifaces[i].generic);
	dataplane_free(&dp);
}

static void dump_result(FILE *out, const char *principal, const char *action, const char *args)
{
	json_object *result = act(principal, action, "%s", args);

	fprintf(out, "%s %s: %s\n", principal, action,
		result ? json_object_to_json_string(result) : last_error.code);
	json_object_put(result);
}

static void dump_account(FILE *out, const char *principal)
{
	static const char *const describes[] = {
		"DescribeLoadBalancers",       "DescribeTargetGroups",
		"DescribeListeners",	       "DescribeVpcEndpointServiceConfigurations",
		"DescribeVpcEndpointServices", "DescribeVpcEndpointConnections",
		"DescribeVpcEndpoints",
	};
	json_object *groups = act(principal, "DescribeTargetGroups", "{}");
	json_object *services = act(principal, "DescribeVpcEndpointServiceConfigurations", "{}");
	char args[128];

	for (size_t i = 0; i < sizeof(describes) / sizeof(describes[0]); i++)
		dump_result(out, principal, describes[i], "{}");
	for (size_t i = 0; i < count_at(groups, "TargetGroups"); i++) {
		snprintf(args, sizeof(args), "{'Name': '%s'}",
			 text_at(json_object_array_get_idx(at(groups, "TargetGroups"), i),
				 "TargetGroupName"));
		dump_result(out, principal, "DescribeTargetHealth", args);
	}
	for (size_t i = 0; i < count_at(services, "ServiceConfigurations"); i++) {
		snprintf(
		    args, sizeof(args), "{'ServiceId': '%s'}",
		    text_at(json_object_array_get_idx(at(services, "ServiceConfigurations"), i),
			    "ServiceId"));
		dump_result(out, principal, "DescribeVpcEndpointServicePermissions", args);
	}
	json_object_put(groups);
	json_object_put(services);
}

static char *snapshot(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	struct model_target *targets = NULL;
	size_t count = 0;

	dump_account(out, PROVIDER);
	dump_account(out, CONSUMER);
	dump_account(out, STRANGER);
	dump_dataplane(out);
	if (model_list_targets(m, &targets, &count, &last_error) == 0) {
		for (size_t i = 0; i < count; i++)
			fprintf(out, "target %s %08x member %u %s %s\n", targets[i].group,
				targets[i].addr, targets[i].member, targets[i].state,
				targets[i].reason);
	}
	free(targets);
	fclose(out);
	return text;
}

/* ---- Checks ----------------------------------------------------------------------------- */

#define DO(principal, action, ...)  json_object_put(GET(principal, action, __VA_ARGS__))
#define GET(principal, action, ...) get_at(__LINE__, principal, action, __VA_ARGS__)
#define REFUSE(code, principal, action, ...)                                                       \
	refuse_at(__LINE__, code, principal, action, __VA_ARGS__)
#define UNSUCCESSFUL(code, principal, action, ...)                                                 \
	unsuccessful_at(__LINE__, code, principal, action, __VA_ARGS__)

static json_object *get_at(int line, const char *principal, const char *action, const char *fmt,
			   ...) __attribute__((format(printf, 4, 5)));

static json_object *get_at(int line, const char *principal, const char *action, const char *fmt,
			   ...)
{
	va_list ap;
	json_object *result;

	va_start(ap, fmt);
	result = vact(principal, action, fmt, ap);
	va_end(ap);
	if (!result)
		check_fail(__FILE__, line, "%s refused: %s: %s", action, last_error.code,
			   last_error.message);
	return result;
}

static void refuse_at(int line, const char *code, const char *principal, const char *action,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void refuse_at(int line, const char *code, const char *principal, const char *action,
		      const char *fmt, ...)
{
	char *before = snapshot(), *after;
	json_object *result;
	va_list ap;

	va_start(ap, fmt);
	result = vact(principal, action, fmt, ap);
	va_end(ap);
	refusal = last_error;
	if (result)
		check_fail(__FILE__, line, "%s succeeded, expected %s", action, code);
	else if (strcmp(refusal.code, code) != 0)
		check_fail(__FILE__, line, "%s: %s (%s), expected %s", action, refusal.code,
			   refusal.message, code);
	after = snapshot();
	if (strcmp(before, after) != 0)
		check_fail(__FILE__, line, "refused %s changed the state", action);
	json_object_put(result);
	free(before);
	free(after);
}

static void unsuccessful_at(int line, const char *code, const char *principal, const char *action,
			    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A batch action whose one id fails with `code`: answered, and nothing changed. */
static void unsuccessful_at(int line, const char *code, const char *principal, const char *action,
			    const char *fmt, ...)
{
	char *before = snapshot(), *after;
	json_object *result;
	va_list ap;

	va_start(ap, fmt);
	result = vact(principal, action, fmt, ap);
	va_end(ap);
	if (!result)
		check_fail(__FILE__, line, "%s refused: %s", action, last_error.code);
	else if (count_at(result, "Unsuccessful") != 1 ||
		 strcmp(text_at(result, "Unsuccessful.0.Error.Code"), code) != 0)
		check_fail(__FILE__, line, "%s: %s, expected one %s", action,
			   json_object_to_json_string(result), code);
	after = snapshot();
	if (strcmp(before, after) != 0)
		check_fail(__FILE__, line, "unsuccessful %s changed the state", action);
	json_object_put(result);
	free(before);
	free(after);
}

/* ---- Fixtures --------------------------------------------------------------------------- */

static void open_model(void)
{
	struct api_error err = { 0 };

	m = model_open(&options, &err);
	if (!m) {
		printf("  model_open: %s: %s\n", err.code, err.message);
		abort();
	}
}

static void fresh_model(void)
{
	snprintf(directory, sizeof(directory), "/tmp/xl-model-XXXXXX");
	if (!mkdtemp(directory))
		abort();
	snprintf(state_path, sizeof(state_path), "%s/state.db", directory);
	open_model();
}

static void remove_model(void)
{
	char path[160];

	model_close(m);
	m = NULL;
	for (const char *const *suffix = (const char *const[]){ "", "-wal", "-shm", NULL }; *suffix;
	     suffix++) {
		snprintf(path, sizeof(path), "%s%s", state_path, *suffix);
		unlink(path);
	}
	rmdir(directory);
}

static char service_id[ID_MAX];
static char service[DNS_NAME_MAX]; /* its name */

static void remember_service(json_object *created)
{
	snprintf(service_id, sizeof(service_id), "%s",
		 text_at(created, "ServiceConfiguration.ServiceId"));
	snprintf(service, sizeof(service), "%s",
		 text_at(created, "ServiceConfiguration.ServiceName"));
	json_object_put(created);
}

/* The seed lab's provider side: web in use1-az1 and use1-az2, web-tg with a target in
 * each, a listener on 80, a service (acceptance as given) allowing 222222222222. */
static void provider_lab(bool acceptance)
{
	DO(PROVIDER, "CreateLoadBalancer",
	   "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'},"
	   " {'ZoneId': 'use1-az2', 'Address': '10.0.2.10'}]}");
	DO(PROVIDER, "CreateTargetGroup", "{'Name': 'web-tg', 'Port': 80}");
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'AvailabilityZone': 'use1-az1'},"
	   " {'Id': '10.0.2.21', 'Port': 80, 'AvailabilityZone': 'use1-az2'}]}");
	DO(PROVIDER, "CreateListener",
	   "{'LoadBalancerName': 'web', 'Port': 80, 'TargetGroupName': 'web-tg'}");
	remember_service(GET(PROVIDER, "CreateVpcEndpointServiceConfiguration",
			     "{'LoadBalancerNames': ['web'], 'AcceptanceRequired': %s}",
			     acceptance ? "true" : "false"));
	DO(PROVIDER, "ModifyVpcEndpointServicePermissions",
	   "{'ServiceId': '%s', 'AddAllowedPrincipals': ['arn:aws:iam::222222222222:root']}",
	   service_id);
}

/* A consumer's endpoint with ENIs in use1-az1 and use1-az2 at 10.1.1.<host>, 10.1.2.<host>. */
static void create_endpoint(const char *principal, int host, char id[ID_MAX])
{
	json_object *created =
	    GET(principal, "CreateVpcEndpoint",
		"{'ServiceName': '%s', 'VpcEndpointType': 'Interface', 'SubnetConfigurations':"
		" [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.%d'},"
		" {'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.1.2.%d'}]}",
		service, host, host);

	snprintf(id, ID_MAX, "%s", text_at(created, "VpcEndpoint.VpcEndpointId"));
	json_object_put(created);
}

static const char *endpoint_state(const char *principal, const char *id)
{
	static char state[32];
	json_object *result =
	    act(principal, "DescribeVpcEndpoints", "{'VpcEndpointIds': ['%s']}", id);

	snprintf(state, sizeof(state), "%s", text_at(result, "VpcEndpoints.0.State"));
	json_object_put(result);
	return state;
}

/* The projection; a test cannot go on without one. */
static void project(struct dataplane *dp)
{
	if (model_dataplane(m, dp, &last_error) < 0) {
		printf("  projection failed: %s: %s\n", last_error.code, last_error.message);
		abort();
	}
}

static uint32_t ip(const char *text)
{
	return inet_addr(text);
}

static const struct dp_table *table_of(const struct dataplane *dp, uint32_t slot)
{
	for (size_t i = 0; i < dp->table_count; i++) {
		if (dp->tables[i].slot == slot)
			return &dp->tables[i];
	}
	return NULL;
}

/* The members of the table the frontend (ENI address, port) uses, as backend slots. */
static void members_of(const char *eni, uint16_t port, char *out, size_t size)
{
	struct dataplane dp;
	const struct dp_table *table = NULL;
	size_t used = 0;

	project(&dp);
	for (size_t i = 0; i < dp.frontend_count; i++) {
		if (dp.frontends[i].eni_addr == ip(eni) && dp.frontends[i].port == htons(port))
			table = table_of(&dp, dp.frontends[i].table);
	}
	out[0] = '\0';
	for (size_t j = 0; table && j < table->count; j++)
		used += (size_t)snprintf(out + used, size - used, "%s%u", j ? "," : "",
					 table->members[j].backend);
	if (!table)
		snprintf(out, size, "(no table)");
	dataplane_free(&dp);
}

static uint8_t backend_flags(uint32_t slot)
{
	struct dataplane dp;
	uint8_t flags = 0xff;

	project(&dp);
	for (size_t i = 0; i < dp.backend_count; i++) {
		if (dp.backends[i].slot == slot)
			flags = dp.backends[i].flags;
	}
	dataplane_free(&dp);
	return flags;
}

static const char *target_state(const char *group, const char *address)
{
	static char state[64];
	json_object *health = GET(PROVIDER, "DescribeTargetHealth", "{'Name': '%s'}", group);

	snprintf(state, sizeof(state), "(missing)");
	for (size_t i = 0; i < count_at(health, "TargetHealthDescriptions"); i++) {
		json_object *d =
		    json_object_array_get_idx(at(health, "TargetHealthDescriptions"), i);

		if (strcmp(text_at(d, "Target.Id"), address) == 0 && int_at(d, "Target.Port") == 80)
			snprintf(state, sizeof(state), "%s %s", text_at(d, "TargetHealth.State"),
				 at(d, "TargetHealth.Reason") ? text_at(d, "TargetHealth.Reason")
							      : "-");
	}
	json_object_put(health);
	return state;
}

static int set_health(const char *group, const char *address, const char *state, const char *reason)
{
	char arn[ARN_MAX];
	json_object *described = GET(PROVIDER, "DescribeTargetGroups", "{'Names': ['%s']}", group);
	struct api_error err = { 0 };
	int rc;

	snprintf(arn, sizeof(arn), "%s", text_at(described, "TargetGroups.0.TargetGroupArn"));
	json_object_put(described);
	rc = model_set_target_health(m, arn, ip(address), htons(80), state, reason, &err);
	CHECK(rc >= 0 || strcmp(err.code, "ValidationError") == 0);
	return rc;
}

/* ---- The seed lab ----------------------------------------------------------------------- */

static void seed_lab_end_to_end(void)
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
			{ 0, 0, 1, 0, 0 },
			{ 0, 80, 1, 1, 0 },
			{ 0, 0, 1, 0, 0 },
			{ 0, 80, 1, 2, 0 },
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
	CHECK_EQ(dp.iface_count, 0);
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
static void refusal_inside_transaction_writes_nothing(void)
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
	CHECK_STR(err.code, "InvalidParameter");
	CHECK(result == NULL);
	inside = snapshot();
	CHECK_STR(inside, before);
	model_rollback(m);
	json_object_put(args);
	free(before);
	free(inside);
	remove_model();
}

/* ---- Arguments -------------------------------------------------------------------------- */

static void arguments_are_read_strictly(void)
{
	fresh_model();
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer",
	       "{'Nmae': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'}]}");
	CHECK_STR(refusal.message, "unknown argument Nmae");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Adress': '10.0.1.10'}]}");
	CHECK_STR(refusal.message, "unknown argument Zones[0].Adress");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer", "{'Name': 'web'}");
	CHECK_STR(refusal.message, "missing argument Zones");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'}],"
	       " 'CrossZone': 'yes'}");
	CHECK_STR(refusal.message, "argument CrossZone must be true or false");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'web', 'Zones': {'ZoneId': 'use1-az1'}}");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'web', 'Zones': ['use1-az1=10.0.1.10']}");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 7, 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'}]}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup", "{'Name': 'tg', 'Port': '80'}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup", "{'Name': 'tg', 'Port': 80.0}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup", "{'Name': 'tg', 'Port': 0}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup", "{'Name': 'tg', 'Port': 65536}");
	CHECK_STR(refusal.message, "argument Port must be from 1 to 65535");
	REFUSE("ValidationError", PROVIDER, "DescribeLoadBalancers", "{'Names': 'web'}");
	REFUSE("ValidationError", PROVIDER, "DescribeLoadBalancers", "{'Names': [1]}");
	REFUSE("ValidationError", PROVIDER, "DescribeLoadBalancers", "[]");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'ProxyProtocolV2': 1}");
	REFUSE("ValidationError", PROVIDER, "ModifyTargetGroupAttributes",
	       "{'HealthCheckIntervalSeconds': 10}");
	CHECK_STR(refusal.message, "missing argument Name");
	REFUSE("InvalidParameterValue", "arn:aws:iam::1:root", "DescribeLoadBalancers", "{}");
	REFUSE("InvalidParameterValue", "*", "DescribeLoadBalancers", "{}");
	remove_model();
}

/* ---- Load balancers and listeners ------------------------------------------------------- */

static void load_balancer_rules(void)
{
	json_object *lb;

	fresh_model();
	lb = GET(PROVIDER, "CreateLoadBalancer",
		 "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az2', 'Address': '10.0.2.10'},"
		 " {'ZoneId': 'use1-az1', 'Address': '10.0.1.10'}]}");
	CHECK_STR(text_at(lb, "LoadBalancer.LoadBalancerName"), "web");
	CHECK(matches(text_at(lb, "LoadBalancer.LoadBalancerArn"),
		      "^arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/web/"
		      "[0-9a-f]{16}$"));
	CHECK_STR(text_at(lb, "LoadBalancer.Type"), "network");
	CHECK_STR(text_at(lb, "LoadBalancer.Scheme"), "internal");
	CHECK_STR(text_at(lb, "LoadBalancer.State.Code"), "active");
	CHECK_STR(text_at(lb, "LoadBalancer.OwnerId"), "111111111111");
	CHECK_STR(text_at(lb, "LoadBalancer.AvailabilityZones.0.ZoneId"), "use1-az1");
	CHECK_STR(text_at(lb, "LoadBalancer.AvailabilityZones.0.ZoneName"), "us-east-1a");
	CHECK_STR(text_at(lb, "LoadBalancer.AvailabilityZones.1.LoadBalancerAddresses.0."
			      "PrivateIPv4Address"),
		  "10.0.2.10");
	CHECK(!json_object_get_boolean(at(lb, "LoadBalancer.CrossZoneEnabled")));
	CHECK(matches(text_at(lb, "LoadBalancer.CreatedTime"),
		      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"));
	json_object_put(lb);

	REFUSE("DuplicateLoadBalancerName", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.3.10'}]}");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer", "{'Name': 'api', 'Zones': []}");
	REFUSE("ValidationError", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.3.10'},"
	       " {'ZoneId': 'use1-az3', 'Address': '10.0.3.11'}]}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az9', 'Address': '10.0.3.10'}]}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'euw2-az1', 'Address': '10.0.3.10'}]}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'us-east-1c', 'Address': '10.0.3.10'}]}");
	CHECK_STR(refusal.message, "us-east-1c is a zone name: give its zone id, use1-az3");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.3'}]}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': 'fd00::10'}]}");
	CHECK_STR(refusal.message, "fd00::10: endpoint services support IPv4 only");
	REFUSE("DuplicateLoadBalancerAddress", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.1.10'}]}");
	REFUSE("DuplicateLoadBalancerAddress", CONSUMER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.2.10'}]}");
	REFUSE("DuplicateLoadBalancerAddress", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.3.10'},"
	       " {'ZoneId': 'use1-az4', 'Address': '10.0.3.10'}]}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api_1', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.3.10'}]}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': '-api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.0.3.10'}]}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'abcdefghijklmnopqrstuvwxyz0123456', 'Zones':"
	       " [{'ZoneId': 'use1-az3', 'Address': '10.0.3.10'}]}");
	/* Names are per account: another account may use the same one. */
	DO(CONSUMER, "CreateLoadBalancer",
	   "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.9.3.10'}]}");
	REFUSE("LoadBalancerNotFound", PROVIDER, "DescribeLoadBalancers", "{'Names': ['api']}");
	REFUSE("LoadBalancerNotFound", PROVIDER, "ModifyLoadBalancerAttributes",
	       "{'Name': 'api', 'CrossZone': true}");
	REFUSE("LoadBalancerNotFound", PROVIDER, "DeleteLoadBalancer", "{'Name': 'api'}");

	/* Deleting a load balancer deletes its listeners; its address is free again. */
	DO(PROVIDER, "CreateTargetGroup", "{'Name': 'web-tg', 'Port': 80}");
	DO(PROVIDER, "CreateListener",
	   "{'LoadBalancerName': 'web', 'Port': 80, 'TargetGroupName': 'web-tg'}");
	DO(PROVIDER, "DeleteLoadBalancer", "{'Name': 'web'}");
	lb = GET(PROVIDER, "DescribeListeners", "{}");
	CHECK_EQ(count_at(lb, "Listeners"), 0);
	json_object_put(lb);
	DO(PROVIDER, "DeleteTargetGroup", "{'Name': 'web-tg'}");
	DO(PROVIDER, "CreateLoadBalancer",
	   "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'}]}");
	remove_model();
}

static void listener_rules(void)
{
	json_object *listener;

	fresh_model();
	DO(PROVIDER, "CreateLoadBalancer",
	   "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'}]}");
	DO(PROVIDER, "CreateLoadBalancer",
	   "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.11'}]}");
	DO(PROVIDER, "CreateTargetGroup", "{'Name': 'web-tg', 'Port': 80}");
	DO(CONSUMER, "CreateTargetGroup", "{'Name': 'theirs', 'Port': 80}");
	listener = GET(PROVIDER, "CreateListener",
		       "{'LoadBalancerName': 'web', 'Port': 443, 'TargetGroupName': 'web-tg',"
		       " 'Protocol': 'TCP'}");
	CHECK(matches(text_at(listener, "Listener.ListenerArn"),
		      "^arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/net/web/"
		      "[0-9a-f]{16}/[0-9a-f]{16}$"));
	CHECK_EQ(int_at(listener, "Listener.Port"), 443);
	CHECK_STR(text_at(listener, "Listener.Protocol"), "TCP");
	CHECK_STR(text_at(listener, "Listener.DefaultActions.0.Type"), "forward");
	json_object_put(listener);
	DO(PROVIDER, "CreateListener",
	   "{'LoadBalancerName': 'web', 'Port': 80, 'TargetGroupName': 'web-tg'}");
	listener = GET(PROVIDER, "DescribeListeners", "{'LoadBalancerName': 'web'}");
	CHECK_EQ(count_at(listener, "Listeners"), 2);
	CHECK_EQ(int_at(listener, "Listeners.0.Port"), 80);
	json_object_put(listener);
	listener = GET(PROVIDER, "DescribeTargetGroups", "{'Names': ['web-tg']}");
	CHECK_EQ(count_at(listener, "TargetGroups.0.LoadBalancerArns"), 1);
	json_object_put(listener);

	REFUSE("DuplicateListener", PROVIDER, "CreateListener",
	       "{'LoadBalancerName': 'web', 'Port': 80, 'TargetGroupName': 'web-tg'}");
	REFUSE("LoadBalancerNotFound", PROVIDER, "CreateListener",
	       "{'LoadBalancerName': 'nope', 'Port': 81, 'TargetGroupName': 'web-tg'}");
	REFUSE("TargetGroupNotFound", PROVIDER, "CreateListener",
	       "{'LoadBalancerName': 'web', 'Port': 81, 'TargetGroupName': 'theirs'}");
	REFUSE("UnsupportedProtocol", PROVIDER, "CreateListener",
	       "{'LoadBalancerName': 'web', 'Port': 81, 'TargetGroupName': 'web-tg',"
	       " 'Protocol': 'UDP'}");
	CHECK(strstr(refusal.message, "IPv4 traffic over TCP only") != NULL);
	REFUSE("UnsupportedProtocol", PROVIDER, "CreateListener",
	       "{'LoadBalancerName': 'web', 'Port': 81, 'TargetGroupName': 'web-tg',"
	       " 'Protocol': 'TLS'}");
	REFUSE("TargetGroupAssociationLimit", PROVIDER, "CreateListener",
	       "{'LoadBalancerName': 'api', 'Port': 80, 'TargetGroupName': 'web-tg'}");
	REFUSE("ListenerNotFound", PROVIDER, "DeleteListener",
	       "{'LoadBalancerName': 'web', 'Port': 81}");
	REFUSE("LoadBalancerNotFound", CONSUMER, "DeleteListener",
	       "{'LoadBalancerName': 'web', 'Port': 80}");
	REFUSE("ResourceInUse", PROVIDER, "DeleteTargetGroup", "{'Name': 'web-tg'}");
	DO(PROVIDER, "DeleteListener", "{'LoadBalancerName': 'web', 'Port': 80}");
	DO(PROVIDER, "DeleteListener", "{'LoadBalancerName': 'web', 'Port': 443}");
	DO(PROVIDER, "DeleteTargetGroup", "{'Name': 'web-tg'}");
	remove_model();
}

/* ---- Target groups and targets ---------------------------------------------------------- */

static void target_group_settings(void)
{
	json_object *tg;

	fresh_model();
	tg = GET(PROVIDER, "CreateTargetGroup", "{'Name': 'web-tg', 'Port': 80}");
	CHECK(matches(text_at(tg, "TargetGroup.TargetGroupArn"),
		      "^arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/web-tg/"
		      "[0-9a-f]{16}$"));
	CHECK_STR(text_at(tg, "TargetGroup.Protocol"), "TCP");
	CHECK_STR(text_at(tg, "TargetGroup.HealthCheckProtocol"), "TCP");
	CHECK_STR(text_at(tg, "TargetGroup.HealthCheckPort"), "traffic-port");
	CHECK_EQ(int_at(tg, "TargetGroup.HealthCheckIntervalSeconds"), 30);
	CHECK_EQ(int_at(tg, "TargetGroup.HealthCheckTimeoutSeconds"), 10);
	CHECK_EQ(int_at(tg, "TargetGroup.HealthyThresholdCount"), 5);
	CHECK_EQ(int_at(tg, "TargetGroup.UnhealthyThresholdCount"), 2);
	CHECK_EQ(int_at(tg, "TargetGroup.DeregistrationDelaySeconds"), 300);
	CHECK(!json_object_get_boolean(at(tg, "TargetGroup.DeregistrationConnectionTermination")));
	CHECK(json_object_get_boolean(at(tg, "TargetGroup.UnhealthyConnectionTermination")));
	CHECK(!json_object_get_boolean(at(tg, "TargetGroup.ProxyProtocolV2")));
	CHECK(at(tg, "TargetGroup.HealthCheckPath") == NULL);
	CHECK_EQ(count_at(tg, "TargetGroup.LoadBalancerArns"), 0);
	json_object_put(tg);

	/* HTTP has its own default timeout; path and matcher apply. */
	tg = GET(PROVIDER, "ModifyTargetGroupAttributes",
		 "{'Name': 'web-tg', 'HealthCheckProtocol': 'HTTP', 'HealthCheckPath': '/health',"
		 " 'Matcher': '200,202-204', 'HealthCheckPort': 8080}");
	CHECK_EQ(int_at(tg, "TargetGroup.HealthCheckTimeoutSeconds"), 6);
	CHECK_STR(text_at(tg, "TargetGroup.HealthCheckPath"), "/health");
	CHECK_STR(text_at(tg, "TargetGroup.Matcher"), "200,202-204");
	CHECK_STR(text_at(tg, "TargetGroup.HealthCheckPort"), "8080");
	CHECK_EQ(int_at(tg, "TargetGroup.Port"), 80);
	json_object_put(tg);
	tg = GET(PROVIDER, "ModifyTargetGroupAttributes",
		 "{'Name': 'web-tg', 'HealthCheckPort': 'traffic-port',"
		 " 'DeregistrationDelaySeconds': 0, 'ProxyProtocolV2': true}");
	CHECK_STR(text_at(tg, "TargetGroup.HealthCheckPort"), "traffic-port");
	CHECK_STR(text_at(tg, "TargetGroup.HealthCheckPath"), "/health");
	CHECK_EQ(int_at(tg, "TargetGroup.DeregistrationDelaySeconds"), 0);
	json_object_put(tg);

	REFUSE("DuplicateTargetGroupName", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'web-tg', 'Port': 81}");
	REFUSE("UnsupportedProtocol", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'udp', 'Port': 53, 'Protocol': 'UDP'}");
	REFUSE("UnsupportedProtocol", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tls', 'Port': 443, 'Protocol': 'TLS'}");
	REFUSE("UnsupportedProtocol", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'both', 'Port': 53, 'Protocol': 'TCP_UDP'}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckProtocol': 'HTTPS'}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckIntervalSeconds': 4}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckIntervalSeconds': 10}");
	CHECK(strstr(refusal.message, "below") != NULL);
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckTimeoutSeconds': 121}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthyThresholdCount': 11}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'UnhealthyThresholdCount': 1}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'DeregistrationDelaySeconds': 3601}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckPath': '/'}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckProtocol': 'HTTP', 'HealthCheckPath': 'x'}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckProtocol': 'HTTP', 'Matcher': '600'}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckProtocol': 'HTTP', 'Matcher': '299-200'}");
	REFUSE("ValidationError", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'tg', 'Port': 80, 'HealthCheckPort': 'other'}");
	REFUSE(
	    "ValidationError", PROVIDER, "ModifyTargetGroupAttributes",
	    "{'Name': 'web-tg', 'HealthCheckProtocol': 'TCP', 'HealthCheckIntervalSeconds': 10}");
	REFUSE("TargetGroupNotFound", CONSUMER, "ModifyTargetGroupAttributes",
	       "{'Name': 'web-tg', 'ProxyProtocolV2': false}");
	REFUSE("TargetGroupNotFound", CONSUMER, "DeleteTargetGroup", "{'Name': 'web-tg'}");
	REFUSE("TargetGroupNotFound", PROVIDER, "DescribeTargetGroups", "{'Names': ['nope']}");
	REFUSE("InvalidParameterValue", PROVIDER, "CreateTargetGroup",
	       "{'Name': 'web.tg', 'Port': 80}");
	remove_model();
}

static void target_registration_rules(void)
{
	json_object *health;

	fresh_model();
	DO(PROVIDER, "CreateTargetGroup", "{'Name': 'web-tg', 'Port': 80}");
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'AvailabilityZone': 'use1-az1'},"
	   " {'Id': '10.0.1.21', 'Port': 8080, 'AvailabilityZone': 'use1-az1'}]}");
	health = GET(PROVIDER, "DescribeTargetHealth", "{'Name': 'web-tg'}");
	CHECK_EQ(count_at(health, "TargetHealthDescriptions"), 2);
	CHECK_EQ(int_at(health, "TargetHealthDescriptions.1.Target.Port"), 8080);
	CHECK_STR(text_at(health, "TargetHealthDescriptions.0.Target.AvailabilityZone"),
		  "use1-az1");
	json_object_put(health);

	/* Registered already: nothing changes. */
	{
		char *before = snapshot(), *after;

		DO(PROVIDER, "RegisterTargets",
		   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'AvailabilityZone': "
		   "'use1-az1'}]}");
		after = snapshot();
		CHECK_STR(after, before);
		free(before);
		free(after);
	}
	REFUSE(
	    "TargetGroupNotFound", PROVIDER, "RegisterTargets",
	    "{'Name': 'nope', 'Targets': [{'Id': '10.0.1.22', 'AvailabilityZone': 'use1-az1'}]}");
	REFUSE(
	    "TargetGroupNotFound", CONSUMER, "RegisterTargets",
	    "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.22', 'AvailabilityZone': 'use1-az1'}]}");
	REFUSE("InvalidTarget", PROVIDER, "RegisterTargets",
	       "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.22', 'AvailabilityZone': 'use1-az1'},"
	       " {'Id': 'i-0123', 'AvailabilityZone': 'use1-az1'}]}");
	REFUSE(
	    "InvalidTarget", PROVIDER, "RegisterTargets",
	    "{'Name': 'web-tg', 'Targets': [{'Id': 'fd00::21', 'AvailabilityZone': 'use1-az1'}]}");
	REFUSE(
	    "InvalidTarget", PROVIDER, "RegisterTargets",
	    "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.22', 'AvailabilityZone': 'use1-az7'}]}");
	REFUSE(
	    "InvalidTarget", PROVIDER, "RegisterTargets",
	    "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'AvailabilityZone': 'use1-az2'}]}");
	/* A node IP is the load balancer's own: as a target, it would loop. */
	DO(PROVIDER, "CreateLoadBalancer",
	   "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'}]}");
	REFUSE(
	    "InvalidTarget", PROVIDER, "RegisterTargets",
	    "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.10', 'AvailabilityZone': 'use1-az1'}]}");
	CHECK_STR(refusal.message,
		  "10.0.1.10 is the node IP of a load balancer: a target is a host behind one");
	REFUSE("DuplicateLoadBalancerAddress", CONSUMER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.21'}]}");
	CHECK_STR(refusal.message,
		  "address 10.0.1.21 is a registered target: a node IP cannot be one");
	REFUSE("ValidationError", PROVIDER, "RegisterTargets",
	       "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.22'}]}");
	REFUSE("ValidationError", PROVIDER, "RegisterTargets", "{'Name': 'web-tg', 'Targets': []}");
	REFUSE("InvalidTarget", PROVIDER, "DeregisterTargets",
	       "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21'}, {'Id': '10.0.1.99'}]}");
	REFUSE("InvalidTarget", PROVIDER, "DeregisterTargets",
	       "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'Port': 81}]}");
	REFUSE(
	    "ValidationError", PROVIDER, "DeregisterTargets",
	    "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'AvailabilityZone': 'use1-az1'}]}");
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21'}]}");
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "draining Target.DeregistrationInProgress");
	remove_model();
}

/* ---- Ownership and principals ----------------------------------------------------------- */

static void other_accounts_see_nothing(void)
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

static void allowed_principals_decide_who_sees_a_service(void)
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

/* ---- Endpoints -------------------------------------------------------------------------- */

static void endpoint_subnet_rules(void)
{
	char endpoint[ID_MAX];

	fresh_model();
	provider_lab(true);
	create_endpoint(CONSUMER, 50, endpoint);
	REFUSE("DuplicateSubnetsInSameZone", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.60'},"
	       " {'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.61'}]}",
	       service);
	REFUSE("InvalidParameter", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.60'},"
	       " {'AvailabilityZoneId': 'use1-az3', 'Ipv4': '10.1.3.60'}]}",
	       service);
	{
		char expected[512];

		snprintf(
		    expected, sizeof(expected),
		    "The VPC endpoint service %s does not support the availability zone of the "
		    "subnet: use1-az3",
		    service);
		CHECK_STR(refusal.message, expected);
	}
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az', 'Ipv4': '10.1.1.60'}]}",
	       service);
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.600'}]}",
	       service);
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': 'fd00:1::50'}]}",
	       service);
	CHECK(strstr(refusal.message, "IPv4 only") != NULL);
	REFUSE("ValidationError", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv6': 'fd00:1::50'}]}",
	       service);
	REFUSE("ValidationError", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations': []}", service);
	REFUSE("InvalidVpcEndpointType", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'VpcEndpointType': 'Gateway', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.60'}]}",
	       service);
	REFUSE("DuplicateEndpointAddress", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.50'}]}",
	       service);
	REFUSE("DuplicateEndpointAddress", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.0.1.10'}]}",
	       service);
	REFUSE("InvalidParameterValue", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.0.5'}]}",
	       service);
	CHECK(strstr(refusal.message, "load balancer node itself") != NULL);
	REFUSE("DuplicateLoadBalancerAddress", PROVIDER, "CreateLoadBalancer",
	       "{'Name': 'api', 'Zones': [{'ZoneId': 'use1-az3', 'Address': '10.1.1.50'}]}");
	/* A rejected endpoint keeps its addresses; a deleted one frees them. */
	DO(PROVIDER, "RejectVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, endpoint);
	REFUSE("DuplicateEndpointAddress", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.1.2.50'}]}",
	       service);
	DO(CONSUMER, "DeleteVpcEndpoints", "{'VpcEndpointIds': ['%s']}", endpoint);
	create_endpoint(CONSUMER, 50, endpoint);
	remove_model();
}

/* Whether the projection has a frontend (an ENI's own entry or a listener) at `address`. */
static bool has_frontend(const char *address)
{
	struct dataplane dp;
	bool found = false;

	project(&dp);
	for (size_t i = 0; i < dp.frontend_count && !found; i++)
		found = dp.frontends[i].eni_addr == ip(address);
	dataplane_free(&dp);
	return found;
}

/* ModifyVpcEndpoint: ENIs go, then come; the endpoint keeps its id, state and names, its
 * zonal names follow its zones, and the data path follows its addresses. */
static void endpoint_subnets_change_in_place(void)
{
	char endpoint[ID_MAX], regional[DNS_NAME_MAX];
	json_object *view;

	fresh_model();
	provider_lab(false);
	create_endpoint(CONSUMER, 50, endpoint);
	view = GET(CONSUMER, "DescribeVpcEndpoints", "{'VpcEndpointIds': ['%s']}", endpoint);
	snprintf(regional, sizeof(regional), "%s",
		 text_at(view, "VpcEndpoints.0.DnsEntries.0.DnsName"));
	json_object_put(view);
	DO(CONSUMER, "ModifyVpcEndpoint",
	   "{'VpcEndpointId': '%s', 'RemoveSubnetConfigurations':"
	   " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.50'}], 'AddSubnetConfigurations':"
	   " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.51'}]}",
	   endpoint);
	view = GET(CONSUMER, "DescribeVpcEndpoints", "{'VpcEndpointIds': ['%s']}", endpoint);
	CHECK_STR(text_at(view, "VpcEndpoints.0.State"), "available");
	CHECK_STR(text_at(view, "VpcEndpoints.0.DnsEntries.0.DnsName"), regional);
	CHECK_EQ(count_at(view, "VpcEndpoints.0.DnsEntries"), 3);
	CHECK_STR(text_at(view, "VpcEndpoints.0.NetworkInterfaces.0.PrivateIpAddress"),
		  "10.1.1.51");
	json_object_put(view);
	CHECK(has_frontend("10.1.1.51"));
	CHECK(!has_frontend("10.1.1.50"));

	DO(CONSUMER, "ModifyVpcEndpoint",
	   "{'VpcEndpointId': '%s', 'RemoveSubnetConfigurations':"
	   " [{'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.1.2.50'}]}",
	   endpoint);
	view = GET(CONSUMER, "DescribeVpcEndpoints", "{'VpcEndpointIds': ['%s']}", endpoint);
	CHECK_EQ(count_at(view, "VpcEndpoints.0.NetworkInterfaces"), 1);
	CHECK_EQ(count_at(view, "VpcEndpoints.0.DnsEntries"), 2);
	json_object_put(view);
	CHECK(!has_frontend("10.1.2.50"));

	REFUSE("InvalidParameter", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'RemoveSubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.51'}]}",
	       endpoint);
	CHECK_STR(refusal.message, "an interface endpoint keeps at least one subnet");
	REFUSE("InvalidParameter", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'RemoveSubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.50'}]}",
	       endpoint);
	REFUSE("DuplicateSubnetsInSameZone", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'AddSubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.52'}]}",
	       endpoint);
	REFUSE("InvalidParameter", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'AddSubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az3', 'Ipv4': '10.1.3.50'}]}",
	       endpoint);
	REFUSE("DuplicateEndpointAddress", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'AddSubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.0.1.10'}]}",
	       endpoint);
	/* only the owner changes it: to the provider it does not exist */
	REFUSE("InvalidVpcEndpointId.NotFound", PROVIDER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'AddSubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.1.2.50'}]}",
	       endpoint);
	DO(CONSUMER, "DeleteVpcEndpoints", "{'VpcEndpointIds': ['%s']}", endpoint);
	REFUSE("InvalidState", CONSUMER, "ModifyVpcEndpoint",
	       "{'VpcEndpointId': '%s', 'AddSubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.1.2.50'}]}",
	       endpoint);
	remove_model();
}

static void endpoint_state_machine(void)
{
	char first[ID_MAX], second[ID_MAX], third[ID_MAX];
	json_object *view;
	struct dataplane dp;

	fresh_model();
	provider_lab(true);
	create_endpoint(CONSUMER, 50, first);
	create_endpoint(CONSUMER, 51, second);
	CHECK_STR(endpoint_state(CONSUMER, first), "pendingAcceptance");
	DO(PROVIDER, "AcceptVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, first);
	CHECK_STR(endpoint_state(CONSUMER, first), "available");
	/* Accepting again is harmless. */
	DO(PROVIDER, "AcceptVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, first);
	/* The provider may reject an endpoint it accepted, or one still pending. */
	DO(PROVIDER, "RejectVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s', '%s']}", service_id, first, second);
	CHECK_STR(endpoint_state(CONSUMER, first), "rejected");
	CHECK_STR(endpoint_state(CONSUMER, second), "rejected");
	UNSUCCESSFUL("InvalidState", PROVIDER, "AcceptVpcEndpointConnections",
		     "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, first);
	UNSUCCESSFUL("InvalidVpcEndpointId.NotFound", PROVIDER, "AcceptVpcEndpointConnections",
		     "{'ServiceId': '%s', 'VpcEndpointIds': ['vpce-00000000000000000']}",
		     service_id);
	UNSUCCESSFUL("InvalidVpcEndpointId.Malformed", PROVIDER, "RejectVpcEndpointConnections",
		     "{'ServiceId': '%s', 'VpcEndpointIds': ['vpce-xyz']}", service_id);
	REFUSE("ValidationError", PROVIDER, "AcceptVpcEndpointConnections",
	       "{'ServiceId': '%s', 'VpcEndpointIds': []}", service_id);
	/* A batch answers for each id: the good one moves, the bad one is listed. */
	create_endpoint(CONSUMER, 52, third);
	view =
	    GET(PROVIDER, "AcceptVpcEndpointConnections",
		"{'ServiceId': '%s', 'VpcEndpointIds': ['%s', '%s']}", service_id, second, third);
	CHECK_EQ(count_at(view, "Unsuccessful"), 1);
	CHECK_STR(text_at(view, "Unsuccessful.0.ResourceId"), second);
	json_object_put(view);
	CHECK_STR(endpoint_state(CONSUMER, third), "available");

	/* Rejected endpoints keep a slot and frontends, so their packets are counted. */
	project(&dp);
	CHECK_EQ(dp.endpoint_count, 3);
	CHECK_EQ(dp.endpoints[0].state, XL_EP_REJECTED);
	CHECK_EQ(dp.frontend_count, 12);
	dataplane_free(&dp);

	/* Deleted: listed as deleted, without ENIs, slot and frontends. */
	DO(CONSUMER, "DeleteVpcEndpoints", "{'VpcEndpointIds': ['%s']}", first);
	view = GET(CONSUMER, "DescribeVpcEndpoints", "{'VpcEndpointIds': ['%s']}", first);
	CHECK_STR(text_at(view, "VpcEndpoints.0.State"), "deleted");
	CHECK_EQ(count_at(view, "VpcEndpoints.0.NetworkInterfaces"), 0);
	CHECK_EQ(count_at(view, "VpcEndpoints.0.DnsEntries"), 0);
	json_object_put(view);
	DO(CONSUMER, "DeleteVpcEndpoints", "{'VpcEndpointIds': ['%s']}", first);
	UNSUCCESSFUL("InvalidState", PROVIDER, "AcceptVpcEndpointConnections",
		     "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, first);
	UNSUCCESSFUL("InvalidState", PROVIDER, "RejectVpcEndpointConnections",
		     "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, first);
	UNSUCCESSFUL("InvalidVpcEndpointId.Malformed", CONSUMER, "DeleteVpcEndpoints",
		     "{'VpcEndpointIds': ['vpce-1']}");
	project(&dp);
	CHECK_EQ(dp.endpoint_count, 2);
	CHECK_EQ(dp.endpoints[0].slot, 2);
	CHECK_EQ(dp.frontend_count, 8);
	dataplane_free(&dp);
	/* Its slot is free for the next endpoint. */
	create_endpoint(CONSUMER, 53, first);
	project(&dp);
	CHECK_EQ(dp.endpoints[0].slot, 1);
	CHECK_STR(dp.endpoints[0].id, first);
	dataplane_free(&dp);
	remove_model();
}

static void endpoints_without_acceptance_are_available_at_once(void)
{
	char endpoint[ID_MAX];

	fresh_model();
	provider_lab(false);
	create_endpoint(CONSUMER, 50, endpoint);
	CHECK_STR(endpoint_state(CONSUMER, endpoint), "available");
	/* Changing acceptance leaves existing endpoints as they are. */
	DO(PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	   "{'ServiceId': '%s', 'AcceptanceRequired': true}", service_id);
	CHECK_STR(endpoint_state(CONSUMER, endpoint), "available");
	create_endpoint(CONSUMER, 51, endpoint);
	CHECK_STR(endpoint_state(CONSUMER, endpoint), "pendingAcceptance");
	DO(PROVIDER, "ModifyVpcEndpointServiceConfiguration",
	   "{'ServiceId': '%s', 'AcceptanceRequired': false}", service_id);
	CHECK_STR(endpoint_state(CONSUMER, endpoint), "pendingAcceptance");
	remove_model();
}

static void removing_a_principal_keeps_accepted_endpoints(void)
{
	char endpoint[ID_MAX];
	struct dataplane dp;

	fresh_model();
	provider_lab(true);
	create_endpoint(CONSUMER, 50, endpoint);
	DO(PROVIDER, "AcceptVpcEndpointConnections",
	   "{'ServiceId': '%s', 'VpcEndpointIds': ['%s']}", service_id, endpoint);
	DO(PROVIDER, "ModifyVpcEndpointServicePermissions",
	   "{'ServiceId': '%s', 'RemoveAllowedPrincipals': ['arn:aws:iam::222222222222:root']}",
	   service_id);
	CHECK_STR(endpoint_state(CONSUMER, endpoint), "available");
	project(&dp);
	CHECK_EQ(dp.endpoint_count, 1);
	CHECK_EQ(dp.endpoints[0].state, XL_EP_AVAILABLE);
	dataplane_free(&dp);
	REFUSE("InvalidServiceName", CONSUMER, "CreateVpcEndpoint",
	       "{'ServiceName': '%s', 'SubnetConfigurations':"
	       " [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.1.1.60'}]}",
	       service);
	remove_model();
}

/* ---- Services --------------------------------------------------------------------------- */

static void service_configuration_rules(void)
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

static void service_deletion_rules(void)
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
static void several_load_balancers_one_per_zone(void)
{
	char a_arn[ARN_MAX], b_arn[ARN_MAX];
	json_object *view;
	int a_in_az1 = 0, b_in_az1 = 0;

	fresh_model();
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
			   service, i + 1, i + 1, i + 1);
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

/* ---- Health, fail-open, draining -------------------------------------------------------- */

static void health_states_follow_aws(void)
{
	struct model_target *targets = NULL;
	struct api_error err = { 0 };
	size_t count = 0;

	fresh_model();
	DO(PROVIDER, "CreateLoadBalancer",
	   "{'Name': 'web', 'Zones': [{'ZoneId': 'use1-az1', 'Address': '10.0.1.10'},"
	   " {'ZoneId': 'use1-az2', 'Address': '10.0.2.10'}]}");
	DO(PROVIDER, "CreateTargetGroup",
	   "{'Name': 'web-tg', 'Port': 80, 'HealthCheckProtocol': 'HTTP', 'HealthCheckPath': '/up',"
	   " 'HealthCheckIntervalSeconds': 10, 'UnhealthyThresholdCount': 3}");
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'AvailabilityZone': 'use1-az1'},"
	   " {'Id': '10.0.3.21', 'AvailabilityZone': 'use1-az3'}]}");
	/* No listener forwards to the group: its targets are unused and not checked. */
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "unused Target.NotInUse");
	CHECK_EQ(set_health("web-tg", "10.0.1.21", "healthy", ""), 0);
	DO(PROVIDER, "CreateListener",
	   "{'LoadBalancerName': 'web', 'Port': 80, 'TargetGroupName': 'web-tg'}");
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "initial Elb.InitialHealthChecking");
	/* A zone the load balancer does not have: unused. */
	CHECK_STR(target_state("web-tg", "10.0.3.21"), "unused Target.NotInUse");
	CHECK_EQ(set_health("web-tg", "10.0.3.21", "healthy", ""), 0);

	CHECK_EQ(model_list_targets(m, &targets, &count, &err), 0);
	CHECK_EQ(count, 2);
	if (targets && count == 2) {
		CHECK_STR(targets[0].group, "web-tg");
		CHECK(strncmp(targets[0].group_arn, "arn:aws:elasticloadbalancing:", 29) == 0);
		CHECK_EQ(targets[0].addr, ip("10.0.1.21"));
		CHECK_EQ(targets[0].port, htons(80));
		CHECK_STR(targets[0].account, "111111111111");
		CHECK_EQ(targets[0].backend, 1);
		CHECK_EQ(targets[0].member, 1);
		CHECK_STR(targets[0].zone, "use1-az1");
		CHECK_STR(targets[0].state, "initial");
		CHECK_EQ(targets[0].source_addr, ip("10.0.1.10"));
		CHECK(targets[0].http);
		CHECK_EQ(targets[0].check_port, htons(80));
		CHECK_STR(targets[0].path, "/up");
		CHECK_STR(targets[0].matcher, "200-399");
		CHECK_EQ(targets[0].interval_s, 10);
		CHECK_EQ(targets[0].timeout_s, 6);
		CHECK_EQ(targets[0].healthy_threshold, 5);
		CHECK_EQ(targets[0].unhealthy_threshold, 3);
		CHECK_EQ(targets[1].source_addr, 0);
		CHECK_STR(targets[1].state, "unused");
	}
	free(targets);

	CHECK_EQ(set_health("web-tg", "10.0.1.21", "healthy", ""), 1);
	CHECK_EQ(set_health("web-tg", "10.0.1.21", "healthy", NULL), 0);
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "healthy -");
	CHECK_EQ(set_health("web-tg", "10.0.1.21", "unhealthy", "Target.Timeout"), 1);
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "unhealthy Target.Timeout");
	CHECK_EQ(set_health("web-tg", "10.0.1.21", "unhealthy", ""), 1);
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "unhealthy Target.FailedHealthChecks");
	CHECK_EQ(set_health("web-tg", "10.0.1.21", "sleepy", ""), -1);
	CHECK_EQ(set_health("web-tg", "10.0.1.21", "healthy", "Target.Timeout"), -1);
	CHECK_EQ(set_health("web-tg", "10.0.1.21", "unhealthy", "Bogus"), -1);
	CHECK_EQ(set_health("web-tg", "10.0.9.99", "healthy", ""), 0);

	/* Out of use and back: checked from scratch. */
	DO(PROVIDER, "DeleteListener", "{'LoadBalancerName': 'web', 'Port': 80}");
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "unused Target.NotInUse");
	DO(PROVIDER, "CreateListener",
	   "{'LoadBalancerName': 'web', 'Port': 80, 'TargetGroupName': 'web-tg'}");
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "initial Elb.InitialHealthChecking");
	remove_model();
}

static void tables_fail_open_when_nothing_is_healthy(void)
{
	char endpoint[ID_MAX], members[64];

	fresh_model();
	provider_lab(false);
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.22', 'AvailabilityZone': 'use1-az1'},"
	   " {'Id': '10.0.1.23', 'AvailabilityZone': 'use1-az1'}]}");
	create_endpoint(CONSUMER, 50, endpoint);
	/* backends: 1 = .1.21, 2 = .2.21, 3 = .1.22, 4 = .1.23 */
	members_of("10.1.1.50", 80, members, sizeof(members));
	CHECK_STR(members, "1,3,4");
	set_health("web-tg", "10.0.1.22", "healthy", "");
	members_of("10.1.1.50", 80, members, sizeof(members));
	CHECK_STR(members, "3");
	set_health("web-tg", "10.0.1.22", "unhealthy", "");
	set_health("web-tg", "10.0.1.21", "unhealthy", "");
	set_health("web-tg", "10.0.1.23", "unhealthy", "");
	members_of("10.1.1.50", 80, members, sizeof(members));
	CHECK_STR(members, "1,3,4");
	/* Draining targets take no new flows, failing open or not. */
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.23'}]}");
	members_of("10.1.1.50", 80, members, sizeof(members));
	CHECK_STR(members, "1,3");
	members_of("10.1.2.50", 80, members, sizeof(members));
	CHECK_STR(members, "2");
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.2.21'}]}");
	members_of("10.1.2.50", 80, members, sizeof(members));
	CHECK_STR(members, "");
	/* Cross-zone: one table over every zone. */
	DO(PROVIDER, "ModifyLoadBalancerAttributes", "{'Name': 'web', 'CrossZone': true}");
	set_health("web-tg", "10.0.1.22", "healthy", "");
	members_of("10.1.2.50", 80, members, sizeof(members));
	CHECK_STR(members, "3");
	members_of("10.1.1.50", 0, members, sizeof(members));
	CHECK_STR(members, "(no table)");
	remove_model();
}

static void unhealthy_targets_have_their_flows_reset(void)
{
	char endpoint[ID_MAX];

	fresh_model();
	provider_lab(false);
	create_endpoint(CONSUMER, 50, endpoint);
	/* Unhealthy alone in its zone: the zone fails open, flows stay. */
	set_health("web-tg", "10.0.1.21", "healthy", "");
	set_health("web-tg", "10.0.2.21", "unhealthy", "");
	CHECK_EQ(backend_flags(2), 0);
	/* Cross-zone: a healthy target elsewhere, so the unhealthy one is cut off. */
	DO(PROVIDER, "ModifyLoadBalancerAttributes", "{'Name': 'web', 'CrossZone': true}");
	CHECK_EQ(backend_flags(2), XL_BE_RESET_FLOWS);
	CHECK_EQ(backend_flags(1), 0);
	DO(PROVIDER, "ModifyTargetGroupAttributes",
	   "{'Name': 'web-tg', 'UnhealthyConnectionTermination': false}");
	CHECK_EQ(backend_flags(2), 0);
	DO(PROVIDER, "ModifyTargetGroupAttributes",
	   "{'Name': 'web-tg', 'UnhealthyConnectionTermination': true}");
	/* Registered healthy in another group: its flows there are kept. */
	DO(PROVIDER, "CreateTargetGroup", "{'Name': 'other', 'Port': 80}");
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'other', 'Targets': [{'Id': '10.0.2.21', 'AvailabilityZone': 'use1-az2'}]}");
	CHECK_EQ(backend_flags(2), 0);
	remove_model();
}

static void deregistered_targets_drain_then_leave(void)
{
	char endpoint[ID_MAX];
	int64_t now = time(NULL);
	struct api_error err = { 0 };

	fresh_model();
	provider_lab(false);
	create_endpoint(CONSUMER, 50, endpoint);
	DO(PROVIDER, "ModifyTargetGroupAttributes",
	   "{'Name': 'web-tg', 'DeregistrationDelaySeconds': 60,"
	   " 'DeregistrationConnectionTermination': true}");
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.2.21'}]}");
	CHECK_STR(target_state("web-tg", "10.0.2.21"), "draining Target.DeregistrationInProgress");
	CHECK_EQ(backend_flags(2), 0);
	CHECK_EQ(set_health("web-tg", "10.0.2.21", "healthy", ""), 0);
	/* Deregistering again changes nothing: the delay runs on. */
	{
		char *before = snapshot(), *after;

		DO(PROVIDER, "DeregisterTargets",
		   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.2.21'}]}");
		after = snapshot();
		CHECK_STR(after, before);
		free(before);
		free(after);
	}
	CHECK_EQ(model_expire_draining(m, now + 30, &err), 0);
	CHECK_STR(target_state("web-tg", "10.0.2.21"), "draining Target.DeregistrationInProgress");
	CHECK_EQ(model_expire_draining(m, now + 61, &err), 1);
	CHECK_STR(target_state("web-tg", "10.0.2.21"), "(missing)");
	/* Gone from its group, past its delay, with termination on: its flows are reset. */
	CHECK_EQ(backend_flags(2), XL_BE_RESET_FLOWS);
	CHECK_EQ(model_expire_draining(m, now + 61, &err), 0);
	/* Registered again: welcome, no reset. */
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.2.21', 'AvailabilityZone': 'use1-az2'}]}");
	CHECK_EQ(backend_flags(2), 0);
	CHECK_STR(target_state("web-tg", "10.0.2.21"), "initial Elb.InitialHealthChecking");
	/* A draining target registered again is back at once. */
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21'}]}");
	DO(PROVIDER, "RegisterTargets",
	   "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21', 'AvailabilityZone': 'use1-az1'}]}");
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "initial Elb.InitialHealthChecking");
	CHECK_EQ(model_expire_draining(m, now + 3600, &err), 0);
	/* Without termination, flows of a drained target end on their own. */
	DO(PROVIDER, "ModifyTargetGroupAttributes",
	   "{'Name': 'web-tg', 'DeregistrationConnectionTermination': false}");
	DO(PROVIDER, "DeregisterTargets", "{'Name': 'web-tg', 'Targets': [{'Id': '10.0.1.21'}]}");
	CHECK_EQ(model_expire_draining(m, now + 3600, &err), 1);
	CHECK_EQ(backend_flags(1), 0);
	remove_model();
}

/* ---- Slots ------------------------------------------------------------------------------ */

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

static void unused_slots_wait_for_the_data_path(void)
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
static void registrations_have_member_slots_of_their_own(void)
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

static void slots_run_out_with_a_clear_refusal(void)
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

static void state_and_slots_survive_a_restart(void)
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

static void opening_checks_region_and_limits(void)
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
	CHECK_STR(err.code, "InvalidParameterValue");
	options.region = "us-east-1";
	open_model();
	remove_model();
}

/* ---- Interfaces ------------------------------------------------------------------------- */

static void interfaces_are_validated_and_kept(void)
{
	json_object *attached;
	struct dataplane dp;

	fresh_model();
	attached = GET(PROVIDER, "AttachInterface", "{'Name': 'lo', 'Role': 'consumer'}");
	CHECK_STR(text_at(attached, "Interface.Mode"), "native");
	json_object_put(attached);
	project(&dp);
	CHECK_EQ(dp.iface_count, 1);
	CHECK_STR(dp.ifaces[0].name, "lo");
	CHECK_EQ(dp.ifaces[0].role, XL_ROLE_CONSUMER);
	CHECK(!dp.ifaces[0].generic);
	dataplane_free(&dp);
	DO(PROVIDER, "AttachInterface", "{'Name': 'lo', 'Role': 'both', 'Mode': 'generic'}");
	project(&dp);
	CHECK_EQ(dp.iface_count, 1);
	CHECK_EQ(dp.ifaces[0].role, XL_ROLE_BOTH);
	CHECK(dp.ifaces[0].generic);
	dataplane_free(&dp);
	REFUSE("InvalidParameterValue", PROVIDER, "AttachInterface",
	       "{'Name': 'lo', 'Role': 'middle'}");
	REFUSE("InvalidParameterValue", PROVIDER, "AttachInterface",
	       "{'Name': 'lo', 'Role': 'provider', 'Mode': 'offload'}");
	REFUSE("InvalidParameterValue", PROVIDER, "AttachInterface",
	       "{'Name': 'a/b', 'Role': 'provider'}");
	REFUSE("InterfaceNotFound", PROVIDER, "AttachInterface",
	       "{'Name': 'xl-nothere0', 'Role': 'provider'}");
	REFUSE("InterfaceNotFound", PROVIDER, "DetachInterface", "{'Name': 'eth9'}");
	DO(PROVIDER, "DetachInterface", "{'Name': 'lo'}");
	project(&dp);
	CHECK_EQ(dp.iface_count, 0);
	dataplane_free(&dp);
	remove_model();
}

static void unknown_actions_are_not_the_model_s(void)
{
	CHECK(model_find_action("CreateLoadBalancer") != NULL);
	CHECK(model_find_action("CreateLoadBalancer")->mutates);
	CHECK(!model_find_action("DescribeLoadBalancers")->mutates);
	CHECK(model_find_action("DescribeAgent") == NULL);
	CHECK(model_find_action("GetStats") == NULL);
	CHECK(model_find_action("createloadbalancer") == NULL);
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		TEST_CASE(seed_lab_end_to_end),
		TEST_CASE(refusal_inside_transaction_writes_nothing),
		TEST_CASE(arguments_are_read_strictly),
		TEST_CASE(load_balancer_rules),
		TEST_CASE(listener_rules),
		TEST_CASE(target_group_settings),
		TEST_CASE(target_registration_rules),
		TEST_CASE(other_accounts_see_nothing),
		TEST_CASE(allowed_principals_decide_who_sees_a_service),
		TEST_CASE(endpoint_subnet_rules),
		TEST_CASE(endpoint_subnets_change_in_place),
		TEST_CASE(endpoint_state_machine),
		TEST_CASE(endpoints_without_acceptance_are_available_at_once),
		TEST_CASE(removing_a_principal_keeps_accepted_endpoints),
		TEST_CASE(service_configuration_rules),
		TEST_CASE(service_deletion_rules),
		TEST_CASE(several_load_balancers_one_per_zone),
		TEST_CASE(health_states_follow_aws),
		TEST_CASE(tables_fail_open_when_nothing_is_healthy),
		TEST_CASE(unhealthy_targets_have_their_flows_reset),
		TEST_CASE(deregistered_targets_drain_then_leave),
		TEST_CASE(unused_slots_wait_for_the_data_path),
		TEST_CASE(registrations_have_member_slots_of_their_own),
		TEST_CASE(slots_run_out_with_a_clear_refusal),
		TEST_CASE(state_and_slots_survive_a_restart),
		TEST_CASE(opening_checks_region_and_limits),
		TEST_CASE(interfaces_are_validated_and_kept),
		TEST_CASE(unknown_actions_are_not_the_model_s),
	};

	return RUN_TESTS("model", cases, argc, argv);
}
