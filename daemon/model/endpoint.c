/* SPDX-License-Identifier: MIT */
/* Interface endpoints, the consumer's side: one ENI per zone of the service, each
 * bound for life to one of the service's load balancers in that zone, with AWS's
 * states and DNS names. */
#include <stdint.h>

#include "actions.h"
#include "args.h"
#include "batch.h"
#include "checks.h"
#include "endpoint_rows.h"
#include "given_ids.h"
#include "model_internal.h"
#include "owned.h"
#include "private_dns.h"
#include "result.h"
#include "security_group.h"
#include "service.h"
#include "slots.h"
#include "tags.h"
#include "vpc.h"

#include <stdio.h>
#include <string.h>

/* ---- Describing ------------------------------------------------------------------------- */

static int add_network_interfaces(json_object *out, struct model *m, int64_t endpoint,
				  struct api_error *err)
{
	json_object *list = put_array(out, "NetworkInterfaces"),
		    *subnets = put_array(out, "SubnetIds");
	sqlite3_stmt *stmt = store_query(m->store,
					 "SELECT e.zone, e.address, b.arn, s.subnet_id FROM eni e"
					 " LEFT JOIN load_balancer b ON b.id = e.lb"
					 " JOIN subnet s ON s.id = e.subnet"
					 " WHERE e.endpoint = ? ORDER BY e.zone",
					 SQL_ARGS(SQL_INT(endpoint)), err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0) {
		json_object *eni = append_object(list);
		char zone_name[ZONE_MAX] = "";

		zone_name_of(m->region, store_column_text(stmt, 0), zone_name);
		put_string(eni, "AvailabilityZoneId", store_column_text(stmt, 0));
		put_string(eni, "AvailabilityZone", zone_name);
		put_string(eni, "PrivateIpAddress", store_column_text(stmt, 1));
		put_string(eni, "SubnetId", store_column_text(stmt, 3));
		append_string(subnets, store_column_text(stmt, 3));
		if (sqlite3_column_type(stmt, 2) != SQLITE_NULL)
			put_string(eni, "NetworkLoadBalancerArn", store_column_text(stmt, 2));
	}
	sqlite3_finalize(stmt);
	return rc;
}

static int endpoint_json(struct model *m, int64_t endpoint, json_object *list,
			 struct api_error *err)
{
	sqlite3_stmt *stmt = store_query(
	    m->store,
	    "SELECT p.endpoint_id, p.service_id, p.state, p.account, p.created, v.vpc_id,"
	    " p.private_dns FROM endpoint p LEFT JOIN vpc v ON v.id = p.vpc WHERE p.id = ?",
	    SQL_ARGS(SQL_INT(endpoint)), err);
	int rc;

	if (!stmt)
		return -1;
	rc = store_next(m->store, stmt, err);
	if (rc > 0) {
		json_object *out = append_object(list);
		char name[DNS_NAME_MAX];

		service_name(name, sizeof(name), m->region, store_column_text(stmt, 1));
		put_string(out, "VpcEndpointId", store_column_text(stmt, 0));
		put_string(out, "VpcEndpointType", "Interface");
		put_string(out, "ServiceName", name);
		put_string(out, "State", store_column_text(stmt, 2));
		put_string(out, "IpAddressType", "ipv4"); /* IPv4 only */
		put_string(out, "OwnerId", store_column_text(stmt, 3));
		if (sqlite3_column_type(stmt, 5) != SQLITE_NULL)
			put_string(out, "VpcId", store_column_text(stmt, 5));
		put_bool(out, "RequesterManaged", false);
		put_string(out, "CreationTimestamp", store_column_text(stmt, 4));
		put_bool(out, "PrivateDnsEnabled", sqlite3_column_int(stmt, 6));
		rc = add_network_interfaces(out, m, endpoint, err);
		if (rc == 0)
			rc = endpoint_groups_json(m, endpoint, out, err);
		if (rc == 0)
			rc = endpoint_dns_entries(m, endpoint, put_array(out, "DnsEntries"), err);
		if (rc == 0)
			rc = put_tags(m, out, store_column_text(stmt, 0), err);
	}
	sqlite3_finalize(stmt);
	return rc < 0 ? -1 : 0;
}

/* ---- Creating --------------------------------------------------------------------------- */

/* FNV-1a: a stable spread of endpoints over a zone's load balancers. */
static uint32_t spread_hash(const char *endpoint_id, const char *zone)
{
	uint32_t hash = 2166136261u;

	for (const char *p = endpoint_id; *p; p++)
		hash = (hash ^ (unsigned char)*p) * 16777619u;
	for (const char *p = zone; *p; p++)
		hash = (hash ^ (unsigned char)*p) * 16777619u;
	return hash;
}

/* The one load balancer of the service the endpoint uses in `zone`, chosen by a hash
 * of the endpoint id among those with a node there; InvalidParameter if none has. */
static int choose_lb(struct model *m, int64_t service, const char *endpoint_id, const char *zone,
		     int64_t *lb, struct api_error *err)
{
	char name[DNS_NAME_MAX], service_id[ID_MAX] = "";
	int64_t count = 0;

	if (store_int(m->store,
		      "SELECT count(*) FROM service_lb s JOIN lb_zone z ON z.lb = s.lb"
		      " WHERE s.service = ? AND z.zone = ?",
		      SQL_ARGS(SQL_INT(service), SQL_STR(zone)), &count, err) < 0)
		return -1;
	if (count > 0)
		return store_int(
			   m->store,
			   "SELECT s.lb FROM service_lb s JOIN lb_zone z ON z.lb = s.lb"
			   " WHERE s.service = ? AND z.zone = ? ORDER BY s.lb LIMIT 1 OFFSET ?",
			   SQL_ARGS(SQL_INT(service), SQL_STR(zone),
				    SQL_INT(spread_hash(endpoint_id, zone) % (uint64_t)count)),
			   lb, err) < 0
			   ? -1
			   : 0;
	if (store_text(m->store, "SELECT service_id FROM service WHERE id = ?",
		       SQL_ARGS(SQL_INT(service)), service_id, sizeof(service_id), err) < 0)
		return -1;
	service_name(name, sizeof(name), m->region, service_id);
	return api_fail(err, API_InvalidParameter,
			"The VPC endpoint service %s does not support the availability zone of the "
			"subnet: %s",
			name, zone);
}

/* An ENI of item `index` of the list `list_name` ({"SubnetId", "AvailabilityZoneId",
 * "Ipv4"}), in the endpoint's VPC (*vpc; 0 until its first ENI fixes it). */
static int add_eni(struct model *m, const struct principal *caller, int64_t endpoint,
		   const char *endpoint_id, int64_t service, json_object *subnets,
		   const char *list_name, size_t index, int64_t *vpc, struct api_error *err)
{
	struct eni_request want = { 0 };
	struct eni_place place;
	int64_t lb;
	struct args a;

	args_open_item(&a, subnets, list_name, index, err);
	args_string(&a, "SubnetId", ARG_OPTIONAL, &want.subnet_id);
	args_string(&a, "AvailabilityZoneId", ARG_OPTIONAL, &want.zone);
	args_string(&a, "Ipv4", ARG_OPTIONAL, &want.address);
	if (args_close(&a) < 0 || eni_place(m, caller, &want, *vpc, &place, err) < 0)
		return -1;
	*vpc = place.vpc;
	if (refuse_if_found(m, "SELECT 1 FROM eni WHERE endpoint = ? AND zone = ?",
			    SQL_ARGS(SQL_INT(endpoint), SQL_STR(place.zone)), err,
			    API_DuplicateSubnetsInSameZone,
			    "Found another VPC endpoint subnet in the availability zone of "
			    "%s. VPC endpoint subnets should be in different availability "
			    "zones supported by the VPC endpoint service.",
			    place.zone) < 0 ||
	    choose_lb(m, service, endpoint_id, place.zone, &lb, err) < 0)
		return -1;
	return store_exec(
	    m->store,
	    "INSERT INTO eni (endpoint, zone, address, lb, subnet) VALUES (?, ?, ?, ?, ?)",
	    SQL_ARGS(SQL_INT(endpoint), SQL_STR(place.zone), SQL_STR(place.address), SQL_INT(lb),
		     SQL_INT(place.subnet)),
	    err);
}

static int insert_endpoint(struct model *m, const struct principal *caller, int64_t service,
			   int64_t vpc, char endpoint_id[ID_MAX], int64_t *endpoint,
			   struct api_error *err)
{
	char suffix[9], created[TIMESTAMP_MAX];

	if (next_id(m, &ENDPOINT_ID, endpoint_id, err) < 0 || next_dns_suffix(m, suffix, err) < 0)
		return -1;
	timestamp_now(created);
	/* Without acceptance it goes through pending to available within this commit. */
	if (store_exec(
		m->store,
		"INSERT INTO endpoint (endpoint_id, account, service, service_id, state,"
		" dns_suffix, created, vpc)"
		" SELECT ?, ?, id, service_id,"
		"  CASE WHEN acceptance_required THEN 'pendingAcceptance' ELSE 'available' END,"
		"  ?, ?, nullif(?, 0) FROM service WHERE id = ?",
		SQL_ARGS(SQL_STR(endpoint_id), SQL_STR(caller->account), SQL_STR(suffix),
			 SQL_STR(created), SQL_INT(vpc), SQL_INT(service)),
		err) < 0)
		return -1;
	*endpoint = store_last_id(m->store);
	return 0;
}

int endpoint_create(struct model *m, const struct principal *caller, json_object *args,
		    json_object **result, struct api_error *err)
{
	const char *name = NULL, *type = "Interface", *vpc_id = NULL;
	json_object *subnets = NULL, *groups = NULL, *tags = NULL, *one;
	char endpoint_id[ID_MAX];
	int64_t service, endpoint = 0, vpc = 0;
	bool private_dns = false;
	uint32_t slot;
	struct args a;
	int rc;

	args_open(&a, args, err);
	args_string(&a, "ServiceName", ARG_REQUIRED, &name);
	args_string(&a, "VpcEndpointType", ARG_OPTIONAL, &type);
	args_string(&a, "VpcId", ARG_OPTIONAL, &vpc_id);
	args_list(&a, "SubnetConfigurations", ARG_REQUIRED, json_type_object, &subnets);
	args_bool(&a, "PrivateDnsEnabled", ARG_OPTIONAL, &private_dns);
	args_list(&a, "SecurityGroupIds", ARG_OPTIONAL, json_type_string, &groups);
	args_list(&a, "Tags", ARG_OPTIONAL, json_type_object, &tags);
	if (args_close(&a) < 0)
		return -1;
	if (strcmp(type, "Interface") != 0)
		return api_fail(err, API_InvalidVpcEndpointType,
				"xdplink has interface endpoints only, not %s", type);
	if (find_visible_service(m, caller, name, &service, err) < 0 ||
	    (vpc_id && find_owned(m, &VPC, caller->account, vpc_id, &vpc, err) < 0))
		return -1;
	if (json_object_array_length(subnets) == 0)
		return api_fail(err, API_ValidationError,
				"SubnetConfigurations needs at least one subnet");
	if (insert_endpoint(m, caller, service, vpc, endpoint_id, &endpoint, err) < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(subnets); i++) {
		if (add_eni(m, caller, endpoint, endpoint_id, service, subnets,
			    "SubnetConfigurations", i, &vpc, err) < 0)
			return -1;
	}
	if (endpoint_groups_add(m, caller, endpoint, vpc, groups, err) < 0 ||
	    endpoint_groups_check(m, endpoint, false, err) < 0 ||
	    (private_dns && endpoint_set_private_dns(m, endpoint, true, err) < 0) ||
	    slot_allocate(m, SLOT_ENDPOINT, &slot, err) < 0 ||
	    store_exec(m->store, "UPDATE endpoint SET slot = ?, vpc = ? WHERE id = ?",
		       SQL_ARGS(SQL_INT(slot), SQL_INT(vpc), SQL_INT(endpoint)), err) < 0 ||
	    tags_put(m, caller, endpoint_id, tags, err) < 0)
		return -1;
	one = json_object_new_array();
	rc = endpoint_json(m, endpoint, one, err);
	*result = json_object_new_object();
	put_first(*result, "VpcEndpoint", one);
	return rc;
}

/* ---- Changing its subnets ---------------------------------------------------------------- */

/* An ENI named by its subnet, or by its zone and address. */
static int remove_eni(struct model *m, int64_t endpoint, const char *endpoint_id,
		      json_object *subnets, size_t index, struct api_error *err)
{
	const char *subnet_id = NULL, *zone = NULL, *address = NULL;
	struct args a;

	args_open_item(&a, subnets, "RemoveSubnetConfigurations", index, err);
	args_string(&a, "SubnetId", ARG_OPTIONAL, &subnet_id);
	args_string(&a, "AvailabilityZoneId", ARG_OPTIONAL, &zone);
	args_string(&a, "Ipv4", ARG_OPTIONAL, &address);
	if (args_close(&a) < 0)
		return -1;
	if (!subnet_id && (!zone || !address))
		return api_fail(err, API_ValidationError,
				"an ENI to remove is named by SubnetId, or AvailabilityZoneId "
				"and Ipv4");
	if (store_exec(
		m->store,
		"DELETE FROM eni WHERE endpoint = ?1 AND (?2 IS NULL OR subnet ="
		" (SELECT id FROM subnet WHERE subnet_id = ?2)) AND (?3 IS NULL OR zone = ?3)"
		" AND (?4 IS NULL OR address = ?4)",
		SQL_ARGS(SQL_INT(endpoint), SQL_STR(subnet_id), SQL_STR(zone), SQL_STR(address)),
		err) < 0)
		return -1;
	if (store_changes(m->store) == 0)
		return api_fail(err, API_InvalidParameter, "endpoint %s has no ENI %s%s%s%s",
				endpoint_id, subnet_id ? subnet_id : "", address ? address : "",
				zone ? " in " : "", zone ? zone : "");
	return 0;
}

/* Removes, then adds, ENIs: an endpoint keeps its id, its state and its DNS names (the
 * zonal ones follow its zones). The flows through a removed ENI go with it. Security groups
 * change the same way; the flows they no longer allow keep going (connection tracking). */
int endpoint_modify(struct model *m, const struct principal *caller, json_object *args,
		    json_object **result, struct api_error *err)
{
	json_object *add = NULL, *remove = NULL, *add_groups = NULL, *remove_groups = NULL;
	const char *endpoint_id = NULL;
	char state[24] = "";
	int64_t endpoint, service = 0, left = 0, vpc = 0;
	bool private_dns = false, private_dns_given;
	int had_groups;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "VpcEndpointId", ARG_REQUIRED, &endpoint_id);
	args_list(&a, "AddSubnetConfigurations", ARG_OPTIONAL, json_type_object, &add);
	args_list(&a, "RemoveSubnetConfigurations", ARG_OPTIONAL, json_type_object, &remove);
	private_dns_given = args_bool(&a, "PrivateDnsEnabled", ARG_OPTIONAL, &private_dns);
	args_list(&a, "AddSecurityGroupIds", ARG_OPTIONAL, json_type_string, &add_groups);
	args_list(&a, "RemoveSecurityGroupIds", ARG_OPTIONAL, json_type_string, &remove_groups);
	if (args_close(&a) < 0 || check_endpoint_id(endpoint_id, err) < 0 ||
	    find_owned(m, &ENDPOINT, caller->account, endpoint_id, &endpoint, err) < 0 ||
	    store_text(m->store, "SELECT state FROM endpoint WHERE id = ?",
		       SQL_ARGS(SQL_INT(endpoint)), state, sizeof(state), err) < 0 ||
	    store_int(m->store, "SELECT service FROM endpoint WHERE id = ?",
		      SQL_ARGS(SQL_INT(endpoint)), &service, err) < 0 ||
	    store_int(m->store, "SELECT vpc FROM endpoint WHERE id = ?",
		      SQL_ARGS(SQL_INT(endpoint)), &vpc, err) < 0)
		return -1;
	if (strcmp(state, "available") != 0 && strcmp(state, "pendingAcceptance") != 0 &&
	    strcmp(state, "pending") != 0)
		return api_fail(err, API_InvalidState, "endpoint %s is %s and cannot be modified",
				endpoint_id, state);
	for (size_t i = 0; remove && i < json_object_array_length(remove); i++) {
		if (remove_eni(m, endpoint, endpoint_id, remove, i, err) < 0)
			return -1;
	}
	for (size_t i = 0; add && i < json_object_array_length(add); i++) {
		if (add_eni(m, caller, endpoint, endpoint_id, service, add,
			    "AddSubnetConfigurations", i, &vpc, err) < 0)
			return -1;
	}
	if (store_int(m->store, "SELECT count(*) FROM eni WHERE endpoint = ?",
		      SQL_ARGS(SQL_INT(endpoint)), &left, err) < 0)
		return -1;
	if (left == 0)
		return api_fail(err, API_InvalidParameter,
				"an interface endpoint keeps at least one subnet");
	if (private_dns_given && endpoint_set_private_dns(m, endpoint, private_dns, err) < 0)
		return -1;
	had_groups = endpoint_has_groups(m, endpoint, err);
	if (had_groups < 0 || endpoint_groups_remove(m, caller, endpoint, remove_groups, err) < 0 ||
	    endpoint_groups_add(m, caller, endpoint, vpc, add_groups, err) < 0 ||
	    endpoint_groups_check(m, endpoint, had_groups, err) < 0)
		return -1;
	*result = json_object_new_object();
	put_bool(*result, "Return", true);
	return 0;
}

/* ---- Listing and deleting --------------------------------------------------------------- */

int endpoints_describe(struct model *m, const struct principal *caller, json_object *args,
		       json_object **result, struct api_error *err)
{
	json_object *ids = NULL, *list;
	sqlite3_stmt *stmt;
	int64_t endpoint;
	struct args a;
	int rc;

	args_open(&a, args, err);
	args_list(&a, "VpcEndpointIds", ARG_OPTIONAL, json_type_string, &ids);
	if (args_close(&a) < 0)
		return -1;
	*result = json_object_new_object();
	list = put_array(*result, "VpcEndpoints");
	for (size_t i = 0; ids && i < json_object_array_length(ids); i++) {
		const char *id = json_object_get_string(json_object_array_get_idx(ids, i));

		if (check_endpoint_id(id, err) < 0 ||
		    find_owned(m, &ENDPOINT, caller->account, id, &endpoint, err) < 0 ||
		    endpoint_json(m, endpoint, list, err) < 0)
			return -1;
	}
	if (ids)
		return 0;
	stmt = store_query(m->store, "SELECT id FROM endpoint WHERE account = ? ORDER BY id",
			   SQL_ARGS(SQL_STR(caller->account)), err);
	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0 &&
	       (rc = endpoint_json(m, sqlite3_column_int64(stmt, 0), list, err)) == 0)
		;
	sqlite3_finalize(stmt);
	return rc;
}

/* Only the owner deletes: to the provider a consumer's endpoint is not found. */
static int delete_one(struct model *m, const struct principal *caller, int64_t unused,
		      const char *endpoint_id, struct api_error *err)
{
	int64_t endpoint;

	(void)unused;
	if (check_endpoint_id(endpoint_id, err) < 0 ||
	    find_owned(m, &ENDPOINT, caller->account, endpoint_id, &endpoint, err) < 0)
		return -1;
	return endpoint_mark_deleted(m, endpoint, err);
}

int endpoints_delete(struct model *m, const struct principal *caller, json_object *args,
		     json_object **result, struct api_error *err)
{
	json_object *ids = NULL;
	struct args a;

	args_open(&a, args, err);
	args_list(&a, "VpcEndpointIds", ARG_REQUIRED, json_type_string, &ids);
	if (args_close(&a) < 0)
		return -1;
	return run_batch(m, caller, 0, ids, delete_one, result, err);
}
