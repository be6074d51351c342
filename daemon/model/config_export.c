/* SPDX-License-Identifier: MIT */
/* The configuration as the store holds it (config.h): every object that a file can carry,
 * with its ids, in a stable order so that two exports of one state are equal. Health,
 * flows, draining targets, deleted endpoints and private DNS verification are state, not
 * configuration, and are left out; so are endpoints whose service is gone (rejected ones
 * may outlive it), which no file could name. */
#include <sqlite3.h>
#include <string.h>

#include "config.h"
#include "model_internal.h"
#include "result.h"

typedef int row_fn(struct model *m, sqlite3_stmt *row, json_object *item, struct api_error *err);

/* object[key]: one item per row of `sql` (asked with `id` when it has a parameter), each
 * filled by `fill`. */
static int put_rows(struct model *m, json_object *object, const char *key, const char *sql,
		    int64_t id, row_fn *fill, struct api_error *err)
{
	json_object *list = put_array(object, key);
	bool by_id = strchr(sql, '?') != NULL;
	sqlite3_stmt *row = by_id ? store_query(m->store, sql, SQL_ARGS(SQL_INT(id)), err)
				  : store_query(m->store, sql, NO_ARGS, err);
	int rc;

	if (!row)
		return -1;
	while ((rc = store_next(m->store, row, err)) > 0) {
		if (fill(m, row, append_object(list), err) < 0) {
			rc = -1;
			break;
		}
	}
	sqlite3_finalize(row);
	return rc;
}

static const char *text(sqlite3_stmt *row, int column)
{
	return store_column_text(row, column);
}

/* ---- Load balancers and their listeners ----------------------------------------------- */

static int zone_row(struct model *m, sqlite3_stmt *row, json_object *item, struct api_error *err)
{
	(void)m, (void)err;
	put_string(item, "ZoneId", text(row, 0));
	put_string(item, "Address", text(row, 1));
	return 0;
}

static int listener_row(struct model *m, sqlite3_stmt *row, json_object *item,
			struct api_error *err)
{
	(void)m, (void)err;
	put_int(item, "Port", sqlite3_column_int64(row, 0));
	put_string(item, "TargetGroupName", text(row, 1));
	put_string(item, "Arn", text(row, 2));
	return 0;
}

static int lb_row(struct model *m, sqlite3_stmt *row, json_object *item, struct api_error *err)
{
	int64_t id = sqlite3_column_int64(row, 0);

	put_string(item, "Name", text(row, 2));
	put_string(item, "Owner", text(row, 1));
	put_string(item, "Arn", text(row, 3));
	put_bool(item, "CrossZone", sqlite3_column_int(row, 4));
	if (put_rows(m, item, "Zones",
		     "SELECT zone, address FROM lb_zone WHERE lb = ? ORDER BY zone", id, zone_row,
		     err) < 0)
		return -1;
	return put_rows(m, item, "Listeners",
			"SELECT l.port, g.name, l.arn FROM listener l"
			" JOIN target_group g ON g.id = l.tg WHERE l.lb = ? ORDER BY l.port",
			id, listener_row, err);
}

/* ---- Target groups and their targets -------------------------------------------------- */

static int target_row(struct model *m, sqlite3_stmt *row, json_object *item, struct api_error *err)
{
	(void)m, (void)err;
	put_string(item, "Id", text(row, 0));
	put_int(item, "Port", sqlite3_column_int64(row, 1));
	put_string(item, "AvailabilityZone", text(row, 2));
	return 0;
}

/* Every setting, as CreateTargetGroup takes it; the path and matcher only where they
 * apply (HTTP), as it refuses them elsewhere. */
static int tg_row(struct model *m, sqlite3_stmt *row, json_object *item, struct api_error *err)
{
	bool http = !strcmp(text(row, 5), "HTTP");

	put_string(item, "Name", text(row, 2));
	put_string(item, "Owner", text(row, 1));
	put_string(item, "Arn", text(row, 3));
	put_int(item, "Port", sqlite3_column_int64(row, 4));
	put_string(item, "HealthCheckProtocol", text(row, 5));
	if (sqlite3_column_type(row, 6) == SQLITE_NULL)
		put_string(item, "HealthCheckPort", "traffic-port");
	else
		put_int(item, "HealthCheckPort", sqlite3_column_int64(row, 6));
	if (http)
		put_string(item, "HealthCheckPath", text(row, 7));
	put_int(item, "HealthCheckIntervalSeconds", sqlite3_column_int64(row, 8));
	put_int(item, "HealthCheckTimeoutSeconds", sqlite3_column_int64(row, 9));
	put_int(item, "HealthyThresholdCount", sqlite3_column_int64(row, 10));
	put_int(item, "UnhealthyThresholdCount", sqlite3_column_int64(row, 11));
	if (http)
		put_string(item, "Matcher", text(row, 12));
	put_int(item, "DeregistrationDelaySeconds", sqlite3_column_int64(row, 13));
	put_bool(item, "DeregistrationConnectionTermination", sqlite3_column_int(row, 14));
	put_bool(item, "UnhealthyConnectionTermination", sqlite3_column_int(row, 15));
	put_bool(item, "ProxyProtocolV2", sqlite3_column_int(row, 16));
	return put_rows(m, item, "Targets",
			"SELECT b.address, b.port, t.zone FROM target t"
			" JOIN backend b ON b.slot = t.backend"
			" WHERE t.tg = ? AND t.health != 'draining' ORDER BY b.address, b.port",
			sqlite3_column_int64(row, 0), target_row, err);
}

/* ---- Endpoint services ---------------------------------------------------------------- */

static int service_row(struct model *m, sqlite3_stmt *row, json_object *item, struct api_error *err)
{
	int64_t id = sqlite3_column_int64(row, 0);

	put_string(item, "ServiceId", text(row, 1));
	put_string(item, "Owner", text(row, 2));
	if (put_column(m, item, "LoadBalancerNames",
		       "SELECT lb.name FROM service_lb s JOIN load_balancer lb ON lb.id = s.lb"
		       " WHERE s.service = ? ORDER BY lb.name",
		       id, err) < 0)
		return -1;
	put_bool(item, "AcceptanceRequired", sqlite3_column_int(row, 3));
	if (sqlite3_column_type(row, 4) != SQLITE_NULL)
		put_string(item, "PrivateDnsName", text(row, 4));
	return put_column(m, item, "AllowedPrincipals",
			  "SELECT principal FROM service_principal WHERE service = ?"
			  " ORDER BY principal",
			  id, err);
}

/* ---- Consumer VPCs and endpoints ------------------------------------------------------ */

static int subnet_row(struct model *m, sqlite3_stmt *row, json_object *item, struct api_error *err)
{
	(void)m, (void)err;
	put_string(item, "SubnetId", text(row, 0));
	put_string(item, "AvailabilityZoneId", text(row, 1));
	put_string(item, "CidrBlock", text(row, 2));
	return 0;
}

static int vpc_row(struct model *m, sqlite3_stmt *row, json_object *item, struct api_error *err)
{
	put_string(item, "VpcId", text(row, 1));
	put_string(item, "Owner", text(row, 2));
	put_string(item, "Interface", text(row, 3));
	put_string(item, "CidrBlock", text(row, 4));
	return put_rows(m, item, "Subnets",
			"SELECT subnet_id, zone, cidr FROM subnet WHERE vpc = ? ORDER BY subnet_id",
			sqlite3_column_int64(row, 0), subnet_row, err);
}

static int eni_row(struct model *m, sqlite3_stmt *row, json_object *item, struct api_error *err)
{
	(void)m, (void)err;
	put_string(item, "SubnetId", text(row, 0));
	put_string(item, "Ipv4", text(row, 1));
	return 0;
}

static int endpoint_row(struct model *m, sqlite3_stmt *row, json_object *item,
			struct api_error *err)
{
	put_string(item, "VpcEndpointId", text(row, 1));
	put_string(item, "Owner", text(row, 2));
	put_string(item, "ServiceId", text(row, 3));
	put_string(item, "State", text(row, 4));
	put_bool(item, "PrivateDnsEnabled", sqlite3_column_int(row, 5));
	put_string(item, "DnsSuffix", text(row, 6));
	return put_rows(m, item, "SubnetConfigurations",
			"SELECT s.subnet_id, n.address FROM eni n JOIN subnet s ON s.id = n.subnet"
			" WHERE n.endpoint = ? ORDER BY s.subnet_id",
			sqlite3_column_int64(row, 0), eni_row, err);
}

int config_export(struct model *m, json_object **out, struct api_error *err)
{
	json_object *config = json_object_new_object();

	put_int(config, "XdplinkConfiguration", CONFIG_VERSION);
	put_string(config, "Region", m->region);
	if (put_rows(m, config, "LoadBalancers",
		     "SELECT id, account, name, arn, cross_zone FROM load_balancer"
		     " ORDER BY account, name",
		     0, lb_row, err) < 0 ||
	    put_rows(m, config, "TargetGroups",
		     "SELECT id, account, name, arn, port, check_protocol, check_port, check_path,"
		     " check_interval, effective_timeout, healthy_threshold, unhealthy_threshold,"
		     " matcher, deregistration_delay, deregistration_termination,"
		     " unhealthy_termination, proxy_protocol_v2 FROM target_group"
		     " ORDER BY account, name",
		     0, tg_row, err) < 0 ||
	    put_rows(m, config, "Services",
		     "SELECT id, service_id, account, acceptance_required, private_dns_name"
		     " FROM service ORDER BY service_id",
		     0, service_row, err) < 0 ||
	    put_rows(m, config, "Vpcs",
		     "SELECT id, vpc_id, account, interface, cidr FROM vpc ORDER BY vpc_id", 0,
		     vpc_row, err) < 0 ||
	    put_rows(
		m, config, "Endpoints",
		"SELECT id, endpoint_id, account, service_id, state, private_dns, dns_suffix"
		" FROM endpoint WHERE state NOT IN ('deleting', 'deleted') AND service IS NOT NULL"
		" ORDER BY endpoint_id",
		0, endpoint_row, err) < 0) {
		json_object_put(config);
		return -1;
	}
	*out = config;
	return 0;
}
