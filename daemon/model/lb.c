/* SPDX-License-Identifier: MIT */
/* Network load balancers and their listeners, in ELBv2's shapes: a node IP per enabled
 * zone, cross-zone off by default, TCP listeners forwarding to one target group each. */
#include <string.h>

#include "actions.h"
#include "args.h"
#include "checks.h"
#include "given_ids.h"
#include "model_internal.h"
#include "owned.h"
#include "result.h"
#include "tags.h"

/* AWS: a load balancer behind an endpoint service has at most 50 listeners. */
#define MAX_LISTENERS 50

/* ---- Load balancers --------------------------------------------------------------------- */

static int add_zones(json_object *lb, struct model *m, int64_t id, struct api_error *err)
{
	json_object *zones = put_array(lb, "AvailabilityZones");
	sqlite3_stmt *stmt =
	    store_query(m->store, "SELECT zone, address FROM lb_zone WHERE lb = ? ORDER BY zone",
			SQL_ARGS(SQL_INT(id)), err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0) {
		json_object *zone = append_object(zones);
		char zone_name[ZONE_MAX] = "";

		zone_name_of(m->region, store_column_text(stmt, 0), zone_name);
		put_string(zone, "ZoneId", store_column_text(stmt, 0));
		put_string(zone, "ZoneName", zone_name);
		put_string(append_object(put_array(zone, "LoadBalancerAddresses")),
			   "PrivateIPv4Address", store_column_text(stmt, 1));
	}
	sqlite3_finalize(stmt);
	return rc;
}

static int lb_json(struct model *m, int64_t id, json_object *list, struct api_error *err)
{
	sqlite3_stmt *stmt = store_query(
	    m->store,
	    "SELECT name, arn, account, cross_zone, created FROM load_balancer WHERE id = ?",
	    SQL_ARGS(SQL_INT(id)), err);
	int rc;

	if (!stmt)
		return -1;
	rc = store_next(m->store, stmt, err);
	if (rc > 0) {
		json_object *lb = append_object(list);

		put_string(lb, "LoadBalancerName", store_column_text(stmt, 0));
		put_string(lb, "LoadBalancerArn", store_column_text(stmt, 1));
		put_string(lb, "Type", "network");
		put_string(lb, "Scheme", "internal");
		put_string(put_object(lb, "State"), "Code", "active");
		put_string(lb, "OwnerId", store_column_text(stmt, 2));
		rc = add_zones(lb, m, id, err);
		put_bool(lb, "CrossZoneEnabled", sqlite3_column_int(stmt, 3));
		put_string(lb, "CreatedTime", store_column_text(stmt, 4));
		if (rc >= 0)
			rc = put_tags(m, lb, store_column_text(stmt, 1), err);
	}
	sqlite3_finalize(stmt);
	return rc < 0 ? -1 : 0;
}

/* {"LoadBalancer": LB} */
static int lb_result(struct model *m, int64_t id, json_object **result, struct api_error *err)
{
	return created_result(m, id, lb_json, "LoadBalancer", result, err);
}

static int add_zone(struct model *m, int64_t lb, json_object *zones, size_t index,
		    struct api_error *err)
{
	const char *zone = NULL, *address = NULL;
	struct args a;

	args_open_item(&a, zones, "Zones", index, err);
	args_string(&a, "ZoneId", ARG_REQUIRED, &zone);
	args_string(&a, "Address", ARG_REQUIRED, &address);
	if (args_close(&a) < 0 || check_zone(m, zone, API_InvalidParameterValue, err) < 0 ||
	    check_ipv4(address, API_InvalidParameterValue, err) < 0)
		return -1;
	if (refuse_if_found(m, "SELECT 1 FROM lb_zone WHERE lb = ? AND zone = ?",
			    SQL_ARGS(SQL_INT(lb), SQL_STR(zone)), err, API_ValidationError,
			    "zone %s is given twice: a load balancer has one node IP per zone",
			    zone) < 0 ||
	    refuse_if_found(m, ADDRESS_IN_USE_SQL, SQL_ARGS(SQL_STR(address)), err,
			    API_DuplicateLoadBalancerAddress,
			    "address %s is already used by a load balancer or an endpoint",
			    address) < 0 ||
	    refuse_if_found(m,
			    "SELECT 1 FROM target JOIN backend ON backend.slot = target.backend"
			    " WHERE backend.address = ?",
			    SQL_ARGS(SQL_STR(address)), err, API_DuplicateLoadBalancerAddress,
			    "address %s is a registered target: a node IP cannot be one",
			    address) < 0)
		return -1;
	return store_exec(m->store, "INSERT INTO lb_zone (lb, zone, address) VALUES (?, ?, ?)",
			  SQL_ARGS(SQL_INT(lb), SQL_STR(zone), SQL_STR(address)), err);
}

static int insert_lb(struct model *m, const struct principal *caller, const char *name,
		     bool cross_zone, int64_t *id, struct api_error *err)
{
	char suffix[ARN_SUFFIX_LEN + 1], arn[ARN_MAX], created[TIMESTAMP_MAX];

	if (next_arn_suffix(m, suffix, err) < 0)
		return -1;
	arn_load_balancer(arn, sizeof(arn), m->region, caller->account, name, suffix);
	timestamp_now(created);
	if (store_exec(m->store,
		       "INSERT INTO load_balancer (account, name, arn, cross_zone, created)"
		       " VALUES (?, ?, ?, ?, ?)",
		       SQL_ARGS(SQL_STR(caller->account), SQL_STR(name), SQL_STR(arn),
				SQL_INT(cross_zone), SQL_STR(created)),
		       err) < 0)
		return -1;
	*id = store_last_id(m->store);
	return 0;
}

int lb_create(struct model *m, const struct principal *caller, json_object *args,
	      json_object **result, struct api_error *err)
{
	const char *name = NULL;
	json_object *zones = NULL, *tags = NULL;
	bool cross_zone = false;
	struct args a;
	int64_t id;

	args_open(&a, args, err);
	args_string(&a, "Name", ARG_REQUIRED, &name);
	args_list(&a, "Zones", ARG_REQUIRED, json_type_object, &zones);
	args_bool(&a, "CrossZone", ARG_OPTIONAL, &cross_zone);
	args_list(&a, "Tags", ARG_OPTIONAL, json_type_object, &tags);
	if (args_close(&a) < 0 || check_resource_name(name, "load balancer", err) < 0)
		return -1;
	if (json_object_array_length(zones) == 0)
		return api_fail(err, API_ValidationError,
				"a load balancer needs at least one zone");
	switch (lookup_owned(m, &LOAD_BALANCER, caller->account, name, &id, err)) {
	case 0:
		break;
	case 1:
		return api_fail(err, API_DuplicateLoadBalancerName,
				"a load balancer named %s already exists", name);
	default:
		return -1;
	}
	if (insert_lb(m, caller, name, cross_zone, &id, err) < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(zones); i++) {
		if (add_zone(m, id, zones, i, err) < 0)
			return -1;
	}
	if (tags_put_row(m, caller, "SELECT arn FROM load_balancer WHERE id = ?", id, tags, err) <
	    0)
		return -1;
	return lb_result(m, id, result, err);
}

int lb_describe(struct model *m, const struct principal *caller, json_object *args,
		json_object **result, struct api_error *err)
{
	return describe_owned(m, &LOAD_BALANCER, caller->account, args, lb_json, "LoadBalancers",
			      result, err);
}

int lb_modify_attributes(struct model *m, const struct principal *caller, json_object *args,
			 json_object **result, struct api_error *err)
{
	const char *name = NULL;
	bool cross_zone = false;
	struct args a;
	int64_t id;

	args_open(&a, args, err);
	args_string(&a, "Name", ARG_REQUIRED, &name);
	args_bool(&a, "CrossZone", ARG_REQUIRED, &cross_zone);
	if (args_close(&a) < 0 ||
	    find_owned(m, &LOAD_BALANCER, caller->account, name, &id, err) < 0 ||
	    store_exec(m->store, "UPDATE load_balancer SET cross_zone = ? WHERE id = ?",
		       SQL_ARGS(SQL_INT(cross_zone), SQL_INT(id)), err) < 0)
		return -1;
	return lb_result(m, id, result, err);
}

int lb_delete(struct model *m, const struct principal *caller, json_object *args,
	      json_object **result, struct api_error *err)
{
	(void)result;
	return delete_owned_unless_used(m, &LOAD_BALANCER, caller, args,
					"SELECT 1 FROM service_lb WHERE lb = ?", "load balancer ",
					" cannot be deleted because it is currently associated "
					"with another service",
					err);
}

/* ---- Listeners -------------------------------------------------------------------------- */

static void listener_json(sqlite3_stmt *row, json_object *list)
{
	json_object *listener = append_object(list);
	json_object *action;

	put_string(listener, "ListenerArn", store_column_text(row, 0));
	put_string(listener, "LoadBalancerArn", store_column_text(row, 1));
	put_int(listener, "Port", sqlite3_column_int(row, 2));
	put_string(listener, "Protocol", "TCP");
	action = append_object(put_array(listener, "DefaultActions"));
	put_string(action, "Type", "forward");
	put_string(action, "TargetGroupArn", store_column_text(row, 3));
}

/* The caller's listeners: of one load balancer, or (lb 0) of all; on one port, or
 * (port 0) on all. */
static int list_listeners(struct model *m, const char *account, int64_t lb, int64_t port,
			  json_object *list, struct api_error *err)
{
	sqlite3_stmt *stmt = store_query(
	    m->store,
	    "SELECT l.arn, b.arn, l.port, g.arn FROM listener l"
	    " JOIN load_balancer b ON b.id = l.lb JOIN target_group g ON g.id = l.tg"
	    " WHERE b.account = ?1 AND (?2 = 0 OR b.id = ?2) AND (?3 = 0 OR l.port = ?3)"
	    " ORDER BY b.name, l.port",
	    SQL_ARGS(SQL_STR(account), SQL_INT(lb), SQL_INT(port)), err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0)
		listener_json(stmt, list);
	sqlite3_finalize(stmt);
	return rc;
}

/* A network load balancer's target group serves that one load balancer (AWS:
 * TargetGroupAssociationLimit); health checks then have one source per zone. */
static int check_listener_fits(struct model *m, int64_t lb, int64_t port, int64_t tg,
			       const char *lb_name, const char *tg_name, struct api_error *err)
{
	int64_t found = 0;

	if (refuse_if_found(m, "SELECT 1 FROM listener WHERE lb = ? AND port = ?",
			    SQL_ARGS(SQL_INT(lb), SQL_INT(port)), err, API_DuplicateListener,
			    "load balancer %s already has a listener on port %lld", lb_name,
			    (long long)port) < 0 ||
	    refuse_if_found(m, "SELECT 1 FROM listener WHERE tg = ? AND lb != ?",
			    SQL_ARGS(SQL_INT(tg), SQL_INT(lb)), err,
			    API_TargetGroupAssociationLimit,
			    "target group %s already serves another load balancer: a network "
			    "load balancer's target group serves one",
			    tg_name) < 0 ||
	    store_int(m->store, "SELECT count(*) FROM listener WHERE lb = ?", SQL_ARGS(SQL_INT(lb)),
		      &found, err) < 0)
		return -1;
	if (found >= MAX_LISTENERS)
		return api_fail(
		    err, API_TooManyListeners,
		    "load balancer %s has %d listeners, the most an endpoint service allows",
		    lb_name, MAX_LISTENERS);
	return 0;
}

static int insert_listener(struct model *m, int64_t lb, int64_t port, int64_t tg,
			   struct api_error *err)
{
	char lb_arn[ARN_MAX], suffix[ARN_SUFFIX_LEN + 1], arn[ARN_MAX + 24];

	if (next_arn_suffix(m, suffix, err) < 0)
		return -1;
	if (store_text(m->store, "SELECT arn FROM load_balancer WHERE id = ?",
		       SQL_ARGS(SQL_INT(lb)), lb_arn, sizeof(lb_arn), err) < 0)
		return -1;
	arn_listener(arn, sizeof(arn), lb_arn, suffix);
	/* A group that starts receiving traffic has its targets checked afresh, as AWS
	 * moves them from unused to initial. */
	if (store_exec(m->store,
		       "UPDATE target SET health = 'initial', reason = 'Elb.InitialHealthChecking'"
		       " WHERE tg = ?1 AND health != 'draining'"
		       " AND NOT EXISTS (SELECT 1 FROM listener WHERE tg = ?1)",
		       SQL_ARGS(SQL_INT(tg)), err) < 0)
		return -1;
	return store_exec(m->store, "INSERT INTO listener (lb, port, tg, arn) VALUES (?, ?, ?, ?)",
			  SQL_ARGS(SQL_INT(lb), SQL_INT(port), SQL_INT(tg), SQL_STR(arn)), err);
}

int listener_create(struct model *m, const struct principal *caller, json_object *args,
		    json_object **result, struct api_error *err)
{
	const char *lb_name = NULL, *tg_name = NULL, *protocol = "TCP";
	int64_t port = 0, lb, tg;
	struct args a;
	json_object *list, *tags = NULL;
	int rc;

	args_open(&a, args, err);
	args_string(&a, "LoadBalancerName", ARG_REQUIRED, &lb_name);
	args_int(&a, "Port", ARG_REQUIRED, 1, 65535, &port);
	args_string(&a, "TargetGroupName", ARG_REQUIRED, &tg_name);
	args_string(&a, "Protocol", ARG_OPTIONAL, &protocol);
	args_list(&a, "Tags", ARG_OPTIONAL, json_type_object, &tags);
	if (args_close(&a) < 0 || check_tcp(protocol, err) < 0 ||
	    find_owned(m, &LOAD_BALANCER, caller->account, lb_name, &lb, err) < 0 ||
	    find_owned(m, &TARGET_GROUP, caller->account, tg_name, &tg, err) < 0 ||
	    check_listener_fits(m, lb, port, tg, lb_name, tg_name, err) < 0 ||
	    insert_listener(m, lb, port, tg, err) < 0 ||
	    tags_put_row(m, caller, "SELECT arn FROM listener WHERE id = ?",
			 store_last_id(m->store), tags, err) < 0)
		return -1;
	list = json_object_new_array();
	*result = json_object_new_object();
	rc = list_listeners(m, caller->account, lb, port, list, err);
	put_first(*result, "Listener", list);
	return rc;
}

int listener_describe(struct model *m, const struct principal *caller, json_object *args,
		      json_object **result, struct api_error *err)
{
	const char *lb_name = NULL;
	int64_t lb = 0;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "LoadBalancerName", ARG_OPTIONAL, &lb_name);
	if (args_close(&a) < 0 ||
	    (lb_name && find_owned(m, &LOAD_BALANCER, caller->account, lb_name, &lb, err) < 0))
		return -1;
	*result = json_object_new_object();
	return list_listeners(m, caller->account, lb, 0, put_array(*result, "Listeners"), err);
}

int listener_delete(struct model *m, const struct principal *caller, json_object *args,
		    json_object **result, struct api_error *err)
{
	const char *lb_name = NULL;
	int64_t port = 0, lb;
	struct args a;

	(void)result;
	args_open(&a, args, err);
	args_string(&a, "LoadBalancerName", ARG_REQUIRED, &lb_name);
	args_int(&a, "Port", ARG_REQUIRED, 1, 65535, &port);
	if (args_close(&a) < 0 ||
	    find_owned(m, &LOAD_BALANCER, caller->account, lb_name, &lb, err) < 0)
		return -1;
	if (store_exec(m->store, "DELETE FROM listener WHERE lb = ? AND port = ?",
		       SQL_ARGS(SQL_INT(lb), SQL_INT(port)), err) < 0)
		return -1;
	if (store_changes(m->store) == 0)
		return api_fail(err, API_ListenerNotFound,
				"load balancer %s has no listener on port %lld", lb_name,
				(long long)port);
	return 0;
}
