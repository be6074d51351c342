/* SPDX-License-Identifier: MIT */
/* Consumer VPCs and their subnets. A VPC is an address range on an attached consumer
 * interface, owned by one account; its subnets, one zone each, split the range. An
 * endpoint's ENIs are placed in its owner's subnets only, on addresses nobody uses, so
 * that one account can never put an ENI in another's network. The operator makes VPCs
 * (the interfaces are the host's): accounts of the AWS door can only describe theirs. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "args.h"
#include "checks.h"
#include "given_ids.h"
#include "model_internal.h"
#include "owned.h"
#include "result.h"
#include "tags.h"
#include "vpc.h"

/* AWS's limits on a VPC's and a subnet's block: /16 to /28. */
#define PREFIX_LARGEST	16
#define PREFIX_SMALLEST 28
/* AWS keeps a subnet's first four addresses (network, router, DNS, future) and its last. */
#define RESERVED_FIRST 4

struct block {
	uint32_t first, last; /* host order */
	unsigned int prefix;
};

static int parse_block(const char *cidr, const char *what, enum api_code range_code,
		       struct block *b, struct api_error *err)
{
	if (!cidr_parse(cidr, &b->first, &b->prefix))
		return api_fail(
		    err, API_InvalidParameterValue,
		    "Value (%s) for parameter cidrBlock is invalid. This is not a valid "
		    "CIDR block.",
		    cidr);
	if (b->prefix < PREFIX_LARGEST || b->prefix > PREFIX_SMALLEST)
		return api_fail(err, range_code,
				"The CIDR '%s' is invalid: a %s block is /%d to /%d.", cidr, what,
				PREFIX_LARGEST, PREFIX_SMALLEST);
	b->last = b->first + (uint32_t)((1ULL << (32 - b->prefix)) - 1);
	return 0;
}

static void address_text(uint32_t host, char out[INET_ADDRSTRLEN])
{
	uint32_t be = htonl(host);

	inet_ntop(AF_INET, &be, out, INET_ADDRSTRLEN);
}

/* ---- VPCs --------------------------------------------------------------------------------- */

static int vpc_json(struct model *m, int64_t vpc, json_object *list, struct api_error *err)
{
	sqlite3_stmt *stmt = store_query(
	    m->store, "SELECT vpc_id, account, cidr, interface, created FROM vpc WHERE id = ?",
	    SQL_ARGS(SQL_INT(vpc)), err);
	int rc;

	if (!stmt)
		return -1;
	rc = store_next(m->store, stmt, err);
	if (rc > 0) {
		json_object *out = append_object(list);

		put_string(out, "VpcId", store_column_text(stmt, 0));
		put_string(out, "OwnerId", store_column_text(stmt, 1));
		put_string(out, "CidrBlock", store_column_text(stmt, 2));
		put_string(out, "State", "available");
		put_bool(out, "IsDefault", false);
		put_string(out, "Interface", store_column_text(stmt, 3));
		put_string(out, "CreationTimestamp", store_column_text(stmt, 4));
		rc = put_tags(m, out, store_column_text(stmt, 0), err) < 0 ? -1 : 1;
	}
	sqlite3_finalize(stmt);
	return rc < 0 ? -1 : 0;
}

/* The interface must be attached to face consumers; VPCs on one interface share its
 * network, so their ranges may not overlap (on different interfaces they may). */
static int check_interface(struct model *m, const char *iface, const struct block *b,
			   const char *cidr, struct api_error *err)
{
	int64_t consumer = 0;

	if (store_int(
		m->store,
		"SELECT count(*) FROM interface WHERE name = ? AND role IN ('consumer', 'both')",
		SQL_ARGS(SQL_STR(iface)), &consumer, err) < 0)
		return -1;
	if (!consumer)
		return api_fail(err, API_InvalidParameterValue,
				"interface %s is not attached facing consumers: attach it first "
				"(xdplink iface attach %s --role consumer)",
				iface, iface);
	return refuse_if_found(
	    m, "SELECT 1 FROM vpc WHERE interface = ? AND first <= ? AND last >= ?",
	    SQL_ARGS(SQL_STR(iface), SQL_INT(b->last), SQL_INT(b->first)), err,
	    API_InvalidVpc_Range,
	    "The CIDR '%s' overlaps another VPC on interface %s: the VPCs of one "
	    "interface share its network",
	    cidr, iface);
}

int vpc_create(struct model *m, const struct principal *caller, json_object *args,
	       json_object **result, struct api_error *err)
{
	const char *cidr = NULL, *iface = NULL;
	char vpc_id[ID_MAX], created[TIMESTAMP_MAX];
	struct block b;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "CidrBlock", ARG_REQUIRED, &cidr);
	args_string(&a, "Interface", ARG_REQUIRED, &iface);
	if (args_close(&a) < 0 || parse_block(cidr, "VPC", API_InvalidVpc_Range, &b, err) < 0 ||
	    check_interface(m, iface, &b, cidr, err) < 0)
		return -1;
	if (next_id(m, &VPC_ID, vpc_id, err) < 0)
		return -1;
	timestamp_now(created);
	if (store_exec(m->store,
		       "INSERT INTO vpc (vpc_id, account, interface, cidr, first, last, created)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?)",
		       SQL_ARGS(SQL_STR(vpc_id), SQL_STR(caller->account), SQL_STR(iface),
				SQL_STR(cidr), SQL_INT(b.first), SQL_INT(b.last), SQL_STR(created)),
		       err) < 0)
		return -1;
	return created_result(m, store_last_id(m->store), vpc_json, "Vpc", result, err);
}

int vpcs_describe(struct model *m, const struct principal *caller, json_object *args,
		  json_object **result, struct api_error *err)
{
	return describe_owned(m, &VPC, caller->account, args, vpc_json, "Vpcs", result, err);
}

int vpc_delete(struct model *m, const struct principal *caller, json_object *args,
	       json_object **result, struct api_error *err)
{
	const char *vpc_id = NULL;
	int64_t vpc;
	struct args a;

	(void)result;
	args_open(&a, args, err);
	args_string(&a, "VpcId", ARG_REQUIRED, &vpc_id);
	if (args_close(&a) < 0 || find_owned(m, &VPC, caller->account, vpc_id, &vpc, err) < 0 ||
	    refuse_if_found(m,
			    "SELECT 1 FROM subnet WHERE vpc = ?1 UNION ALL"
			    " SELECT 1 FROM endpoint WHERE vpc = ?1 AND slot IS NOT NULL UNION ALL"
			    " SELECT 1 FROM security_group WHERE vpc = ?1",
			    SQL_ARGS(SQL_INT(vpc)), err, API_DependencyViolation,
			    "The vpc '%s' has dependencies and cannot be deleted.", vpc_id) < 0)
		return -1;
	/* Deleted endpoints still listed let it go (their VpcId goes with it). */
	return store_exec(m->store, "DELETE FROM vpc WHERE id = ?", SQL_ARGS(SQL_INT(vpc)), err);
}

/* ---- Subnets ------------------------------------------------------------------------------ */

/* Addresses of a subnet ENIs may still take: all but the reserved ones, less those taken. */
static int subnet_free_count(struct model *m, int64_t subnet, const struct block *b, int64_t *count,
			     struct api_error *err)
{
	int64_t taken = 0;

	if (store_int(m->store, "SELECT count(*) FROM eni WHERE subnet = ?",
		      SQL_ARGS(SQL_INT(subnet)), &taken, err) < 0)
		return -1;
	*count = (int64_t)(b->last - b->first + 1) - RESERVED_FIRST - 1 - taken;
	return 0;
}

static int subnet_json(struct model *m, int64_t subnet, json_object *list, struct api_error *err)
{
	sqlite3_stmt *stmt =
	    store_query(m->store,
			"SELECT s.subnet_id, v.vpc_id, s.account, s.cidr, s.zone, s.first, s.last"
			" FROM subnet s JOIN vpc v ON v.id = s.vpc WHERE s.id = ?",
			SQL_ARGS(SQL_INT(subnet)), err);
	int rc;

	if (!stmt)
		return -1;
	rc = store_next(m->store, stmt, err);
	if (rc > 0) {
		json_object *out = append_object(list);
		struct block b = { (uint32_t)sqlite3_column_int64(stmt, 5),
				   (uint32_t)sqlite3_column_int64(stmt, 6), 0 };
		char zone_name[ZONE_MAX] = "";
		int64_t available = 0;

		zone_name_of(m->region, store_column_text(stmt, 4), zone_name);
		put_string(out, "SubnetId", store_column_text(stmt, 0));
		put_string(out, "VpcId", store_column_text(stmt, 1));
		put_string(out, "OwnerId", store_column_text(stmt, 2));
		put_string(out, "CidrBlock", store_column_text(stmt, 3));
		put_string(out, "AvailabilityZoneId", store_column_text(stmt, 4));
		put_string(out, "AvailabilityZone", zone_name);
		put_string(out, "State", "available");
		rc = subnet_free_count(m, subnet, &b, &available, err);
		put_int(out, "AvailableIpAddressCount", available);
		if (rc >= 0)
			rc = put_tags(m, out, store_column_text(stmt, 0), err);
	}
	sqlite3_finalize(stmt);
	return rc < 0 ? -1 : 0;
}

/* A zone given by its id (use1-az1) or its name (us-east-1a), as the id. */
static int zone_of_args(struct model *m, const char *id, const char *name, char zone[ZONE_MAX],
			struct api_error *err)
{
	if (name && !id) {
		if (!zone_id_of(m->region, name, zone))
			return api_fail(err, API_InvalidParameterValue,
					"Value (%s) for parameter availabilityZone is invalid. "
					"Subnets can currently only be created in the zones of %s.",
					name, m->region);
		return 0;
	}
	if (!id)
		return api_fail(err, API_ValidationError,
				"a subnet needs AvailabilityZoneId or AvailabilityZone");
	if (check_zone(m, id, API_InvalidParameterValue, err) < 0)
		return -1;
	snprintf(zone, ZONE_MAX, "%s", id);
	return 0;
}

int subnet_create(struct model *m, const struct principal *caller, json_object *args,
		  json_object **result, struct api_error *err)
{
	const char *vpc_id = NULL, *cidr = NULL, *zone_id = NULL, *zone_name = NULL;
	char subnet_id[ID_MAX], zone[ZONE_MAX];
	int64_t vpc, fits = 0;
	struct block b;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "VpcId", ARG_REQUIRED, &vpc_id);
	args_string(&a, "CidrBlock", ARG_REQUIRED, &cidr);
	args_string(&a, "AvailabilityZoneId", ARG_OPTIONAL, &zone_id);
	args_string(&a, "AvailabilityZone", ARG_OPTIONAL, &zone_name);
	if (args_close(&a) < 0 || find_owned(m, &VPC, caller->account, vpc_id, &vpc, err) < 0 ||
	    parse_block(cidr, "subnet", API_InvalidSubnet_Range, &b, err) < 0 ||
	    zone_of_args(m, zone_id, zone_name, zone, err) < 0 ||
	    store_int(m->store,
		      "SELECT count(*) FROM vpc WHERE id = ? AND first <= ? AND last >= ?",
		      SQL_ARGS(SQL_INT(vpc), SQL_INT(b.first), SQL_INT(b.last)), &fits, err) < 0)
		return -1;
	if (!fits)
		return api_fail(err, API_InvalidSubnet_Range,
				"The CIDR '%s' is invalid: not in %s.", cidr, vpc_id);
	if (refuse_if_found(m, "SELECT 1 FROM subnet WHERE vpc = ? AND first <= ? AND last >= ?",
			    SQL_ARGS(SQL_INT(vpc), SQL_INT(b.last), SQL_INT(b.first)), err,
			    API_InvalidSubnet_Conflict,
			    "The CIDR '%s' conflicts with another subnet", cidr) < 0)
		return -1;
	if (next_id(m, &SUBNET_ID, subnet_id, err) < 0)
		return -1;
	if (store_exec(m->store,
		       "INSERT INTO subnet (subnet_id, account, vpc, zone, cidr, first, last)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?)",
		       SQL_ARGS(SQL_STR(subnet_id), SQL_STR(caller->account), SQL_INT(vpc),
				SQL_STR(zone), SQL_STR(cidr), SQL_INT(b.first), SQL_INT(b.last)),
		       err) < 0)
		return -1;
	return created_result(m, store_last_id(m->store), subnet_json, "Subnet", result, err);
}

int subnets_describe(struct model *m, const struct principal *caller, json_object *args,
		     json_object **result, struct api_error *err)
{
	return describe_owned(m, &SUBNET, caller->account, args, subnet_json, "Subnets", result,
			      err);
}

int subnet_delete(struct model *m, const struct principal *caller, json_object *args,
		  json_object **result, struct api_error *err)
{
	const char *subnet_id = NULL;
	int64_t subnet;
	struct args a;

	(void)result;
	args_open(&a, args, err);
	args_string(&a, "SubnetId", ARG_REQUIRED, &subnet_id);
	if (args_close(&a) < 0 ||
	    find_owned(m, &SUBNET, caller->account, subnet_id, &subnet, err) < 0 ||
	    refuse_if_found(m, "SELECT 1 FROM eni WHERE subnet = ?", SQL_ARGS(SQL_INT(subnet)), err,
			    API_DependencyViolation,
			    "The subnet '%s' has dependencies and cannot be deleted.",
			    subnet_id) < 0)
		return -1;
	return store_exec(m->store, "DELETE FROM subnet WHERE id = ?", SQL_ARGS(SQL_INT(subnet)),
			  err);
}

/* ---- Placing an ENI ----------------------------------------------------------------------- */

/* Whether `host` is free in the subnet for a new ENI, else the refusal. `iface` is the
 * VPC's interface, where a host that answers for the address would be. */
static int check_free(struct model *m, const struct eni_place *place, const struct block *b,
		      uint32_t host, struct api_error *err)
{
	char address[INET_ADDRSTRLEN];

	address_text(host, address);
	if (host < b->first + RESERVED_FIRST || host == b->last)
		return api_fail(err, API_InvalidParameterValue,
				"Address %s is reserved in subnet %s (its first four addresses "
				"and its last are AWS's)",
				address, place->subnet_id);
	if (m->node_has_address && m->node_has_address(address))
		return api_fail(err, API_InvalidParameterValue,
				"%s is an address of the load balancer node itself: an ENI address "
				"must be on none of its interfaces",
				address);
	if (refuse_if_found(m, ADDRESS_IN_USE_SQL, SQL_ARGS(SQL_STR(address)), err,
			    API_DuplicateEndpointAddress,
			    "address %s is already used by another endpoint or a load balancer",
			    address) < 0)
		return -1;
	if (m->host_answers && m->host_answers(place->interface, address))
		return api_fail(err, API_InvalidParameterValue,
				"The specified address %s is already in use: a host on %s answers "
				"for it",
				address, place->interface);
	return 0;
}

/* The first address of the subnet an ENI may take, as EC2 picks one. */
static int pick_free(struct model *m, const struct eni_place *place, const struct block *b,
		     uint32_t *host, struct api_error *err)
{
	struct api_error why;

	for (uint32_t h = b->first + RESERVED_FIRST; h < b->last; h++) {
		if (check_free(m, place, b, h, &why) == 0) {
			*host = h;
			return 0;
		}
		if (why.code == API_InternalError) {
			*err = why;
			return -1;
		}
	}
	return api_fail(err, API_InvalidParameterValue,
			"There are not enough free addresses in subnet '%s' to satisfy the "
			"requested number of instances.",
			place->subnet_id);
}

/* The subnet row: its id, VPC, zone and block. */
static int read_subnet(struct model *m, int64_t subnet, struct eni_place *place, struct block *b,
		       struct api_error *err)
{
	sqlite3_stmt *stmt =
	    store_query(m->store,
			"SELECT s.subnet_id, s.vpc, s.zone, s.first, s.last, v.interface, v.vpc_id"
			" FROM subnet s JOIN vpc v ON v.id = s.vpc WHERE s.id = ?",
			SQL_ARGS(SQL_INT(subnet)), err);
	int rc;

	if (!stmt)
		return -1;
	rc = store_next(m->store, stmt, err);
	if (rc > 0) {
		place->subnet = subnet;
		snprintf(place->subnet_id, sizeof(place->subnet_id), "%s",
			 store_column_text(stmt, 0));
		place->vpc = sqlite3_column_int64(stmt, 1);
		snprintf(place->zone, sizeof(place->zone), "%s", store_column_text(stmt, 2));
		b->first = (uint32_t)sqlite3_column_int64(stmt, 3);
		b->last = (uint32_t)sqlite3_column_int64(stmt, 4);
		snprintf(place->interface, sizeof(place->interface), "%s",
			 store_column_text(stmt, 5));
		snprintf(place->vpc_id, sizeof(place->vpc_id), "%s", store_column_text(stmt, 6));
	}
	sqlite3_finalize(stmt);
	if (rc == 0)
		api_fail(err, API_InternalError, "subnet %lld is gone", (long long)subnet);
	return rc > 0 ? 0 : -1;
}

/* Without a subnet id: the caller's subnet in `zone` (of `vpc` when known) that holds
 * the address. */
static int subnet_holding(struct model *m, const char *account, int64_t vpc, const char *zone,
			  const char *address, uint32_t host, int64_t *subnet,
			  struct api_error *err)
{
	int rc = store_int(m->store,
			   "SELECT id FROM subnet WHERE account = ? AND zone = ? AND first <= ?3"
			   " AND last >= ?3 AND (?4 = 0 OR vpc = ?4)",
			   SQL_ARGS(SQL_STR(account), SQL_STR(zone), SQL_INT(host), SQL_INT(vpc)),
			   subnet, err);

	if (rc == 0)
		return api_fail(err, API_InvalidParameterValue,
				"Address %s is in none of your subnets in %s%s: an ENI goes in a "
				"subnet of your own VPC (xdplink subnet create)",
				address, zone, vpc ? " of the endpoint's VPC" : "");
	return rc < 0 ? -1 : 0;
}

int eni_place(struct model *m, const struct principal *caller, const struct eni_request *want,
	      int64_t vpc, struct eni_place *place, struct api_error *err)
{
	uint32_t addr_be = 0, host = 0;
	int64_t subnet = 0;
	struct block b;

	if (want->address) {
		if (check_ipv4(want->address, API_InvalidParameterValue, err) < 0)
			return -1;
		ipv4_parse(want->address, &addr_be);
		host = ntohl(addr_be);
	}
	if (want->subnet_id) {
		if (find_owned(m, &SUBNET, caller->account, want->subnet_id, &subnet, err) < 0)
			return -1;
	} else {
		if (!want->zone || !want->address)
			return api_fail(err, API_ValidationError,
					"a subnet configuration needs SubnetId, or "
					"AvailabilityZoneId and Ipv4");
		if (check_zone(m, want->zone, API_InvalidParameterValue, err) < 0 ||
		    subnet_holding(m, caller->account, vpc, want->zone, want->address, host,
				   &subnet, err) < 0)
			return -1;
	}
	if (read_subnet(m, subnet, place, &b, err) < 0)
		return -1;
	if (vpc && place->vpc != vpc)
		return api_fail(err, API_InvalidParameterValue,
				"The subnet ID '%s' does not belong to the endpoint's VPC",
				place->subnet_id);
	if (want->zone && strcmp(want->zone, place->zone) != 0)
		return api_fail(err, API_InvalidParameterValue, "subnet %s is in %s, not %s",
				place->subnet_id, place->zone, want->zone);
	if (want->address && (host < b.first || host > b.last))
		return api_fail(err, API_InvalidParameterValue,
				"Address %s does not fall within the subnet's address range (%s)",
				want->address, place->subnet_id);
	if (want->address ? check_free(m, place, &b, host, err) < 0
			  : pick_free(m, place, &b, &host, err) < 0)
		return -1;
	address_text(host, place->address);
	return 0;
}
