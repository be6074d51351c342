/* The model's core: opening the store, transactions, the table of actions and the step
 * each runs in, slots, and what the daemon asks of the model (targets and their health);
 * the data path's view of the model is in model_dataplane.c. */
#include "model_internal.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- Errors, time, JSON ----------------------------------------------------------------- */

static void vfail(struct api_error *err, const char *code, const char *fmt, va_list ap)
{
	snprintf(err->code, sizeof(err->code), "%s", code);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
}

int fail(struct api_error *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(err, code, fmt, ap);
	va_end(ap);
	return -1;
}

int refuse_if_found(struct model *m, const char *sql, const struct sql_arg *args, size_t count,
		    struct api_error *err, const char *code, const char *fmt, ...)
{
	int64_t found;
	va_list ap;
	int rc = store_int(m->store, sql, args, count, &found, err);

	if (rc <= 0)
		return rc;
	va_start(ap, fmt);
	vfail(err, code, fmt, ap);
	va_end(ap);
	return -1;
}

void timestamp_now(char out[TIMESTAMP_MAX])
{
	time_t now = time(NULL);
	struct tm utc;

	gmtime_r(&now, &utc);
	strftime(out, TIMESTAMP_MAX, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

void put_string(json_object *object, const char *key, const char *value)
{
	json_object_object_add(object, key, json_object_new_string(value));
}

void put_int(json_object *object, const char *key, int64_t value)
{
	json_object_object_add(object, key, json_object_new_int64(value));
}

void put_bool(json_object *object, const char *key, bool value)
{
	json_object_object_add(object, key, json_object_new_boolean(value));
}

json_object *put_object(json_object *object, const char *key)
{
	json_object *member = json_object_new_object();

	json_object_object_add(object, key, member);
	return member;
}

json_object *put_array(json_object *object, const char *key)
{
	json_object *member = json_object_new_array();

	json_object_object_add(object, key, member);
	return member;
}

json_object *append_object(json_object *array)
{
	json_object *item = json_object_new_object();

	json_object_array_add(array, item);
	return item;
}

void put_first(json_object *object, const char *key, json_object *list)
{
	json_object_object_add(object, key, json_object_get(json_object_array_get_idx(list, 0)));
	json_object_put(list);
}

void append_string(json_object *array, const char *value)
{
	json_object_array_add(array, json_object_new_string(value));
}

int put_column(struct model *m, json_object *object, const char *key, const char *sql, int64_t id,
	       struct api_error *err)
{
	json_object *array = put_array(object, key);
	sqlite3_stmt *stmt = store_query(m->store, sql, SQL_ARGS(SQL_INT(id)), err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0)
		append_string(array, store_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return rc;
}

/* ---- Resources the caller owns ---------------------------------------------------------- */

const struct resource_kind LOAD_BALANCER = { "load_balancer", "name", "LoadBalancerNotFound",
					     "no load balancer named ", "" };
const struct resource_kind TARGET_GROUP = { "target_group", "name", "TargetGroupNotFound",
					    "no target group named ", "" };
const struct resource_kind ENDPOINT_SERVICE = { "service", "service_id",
						"InvalidVpcEndpointServiceId.NotFound",
						"The VpcEndpointService Id '", "' does not exist" };
const struct resource_kind ENDPOINT = { "endpoint", "endpoint_id", "InvalidVpcEndpointId.NotFound",
					"The Vpc Endpoint Id '", "' does not exist" };

int lookup_owned(struct model *m, const struct resource_kind *kind, const char *account,
		 const char *key, int64_t *id, struct api_error *err)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE %s = ? AND account = ?", kind->table,
		 kind->key_column);
	return store_int(m->store, sql, SQL_ARGS(SQL_STR(key), SQL_STR(account)), id, err);
}

int describe_owned(struct model *m, const struct resource_kind *kind, const char *account,
		   json_object *args, resource_json_fn *to_json, const char *list_name,
		   json_object **result, struct api_error *err)
{
	json_object *names = NULL, *list;
	sqlite3_stmt *stmt;
	struct args a;
	char sql[128];
	int64_t id;
	int rc;

	args_open(&a, args, err);
	args_list(&a, "Names", ARG_OPTIONAL, json_type_string, &names);
	if (args_close(&a) < 0)
		return -1;
	*result = json_object_new_object();
	list = put_array(*result, list_name);
	for (size_t i = 0; names && i < json_object_array_length(names); i++) {
		const char *key = json_object_get_string(json_object_array_get_idx(names, i));

		if (find_owned(m, kind, account, key, &id, err) < 0 ||
		    to_json(m, id, list, err) < 0)
			return -1;
	}
	if (names)
		return 0;
	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE account = ? ORDER BY %s", kind->table,
		 kind->key_column);
	stmt = store_query(m->store, sql, SQL_ARGS(SQL_STR(account)), err);
	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0 &&
	       (rc = to_json(m, sqlite3_column_int64(stmt, 0), list, err)) == 0)
		;
	sqlite3_finalize(stmt);
	return rc;
}

int delete_owned_unless_used(struct model *m, const struct resource_kind *kind,
			     const struct principal *caller, json_object *args,
			     const char *in_use_sql, const char *before, const char *after,
			     struct api_error *err)
{
	const char *name = NULL;
	struct args a;
	char sql[128];
	int64_t id;

	args_open(&a, args, err);
	args_string(&a, "Name", ARG_REQUIRED, &name);
	if (args_close(&a) < 0 || find_owned(m, kind, caller->account, name, &id, err) < 0 ||
	    refuse_if_found(m, in_use_sql, SQL_ARGS(SQL_INT(id)), err, "ResourceInUse", "%s%s%s",
			    before, name, after) < 0)
		return -1;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = ?", kind->table);
	return store_exec(m->store, sql, SQL_ARGS(SQL_INT(id)), err);
}

int fail_not_found(const struct resource_kind *kind, const char *key, struct api_error *err)
{
	return fail(err, kind->not_found, "%s%s%s", kind->before, key, kind->after);
}

int find_owned(struct model *m, const struct resource_kind *kind, const char *account,
	       const char *key, int64_t *id, struct api_error *err)
{
	int rc = lookup_owned(m, kind, account, key, id, err);

	if (rc == 0)
		return fail_not_found(kind, key, err);
	return rc < 0 ? -1 : 0;
}

/* ---- Checks ----------------------------------------------------------------------------- */

int check_zone(const struct model *m, const char *zone_id, const char *code, struct api_error *err)
{
	char id[ZONE_MAX];

	if (zone_id_valid(m->region, zone_id))
		return 0;
	/* Zones are named differently in every AWS account; their ids are the same. */
	if (zone_id_of(m->region, zone_id, id))
		return fail(err, code, "%s is a zone name: give its zone id, %s", zone_id, id);
	return fail(err, code, "%s is not an availability zone id of %s", zone_id, m->region);
}

int check_ipv4(const char *address, const char *code, struct api_error *err)
{
	uint32_t addr;

	switch (ipv4_parse(address, &addr)) {
	case IPV4_OK:
		return 0;
	case IPV4_IS_IPV6:
		return fail(err, code, "%s: endpoint services support IPv4 only", address);
	case IPV4_NOT_UNICAST:
		return fail(err, code, "%s is not a unicast IPv4 address", address);
	case IPV4_MALFORMED:
		break;
	}
	return fail(err, code, "%s is not an IPv4 address", address);
}

int check_tcp(const char *protocol, struct api_error *err)
{
	if (strcmp(protocol, "TCP") != 0)
		return fail(err, "UnsupportedProtocol",
			    "an endpoint service supports IPv4 traffic over TCP only, not %s",
			    protocol);
	return 0;
}

int check_resource_name(const char *name, const char *what, struct api_error *err)
{
	if (!resource_name_valid(name))
		return fail(err, "InvalidParameterValue",
			    "'%s' is not a valid %s name: 1 to 32 letters, digits and hyphens, not "
			    "starting or ending with a hyphen",
			    name, what);
	return 0;
}

/* ---- Slots ------------------------------------------------------------------------------ */

static const struct {
	const char *table;
	const char *option;
	const char *limit_code;
	const char *what;
} slot_kinds[] = {
	[SLOT_ENDPOINT] = { "endpoint", "max_endpoints", "VpcEndpointLimitExceeded",
			    "interface endpoints" },
	[SLOT_BACKEND] = { "backend", "max_backends", "TooManyTargets",
			   "unique target addresses and ports" },
	[SLOT_MEMBER] = { "member", "max_members", "TooManyTargets",
			  "target registrations (target groups times their targets)" },
	[SLOT_POOL] = { "pool", "max_pools", "TooManyTargets",
			"SNAT port pools (load balancer node IPs times targets)" },
	[SLOT_TABLE] = { "maglev_table", "max_tables", "TooManyTargetGroups",
			 "target groups times zones in use" },
};

static uint32_t slot_limit(const struct model *m, enum slot_kind kind)
{
	switch (kind) {
	case SLOT_ENDPOINT:
		return m->max_endpoints;
	case SLOT_BACKEND:
		return m->max_backends;
	case SLOT_MEMBER:
		return m->max_members;
	case SLOT_POOL:
		return m->max_pools;
	case SLOT_TABLE:
		break;
	}
	return m->max_tables;
}

int slot_allocate(struct model *m, enum slot_kind kind, uint32_t *slot, struct api_error *err)
{
	const char *table = slot_kinds[kind].table;
	uint32_t limit = slot_limit(m, kind);
	char sql[320];
	int64_t lowest_free = 0;

	snprintf(sql, sizeof(sql),
		 "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM %s WHERE slot = 1)"
		 " UNION ALL SELECT a.slot + 1 FROM %s a WHERE a.slot IS NOT NULL"
		 " AND NOT EXISTS (SELECT 1 FROM %s b WHERE b.slot = a.slot + 1)"
		 " ORDER BY 1 LIMIT 1",
		 table, table, table);
	if (store_int(m->store, sql, NO_ARGS, &lowest_free, err) < 0)
		return -1;
	if (lowest_free >= limit)
		return fail(err, slot_kinds[kind].limit_code,
			    "no slot left: xdplink holds at most %u %s (%s)", limit - 1,
			    slot_kinds[kind].what, slot_kinds[kind].option);
	*slot = (uint32_t)lowest_free;
	return 0;
}

int backend_slot(struct model *m, const char *address, int64_t port, int64_t *slot,
		 struct api_error *err)
{
	uint32_t fresh = 0;
	int rc = store_int(m->store, "SELECT slot FROM backend WHERE address = ? AND port = ?",
			   SQL_ARGS(SQL_STR(address), SQL_INT(port)), slot, err);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (slot_allocate(m, SLOT_BACKEND, &fresh, err) < 0 ||
	    store_exec(m->store, "INSERT INTO backend (slot, address, port) VALUES (?, ?, ?)",
		       SQL_ARGS(SQL_INT(fresh), SQL_STR(address), SQL_INT(port)), err) < 0)
		return -1;
	*slot = fresh;
	return 0;
}

/* Gives each row of the view `missing` a slot of `kind`, one at a time. */
static int fill_missing(struct model *m, enum slot_kind kind, const char *missing,
			const char *insert_first, struct api_error *err)
{
	char exists[96];
	int64_t found;
	uint32_t slot;
	int rc;

	snprintf(exists, sizeof(exists), "SELECT 1 FROM %s LIMIT 1", missing);
	while ((rc = store_int(m->store, exists, NO_ARGS, &found, err)) > 0) {
		if (slot_allocate(m, kind, &slot, err) < 0 ||
		    store_exec(m->store, insert_first, SQL_ARGS(SQL_INT(slot)), err) < 0)
			return -1;
	}
	return rc;
}

/* After every change: a Maglev table for each target group and scope a frontend uses,
 * a pool for each node IP and backend an endpoint could use. New tables are given
 * their slots before unused ones are freed, so no slot changes meaning in one commit.
 * Pools are freed only by model_release_unused, once the data path says so. */
static int sync_slots(struct model *m, struct api_error *err)
{
	if (fill_missing(m, SLOT_TABLE, "missing_table",
			 "INSERT INTO maglev_table (slot, tg, scope) SELECT ?, tg, scope"
			 " FROM missing_table ORDER BY tg, scope LIMIT 1",
			 err) < 0 ||
	    store_exec(m->store,
		       "DELETE FROM maglev_table WHERE (tg, scope) NOT IN"
		       " (SELECT tg, scope FROM needed_table)",
		       NO_ARGS, err) < 0)
		return -1;
	return fill_missing(m, SLOT_POOL, "missing_pool",
			    "INSERT INTO pool (slot, snat_address, backend)"
			    " SELECT ?, snat_address, backend FROM missing_pool"
			    " ORDER BY snat_address, backend LIMIT 1",
			    err);
}

/* ---- Actions ---------------------------------------------------------------------------- */

static int parse_caller(const char *arn, struct principal *caller, struct api_error *err)
{
	if (!arn)
		arn = LOCAL_ACCOUNT_ROOT;
	if (!principal_parse(arn, caller) || caller->type == PRINCIPAL_ALL)
		return fail(err, "InvalidParameterValue",
			    "Principal '%s' is not arn:aws:iam::<12 digits>:root, :user/<name> or "
			    ":role/<name>",
			    arn);
	return 0;
}

/* Every action runs in a step of its own: a refusal undoes whatever it had written,
 * even inside the caller's transaction, and a read sees one consistent state. */
static int run_action(struct model *m, action_fn *body, bool mutates, const char *principal,
		      json_object *args, json_object **result, struct api_error *err)
{
	struct principal caller;

	*result = NULL;
	if (parse_caller(principal, &caller, err) < 0 || store_savepoint(m->store, err) < 0)
		return -1;
	if (body(m, &caller, args, result, err) == 0 && (!mutates || sync_slots(m, err) == 0) &&
	    store_release(m->store, err) == 0) {
		if (!*result)
			*result = json_object_new_object();
		return 0;
	}
	store_undo(m->store);
	json_object_put(*result);
	*result = NULL;
	return -1;
}

#define MODEL_ACTIONS(X)                                                                           \
	X(CreateLoadBalancer, true, lb_create)                                                     \
	X(DescribeLoadBalancers, false, lb_describe)                                               \
	X(ModifyLoadBalancerAttributes, true, lb_modify_attributes)                                \
	X(DeleteLoadBalancer, true, lb_delete)                                                     \
	X(CreateTargetGroup, true, tg_create)                                                      \
	X(DescribeTargetGroups, false, tg_describe)                                                \
	X(ModifyTargetGroupAttributes, true, tg_modify_attributes)                                 \
	X(DeleteTargetGroup, true, tg_delete)                                                      \
	X(RegisterTargets, true, targets_register)                                                 \
	X(DeregisterTargets, true, targets_deregister)                                             \
	X(DescribeTargetHealth, false, target_health_describe)                                     \
	X(CreateListener, true, listener_create)                                                   \
	X(DescribeListeners, false, listener_describe)                                             \
	X(DeleteListener, true, listener_delete)                                                   \
	X(CreateVpcEndpointServiceConfiguration, true, service_create)                             \
	X(DescribeVpcEndpointServiceConfigurations, false, services_describe)                      \
	X(ModifyVpcEndpointServiceConfiguration, true, service_modify)                             \
	X(DeleteVpcEndpointServiceConfigurations, true, services_delete)                           \
	X(ModifyVpcEndpointServicePermissions, true, permissions_modify)                           \
	X(DescribeVpcEndpointServicePermissions, false, permissions_describe)                      \
	X(DescribeVpcEndpointServices, false, services_consumer_describe)                          \
	X(AcceptVpcEndpointConnections, true, connections_accept)                                  \
	X(RejectVpcEndpointConnections, true, connections_reject)                                  \
	X(DescribeVpcEndpointConnections, false, connections_describe)                             \
	X(CreateVpcEndpoint, true, endpoint_create)                                                \
	X(ModifyVpcEndpoint, true, endpoint_modify)                                                \
	X(DescribeVpcEndpoints, false, endpoints_describe)                                         \
	X(DeleteVpcEndpoints, true, endpoints_delete)                                              \
	X(AttachInterface, true, iface_attach)                                                     \
	X(DetachInterface, true, iface_detach)

#define DEFINE_RUN(name, mutates, body)                                                            \
	static int run_##name(struct model *m, const char *principal, json_object *args,           \
			      json_object **result, struct api_error *err)                         \
	{                                                                                          \
		return run_action(m, body, mutates, principal, args, result, err);                 \
	}
MODEL_ACTIONS(DEFINE_RUN)
#undef DEFINE_RUN

#define ACTION_ENTRY(name, mutates, body) { #name, mutates, run_##name },
static const struct model_action actions[] = { MODEL_ACTIONS(ACTION_ENTRY) };
#undef ACTION_ENTRY

const struct model_action *model_find_action(const char *name)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(actions[i].name, name) == 0)
			return &actions[i];
	}
	return NULL;
}

int run_batch(struct model *m, const struct principal *caller, int64_t context, json_object *ids,
	      batch_item_fn *item, json_object **result, struct api_error *err)
{
	json_object *unsuccessful;

	if (json_object_array_length(ids) == 0)
		return fail(err, "ValidationError", "at least one id is required");
	*result = json_object_new_object();
	unsuccessful = put_array(*result, "Unsuccessful");
	for (size_t i = 0; i < json_object_array_length(ids); i++) {
		const char *id = json_object_get_string(json_object_array_get_idx(ids, i));
		struct api_error item_err = { 0 };
		json_object *failure;

		if (store_savepoint(m->store, err) < 0)
			return -1;
		if (item(m, caller, context, id, &item_err) == 0) {
			if (store_release(m->store, err) < 0)
				return -1;
			continue;
		}
		store_undo(m->store);
		if (strcmp(item_err.code, "InternalError") == 0) {
			*err = item_err;
			return -1;
		}
		failure = append_object(unsuccessful);
		put_string(failure, "ResourceId", id);
		failure = put_object(failure, "Error");
		put_string(failure, "Code", item_err.code);
		put_string(failure, "Message", item_err.message);
	}
	return 0;
}

/* ---- Opening and transactions ----------------------------------------------------------- */

/* principal_allows(allowed, caller_arn) in SQL, so queries apply the one rule of ids.c. */
static void sql_principal_allows(sqlite3_context *context, int argc, sqlite3_value **argv)
{
	const char *allowed = (const char *)sqlite3_value_text(argv[0]);
	const char *arn = (const char *)sqlite3_value_text(argv[1]);
	struct principal caller;

	(void)argc;
	sqlite3_result_int(context, allowed && arn && principal_parse(arn, &caller) &&
					principal_allows(allowed, &caller));
}

/* ARNs and zone ids name the region, so a state file serves the region it began with. */
static int check_region(struct model *m, const char *path, struct api_error *err)
{
	char region[REGION_MAX] = "";

	if (store_exec(m->store, "INSERT OR IGNORE INTO meta (key, value) VALUES ('region', ?)",
		       SQL_ARGS(SQL_STR(m->region)), err) < 0 ||
	    store_text(m->store, "SELECT value FROM meta WHERE key = 'region'", NO_ARGS, region,
		       sizeof(region), err) < 0)
		return -1;
	if (strcmp(region, m->region) != 0)
		return fail(err, "StoreRefused", "%s holds the state of region %s, not %s", path,
			    region, m->region);
	return 0;
}

/* The data path's arrays are sized by the options: every slot in use must fit. */
static int check_slot_limits(struct model *m, struct api_error *err)
{
	for (int kind = SLOT_ENDPOINT; kind <= SLOT_TABLE; kind++) {
		uint32_t limit = slot_limit(m, (enum slot_kind)kind);
		char sql[64];
		int64_t highest = 0;

		snprintf(sql, sizeof(sql), "SELECT coalesce(max(slot), 0) FROM %s",
			 slot_kinds[kind].table);
		if (store_int(m->store, sql, NO_ARGS, &highest, err) < 0)
			return -1;
		if (highest >= limit)
			return fail(err, "StoreRefused",
				    "the state uses %s slot %lld, beyond %s = %u: raise the limit",
				    slot_kinds[kind].table, (long long)highest,
				    slot_kinds[kind].option, limit);
	}
	return 0;
}

static int check_options(const struct model_options *opts, struct api_error *err)
{
	if (!opts->path || !opts->region || !region_valid(opts->region))
		return fail(err, "InvalidParameterValue",
			    "region '%s' is not an AWS region name such as us-east-1",
			    opts->region ? opts->region : "");
	if (opts->max_endpoints < 2 || opts->max_backends < 2 || opts->max_members < 2 ||
	    opts->max_pools < 2 || opts->max_tables < 2)
		return fail(err, "InvalidParameterValue",
			    "max_endpoints, max_backends, max_members, max_pools and max_tables "
			    "must be at least 2 (slot 0 is never used)");
	return 0;
}

struct model *model_open(const struct model_options *opts, struct api_error *err)
{
	struct model *m;

	if (check_options(opts, err) < 0)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		fail(err, "InternalError", "out of memory");
		return NULL;
	}
	snprintf(m->region, sizeof(m->region), "%s", opts->region);
	m->max_endpoints = opts->max_endpoints;
	m->max_backends = opts->max_backends;
	m->max_members = opts->max_members;
	m->max_pools = opts->max_pools;
	m->max_tables = opts->max_tables;
	m->node_has_address = opts->node_has_address;
	m->store = store_open(opts->path, err);
	if (!m->store)
		goto refused;
	if (sqlite3_create_function(store_handle(m->store), "principal_allows", 2,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_principal_allows,
				    NULL, NULL) != SQLITE_OK) {
		fail(err, "InternalError", "cannot register principal_allows in SQLite");
		goto refused;
	}
	if (check_region(m, opts->path, err) < 0 || check_slot_limits(m, err) < 0)
		goto refused;
	return m;
refused:
	model_close(m);
	return NULL;
}

void model_close(struct model *m)
{
	if (!m)
		return;
	store_close(m->store);
	free(m);
}

int model_begin(struct model *m, struct api_error *err)
{
	return store_begin(m->store, err);
}

int model_commit(struct model *m, struct api_error *err)
{
	return store_commit(m->store, err);
}

void model_rollback(struct model *m)
{
	store_rollback(m->store);
}

/* ---- Reading rows into arrays ----------------------------------------------------------- */

void *load_rows(struct model *m, const char *sql, size_t element_size, row_fn *fill, size_t *count,
		struct api_error *err)
{
	char count_sql[1024];
	int64_t rows = 0;
	unsigned char *array;
	sqlite3_stmt *stmt;
	int rc = 0;

	snprintf(count_sql, sizeof(count_sql), "SELECT count(*) FROM (%s)", sql);
	if (store_int(m->store, count_sql, NO_ARGS, &rows, err) < 0)
		return NULL;
	array = calloc((size_t)rows + 1, element_size);
	stmt = array ? store_query(m->store, sql, NO_ARGS, err) : NULL;
	if (!stmt) {
		if (!array)
			fail(err, "InternalError", "out of memory");
		free(array);
		return NULL;
	}
	*count = 0;
	while (*count < (size_t)rows && (rc = store_next(m->store, stmt, err)) > 0)
		fill(stmt, array + element_size * (*count)++);
	sqlite3_finalize(stmt);
	if (rc < 0) {
		free(array);
		return NULL;
	}
	return array;
}

uint32_t column_addr(sqlite3_stmt *row, int column)
{
	struct in_addr addr = { 0 };

	inet_pton(AF_INET, store_column_text(row, column), &addr);
	return addr.s_addr;
}

uint32_t column_u32(sqlite3_stmt *row, int column)
{
	return (uint32_t)sqlite3_column_int64(row, column);
}

uint16_t column_port(sqlite3_stmt *row, int column)
{
	return htons((uint16_t)sqlite3_column_int(row, column));
}

/* ---- Releasing slots -------------------------------------------------------------------- */

/* A slot no longer referenced, and the slot whose idleness frees it: its own, or for a
 * member its backend's. */
struct unused_slot {
	uint32_t slot;
	uint32_t asked;
};

static void fill_unused_slot(sqlite3_stmt *row, void *element)
{
	*(struct unused_slot *)element =
	    (struct unused_slot){ .slot = column_u32(row, 0), .asked = column_u32(row, 1) };
}

/* Deletes each slot of `unused_sql` (slot, asked) whose `asked` slot `idle` says the
 * data path is done with. */
static int release_slots(struct model *m, const char *unused_sql, const char *delete_sql,
			 bool (*idle)(void *ctx, uint32_t slot), void *ctx, struct api_error *err)
{
	size_t count = 0;
	struct unused_slot *unused =
	    load_rows(m, unused_sql, sizeof(*unused), fill_unused_slot, &count, err);
	int rc = 0;

	if (!unused)
		return -1;
	for (size_t i = 0; idle && rc == 0 && i < count; i++) {
		if (idle(ctx, unused[i].asked))
			rc = store_exec(m->store, delete_sql, SQL_ARGS(SQL_INT(unused[i].slot)),
					err);
	}
	free(unused);
	return rc;
}

/* Pools and members first: a backend is unreferenced only once they are gone. A
 * member outlives its registration until its backend is idle: until then flows of the
 * registration may count to it. */
int model_release_unused(struct model *m, const struct model_release *release,
			 struct api_error *err)
{
	if (store_savepoint(m->store, err) < 0)
		return -1;
	if (release_slots(
		m,
		"SELECT slot, slot FROM pool p WHERE NOT EXISTS (SELECT 1 FROM needed_pool n"
		" WHERE n.snat_address = p.snat_address AND n.backend = p.backend)"
		" ORDER BY slot",
		"DELETE FROM pool WHERE slot = ?", release->pool_empty, release->ctx, err) == 0 &&
	    release_slots(
		m,
		"SELECT slot, backend FROM member r"
		" WHERE NOT EXISTS (SELECT 1 FROM target WHERE member = r.slot) ORDER BY slot",
		"DELETE FROM member WHERE slot = ?", release->backend_idle, release->ctx,
		err) == 0 &&
	    release_slots(
		m,
		"SELECT slot, slot FROM backend b"
		" WHERE NOT EXISTS (SELECT 1 FROM member WHERE backend = b.slot)"
		" AND NOT EXISTS (SELECT 1 FROM pool WHERE backend = b.slot) ORDER BY slot",
		"DELETE FROM backend WHERE slot = ?", release->backend_idle, release->ctx,
		err) == 0 &&
	    store_release(m->store, err) == 0)
		return 0;
	store_undo(m->store);
	return -1;
}

/* ---- Targets, health and draining ------------------------------------------------------- */

static void fill_target(sqlite3_stmt *row, void *element)
{
	struct model_target *t = element;

	snprintf(t->group, sizeof(t->group), "%s", store_column_text(row, 0));
	snprintf(t->group_arn, sizeof(t->group_arn), "%s", store_column_text(row, 1));
	snprintf(t->account, sizeof(t->account), "%s", store_column_text(row, 2));
	t->addr = column_addr(row, 3);
	t->port = column_port(row, 4);
	t->backend = column_u32(row, 5);
	t->member = column_u32(row, 6);
	snprintf(t->zone, sizeof(t->zone), "%s", store_column_text(row, 7));
	snprintf(t->state, sizeof(t->state), "%s", store_column_text(row, 8));
	snprintf(t->reason, sizeof(t->reason), "%s", store_column_text(row, 9));
	t->source_addr = column_addr(row, 10);
	t->http = strcmp(store_column_text(row, 11), "HTTP") == 0;
	t->check_port = column_port(row, 12);
	snprintf(t->path, sizeof(t->path), "%s", store_column_text(row, 13));
	snprintf(t->matcher, sizeof(t->matcher), "%s", store_column_text(row, 14));
	t->interval_s = column_u32(row, 15);
	t->timeout_s = column_u32(row, 16);
	t->healthy_threshold = column_u32(row, 17);
	t->unhealthy_threshold = column_u32(row, 18);
}

int model_list_targets(struct model *m, struct model_target **targets, size_t *count,
		       struct api_error *err)
{
	*count = 0;
	*targets = load_rows(
	    m,
	    "SELECT g.name, g.arn, g.account, s.address, s.port, s.backend, s.member, s.zone,"
	    " s.state, s.reason,"
	    " s.check_source, g.check_protocol, coalesce(g.check_port, s.port), g.check_path,"
	    " g.matcher, g.check_interval, g.effective_timeout, g.healthy_threshold,"
	    " g.unhealthy_threshold"
	    " FROM target_state s JOIN target_group g ON g.id = s.tg ORDER BY g.arn, s.backend",
	    sizeof(**targets), fill_target, count, err);
	return *targets ? 0 : -1;
}

int model_expire_draining(struct model *m, int64_t now_unix, struct api_error *err)
{
	if (store_savepoint(m->store, err) < 0)
		return -1;
	if (store_exec(
		m->store,
		"UPDATE backend SET drained_reset = 1 WHERE slot IN (SELECT t.backend"
		" FROM target t JOIN target_group g ON g.id = t.tg WHERE t.health = 'draining'"
		" AND t.drain_deadline <= ? AND g.deregistration_termination)",
		SQL_ARGS(SQL_INT(now_unix)), err) == 0 &&
	    store_exec(m->store,
		       "DELETE FROM target WHERE health = 'draining' AND drain_deadline <= ?",
		       SQL_ARGS(SQL_INT(now_unix)), err) == 0) {
		int removed = store_changes(m->store);

		if (store_release(m->store, err) == 0)
			return removed > 0;
	}
	store_undo(m->store);
	return -1;
}

static const char *const unhealthy_reasons[] = {
	"Target.FailedHealthChecks",
	"Target.Timeout",
	"Target.ResponseCodeMismatch",
};

/* The reason stored with a health state, or NULL when the pair makes no sense. */
static const char *health_reason(const char *state, const char *reason)
{
	if (!reason || !*reason)
		return strcmp(state, "unhealthy") == 0 ? unhealthy_reasons[0] : "";
	if (strcmp(state, "unhealthy") != 0)
		return NULL;
	for (size_t i = 0; i < sizeof(unhealthy_reasons) / sizeof(unhealthy_reasons[0]); i++) {
		if (strcmp(reason, unhealthy_reasons[i]) == 0)
			return reason;
	}
	return NULL;
}

int model_set_target_health(struct model *m, const char *tg_arn, uint32_t addr, uint16_t port,
			    const char *state, const char *reason, struct api_error *err)
{
	char address[IPV4_TEXT_MAX];
	const char *stored_reason;

	if (strcmp(state, "healthy") != 0 && strcmp(state, "unhealthy") != 0)
		return fail(err, "ValidationError", "health state %s is not healthy or unhealthy",
			    state);
	stored_reason = health_reason(state, reason);
	if (!stored_reason)
		return fail(err, "ValidationError", "%s is not a reason for the state %s", reason,
			    state);
	inet_ntop(AF_INET, &addr, address, sizeof(address));
	/* Only a target that is checked has a health: not a draining or unused one. */
	if (store_exec(
		m->store,
		"UPDATE target SET health = ?1, reason = ?2"
		" WHERE (health != ?1 OR reason != ?2)"
		" AND tg = (SELECT id FROM target_group WHERE arn = ?3)"
		" AND backend = (SELECT slot FROM backend WHERE address = ?4 AND port = ?5)"
		" AND EXISTS (SELECT 1 FROM target_state s WHERE s.tg = target.tg"
		"  AND s.backend = target.backend AND s.state NOT IN ('draining', 'unused'))",
		SQL_ARGS(SQL_STR(state), SQL_STR(stored_reason), SQL_STR(tg_arn), SQL_STR(address),
			 SQL_INT(ntohs(port))),
		err) < 0)
		return -1;
	return store_changes(m->store) > 0;
}
