/* SPDX-License-Identifier: MIT */
/* Endpoint services in EC2's shapes: configurations over one or more load balancers,
 * allowed principals, the provider's view of connections (accept, reject), and the
 * consumer's view of the services it may use. */
#include "service.h"

#include "actions.h"
#include "args.h"
#include "batch.h"
#include "checks.h"
#include "endpoint_rows.h"
#include "given_ids.h"
#include "model_internal.h"
#include "owned.h"
#include "result.h"
#include "tags.h"

#include <string.h>

/* ---- Finding services ------------------------------------------------------------------- */

int find_visible_service(struct model *m, const struct principal *caller, const char *name,
			 int64_t *service, struct api_error *err)
{
	char service_id[ID_MAX];
	int rc = 0;

	if (service_name_parse(name, m->region, service_id))
		rc = store_int(
		    m->store,
		    "SELECT id FROM service s WHERE service_id = ?1 AND (account = ?2"
		    " OR EXISTS (SELECT 1 FROM service_principal p WHERE p.service = s.id"
		    "  AND principal_allows(p.principal, ?3)))",
		    SQL_ARGS(SQL_STR(service_id), SQL_STR(caller->account), SQL_STR(caller->arn)),
		    service, err);
	if (rc == 0)
		return api_fail(err, API_InvalidServiceName,
				"The Vpc Endpoint Service '%s' does not exist", name);
	return rc < 0 ? -1 : 0;
}

/* ---- Describing ------------------------------------------------------------------------- */

/* AvailabilityZones and AvailabilityZoneIds: the union of its load balancers' zones. */
static int add_service_zones(json_object *out, struct model *m, int64_t service,
			     struct api_error *err)
{
	json_object *names = put_array(out, "AvailabilityZones");
	json_object *ids = put_array(out, "AvailabilityZoneIds");
	sqlite3_stmt *stmt = store_query(m->store,
					 "SELECT DISTINCT z.zone FROM service_lb s"
					 " JOIN lb_zone z ON z.lb = s.lb WHERE s.service = ?"
					 " ORDER BY z.zone",
					 SQL_ARGS(SQL_INT(service)), err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0) {
		char zone_name[ZONE_MAX] = "";

		zone_name_of(m->region, store_column_text(stmt, 0), zone_name);
		append_string(names, zone_name);
		append_string(ids, store_column_text(stmt, 0));
	}
	sqlite3_finalize(stmt);
	return rc;
}

static int add_service_lb_arns(json_object *out, struct model *m, int64_t service,
			       struct api_error *err)
{
	return put_column(m, out, "NetworkLoadBalancerArns",
			  "SELECT b.arn FROM service_lb s JOIN load_balancer b ON b.id = s.lb"
			  " WHERE s.service = ? ORDER BY b.arn",
			  service, err);
}

enum service_view {
	PROVIDER_VIEW, /* ServiceConfiguration */
	CONSUMER_VIEW, /* ServiceDetail */
};

static void put_private_dns(json_object *out, sqlite3_stmt *row, enum service_view view)
{
	json_object *configuration;

	if (sqlite3_column_type(row, 3) == SQLITE_NULL)
		return;
	put_string(out, "PrivateDnsName", store_column_text(row, 3));
	if (view == CONSUMER_VIEW) {
		put_string(out, "PrivateDnsNameVerificationState", store_column_text(row, 4));
		return;
	}
	configuration = put_object(out, "PrivateDnsNameConfiguration");
	put_string(configuration, "State", store_column_text(row, 4));
	put_string(configuration, "Type", "TXT");
	put_string(configuration, "Name", store_column_text(row, 5));
	put_string(configuration, "Value", store_column_text(row, 6));
}

static int service_json(struct model *m, int64_t service, enum service_view view, json_object *list,
			struct api_error *err)
{
	sqlite3_stmt *stmt = store_query(
	    m->store,
	    "SELECT service_id, account, acceptance_required, private_dns_name,"
	    " private_dns_state, private_dns_record, private_dns_value FROM service WHERE id = ?",
	    SQL_ARGS(SQL_INT(service)), err);
	int rc;

	if (!stmt)
		return -1;
	rc = store_next(m->store, stmt, err);
	if (rc > 0) {
		const char *service_id = store_column_text(stmt, 0);
		char name[DNS_NAME_MAX], base[DNS_NAME_MAX];
		json_object *out = append_object(list);

		service_name(name, sizeof(name), m->region, service_id);
		service_base_dns_name(base, sizeof(base), m->region, service_id);
		put_string(append_object(put_array(out, "ServiceType")), "ServiceType",
			   "Interface");
		put_string(out, "ServiceId", service_id);
		put_string(out, "ServiceName", name);
		if (view == PROVIDER_VIEW)
			put_string(out, "ServiceState", "Available");
		put_string(out, "Owner", store_column_text(stmt, 1));
		rc = add_service_zones(out, m, service, err);
		put_bool(out, "AcceptanceRequired", sqlite3_column_int(stmt, 2));
		put_bool(out, "ManagesVpcEndpoints", false);
		if (rc == 0 && view == PROVIDER_VIEW)
			rc = add_service_lb_arns(out, m, service, err);
		append_string(put_array(out, "SupportedIpAddressTypes"), "ipv4");
		append_string(put_array(out, "BaseEndpointDnsNames"), base);
		put_private_dns(out, stmt, view);
		/* A consumer never sees the provider's tags. */
		if (rc == 0 && view == PROVIDER_VIEW)
			rc = put_tags(m, out, service_id, err);
		else if (rc == 0)
			put_array(out, "Tags");
	}
	sqlite3_finalize(stmt);
	return rc < 0 ? -1 : 0;
}

/* Every service row of `sql` (one column, the row id), described. */
static int list_services(struct model *m, const char *sql, const struct sql_arg *args, size_t count,
			 enum service_view view, json_object *list, struct api_error *err)
{
	sqlite3_stmt *stmt = store_query(m->store, sql, args, count, err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0 &&
	       (rc = service_json(m, sqlite3_column_int64(stmt, 0), view, list, err)) == 0)
		;
	sqlite3_finalize(stmt);
	return rc;
}

/* ---- Configurations --------------------------------------------------------------------- */

static int add_lb(struct model *m, const struct principal *caller, int64_t service,
		  const char *name, struct api_error *err)
{
	int64_t lb;

	if (find_owned(m, &LOAD_BALANCER, caller->account, name, &lb, err) < 0 ||
	    refuse_if_found(m, "SELECT 1 FROM service_lb WHERE lb = ? AND service != ?",
			    SQL_ARGS(SQL_INT(lb), SQL_INT(service)), err, API_ResourceInUse,
			    "load balancer %s is already associated with another endpoint service",
			    name) < 0)
		return -1;
	return store_exec(m->store, "INSERT OR IGNORE INTO service_lb (service, lb) VALUES (?, ?)",
			  SQL_ARGS(SQL_INT(service), SQL_INT(lb)), err);
}

static int add_lbs(struct model *m, const struct principal *caller, int64_t service,
		   json_object *names, struct api_error *err)
{
	for (size_t i = 0; names && i < json_object_array_length(names); i++) {
		if (add_lb(m, caller, service,
			   json_object_get_string(json_object_array_get_idx(names, i)), err) < 0)
			return -1;
	}
	return 0;
}

/* A new name must be proved again: a fresh TXT record, pending verification. */
static int set_private_dns(struct model *m, int64_t service, const char *name,
			   struct api_error *err)
{
	char record[6 + 12 + 1] = "_vpce-", value[5 + 20 + 1] = "vpce:";

	if (!private_dns_name_valid(name))
		return api_fail(err, API_InvalidParameterValue,
				"'%s' is not a valid private DNS name: lowercase labels such as "
				"api.example.com",
				name);
	if (id_new_token(record + 6, 12, false) < 0 || id_new_token(value + 5, 20, true) < 0)
		return api_fail(err, API_InternalError, "no randomness for a verification record");
	return store_exec(
	    m->store,
	    "UPDATE service SET private_dns_name = ?, private_dns_state ="
	    " 'pendingVerification', private_dns_record = ?, private_dns_value = ?"
	    " WHERE id = ?",
	    SQL_ARGS(SQL_STR(name), SQL_STR(record), SQL_STR(value), SQL_INT(service)), err);
}

int service_create(struct model *m, const struct principal *caller, json_object *args,
		   json_object **result, struct api_error *err)
{
	json_object *names = NULL, *tags = NULL, *one;
	const char *private_dns = NULL;
	bool acceptance = true;
	char service_id[ID_MAX];
	int64_t service;
	struct args a;
	int rc;

	args_open(&a, args, err);
	args_list(&a, "LoadBalancerNames", ARG_OPTIONAL, json_type_string, &names);
	args_bool(&a, "AcceptanceRequired", ARG_OPTIONAL, &acceptance);
	args_string(&a, "PrivateDnsName", ARG_OPTIONAL, &private_dns);
	args_list(&a, "Tags", ARG_OPTIONAL, json_type_object, &tags);
	if (args_close(&a) < 0)
		return -1;
	if (!names || json_object_array_length(names) == 0)
		return api_fail(
		    err, API_InvalidParameter,
		    "exactly one of NetworkLoadBalancerArns or GatewayLoadBalancerArns is "
		    "required");
	if (next_id(m, &SERVICE_ID, service_id, err) < 0)
		return -1;
	if (store_exec(
		m->store,
		"INSERT INTO service (service_id, account, acceptance_required) VALUES (?, ?, ?)",
		SQL_ARGS(SQL_STR(service_id), SQL_STR(caller->account), SQL_INT(acceptance)),
		err) < 0)
		return -1;
	service = store_last_id(m->store);
	if (add_lbs(m, caller, service, names, err) < 0 ||
	    (private_dns && set_private_dns(m, service, private_dns, err) < 0) ||
	    tags_put(m, caller, service_id, tags, err) < 0)
		return -1;
	one = json_object_new_array();
	rc = service_json(m, service, PROVIDER_VIEW, one, err);
	*result = json_object_new_object();
	put_first(*result, "ServiceConfiguration", one);
	return rc;
}

int services_describe(struct model *m, const struct principal *caller, json_object *args,
		      json_object **result, struct api_error *err)
{
	json_object *ids = NULL, *list;
	struct args a;
	int64_t service;

	args_open(&a, args, err);
	args_list(&a, "ServiceIds", ARG_OPTIONAL, json_type_string, &ids);
	if (args_close(&a) < 0)
		return -1;
	*result = json_object_new_object();
	list = put_array(*result, "ServiceConfigurations");
	for (size_t i = 0; ids && i < json_object_array_length(ids); i++) {
		const char *id = json_object_get_string(json_object_array_get_idx(ids, i));

		if (find_owned(m, &ENDPOINT_SERVICE, caller->account, id, &service, err) < 0 ||
		    service_json(m, service, PROVIDER_VIEW, list, err) < 0)
			return -1;
	}
	if (ids)
		return 0;
	return list_services(m, "SELECT id FROM service WHERE account = ? ORDER BY id",
			     SQL_ARGS(SQL_STR(caller->account)), PROVIDER_VIEW, list, err);
}

/* A load balancer leaves a service only when no live endpoint uses it; rejected
 * endpoints that did simply lose it. */
static int remove_lb(struct model *m, const struct principal *caller, int64_t service,
		     const char *service_id, const char *name, struct api_error *err)
{
	int64_t lb;

	if (find_owned(m, &LOAD_BALANCER, caller->account, name, &lb, err) < 0 ||
	    refuse_if_found(m,
			    "SELECT 1 FROM eni e JOIN endpoint p ON p.id = e.endpoint"
			    " WHERE e.lb = ? AND p.state IN " LIVE_STATES,
			    SQL_ARGS(SQL_INT(lb)), err, API_ResourceInUse,
			    "load balancer %s is used by endpoints of %s", name, service_id) < 0)
		return -1;
	if (store_exec(m->store, "DELETE FROM service_lb WHERE service = ? AND lb = ?",
		       SQL_ARGS(SQL_INT(service), SQL_INT(lb)), err) < 0)
		return -1;
	if (store_changes(m->store) == 0)
		return api_fail(err, API_InvalidParameter,
				"load balancer %s is not associated with %s", name, service_id);
	return store_exec(m->store, "UPDATE eni SET lb = NULL WHERE lb = ?", SQL_ARGS(SQL_INT(lb)),
			  err);
}

static int remove_lbs(struct model *m, const struct principal *caller, int64_t service,
		      const char *service_id, json_object *names, struct api_error *err)
{
	int64_t remaining = 0;

	for (size_t i = 0; names && i < json_object_array_length(names); i++) {
		if (remove_lb(m, caller, service, service_id,
			      json_object_get_string(json_object_array_get_idx(names, i)), err) < 0)
			return -1;
	}
	if (store_int(m->store, "SELECT count(*) FROM service_lb WHERE service = ?",
		      SQL_ARGS(SQL_INT(service)), &remaining, err) < 0)
		return -1;
	if (remaining == 0)
		return api_fail(err, API_InvalidParameter,
				"an endpoint service needs at least one load balancer");
	return 0;
}

static int change_private_dns(struct model *m, int64_t service, const char *name, bool remove,
			      struct api_error *err)
{
	if (name && remove)
		return api_fail(err, API_InvalidParameter,
				"PrivateDnsName and RemovePrivateDnsName cannot be used together");
	if (name)
		return set_private_dns(m, service, name, err);
	if (!remove)
		return 0;
	return store_exec(m->store,
			  "UPDATE service SET private_dns_name = NULL, private_dns_state = NULL,"
			  " private_dns_record = NULL, private_dns_value = NULL WHERE id = ?",
			  SQL_ARGS(SQL_INT(service)), err);
}

/* Changing acceptance leaves existing endpoints as they are. */
int service_modify(struct model *m, const struct principal *caller, json_object *args,
		   json_object **result, struct api_error *err)
{
	json_object *add = NULL, *remove = NULL;
	const char *service_id = NULL, *private_dns = NULL;
	bool acceptance = false, acceptance_given, remove_private_dns = false;
	int64_t service;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "ServiceId", ARG_REQUIRED, &service_id);
	acceptance_given = args_bool(&a, "AcceptanceRequired", ARG_OPTIONAL, &acceptance);
	args_list(&a, "AddLoadBalancerNames", ARG_OPTIONAL, json_type_string, &add);
	args_list(&a, "RemoveLoadBalancerNames", ARG_OPTIONAL, json_type_string, &remove);
	args_string(&a, "PrivateDnsName", ARG_OPTIONAL, &private_dns);
	args_bool(&a, "RemovePrivateDnsName", ARG_OPTIONAL, &remove_private_dns);
	if (args_close(&a) < 0 ||
	    find_owned(m, &ENDPOINT_SERVICE, caller->account, service_id, &service, err) < 0)
		return -1;
	if ((acceptance_given &&
	     store_exec(m->store, "UPDATE service SET acceptance_required = ? WHERE id = ?",
			SQL_ARGS(SQL_INT(acceptance), SQL_INT(service)), err) < 0) ||
	    add_lbs(m, caller, service, add, err) < 0 ||
	    remove_lbs(m, caller, service, service_id, remove, err) < 0 ||
	    change_private_dns(m, service, private_dns, remove_private_dns, err) < 0)
		return -1;
	*result = json_object_new_object();
	put_bool(*result, "Return", true);
	return 0;
}

/* Rejected and deleted endpoints do not hold a service: it goes, and they are deleted. */
static int delete_service(struct model *m, const struct principal *caller, int64_t unused,
			  const char *service_id, struct api_error *err)
{
	int64_t service, endpoint;
	int rc;

	(void)unused;
	rc = lookup_owned(m, &ENDPOINT_SERVICE, caller->account, service_id, &service, err);
	if (rc <= 0) /* EC2's code for this one in a batch deletion */
		return rc < 0
			   ? -1
			   : api_fail(err, API_InvalidVpcEndpointService_NotFound,
				      "The VpcEndpointService Id '%s' does not exist", service_id);
	if (refuse_if_found(m, "SELECT 1 FROM endpoint WHERE service = ? AND state IN " LIVE_STATES,
			    SQL_ARGS(SQL_INT(service)), err, API_ExistingVpcEndpointConnections,
			    "Service has existing active VPC Endpoint connections") < 0)
		return -1;
	while ((rc = store_int(m->store,
			       "SELECT id FROM endpoint WHERE service = ? AND state != 'deleted'"
			       " LIMIT 1",
			       SQL_ARGS(SQL_INT(service)), &endpoint, err)) > 0) {
		if (endpoint_mark_deleted(m, endpoint, err) < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	return store_exec(m->store, "DELETE FROM service WHERE id = ?", SQL_ARGS(SQL_INT(service)),
			  err);
}

int services_delete(struct model *m, const struct principal *caller, json_object *args,
		    json_object **result, struct api_error *err)
{
	json_object *ids = NULL;
	struct args a;

	args_open(&a, args, err);
	args_list(&a, "ServiceIds", ARG_REQUIRED, json_type_string, &ids);
	if (args_close(&a) < 0)
		return -1;
	return run_batch(m, caller, 0, ids, delete_service, result, err);
}

/* ---- Permissions ------------------------------------------------------------------------ */

static void permission_json(json_object *list, const char *principal, const char *permission_id,
			    const char *service_id)
{
	json_object *entry = append_object(list);
	struct principal parsed;

	principal_parse(principal, &parsed);
	put_string(entry, "PrincipalType", principal_type_name(parsed.type));
	put_string(entry, "Principal", principal);
	put_string(entry, "ServicePermissionId", permission_id);
	if (service_id)
		put_string(entry, "ServiceId", service_id);
}

static int check_principals(json_object *principals, struct api_error *err)
{
	for (size_t i = 0; principals && i < json_object_array_length(principals); i++) {
		const char *text = json_object_get_string(json_object_array_get_idx(principals, i));
		struct principal parsed;

		if (!principal_parse(text, &parsed))
			return api_fail(err, API_InvalidParameterValue,
					"principal '%s' is not *, arn:aws:iam::<12 digits>:root, "
					":user/<name> or :role/<name> (without a path)",
					text);
	}
	return 0;
}

/* Adding a principal twice keeps its first permission id. */
static int allow_principal(struct model *m, int64_t service, const char *service_id,
			   const char *principal, json_object *added, struct api_error *err)
{
	char permission_id[ID_MAX];

	if (id_new_permission(permission_id) < 0)
		return api_fail(err, API_InternalError, "no randomness for a new permission id");
	if (store_exec(m->store,
		       "INSERT OR IGNORE INTO service_principal (service, principal, permission_id)"
		       " VALUES (?, ?, ?)",
		       SQL_ARGS(SQL_INT(service), SQL_STR(principal), SQL_STR(permission_id)),
		       err) < 0 ||
	    store_text(
		m->store,
		"SELECT permission_id FROM service_principal WHERE service = ? AND principal = ?",
		SQL_ARGS(SQL_INT(service), SQL_STR(principal)), permission_id,
		sizeof(permission_id), err) < 0)
		return -1;
	permission_json(added, principal, permission_id, service_id);
	return 0;
}

/* Removing a principal leaves the endpoints it created (and that were accepted) as
 * they are, as AWS does. */
int permissions_modify(struct model *m, const struct principal *caller, json_object *args,
		       json_object **result, struct api_error *err)
{
	json_object *add = NULL, *remove = NULL, *added;
	const char *service_id = NULL;
	int64_t service;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "ServiceId", ARG_REQUIRED, &service_id);
	args_list(&a, "AddAllowedPrincipals", ARG_OPTIONAL, json_type_string, &add);
	args_list(&a, "RemoveAllowedPrincipals", ARG_OPTIONAL, json_type_string, &remove);
	if (args_close(&a) < 0 ||
	    find_owned(m, &ENDPOINT_SERVICE, caller->account, service_id, &service, err) < 0 ||
	    check_principals(add, err) < 0 || check_principals(remove, err) < 0)
		return -1;
	*result = json_object_new_object();
	added = put_array(*result, "AddedPrincipals");
	for (size_t i = 0; add && i < json_object_array_length(add); i++) {
		if (allow_principal(m, service, service_id,
				    json_object_get_string(json_object_array_get_idx(add, i)),
				    added, err) < 0)
			return -1;
	}
	for (size_t i = 0; remove && i < json_object_array_length(remove); i++) {
		if (store_exec(
			m->store,
			"DELETE FROM service_principal WHERE service = ? AND principal = ?",
			SQL_ARGS(SQL_INT(service), SQL_STR(json_object_get_string(
						       json_object_array_get_idx(remove, i)))),
			err) < 0)
			return -1;
	}
	put_bool(*result, "ReturnValue", true);
	return 0;
}

int permissions_describe(struct model *m, const struct principal *caller, json_object *args,
			 json_object **result, struct api_error *err)
{
	const char *service_id = NULL;
	json_object *list;
	sqlite3_stmt *stmt;
	int64_t service;
	struct args a;
	int rc;

	args_open(&a, args, err);
	args_string(&a, "ServiceId", ARG_REQUIRED, &service_id);
	if (args_close(&a) < 0 ||
	    find_owned(m, &ENDPOINT_SERVICE, caller->account, service_id, &service, err) < 0)
		return -1;
	*result = json_object_new_object();
	list = put_array(*result, "AllowedPrincipals");
	stmt =
	    store_query(m->store,
			"SELECT principal, permission_id FROM service_principal WHERE service = ?"
			" ORDER BY principal",
			SQL_ARGS(SQL_INT(service)), err);
	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0)
		permission_json(list, store_column_text(stmt, 0), store_column_text(stmt, 1), NULL);
	sqlite3_finalize(stmt);
	return rc;
}

/* ---- The consumer's view ---------------------------------------------------------------- */

int services_consumer_describe(struct model *m, const struct principal *caller, json_object *args,
			       json_object **result, struct api_error *err)
{
	json_object *names = NULL, *details, *service_names;
	struct args a;
	int64_t service = 0;

	args_open(&a, args, err);
	args_list(&a, "ServiceNames", ARG_OPTIONAL, json_type_string, &names);
	if (args_close(&a) < 0)
		return -1;
	*result = json_object_new_object();
	details = put_array(*result, "ServiceDetails");
	for (size_t i = 0; names && i < json_object_array_length(names); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(names, i));

		if (find_visible_service(m, caller, name, &service, err) < 0 ||
		    service_json(m, service, CONSUMER_VIEW, details, err) < 0)
			return -1;
	}
	if (!names && list_services(m,
				    "SELECT id FROM service s WHERE account = ?1 OR EXISTS"
				    " (SELECT 1 FROM service_principal p WHERE p.service = s.id"
				    "  AND principal_allows(p.principal, ?2)) ORDER BY service_id",
				    SQL_ARGS(SQL_STR(caller->account), SQL_STR(caller->arn)),
				    CONSUMER_VIEW, details, err) < 0)
		return -1;
	service_names = put_array(*result, "ServiceNames");
	for (size_t i = 0; i < json_object_array_length(details); i++) {
		json_object *name;

		json_object_object_get_ex(json_object_array_get_idx(details, i), "ServiceName",
					  &name);
		json_object_array_add(service_names, json_object_get(name));
	}
	return 0;
}
