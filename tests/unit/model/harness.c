/* SPDX-License-Identifier: MIT */
/* What the model's tests share (harness.h): running actions as the daemon does, reading
 * results, snapshots of every account's view and of the projection, and the fixtures. */
#include <arpa/inet.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

char directory[64];
char state_path[128];

/* The node's own address in these tests: its consumer-facing one in the seed lab. */
static bool node_has_address(const char *address)
{
	return strcmp(address, "10.1.1.5") == 0;
}

struct model_options options = {
	.path = state_path,
	.region = "us-east-1",
	.max_endpoints = 64,
	.max_backends = 64,
	.max_members = 128,
	.max_pools = 256,
	.max_tables = 64,
	.node_has_address = node_has_address,
};
struct model *m;
struct api_error last_error; /* of the last act() */
struct api_error refusal;    /* of the last REFUSE */

/* ---- Running actions -------------------------------------------------------------------- */

/* ---- The projection in pieces --------------------------------------------------------
 * The daemon programs the maps with the projection of what each change touched, not with
 * the whole. Here each committed change is applied that way to lines that stand for the
 * maps, which must then equal the whole projection: a key that a change altered but its
 * scope missed would differ. */

struct map_line {
	char key[48];
	char value[200];
};

static struct {
	struct map_line *lines;
	size_t count, capacity;
} maps;

static void add_line(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_line(const char *key, const char *fmt, ...)
{
	va_list ap;

	if (maps.count == maps.capacity) {
		maps.capacity = maps.capacity ? 2 * maps.capacity : 256;
		maps.lines = realloc(maps.lines, maps.capacity * sizeof(*maps.lines));
		if (!maps.lines)
			abort();
	}
	snprintf(maps.lines[maps.count].key, sizeof(maps.lines[0].key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(maps.lines[maps.count].value, sizeof(maps.lines[0].value), fmt, ap);
	va_end(ap);
	maps.count++;
}

/* The lines of a projection, keyed as the maps are. */
static void add_lines(const struct dataplane *dp)
{
	char key[48];

	for (size_t i = 0; i < dp->frontend_count; i++) {
		const struct dp_frontend *f = &dp->frontends[i];

		snprintf(key, sizeof(key), "fe %08x %u", f->eni_addr, ntohs(f->port));
		add_line(key, "ep %u table %u snat %08x%s", f->endpoint, f->table, f->snat_addr,
			 f->security_groups ? " guarded" : "");
	}
	for (size_t i = 0; i < dp->guard_count; i++) {
		char rules[400] = "";
		size_t used = 0;

		for (size_t j = 0; j < dp->guards[i].count && used < sizeof(rules); j++)
			used += (size_t)snprintf(
			    rules + used, sizeof(rules) - used, " %08x/%u:%u-%u",
			    dp->guards[i].rules[j].addr, dp->guards[i].rules[j].prefix,
			    dp->guards[i].rules[j].from, dp->guards[i].rules[j].to);
		snprintf(key, sizeof(key), "guard %u", dp->guards[i].slot);
		add_line(key, "%s", rules);
	}
	for (size_t i = 0; i < dp->endpoint_count; i++) {
		snprintf(key, sizeof(key), "ep %u", dp->endpoints[i].slot);
		add_line(key, "%u %s %s", dp->endpoints[i].state, dp->endpoints[i].id,
			 dp->endpoints[i].service_id);
	}
	for (size_t i = 0; i < dp->backend_count; i++) {
		snprintf(key, sizeof(key), "be %u", dp->backends[i].slot);
		add_line(key, "%08x:%u %u", dp->backends[i].addr, ntohs(dp->backends[i].port),
			 dp->backends[i].flags);
	}
	for (size_t i = 0; i < dp->member_count; i++) {
		snprintf(key, sizeof(key), "member %u", dp->members[i].slot);
		add_line(key, "%u", dp->members[i].backend);
	}
	for (size_t i = 0; i < dp->pool_count; i++) {
		snprintf(key, sizeof(key), "pool %u", dp->pools[i].slot);
		add_line(key, "%08x %u", dp->pools[i].snat_addr, dp->pools[i].backend);
	}
	for (size_t i = 0; i < dp->table_count; i++) {
		char members[200] = "";
		size_t used = 0;

		for (size_t j = 0; j < dp->tables[i].count && used < sizeof(members); j++)
			used += (size_t)snprintf(members + used, sizeof(members) - used, " %u/%u",
						 dp->tables[i].members[j].member,
						 dp->tables[i].members[j].backend);
		snprintf(key, sizeof(key), "table %u", dp->tables[i].slot);
		add_line(key, "%s", members);
	}
	for (size_t i = 0; i < dp->iface_count; i++) {
		snprintf(key, sizeof(key), "iface %s", dp->ifaces[i].name);
		add_line(key, "%u %d", dp->ifaces[i].role, dp->ifaces[i].generic);
	}
}

static bool has_key(const struct dp_keys *keys, uint32_t key)
{
	for (size_t i = 0; i < keys->count; i++)
		if (keys->keys[i] == key)
			return true;
	return false;
}

/* Whether a line is one of the keys the scope covers. */
static bool covered(const struct dataplane_scope *scope, const char *key)
{
	unsigned int slot, addr;

	if (scope->all)
		return true;
	if (sscanf(key, "fe %x", &addr) == 1)
		return scope->all_frontends || has_key(&scope->addresses, addr);
	if (!strncmp(key, "iface ", 6))
		return scope->ifaces;
	if (sscanf(key, "ep %u", &slot) == 1 || sscanf(key, "guard %u", &slot) == 1)
		return has_key(&scope->endpoints, slot);
	if (sscanf(key, "be %u", &slot) == 1)
		return has_key(&scope->backends, slot);
	if (sscanf(key, "member %u", &slot) == 1)
		return has_key(&scope->members, slot);
	if (sscanf(key, "pool %u", &slot) == 1)
		return has_key(&scope->pools, slot);
	return sscanf(key, "table %u", &slot) == 1 && has_key(&scope->tables, slot);
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct map_line *)a)->key, ((const struct map_line *)b)->key);
}

/* What the map writer does: every line the scope covers is replaced by the projection's. */
static void apply_in_pieces(const struct dataplane *part)
{
	size_t kept = 0;

	for (size_t i = 0; i < maps.count; i++)
		if (!covered(part->scope, maps.lines[i].key))
			maps.lines[kept++] = maps.lines[i];
	maps.count = kept;
	add_lines(part);
	qsort(maps.lines, maps.count, sizeof(*maps.lines), by_key);
}

/* The lines of the whole projection, compared with those built in pieces. */
static void check_pieces_add_up(const char *action)
{
	struct map_line *pieces = maps.lines;
	size_t count = maps.count;
	struct dataplane whole;
	bool same;

	project(&whole);
	maps.lines = NULL;
	maps.count = maps.capacity = 0;
	add_lines(&whole);
	qsort(maps.lines, maps.count, sizeof(*maps.lines), by_key);
	same = count == maps.count;
	for (size_t i = 0; same && i < count; i++)
		same = !strcmp(pieces[i].key, maps.lines[i].key) &&
		       !strcmp(pieces[i].value, maps.lines[i].value);
	if (!same)
		check_fail(__FILE__, __LINE__,
			   "after %s, the projection of the change's scope does not add up to "
			   "the whole projection",
			   action);
	free(pieces);
	dataplane_free(&whole);
}

/* The maps as a restarted agent makes them: the whole projection. */
static void project_whole(void)
{
	struct dataplane whole;

	maps.count = 0;
	project(&whole);
	add_lines(&whole);
	qsort(maps.lines, maps.count, sizeof(*maps.lines), by_key);
	dataplane_free(&whole);
}

/* Before the commit, as the daemon does: the projection of what the change touched. */
static bool commit_with_projection(const char *action)
{
	struct dataplane_scope scope = { 0 };
	struct dataplane part;
	bool committed;

	if (model_take_changes(m, &scope, &last_error) < 0 ||
	    model_dataplane_scope(m, &scope, &part, &last_error) < 0) {
		dataplane_scope_free(&scope);
		return false;
	}
	committed = model_commit(m, &last_error) == 0;
	if (committed) {
		apply_in_pieces(&part);
		check_pieces_add_up(action);
	}
	dataplane_free(&part);
	dataplane_scope_free(&scope);
	return committed;
}

/* Runs an action as the daemon does: a mutating one in a transaction with the data-path
 * projection before the commit, a reading one without a transaction. `fmt` is JSON with
 * ' for ". Returns the result, or NULL with last_error. */
static json_object *vact(const char *principal, const char *action, const char *fmt, va_list ap)
{
	const struct model_action *entry = model_find_action(action);
	json_object *args, *result = NULL;
	char text[32768];
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
	if (entry->mutates && (rc < 0 || !commit_with_projection(action))) {
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
json_object *at(json_object *object, const char *path)
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

const char *text_at(json_object *object, const char *path)
{
	json_object *value = at(object, path);

	return value ? json_object_get_string(value) : "(missing)";
}

long long int_at(json_object *object, const char *path)
{
	return json_object_get_int64(at(object, path));
}

size_t count_at(json_object *object, const char *path)
{
	json_object *value = at(object, path);

	return value ? json_object_array_length(value) : 0;
}

bool matches(const char *text, const char *pattern)
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
		result ? json_object_to_json_string(result) : api_code_name(last_error.code));
	json_object_put(result);
}

static void dump_account(FILE *out, const char *principal)
{
	static const char *const describes[] = {
		"DescribeLoadBalancers",
		"DescribeTargetGroups",
		"DescribeListeners",
		"DescribeVpcEndpointServiceConfigurations",
		"DescribeVpcEndpointServices",
		"DescribeVpcEndpointConnections",
		"DescribeVpcEndpoints",
		"DescribeSecurityGroups",
		"DescribeTags",
		"DescribeVpcEndpointConnectionNotifications",
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

char *snapshot(void)
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

json_object *get_at(int line, const char *principal, const char *action, const char *fmt, ...)
{
	va_list ap;
	json_object *result;

	va_start(ap, fmt);
	result = vact(principal, action, fmt, ap);
	va_end(ap);
	if (!result)
		check_fail(__FILE__, line, "%s refused: %s: %s", action,
			   api_code_name(last_error.code), last_error.message);
	return result;
}

void refuse_at(int line, const char *code, const char *principal, const char *action,
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
	else if (strcmp(api_code_name(refusal.code), code) != 0)
		check_fail(__FILE__, line, "%s: %s (%s), expected %s", action,
			   api_code_name(refusal.code), refusal.message, code);
	after = snapshot();
	if (strcmp(before, after) != 0)
		check_fail(__FILE__, line, "refused %s changed the state", action);
	json_object_put(result);
	free(before);
	free(after);
}

/* A batch action whose one id fails with `code`: answered, and nothing changed. */
void unsuccessful_at(int line, const char *code, const char *principal, const char *action,
		     const char *fmt, ...)
{
	char *before = snapshot(), *after;
	json_object *result;
	va_list ap;

	va_start(ap, fmt);
	result = vact(principal, action, fmt, ap);
	va_end(ap);
	if (!result)
		check_fail(__FILE__, line, "%s refused: %s", action,
			   api_code_name(last_error.code));
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

void open_model(void)
{
	struct api_error err = { 0 };

	m = model_open(&options, &err);
	if (!m) {
		printf("  model_open: %s: %s\n", api_code_name(err.code), err.message);
		abort();
	}
	project_whole();
}

void fresh_model(void)
{
	snprintf(directory, sizeof(directory), "/tmp/xl-model-XXXXXX");
	if (!mkdtemp(directory))
		abort();
	snprintf(state_path, sizeof(state_path), "%s/state.db", directory);
	open_model();
}

void remove_model(void)
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

char service_id[ID_MAX];
char service[DNS_NAME_MAX]; /* its name */

void remember_service(json_object *created)
{
	snprintf(service_id, sizeof(service_id), "%s",
		 text_at(created, "ServiceConfiguration.ServiceId"));
	snprintf(service, sizeof(service), "%s",
		 text_at(created, "ServiceConfiguration.ServiceName"));
	json_object_put(created);
}

/* The seed lab's provider side: web in use1-az1 and use1-az2, web-tg with a target in
 * each, a listener on 80, a service (acceptance as given) allowing 222222222222. */
void provider_lab(bool acceptance)
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
	consumer_vpc(CONSUMER, 1, 3);
	consumer_vpc(STRANGER, 2, 2);
}

/* The account's VPC 10.<net>.0.0/16 on the consumer interface lo, with a subnet
 * 10.<net>.<n>.0/24 in use1-az<n> for n = 1..zones. */
void consumer_vpc(const char *principal, int net, int zones)
{
	json_object *vpc;

	DO(principal, "AttachInterface", "{'Name': 'lo', 'Role': 'consumer'}");
	vpc = GET(principal, "CreateVpc", "{'CidrBlock': '10.%d.0.0/16', 'Interface': 'lo'}", net);
	for (int zone = 1; zone <= zones; zone++)
		DO(principal, "CreateSubnet",
		   "{'VpcId': '%s', 'CidrBlock': '10.%d.%d.0/24', 'AvailabilityZoneId': "
		   "'use1-az%d'}",
		   text_at(vpc, "Vpc.VpcId"), net, zone, zone);
	json_object_put(vpc);
}

/* A consumer's endpoint with ENIs in use1-az1 and use1-az2 at 10.<net>.1.<host> and
 * 10.<net>.2.<host>, in its VPC: net 2 for account 333333333333, 1 for the others. */
void create_endpoint(const char *principal, int host, char id[ID_MAX])
{
	int net = strstr(principal, ":333333333333:") ? 2 : 1;
	json_object *created =
	    GET(principal, "CreateVpcEndpoint",
		"{'ServiceName': '%s', 'VpcEndpointType': 'Interface', 'SubnetConfigurations':"
		" [{'AvailabilityZoneId': 'use1-az1', 'Ipv4': '10.%d.1.%d'},"
		" {'AvailabilityZoneId': 'use1-az2', 'Ipv4': '10.%d.2.%d'}]}",
		service, net, host, net, host);

	snprintf(id, ID_MAX, "%s", text_at(created, "VpcEndpoint.VpcEndpointId"));
	json_object_put(created);
}

const char *endpoint_state(const char *principal, const char *id)
{
	static char state[32];
	json_object *result =
	    act(principal, "DescribeVpcEndpoints", "{'VpcEndpointIds': ['%s']}", id);

	snprintf(state, sizeof(state), "%s", text_at(result, "VpcEndpoints.0.State"));
	json_object_put(result);
	return state;
}

/* The projection; a test cannot go on without one. */
void project(struct dataplane *dp)
{
	if (model_dataplane(m, dp, &last_error) < 0) {
		printf("  projection failed: %s: %s\n", api_code_name(last_error.code),
		       last_error.message);
		abort();
	}
}

uint32_t ip(const char *text)
{
	return inet_addr(text);
}

const struct dp_table *table_of(const struct dataplane *dp, uint32_t slot)
{
	for (size_t i = 0; i < dp->table_count; i++) {
		if (dp->tables[i].slot == slot)
			return &dp->tables[i];
	}
	return NULL;
}

/* The members of the table the frontend (ENI address, port) uses, as backend slots. */
void members_of(const char *eni, uint16_t port, char *out, size_t size)
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

uint8_t backend_flags(uint32_t slot)
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

const char *target_state(const char *group, const char *address)
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

int set_health(const char *group, const char *address, const char *state, const char *reason)
{
	char arn[ARN_MAX];
	json_object *described = GET(PROVIDER, "DescribeTargetGroups", "{'Names': ['%s']}", group);
	struct api_error err = { 0 };
	int rc;

	snprintf(arn, sizeof(arn), "%s", text_at(described, "TargetGroups.0.TargetGroupArn"));
	json_object_put(described);
	rc = model_set_target_health(m, arn, ip(address), htons(80), state, reason, &err);
	CHECK(rc >= 0 || strcmp(api_code_name(err.code), "ValidationError") == 0);
	return rc;
}
