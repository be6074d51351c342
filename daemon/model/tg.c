/* SPDX-License-Identifier: MIT */
/* Target groups and their targets: health-check settings with AWS's defaults and
 * ranges, registration (initial), deregistration (draining), and health as described. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions.h"
#include "args.h"
#include "checks.h"
#include "given_ids.h"
#include "model_internal.h"
#include "owned.h"
#include "result.h"
#include "tags.h"
#include "slots.h"

/* Everything of a target group but its name and port. */
struct tg_settings {
	char check_protocol[8];
	int64_t check_port; /* 0: the traffic port */
	char check_path[128];
	int64_t interval;
	int64_t timeout; /* 0: the protocol's default */
	int64_t healthy_threshold;
	int64_t unhealthy_threshold;
	char matcher[32];
	int64_t deregistration_delay;
	bool deregistration_termination;
	bool unhealthy_termination;
	bool proxy_protocol_v2;
};

static const struct tg_settings aws_defaults = {
	.check_protocol = "TCP",
	.check_path = "/",
	.interval = 30,
	.healthy_threshold = 5,
	.unhealthy_threshold = 2,
	.matcher = "200-399",
	.deregistration_delay = 300,
	.unhealthy_termination = true,
};

/* ---- Settings --------------------------------------------------------------------------- */

/* "200", "200-299", "200,202": HTTP codes from 200 to 599. */
static bool matcher_valid(const char *matcher)
{
	const char *at = matcher;

	for (;;) {
		char *end;
		long low = strtol(at, &end, 10);

		if (end - at != 3 || low < 200 || low > 599)
			return false;
		if (*end == '-') {
			long high;

			at = end + 1;
			high = strtol(at, &end, 10);
			if (end - at != 3 || high < low || high > 599)
				return false;
		}
		if (!*end)
			return true;
		if (*end != ',')
			return false;
		at = end + 1;
	}
}

static int read_check_port(struct args *a, struct tg_settings *s, struct api_error *err)
{
	json_object *value = NULL;
	int64_t port;

	if (!args_value(a, "HealthCheckPort", ARG_OPTIONAL, &value))
		return 0;
	if (json_object_is_type(value, json_type_string) &&
	    strcmp(json_object_get_string(value), "traffic-port") == 0) {
		s->check_port = 0;
		return 0;
	}
	port = json_object_get_int64(value);
	if (!json_object_is_type(value, json_type_int) || port < 1 || port > 65535)
		return api_fail(err, API_ValidationError,
				"argument HealthCheckPort must be a port from 1 to 65535 or "
				"\"traffic-port\"");
	s->check_port = port;
	return 0;
}

static int copy_setting(char *out, size_t size, const char *name, const char *value,
			struct api_error *err)
{
	if (strlen(value) >= size)
		return api_fail(err, API_ValidationError,
				"argument %s is longer than %zu characters", name, size - 1);
	snprintf(out, size, "%s", value);
	return 0;
}

/* Reads the optional settings over *s (the defaults, or the group's current ones). */
static int read_settings(struct args *a, struct tg_settings *s, struct api_error *err)
{
	const char *protocol = "TCP", *check_protocol = NULL, *path = NULL, *matcher = NULL;

	args_string(a, "Protocol", ARG_OPTIONAL, &protocol);
	args_string(a, "HealthCheckProtocol", ARG_OPTIONAL, &check_protocol);
	args_string(a, "HealthCheckPath", ARG_OPTIONAL, &path);
	args_int(a, "HealthCheckIntervalSeconds", ARG_OPTIONAL, 5, 300, &s->interval);
	args_int(a, "HealthCheckTimeoutSeconds", ARG_OPTIONAL, 2, 120, &s->timeout);
	args_int(a, "HealthyThresholdCount", ARG_OPTIONAL, 2, 10, &s->healthy_threshold);
	args_int(a, "UnhealthyThresholdCount", ARG_OPTIONAL, 2, 10, &s->unhealthy_threshold);
	args_string(a, "Matcher", ARG_OPTIONAL, &matcher);
	args_int(a, "DeregistrationDelaySeconds", ARG_OPTIONAL, 0, 3600, &s->deregistration_delay);
	args_bool(a, "DeregistrationConnectionTermination", ARG_OPTIONAL,
		  &s->deregistration_termination);
	args_bool(a, "UnhealthyConnectionTermination", ARG_OPTIONAL, &s->unhealthy_termination);
	args_bool(a, "ProxyProtocolV2", ARG_OPTIONAL, &s->proxy_protocol_v2);
	if (read_check_port(a, s, err) < 0 || args_close(a) < 0 || check_tcp(protocol, err) < 0)
		return -1;
	if (check_protocol && strcmp(check_protocol, "TCP") != 0 &&
	    strcmp(check_protocol, "HTTP") != 0)
		return api_fail(err, API_ValidationError,
				"HealthCheckProtocol must be TCP or HTTP, not %s", check_protocol);
	if (check_protocol)
		snprintf(s->check_protocol, sizeof(s->check_protocol), "%s", check_protocol);
	if ((path || matcher) && strcmp(s->check_protocol, "HTTP") != 0)
		return api_fail(err, API_ValidationError,
				"HealthCheckPath and Matcher apply to HTTP health checks only");
	if (path && path[0] != '/')
		return api_fail(err, API_ValidationError, "HealthCheckPath must start with /");
	if (path &&
	    copy_setting(s->check_path, sizeof(s->check_path), "HealthCheckPath", path, err) < 0)
		return -1;
	if (matcher && !matcher_valid(matcher))
		return api_fail(
		    err, API_ValidationError,
		    "Matcher %s is not HTTP codes from 200 to 599 such as 200 or 200-299", matcher);
	return matcher ? copy_setting(s->matcher, sizeof(s->matcher), "Matcher", matcher, err) : 0;
}

static void fill_settings(sqlite3_stmt *row, int first, struct tg_settings *s)
{
	snprintf(s->check_protocol, sizeof(s->check_protocol), "%s", store_column_text(row, first));
	s->check_port = sqlite3_column_int64(row, first + 1);
	snprintf(s->check_path, sizeof(s->check_path), "%s", store_column_text(row, first + 2));
	s->interval = sqlite3_column_int64(row, first + 3);
	s->timeout = sqlite3_column_int64(row, first + 4);
	s->healthy_threshold = sqlite3_column_int64(row, first + 5);
	s->unhealthy_threshold = sqlite3_column_int64(row, first + 6);
	snprintf(s->matcher, sizeof(s->matcher), "%s", store_column_text(row, first + 7));
	s->deregistration_delay = sqlite3_column_int64(row, first + 8);
	s->deregistration_termination = sqlite3_column_int(row, first + 9);
	s->unhealthy_termination = sqlite3_column_int(row, first + 10);
	s->proxy_protocol_v2 = sqlite3_column_int(row, first + 11);
}

#define SETTINGS_COLUMNS                                                                           \
	"check_protocol, check_port, check_path, check_interval, check_timeout,"                   \
	" healthy_threshold, unhealthy_threshold, matcher, deregistration_delay,"                  \
	" deregistration_termination, unhealthy_termination, proxy_protocol_v2"

static struct sql_arg int_or_null(int64_t value)
{
	return value ? SQL_INT(value) : SQL_STR(NULL);
}

/* The values of SETTINGS_COLUMNS, in order. */
#define SETTINGS_ARGS(s)                                                                           \
	SQL_STR((s)->check_protocol), int_or_null((s)->check_port), SQL_STR((s)->check_path),      \
	    SQL_INT((s)->interval), int_or_null((s)->timeout), SQL_INT((s)->healthy_threshold),    \
	    SQL_INT((s)->unhealthy_threshold), SQL_STR((s)->matcher),                              \
	    SQL_INT((s)->deregistration_delay), SQL_INT((s)->deregistration_termination),          \
	    SQL_INT((s)->unhealthy_termination), SQL_INT((s)->proxy_protocol_v2)

/* Checked once written, where the protocol's default timeout is known (the schema's
 * effective_timeout). */
static int check_timeout(struct model *m, int64_t id, struct api_error *err)
{
	int64_t below = 0;

	if (store_int(m->store,
		      "SELECT effective_timeout < check_interval FROM target_group WHERE id = ?",
		      SQL_ARGS(SQL_INT(id)), &below, err) < 0)
		return -1;
	if (!below)
		return api_fail(
		    err, API_ValidationError,
		    "HealthCheckTimeoutSeconds must be below HealthCheckIntervalSeconds");
	return 0;
}

/* ---- Describing ------------------------------------------------------------------------- */

static int add_lb_arns(json_object *tg, struct model *m, int64_t id, struct api_error *err)
{
	return put_column(
	    m, tg, "LoadBalancerArns",
	    "SELECT DISTINCT b.arn FROM listener l JOIN load_balancer b ON b.id = l.lb"
	    " WHERE l.tg = ? ORDER BY b.arn",
	    id, err);
}

static void put_settings(json_object *tg, const struct tg_settings *s, int64_t timeout)
{
	char port[8];
	bool http = strcmp(s->check_protocol, "HTTP") == 0;

	snprintf(port, sizeof(port), "%lld", (long long)s->check_port);
	put_string(tg, "HealthCheckProtocol", s->check_protocol);
	put_string(tg, "HealthCheckPort", s->check_port ? port : "traffic-port");
	if (http)
		put_string(tg, "HealthCheckPath", s->check_path);
	put_int(tg, "HealthCheckIntervalSeconds", s->interval);
	put_int(tg, "HealthCheckTimeoutSeconds", timeout);
	put_int(tg, "HealthyThresholdCount", s->healthy_threshold);
	put_int(tg, "UnhealthyThresholdCount", s->unhealthy_threshold);
	if (http)
		put_string(tg, "Matcher", s->matcher);
	put_int(tg, "DeregistrationDelaySeconds", s->deregistration_delay);
	put_bool(tg, "DeregistrationConnectionTermination", s->deregistration_termination);
	put_bool(tg, "UnhealthyConnectionTermination", s->unhealthy_termination);
	put_bool(tg, "ProxyProtocolV2", s->proxy_protocol_v2);
}

static int tg_json(struct model *m, int64_t id, json_object *list, struct api_error *err)
{
	sqlite3_stmt *stmt =
	    store_query(m->store,
			"SELECT name, arn, account, port, effective_timeout, " SETTINGS_COLUMNS
			" FROM target_group WHERE id = ?",
			SQL_ARGS(SQL_INT(id)), err);
	int rc;

	if (!stmt)
		return -1;
	rc = store_next(m->store, stmt, err);
	if (rc > 0) {
		struct tg_settings settings = { 0 };
		json_object *tg = append_object(list);

		put_string(tg, "TargetGroupName", store_column_text(stmt, 0));
		put_string(tg, "TargetGroupArn", store_column_text(stmt, 1));
		put_string(tg, "OwnerId", store_column_text(stmt, 2));
		put_string(tg, "Protocol", "TCP");
		put_int(tg, "Port", sqlite3_column_int(stmt, 3));
		put_string(tg, "TargetType", "ip");
		fill_settings(stmt, 5, &settings);
		put_settings(tg, &settings, sqlite3_column_int64(stmt, 4));
		rc = add_lb_arns(tg, m, id, err);
		if (rc >= 0)
			rc = put_tags(m, tg, store_column_text(stmt, 1), err);
	}
	sqlite3_finalize(stmt);
	return rc < 0 ? -1 : 0;
}

static int tg_result(struct model *m, int64_t id, json_object **result, struct api_error *err)
{
	return created_result(m, id, tg_json, "TargetGroup", result, err);
}

/* ---- Target groups ---------------------------------------------------------------------- */

int tg_create(struct model *m, const struct principal *caller, json_object *args,
	      json_object **result, struct api_error *err)
{
	struct tg_settings settings = aws_defaults;
	char suffix[ARN_SUFFIX_LEN + 1], arn[ARN_MAX];
	const char *name = NULL;
	json_object *tags = NULL;
	int64_t port = 0, id;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "Name", ARG_REQUIRED, &name);
	args_int(&a, "Port", ARG_REQUIRED, 1, 65535, &port);
	args_list(&a, "Tags", ARG_OPTIONAL, json_type_object, &tags);
	if (read_settings(&a, &settings, err) < 0 ||
	    check_resource_name(name, "target group", err) < 0)
		return -1;
	switch (lookup_owned(m, &TARGET_GROUP, caller->account, name, &id, err)) {
	case 0:
		break;
	case 1:
		return api_fail(err, API_DuplicateTargetGroupName,
				"a target group named %s already exists", name);
	default:
		return -1;
	}
	if (next_arn_suffix(m, suffix, err) < 0)
		return -1;
	arn_target_group(arn, sizeof(arn), m->region, caller->account, name, suffix);
	if (store_exec(m->store,
		       "INSERT INTO target_group (account, name, arn, port, " SETTINGS_COLUMNS ")"
		       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       SQL_ARGS(SQL_STR(caller->account), SQL_STR(name), SQL_STR(arn),
				SQL_INT(port), SETTINGS_ARGS(&settings)),
		       err) < 0)
		return -1;
	id = store_last_id(m->store);
	if (check_timeout(m, id, err) < 0 ||
	    tags_put_row(m, caller, "SELECT arn FROM target_group WHERE id = ?", id, tags, err) < 0)
		return -1;
	return tg_result(m, id, result, err);
}

int tg_describe(struct model *m, const struct principal *caller, json_object *args,
		json_object **result, struct api_error *err)
{
	return describe_owned(m, &TARGET_GROUP, caller->account, args, tg_json, "TargetGroups",
			      result, err);
}

static int load_settings(struct model *m, int64_t id, struct tg_settings *s, struct api_error *err)
{
	sqlite3_stmt *stmt =
	    store_query(m->store, "SELECT " SETTINGS_COLUMNS " FROM target_group WHERE id = ?",
			SQL_ARGS(SQL_INT(id)), err);
	int rc;

	if (!stmt)
		return -1;
	rc = store_next(m->store, stmt, err);
	if (rc > 0)
		fill_settings(stmt, 0, s);
	sqlite3_finalize(stmt);
	return rc > 0 ? 0 : -1;
}

int tg_modify_attributes(struct model *m, const struct principal *caller, json_object *args,
			 json_object **result, struct api_error *err)
{
	struct tg_settings settings = aws_defaults;
	const char *name = NULL;
	struct args a;
	int64_t id = 0;

	/* The changes apply over the group's settings, so those are read first; without
	 * a Name the arguments are still read through, to report every problem. */
	args_open(&a, args, err);
	if (args_string(&a, "Name", ARG_REQUIRED, &name) &&
	    (find_owned(m, &TARGET_GROUP, caller->account, name, &id, err) < 0 ||
	     load_settings(m, id, &settings, err) < 0))
		return -1;
	if (read_settings(&a, &settings, err) < 0 ||
	    store_exec(m->store,
		       "UPDATE target_group SET (" SETTINGS_COLUMNS ")"
		       " = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?",
		       SQL_ARGS(SETTINGS_ARGS(&settings), SQL_INT(id)), err) < 0 ||
	    check_timeout(m, id, err) < 0)
		return -1;
	return tg_result(m, id, result, err);
}

int tg_delete(struct model *m, const struct principal *caller, json_object *args,
	      json_object **result, struct api_error *err)
{
	(void)result;
	return delete_owned_unless_used(m, &TARGET_GROUP, caller, args,
					"SELECT 1 FROM listener WHERE tg = ?", "target group ",
					" is currently in use by a listener", err);
}

/* ---- Targets ---------------------------------------------------------------------------- */

/* A target of a request: its address, its port (the group's by default), its zone. */
struct target_ref {
	const char *address;
	int64_t port;
	const char *zone;
};

static int read_target(struct model *m, json_object *targets, size_t index, bool with_zone,
		       struct target_ref *t, struct api_error *err)
{
	struct args a;

	args_open_item(&a, targets, "Targets", index, err);
	args_string(&a, "Id", ARG_REQUIRED, &t->address);
	args_int(&a, "Port", ARG_OPTIONAL, 1, 65535, &t->port);
	if (with_zone)
		args_string(&a, "AvailabilityZone", ARG_REQUIRED, &t->zone);
	if (args_close(&a) < 0 || check_ipv4(t->address, API_InvalidTarget, err) < 0)
		return -1;
	return with_zone ? check_zone(m, t->zone, API_InvalidTarget, err) : 0;
}

/* The group (by name) and its Targets list, read from the arguments. */
static int read_targets_request(struct model *m, const struct principal *caller, json_object *args,
				int64_t *tg, int64_t *port, json_object **targets,
				struct api_error *err)
{
	const char *name = NULL;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "Name", ARG_REQUIRED, &name);
	args_list(&a, "Targets", ARG_REQUIRED, json_type_object, targets);
	if (args_close(&a) < 0 ||
	    find_owned(m, &TARGET_GROUP, caller->account, name, tg, err) < 0 ||
	    store_int(m->store, "SELECT port FROM target_group WHERE id = ?",
		      SQL_ARGS(SQL_INT(*tg)), port, err) < 0)
		return -1;
	if (json_object_array_length(*targets) == 0)
		return api_fail(err, API_ValidationError, "Targets needs at least one target");
	return 0;
}

/* A new registration's member slot, for the backend. */
static int new_member(struct model *m, int64_t backend, int64_t *member, struct api_error *err)
{
	uint32_t slot;

	if (slot_allocate(m, SLOT_MEMBER, &slot, err) < 0 ||
	    store_exec(m->store, "INSERT INTO member (slot, backend) VALUES (?, ?)",
		       SQL_ARGS(SQL_INT(slot), SQL_INT(backend)), err) < 0)
		return -1;
	*member = slot;
	return 0;
}

static int register_one(struct model *m, int64_t tg, const struct target_ref *t,
			struct api_error *err)
{
	char zone[ZONE_MAX] = "", health[16] = "";
	int64_t backend, member = 0;
	sqlite3_stmt *stmt;
	int rc;

	if (refuse_if_found(m, "SELECT 1 FROM lb_zone WHERE address = ?",
			    SQL_ARGS(SQL_STR(t->address)), err, API_InvalidTarget,
			    "%s is the node IP of a load balancer: a target is a host behind one",
			    t->address) < 0 ||
	    backend_slot(m, t->address, t->port, &backend, err) < 0)
		return -1;
	stmt = store_query(m->store,
			   "SELECT zone, health, member FROM target WHERE tg = ? AND backend = ?",
			   SQL_ARGS(SQL_INT(tg), SQL_INT(backend)), err);
	if (!stmt)
		return -1;
	rc = store_next(m->store, stmt, err);
	if (rc > 0) {
		snprintf(zone, sizeof(zone), "%s", store_column_text(stmt, 0));
		snprintf(health, sizeof(health), "%s", store_column_text(stmt, 1));
		member = sqlite3_column_int64(stmt, 2);
	}
	sqlite3_finalize(stmt);
	if (rc < 0)
		return -1;
	if (rc > 0 && strcmp(zone, t->zone) != 0)
		return api_fail(err, API_InvalidTarget, "target %s:%lld is registered in zone %s",
				t->address, (long long)t->port, zone);
	if (rc > 0 && strcmp(health, "draining") != 0)
		return 0; /* registered already: nothing changes */
	/* New, or draining and registered again (keeping its member and counters): checked
	 * from scratch. Flows to it are welcome again, so a reset planned by its earlier
	 * draining is called off. */
	if ((rc == 0 && new_member(m, backend, &member, err) < 0) ||
	    store_exec(m->store,
		       "INSERT INTO target (tg, backend, member, zone, health, reason)"
		       " VALUES (?, ?, ?, ?, 'initial', 'Elb.InitialHealthChecking')"
		       " ON CONFLICT (tg, backend) DO UPDATE SET health = excluded.health,"
		       " reason = excluded.reason, drain_deadline = NULL",
		       SQL_ARGS(SQL_INT(tg), SQL_INT(backend), SQL_INT(member), SQL_STR(t->zone)),
		       err) < 0)
		return -1;
	return store_exec(m->store, "UPDATE backend SET drained_reset = 0 WHERE slot = ?",
			  SQL_ARGS(SQL_INT(backend)), err);
}

static int deregister_one(struct model *m, int64_t tg, const struct target_ref *t,
			  struct api_error *err)
{
	int64_t backend;
	int rc =
	    store_int(m->store,
		      "SELECT t.backend FROM target t JOIN backend b ON b.slot = t.backend"
		      " WHERE t.tg = ? AND b.address = ? AND b.port = ?",
		      SQL_ARGS(SQL_INT(tg), SQL_STR(t->address), SQL_INT(t->port)), &backend, err);

	if (rc <= 0)
		return rc < 0 ? -1
			      : api_fail(err, API_InvalidTarget, "target %s:%lld is not registered",
					 t->address, (long long)t->port);
	/* Draining already: its delay runs on. */
	return store_exec(
	    m->store,
	    "UPDATE target SET health = 'draining', reason = 'Target.DeregistrationInProgress',"
	    " drain_deadline = ?1 + (SELECT deregistration_delay FROM target_group WHERE id = ?2)"
	    " WHERE tg = ?2 AND backend = ?3 AND health != 'draining'",
	    SQL_ARGS(SQL_INT(time(NULL)), SQL_INT(tg), SQL_INT(backend)), err);
}

typedef int target_change_fn(struct model *m, int64_t tg, const struct target_ref *t,
			     struct api_error *err);

/* Applies `change` to every target of a register or deregister request, in order. */
static int change_targets(struct model *m, const struct principal *caller, json_object *args,
			  bool registering, target_change_fn *change, struct api_error *err)
{
	json_object *targets = NULL;
	int64_t tg, group_port;

	if (read_targets_request(m, caller, args, &tg, &group_port, &targets, err) < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(targets); i++) {
		struct target_ref t = { .port = group_port };

		if (read_target(m, targets, i, registering, &t, err) < 0 ||
		    change(m, tg, &t, err) < 0)
			return -1;
	}
	return 0;
}

int targets_register(struct model *m, const struct principal *caller, json_object *args,
		     json_object **result, struct api_error *err)
{
	(void)result;
	return change_targets(m, caller, args, true, register_one, err);
}

int targets_deregister(struct model *m, const struct principal *caller, json_object *args,
		       json_object **result, struct api_error *err)
{
	(void)result;
	return change_targets(m, caller, args, false, deregister_one, err);
}

static const char *health_description(const char *reason, bool group_in_use)
{
	static const struct {
		const char *reason;
		const char *description;
	} descriptions[] = {
		{ "Elb.InitialHealthChecking", "Initial health checks in progress" },
		{ "Target.FailedHealthChecks", "Health checks failed" },
		{ "Target.Timeout", "Request timed out" },
		{ "Target.ResponseCodeMismatch",
		  "Health checks failed with an unexpected HTTP code" },
		{ "Target.DeregistrationInProgress", "Target deregistration is in progress" },
	};

	if (strcmp(reason, "Target.NotInUse") == 0)
		return group_in_use ? "Target is in an Availability Zone that is not enabled for "
				      "the load balancer"
				    : "Target group is not configured to receive traffic from the "
				      "load balancer";
	for (size_t i = 0; i < sizeof(descriptions) / sizeof(descriptions[0]); i++) {
		if (strcmp(descriptions[i].reason, reason) == 0)
			return descriptions[i].description;
	}
	return NULL;
}

static void target_health_json(sqlite3_stmt *row, json_object *list)
{
	json_object *description = append_object(list), *target, *health;
	const char *reason = store_column_text(row, 4);
	const char *text = health_description(reason, sqlite3_column_type(row, 5) != SQLITE_NULL);

	target = put_object(description, "Target");
	put_string(target, "Id", store_column_text(row, 0));
	put_int(target, "Port", sqlite3_column_int(row, 1));
	put_string(target, "AvailabilityZone", store_column_text(row, 2));
	health = put_object(description, "TargetHealth");
	put_string(health, "State", store_column_text(row, 3));
	if (*reason)
		put_string(health, "Reason", reason);
	if (text)
		put_string(health, "Description", text);
}

int target_health_describe(struct model *m, const struct principal *caller, json_object *args,
			   json_object **result, struct api_error *err)
{
	const char *name = NULL;
	json_object *list;
	sqlite3_stmt *stmt;
	struct args a;
	int64_t tg;
	int rc;

	args_open(&a, args, err);
	args_string(&a, "Name", ARG_REQUIRED, &name);
	if (args_close(&a) < 0 || find_owned(m, &TARGET_GROUP, caller->account, name, &tg, err) < 0)
		return -1;
	*result = json_object_new_object();
	list = put_array(*result, "TargetHealthDescriptions");
	stmt = store_query(m->store,
			   "SELECT address, port, zone, state, reason, lb FROM target_state"
			   " WHERE tg = ? ORDER BY backend",
			   SQL_ARGS(SQL_INT(tg)), err);
	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0)
		target_health_json(stmt, list);
	sqlite3_finalize(stmt);
	return rc;
}
