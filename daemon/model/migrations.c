/* SPDX-License-Identifier: MIT */
/* Schema migrations (migrations.h). Each step takes the layout of one version to the next
 * and is frozen once released: it writes the tables as that next version had them, not as
 * the newest schema has them, so that the steps after it find what they expect.
 *
 * The layouts, from the history of store.c:
 *   1  the first store.
 *   2  member slots: a target (a registration of a backend in a group) has its own slot,
 *      which the data path counts its flows to.
 *   3  consumer VPCs and subnets; an endpoint is in a VPC and each ENI in a subnet.
 *   4  endpoint.private_dns (PrivateDnsEnabled). A branch had added this column alone and
 *      called it 3 before the VPCs were merged: a "3" without a vpc table is that layout,
 *      and takes the step to 3 (the VPCs) before its step to 4 finds the column there.
 *   5  nothing new yet; the features of the next release append their tables here. */
#include "migrations.h"

#include <arpa/inet.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ids.h"
#include "log.h"
#include "result.h"
#include "schema_5.h"

/* ---- 1 -> 2: member slots ------------------------------------------------------------- */

/* A target gets a member slot numbered in (group, backend) order. The table is rebuilt as a
 * column NOT NULL UNIQUE cannot be added in place; target_state reads the new column. */
static const char to_2[] =
    "DROP VIEW target_state;"
    "CREATE TABLE member ("
    "  slot INTEGER PRIMARY KEY CHECK (slot > 0),"
    "  backend INTEGER NOT NULL REFERENCES backend(slot)) STRICT;"
    "CREATE INDEX member_backend ON member(backend);"
    "CREATE TEMP TABLE numbered AS SELECT row_number() OVER (ORDER BY tg, backend) AS slot,"
    "  tg, backend FROM target;"
    "INSERT INTO member (slot, backend) SELECT slot, backend FROM numbered;"
    "CREATE TABLE target_2 ("
    "  tg INTEGER NOT NULL REFERENCES target_group(id) ON DELETE CASCADE,"
    "  backend INTEGER NOT NULL REFERENCES backend(slot), zone TEXT NOT NULL,"
    "  member INTEGER NOT NULL UNIQUE REFERENCES member(slot),"
    "  health TEXT NOT NULL, reason TEXT NOT NULL, drain_deadline INTEGER,"
    "  PRIMARY KEY (tg, backend)) STRICT;"
    "INSERT INTO target_2 (tg, backend, zone, member, health, reason, drain_deadline)"
    "  SELECT t.tg, t.backend, t.zone, n.slot, t.health, t.reason, t.drain_deadline"
    "  FROM target t JOIN numbered n ON n.tg = t.tg AND n.backend = t.backend;"
    "DROP TABLE numbered;"
    "DROP TABLE target;"
    "ALTER TABLE target_2 RENAME TO target;"
    "CREATE INDEX target_backend ON target(backend);"
    "CREATE VIEW target_state AS"
    "  SELECT t.tg, t.backend, t.member, t.zone, b.address, b.port, u.lb,"
    "    CASE WHEN t.health = 'draining' THEN 'draining'"
    "         WHEN z.address IS NULL THEN 'unused' ELSE t.health END AS state,"
    "    CASE WHEN t.health = 'draining' THEN t.reason"
    "         WHEN z.address IS NULL THEN 'Target.NotInUse' ELSE t.reason END AS reason,"
    "    CASE WHEN t.health = 'draining' THEN NULL ELSE z.address END AS check_source"
    "  FROM target t JOIN backend b ON b.slot = t.backend"
    "  LEFT JOIN (SELECT DISTINCT tg, lb FROM listener) u ON u.tg = t.tg"
    "  LEFT JOIN lb_zone z ON z.lb = u.lb AND z.zone = t.zone;";

/* ---- 2 -> 3: consumer VPCs and subnets ------------------------------------------------ */

static const char vpc_tables[] =
    "CREATE TABLE vpc ("
    "  id INTEGER PRIMARY KEY, vpc_id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,"
    "  interface TEXT NOT NULL, cidr TEXT NOT NULL, first INTEGER NOT NULL,"
    "  last INTEGER NOT NULL, created TEXT NOT NULL) STRICT;"
    "CREATE INDEX vpc_interface ON vpc(interface);"
    "CREATE TABLE subnet ("
    "  id INTEGER PRIMARY KEY, subnet_id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,"
    "  vpc INTEGER NOT NULL REFERENCES vpc(id), zone TEXT NOT NULL, cidr TEXT NOT NULL,"
    "  first INTEGER NOT NULL, last INTEGER NOT NULL) STRICT;"
    "CREATE INDEX subnet_vpc ON subnet(vpc);"
    "ALTER TABLE endpoint ADD COLUMN vpc INTEGER REFERENCES vpc(id) ON DELETE SET NULL;"
    "CREATE TEMP TABLE eni_subnet (endpoint INTEGER NOT NULL, zone TEXT NOT NULL,"
    "  subnet INTEGER NOT NULL, PRIMARY KEY (endpoint, zone));";

/* The ENIs move into the subnets made for them. */
static const char eni_in_subnets[] =
    "UPDATE endpoint SET vpc = (SELECT s.vpc FROM temp.eni_subnet m"
    "  JOIN subnet s ON s.id = m.subnet WHERE m.endpoint = endpoint.id ORDER BY m.zone LIMIT 1);"
    "CREATE TABLE eni_3 ("
    "  endpoint INTEGER NOT NULL REFERENCES endpoint(id) ON DELETE CASCADE,"
    "  zone TEXT NOT NULL, address TEXT NOT NULL UNIQUE,"
    "  lb INTEGER REFERENCES load_balancer(id),"
    "  subnet INTEGER NOT NULL REFERENCES subnet(id),"
    "  PRIMARY KEY (endpoint, zone)) STRICT;"
    "INSERT INTO eni_3 (endpoint, zone, address, lb, subnet)"
    "  SELECT e.endpoint, e.zone, e.address, e.lb, m.subnet FROM eni e"
    "  JOIN temp.eni_subnet m ON m.endpoint = e.endpoint AND m.zone = e.zone;"
    "DROP TABLE temp.eni_subnet;"
    "DROP TABLE eni;"
    "ALTER TABLE eni_3 RENAME TO eni;"
    "CREATE INDEX eni_lb ON eni(lb);"
    "CREATE INDEX eni_subnet ON eni(subnet);";

/* Version 2 put an ENI on any consumer interface, in no VPC. Each account's ENIs are put in
 * a VPC per /16 they use, on the first interface attached facing consumers, and a subnet
 * per zone and /24 in it: the smallest blocks AWS allows that keep every ENI where it is. */
#define VPC_PREFIX    16
#define SUBNET_PREFIX 24

static void cidr_text(uint32_t first, unsigned int prefix, char out[24])
{
	uint32_t be = htonl(first);
	char address[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &be, address, sizeof(address));
	snprintf(out, 24, "%s/%u", address, prefix);
}

static uint32_t last_of(uint32_t first, unsigned int prefix)
{
	return first + (uint32_t)((1ULL << (32 - prefix)) - 1);
}

/* The VPC of `account` starting at `first`, made on `iface` if there is none. */
static int vpc_for(struct store *s, const char *account, const char *iface, uint32_t first,
		   int64_t *vpc, struct api_error *err)
{
	char vpc_id[ID_MAX], cidr[24], created[TIMESTAMP_MAX];
	int rc = store_int(s, "SELECT id FROM vpc WHERE account = ? AND first = ?",
			   SQL_ARGS(SQL_STR(account), SQL_INT(first)), vpc, err);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (id_new_vpc(vpc_id) < 0)
		return api_fail(err, API_InternalError, "no randomness for a new VPC id");
	cidr_text(first, VPC_PREFIX, cidr);
	timestamp_now(created);
	if (store_exec(s,
		       "INSERT INTO vpc (vpc_id, account, interface, cidr, first, last, created)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?)",
		       SQL_ARGS(SQL_STR(vpc_id), SQL_STR(account), SQL_STR(iface), SQL_STR(cidr),
				SQL_INT(first), SQL_INT(last_of(first, VPC_PREFIX)),
				SQL_STR(created)),
		       err) < 0)
		return -1;
	*vpc = store_last_id(s);
	log_notice("state store: the ENIs of %s in %s go in a new VPC %s on %s", account, cidr,
		   vpc_id, iface);
	return 0;
}

/* The subnet of `vpc` in `zone` starting at `first`, made if there is none. */
static int subnet_for(struct store *s, const char *account, int64_t vpc, const char *zone,
		      uint32_t first, int64_t *subnet, struct api_error *err)
{
	char subnet_id[ID_MAX], cidr[24];
	int rc = store_int(s, "SELECT id FROM subnet WHERE vpc = ? AND zone = ? AND first = ?",
			   SQL_ARGS(SQL_INT(vpc), SQL_STR(zone), SQL_INT(first)), subnet, err);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (id_new_subnet(subnet_id) < 0)
		return api_fail(err, API_InternalError, "no randomness for a new subnet id");
	cidr_text(first, SUBNET_PREFIX, cidr);
	if (store_exec(s,
		       "INSERT INTO subnet (subnet_id, account, vpc, zone, cidr, first, last)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?)",
		       SQL_ARGS(SQL_STR(subnet_id), SQL_STR(account), SQL_INT(vpc), SQL_STR(zone),
				SQL_STR(cidr), SQL_INT(first),
				SQL_INT(last_of(first, SUBNET_PREFIX))),
		       err) < 0)
		return -1;
	*subnet = store_last_id(s);
	log_notice("state store: the ENIs of %s in %s go in a new subnet %s (%s)", account, zone,
		   subnet_id, cidr);
	return 0;
}

static int eni_into_subnet(struct store *s, const char *iface, sqlite3_stmt *eni,
			   struct api_error *err)
{
	const char *account = store_column_text(eni, 1), *zone = store_column_text(eni, 2);
	const char *address = store_column_text(eni, 3);
	uint32_t be, host;
	int64_t vpc, subnet;

	if (inet_pton(AF_INET, address, &be) != 1)
		return api_fail(err, API_StoreRefused, "an ENI has the address '%s'", address);
	host = ntohl(be);
	if (vpc_for(s, account, iface, host & ~0u << (32 - VPC_PREFIX), &vpc, err) < 0 ||
	    subnet_for(s, account, vpc, zone, host & ~0u << (32 - SUBNET_PREFIX), &subnet, err) < 0)
		return -1;
	return store_exec(
	    s, "INSERT INTO temp.eni_subnet (endpoint, zone, subnet) VALUES (?, ?, ?)",
	    SQL_ARGS(SQL_INT(sqlite3_column_int64(eni, 0)), SQL_STR(zone), SQL_INT(subnet)), err);
}

static int run_script(struct store *s, const char *sql, struct api_error *err)
{
	sqlite3 *db = store_handle(s);

	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return api_fail(err, API_InternalError, "state store: %s", sqlite3_errmsg(db));
	return 0;
}

static int migrate_to_3(struct store *s, struct api_error *err)
{
	char iface[32] = "";
	sqlite3_stmt *enis;
	int rc;

	if (run_script(s, vpc_tables, err) < 0 ||
	    store_text(s,
		       "SELECT min(name) FROM interface WHERE role IN ('consumer', 'both')"
		       " AND EXISTS (SELECT 1 FROM eni)",
		       NO_ARGS, iface, sizeof(iface), err) < 0)
		return -1;
	enis = store_query(s,
			   "SELECT n.endpoint, e.account, n.zone, n.address FROM eni n"
			   " JOIN endpoint e ON e.id = n.endpoint ORDER BY e.account, n.address",
			   NO_ARGS, err);
	if (!enis)
		return -1;
	while ((rc = store_next(s, enis, err)) > 0) {
		if (!iface[0]) {
			rc = api_fail(err, API_StoreRefused,
				      "endpoints have ENIs, which version 3 puts in consumer VPCs, "
				      "but no interface faces consumers to put the VPCs on");
			break;
		}
		if (eni_into_subnet(s, iface, enis, err) < 0) {
			rc = -1;
			break;
		}
	}
	sqlite3_finalize(enis);
	return rc < 0 ? -1 : run_script(s, eni_in_subnets, err);
}

/* ---- 3 -> 4, 4 -> 5 ------------------------------------------------------------------- */

static int migrate_to_4(struct store *s, struct api_error *err)
{
	int64_t present = 0;

	if (store_int(s, "SELECT count(*) FROM pragma_table_info('endpoint') WHERE name = ?",
		      SQL_ARGS(SQL_STR("private_dns")), &present, err) < 0)
		return -1;
	if (present)
		return 0;
	return run_script(
	    s, "ALTER TABLE endpoint ADD COLUMN private_dns INTEGER NOT NULL DEFAULT 0", err);
}

/* The tables new in version 5. An endpoint deleted before the retention existed counts
 * as deleted now, so that it is listed for the retention, not purged at the first tick. */
static int migrate_to_5(struct store *s, struct api_error *err)
{
	if (run_script(s, schema_5_tables, err) < 0)
		return -1;
	return run_script(s,
			  "INSERT INTO endpoint_deleted SELECT id, CAST(strftime('%s', 'now') AS "
			  "INTEGER) FROM endpoint WHERE state = 'deleted'",
			  err);
}

static int migrate_to_2(struct store *s, struct api_error *err)
{
	return run_script(s, to_2, err);
}

/* ---- The steps, in order ----------------------------------------------------------------- */

struct migration {
	int64_t to;
	const char *what;
	int (*run)(struct store *s, struct api_error *err);
};

static const struct migration steps[] = {
	{ 2, "a member slot per target", migrate_to_2 },
	{ 3, "consumer VPCs and subnets, every ENI in one", migrate_to_3 },
	{ 4, "endpoint.private_dns (PrivateDnsEnabled)", migrate_to_4 },
	{ 5, "version 5's new tables", migrate_to_5 },
};

_Static_assert(sizeof(steps) / sizeof(steps[0]) == STORE_SCHEMA_VERSION - STORE_OLDEST_VERSION,
	       "a step for every version");

int migrations_layout(struct store *s, int64_t user_version, int64_t *layout, struct api_error *err)
{
	int64_t vpcs = 0;

	*layout = user_version;
	if (user_version != 3)
		return 0;
	if (store_int(s, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'vpc'",
		      NO_ARGS, &vpcs, err) < 0)
		return -1;
	if (!vpcs)
		*layout = 2;
	return 0;
}

/* A table is rebuilt under another name and renamed (SQLite's recipe for what ALTER TABLE
 * cannot do); the views naming it must still find it under its old name and are left as
 * they are, which the legacy rename does. */
static int legacy_rename(struct store *s, bool on, struct api_error *err)
{
	return store_exec(s,
			  on ? "PRAGMA legacy_alter_table = ON" : "PRAGMA legacy_alter_table = OFF",
			  NO_ARGS, err);
}

int migrations_run(struct store *s, const char *path, int64_t layout, struct api_error *err)
{
	char version[48];
	int rc = legacy_rename(s, true, err);

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (rc < 0 || steps[i].to <= layout)
			continue;
		snprintf(version, sizeof(version), "PRAGMA user_version = %lld",
			 (long long)steps[i].to);
		rc = steps[i].run(s, err);
		if (rc == 0)
			rc = store_exec(s, version, NO_ARGS, err);
		if (rc == 0)
			log_notice("state store %s: schema %lld -> %lld: %s", path,
				   (long long)steps[i].to - 1, (long long)steps[i].to,
				   steps[i].what);
	}
	if (legacy_rename(s, false, err) < 0)
		rc = -1;
	return rc;
}
