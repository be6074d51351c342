/* SPDX-License-Identifier: MIT */
/* The durable store: checks an existing state file before trusting it, creates a new
 * one atomically with the schema, and wraps SQLite's statements and transactions.
 *
 * Why SQLite: the state must survive kill -9 and power loss at any instant, and the
 * agent must stay one self-contained process. SQLite is embedded (no server), gives
 * real transactions (an action and its data-path projection commit together or not at
 * all), and in WAL mode with synchronous=FULL a COMMIT that returned has been fsynced.
 * Its crash safety is among the most tested of any storage engine; we would not write
 * our own journal better. */
#include "store.h"
#include "exclusive.h"
#include "migrations.h"
#include "schema_5.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SQLITE_HEADER_SIZE    100
#define HEADER_USER_VERSION   60
#define HEADER_APPLICATION_ID 68
#define BUSY_TIMEOUT_MS	      5000

struct store {
	sqlite3 *db;
	int lock; /* the state file's flock: one agent per state */
};

/* Addresses are dotted IPv4 text; zones are AZ ids; health states and endpoint states
 * are AWS's words. Slots are the data path's array indexes, 1 .. max-1. */
static const char schema[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"

    "CREATE TABLE load_balancer ("
    "  id INTEGER PRIMARY KEY, account TEXT NOT NULL, name TEXT NOT NULL,"
    "  arn TEXT NOT NULL UNIQUE, cross_zone INTEGER NOT NULL, created TEXT NOT NULL,"
    "  UNIQUE (account, name)) STRICT;"
    /* one node IP per enabled zone: the source address targets see */
    "CREATE TABLE lb_zone ("
    "  lb INTEGER NOT NULL REFERENCES load_balancer(id) ON DELETE CASCADE,"
    "  zone TEXT NOT NULL, address TEXT NOT NULL UNIQUE, PRIMARY KEY (lb, zone)) STRICT;"

    "CREATE TABLE target_group ("
    "  id INTEGER PRIMARY KEY, account TEXT NOT NULL, name TEXT NOT NULL,"
    "  arn TEXT NOT NULL UNIQUE, port INTEGER NOT NULL,"
    "  check_protocol TEXT NOT NULL,"
    "  check_port INTEGER," /* NULL: the traffic port */
    "  check_path TEXT NOT NULL,"
    "  check_interval INTEGER NOT NULL,"
    "  check_timeout INTEGER," /* NULL: the protocol's default */
    "  effective_timeout INTEGER GENERATED ALWAYS AS"
    "    (COALESCE(check_timeout, CASE check_protocol WHEN 'HTTP' THEN 6 ELSE 10 END)),"
    "  healthy_threshold INTEGER NOT NULL, unhealthy_threshold INTEGER NOT NULL,"
    "  matcher TEXT NOT NULL, deregistration_delay INTEGER NOT NULL,"
    "  deregistration_termination INTEGER NOT NULL, unhealthy_termination INTEGER NOT NULL,"
    "  proxy_protocol_v2 INTEGER NOT NULL,"
    "  UNIQUE (account, name)) STRICT;"

    /* one per unique target address and port, shared by every group registering it */
    "CREATE TABLE backend ("
    "  slot INTEGER PRIMARY KEY CHECK (slot > 0), address TEXT NOT NULL,"
    "  port INTEGER NOT NULL,"
    "  drained_reset INTEGER NOT NULL DEFAULT 0," /* drained with termination on */
    "  UNIQUE (address, port)) STRICT;"
    /* one per registration of a backend in a target group, which the data path counts
	 * its flows and traffic to; it outlives the registration until its backend has no
	 * flow left, as flows of the registration may still count to it until then */
    "CREATE TABLE member ("
    "  slot INTEGER PRIMARY KEY CHECK (slot > 0),"
    "  backend INTEGER NOT NULL REFERENCES backend(slot)) STRICT;"
    "CREATE INDEX member_backend ON member(backend);"
    "CREATE TABLE target ("
    "  tg INTEGER NOT NULL REFERENCES target_group(id) ON DELETE CASCADE,"
    "  backend INTEGER NOT NULL REFERENCES backend(slot), zone TEXT NOT NULL,"
    "  member INTEGER NOT NULL UNIQUE REFERENCES member(slot),"
    "  health TEXT NOT NULL," /* initial, healthy, unhealthy, draining */
    "  reason TEXT NOT NULL,"
    "  drain_deadline INTEGER," /* UNIX time the draining ends */
    "  PRIMARY KEY (tg, backend)) STRICT;"
    "CREATE INDEX target_backend ON target(backend);"

    "CREATE TABLE listener ("
    "  id INTEGER PRIMARY KEY,"
    "  lb INTEGER NOT NULL REFERENCES load_balancer(id) ON DELETE CASCADE,"
    "  port INTEGER NOT NULL, tg INTEGER NOT NULL REFERENCES target_group(id),"
    "  arn TEXT NOT NULL UNIQUE, UNIQUE (lb, port)) STRICT;"
    "CREATE INDEX listener_tg ON listener(tg);"

    "CREATE TABLE service ("
    "  id INTEGER PRIMARY KEY, service_id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,"
    "  acceptance_required INTEGER NOT NULL, private_dns_name TEXT,"
    "  private_dns_state TEXT, private_dns_record TEXT, private_dns_value TEXT) STRICT;"
    "CREATE TABLE service_lb ("
    "  service INTEGER NOT NULL REFERENCES service(id) ON DELETE CASCADE,"
    "  lb INTEGER NOT NULL UNIQUE REFERENCES load_balancer(id),"
    "  PRIMARY KEY (service, lb)) STRICT;"
    "CREATE TABLE service_principal ("
    "  service INTEGER NOT NULL REFERENCES service(id) ON DELETE CASCADE,"
    "  principal TEXT NOT NULL, permission_id TEXT NOT NULL UNIQUE,"
    "  PRIMARY KEY (service, principal)) STRICT;"

    /* consumer VPCs: an address range on an attached consumer interface, owned by an
	 * account; first and last are its range as host-order integers */
    "CREATE TABLE vpc ("
    "  id INTEGER PRIMARY KEY, vpc_id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,"
    "  interface TEXT NOT NULL, cidr TEXT NOT NULL, first INTEGER NOT NULL,"
    "  last INTEGER NOT NULL, created TEXT NOT NULL) STRICT;"
    "CREATE INDEX vpc_interface ON vpc(interface);"
    /* a VPC's subnets, one zone each, inside its range and apart from each other */
    "CREATE TABLE subnet ("
    "  id INTEGER PRIMARY KEY, subnet_id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,"
    "  vpc INTEGER NOT NULL REFERENCES vpc(id), zone TEXT NOT NULL, cidr TEXT NOT NULL,"
    "  first INTEGER NOT NULL, last INTEGER NOT NULL) STRICT;"
    "CREATE INDEX subnet_vpc ON subnet(vpc);"

    "CREATE TABLE endpoint ("
    "  id INTEGER PRIMARY KEY, endpoint_id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,"
    "  service INTEGER REFERENCES service(id) ON DELETE SET NULL,"
    "  service_id TEXT NOT NULL," /* still named once the service is gone */
    "  state TEXT NOT NULL,"
    "  slot INTEGER UNIQUE CHECK (slot > 0)," /* NULL once deleted */
    "  dns_suffix TEXT NOT NULL, created TEXT NOT NULL,"
    "  vpc INTEGER REFERENCES vpc(id) ON DELETE SET NULL," /* NULL: deleted, gone */
    "  private_dns INTEGER NOT NULL DEFAULT 0) STRICT;"	   /* PrivateDnsEnabled */
    "CREATE INDEX endpoint_service ON endpoint(service);"
    /* an endpoint's network interfaces, one per zone, until it is deleted; each uses
	 * one load balancer of the service for its whole life (NULL: it left the service) */
    "CREATE TABLE eni ("
    "  endpoint INTEGER NOT NULL REFERENCES endpoint(id) ON DELETE CASCADE,"
    "  zone TEXT NOT NULL, address TEXT NOT NULL UNIQUE,"
    "  lb INTEGER REFERENCES load_balancer(id),"
    "  subnet INTEGER NOT NULL REFERENCES subnet(id),"
    "  PRIMARY KEY (endpoint, zone)) STRICT;"
    "CREATE INDEX eni_lb ON eni(lb);"
    "CREATE INDEX eni_subnet ON eni(subnet);"

    /* SNAT port pools: one per (node IP, backend) some endpoint's ENI could use */
    "CREATE TABLE pool ("
    "  slot INTEGER PRIMARY KEY CHECK (slot > 0), snat_address TEXT NOT NULL,"
    "  backend INTEGER NOT NULL REFERENCES backend(slot),"
    "  UNIQUE (snat_address, backend)) STRICT;"
    /* Maglev tables: one per target group and scope (a zone id, or 'all') in use */
    "CREATE TABLE maglev_table ("
    "  slot INTEGER PRIMARY KEY CHECK (slot > 0),"
    "  tg INTEGER NOT NULL REFERENCES target_group(id), scope TEXT NOT NULL,"
    "  UNIQUE (tg, scope)) STRICT;"

    "CREATE TABLE interface (name TEXT PRIMARY KEY, role TEXT NOT NULL, mode TEXT NOT NULL)"
    "  STRICT;"

    "CREATE VIEW needed_table (tg, scope) AS"
    "  SELECT DISTINCT l.tg, CASE WHEN lb.cross_zone THEN 'all' ELSE e.zone END"
    "  FROM eni e JOIN load_balancer lb ON lb.id = e.lb JOIN listener l ON l.lb = e.lb;"
    "CREATE VIEW needed_pool (snat_address, backend) AS"
    "  SELECT DISTINCT z.address, t.backend FROM eni e"
    "  JOIN lb_zone z ON z.lb = e.lb AND z.zone = e.zone"
    "  JOIN listener l ON l.lb = e.lb JOIN target t ON t.tg = l.tg;"
    "CREATE VIEW missing_table AS SELECT * FROM needed_table n"
    "  WHERE NOT EXISTS (SELECT 1 FROM maglev_table t WHERE t.tg = n.tg AND t.scope = n.scope);"
    "CREATE VIEW missing_pool AS SELECT * FROM needed_pool n WHERE NOT EXISTS"
    "  (SELECT 1 FROM pool p WHERE p.snat_address = n.snat_address AND p.backend = n.backend);"
    /* A target as the world sees it: unused unless a listener of a load balancer with
	 * the target's zone forwards to its group (an NLB target group has one LB). */
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

/* Indexes that only make queries fast, created at every opening (also in files made before
 * them): a change asks which zones of a load balancer have ENIs, in proportion to the
 * change, not to the number of endpoints. */
static const char access_paths[] = "CREATE INDEX IF NOT EXISTS eni_lb_zone ON eni(lb, zone)";

/* ---- Errors ----------------------------------------------------------------------------- */

static void sqlite_failed(sqlite3 *db, struct api_error *err)
{
	api_fail(err, API_InternalError, "state store: %s", sqlite3_errmsg(db));
}

/* ---- Checking an existing file ---------------------------------------------------------- */

static uint32_t big_endian_32(const unsigned char *bytes)
{
	return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 |
	       bytes[3];
}

/* The SQLite header, read with plain read(2) so that a foreign file is judged
 * without SQLite ever opening it (which could leave -wal and -shm files beside it). */
static int check_header(const char *path, struct api_error *err)
{
	unsigned char header[SQLITE_HEADER_SIZE];
	uint32_t application_id;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		api_fail(err, API_InternalError, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	got = read(fd, header, sizeof(header));
	close(fd);
	if (got < 0) {
		api_fail(err, API_InternalError, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (got == 0) {
		api_fail(err, API_StoreRefused, "%s is empty, not an xdplink state database", path);
		return -1;
	}
	if (got < SQLITE_HEADER_SIZE || memcmp(header, "SQLite format 3", 16) != 0) {
		api_fail(err, API_StoreRefused,
			 "%s is not an SQLite database, so not an xdplink state database", path);
		return -1;
	}
	application_id = big_endian_32(header + HEADER_APPLICATION_ID);
	if (application_id != STORE_APPLICATION_ID) {
		api_fail(err, API_StoreRefused,
			 "%s is the SQLite database of another application (application_id "
			 "0x%08x), not an xdplink state database",
			 path, application_id);
		return -1;
	}
	return 0;
}

/* file:<path>?immutable=1, the path percent-encoded as URIs want. */
static void immutable_uri(const char *path, char *uri, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t used = (size_t)snprintf(uri, size, "file:");

	for (const unsigned char *c = (const unsigned char *)path; *c && used + 4 < size; c++) {
		if (isalnum(*c) || strchr("-._~/", *c)) {
			uri[used++] = (char)*c;
		} else {
			uri[used++] = '%';
			uri[used++] = hex[*c >> 4];
			uri[used++] = hex[*c & 15];
		}
	}
	snprintf(uri + used, size - used, "?immutable=1");
}

/* Read-only. Without a -wal file the database file is whole, and it is read as
 * immutable: SQLite then takes no lock and creates no -wal or -shm beside a file it may
 * refuse. With one, the -wal must be read, and its -shm is there already. */
static int open_for_checking(const char *path, sqlite3 **db)
{
	char wal[PATH_MAX], uri[3 * PATH_MAX + 32];

	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (access(wal, F_OK) == 0)
		return sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL);
	immutable_uri(path, uri, sizeof(uri));
	return sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
}

/* The schema version and integrity, through a read-only connection. An older version is
 * migrated once the file is open for writing; a newer one is refused. */
static int check_contents(const char *path, int64_t *version, struct api_error *err)
{
	struct store reader = { 0 };
	char verdict[200] = "";
	int rc = -1;

	*version = -1;
	if (open_for_checking(path, &reader.db) != SQLITE_OK ||
	    store_int(&reader, "PRAGMA user_version", NO_ARGS, version, err) < 0)
		api_fail(err, API_StoreRefused, "%s is damaged: %s", path,
			 sqlite3_errmsg(reader.db));
	else if (*version > STORE_SCHEMA_VERSION)
		api_fail(err, API_StoreRefused,
			 "%s has schema version %lld, newer than this xdplink knows (%d to %d): "
			 "run the xdplink that wrote it",
			 path, (long long)*version, STORE_OLDEST_VERSION, STORE_SCHEMA_VERSION);
	else if (*version < STORE_OLDEST_VERSION)
		api_fail(err, API_StoreRefused,
			 "%s has schema version %lld; xdplink's versions are %d to %d", path,
			 (long long)*version, STORE_OLDEST_VERSION, STORE_SCHEMA_VERSION);
	else if (store_text(&reader, "PRAGMA quick_check", NO_ARGS, verdict, sizeof(verdict), err) <
		 0)
		api_fail(err, API_StoreRefused, "%s is damaged: %s", path,
			 sqlite3_errmsg(reader.db));
	else if (strcmp(verdict, "ok") != 0)
		api_fail(err, API_StoreRefused, "%s is damaged: %s", path, verdict);
	else
		rc = 0;
	sqlite3_close(reader.db);
	return rc;
}

/* ---- Creating a new file ---------------------------------------------------------------- */

static int sync_directory_of(const char *path)
{
	char directory[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc;

	if (!slash)
		snprintf(directory, sizeof(directory), ".");
	else
		snprintf(directory, sizeof(directory), "%.*s",
			 (int)(slash - path + (slash == path)), path);
	fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int write_schema(const char *path, struct api_error *err)
{
	char pragmas[128];
	struct store writer = { 0 };
	int rc = sqlite3_open_v2(path, &writer.db, SQLITE_OPEN_READWRITE, NULL);

	snprintf(pragmas, sizeof(pragmas), "PRAGMA application_id = %d; PRAGMA user_version = %d;",
		 STORE_APPLICATION_ID, STORE_SCHEMA_VERSION);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(writer.db, "PRAGMA synchronous = FULL; BEGIN", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(writer.db, schema, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(writer.db, schema_5_tables, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(writer.db, pragmas, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(writer.db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		api_fail(err, API_InternalError, "cannot create %s: %s", path,
			 sqlite3_errmsg(writer.db));
	sqlite3_close(writer.db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Built under a temporary name and linked into place, so that a crash leaves either
 * no file or a complete one. Losing the race to another creator is fine: its file is
 * checked like any existing one. */
static int create_database(const char *path, struct api_error *err)
{
	char temporary[PATH_MAX];
	int fd, rc = -1;

	if (snprintf(temporary, sizeof(temporary), "%s.new-XXXXXX", path) >=
	    (int)sizeof(temporary)) {
		api_fail(err, API_InternalError, "state path too long: %s", path);
		return -1;
	}
	fd = mkstemp(temporary);
	if (fd < 0) {
		api_fail(err, API_InternalError, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	if (write_schema(temporary, err) == 0) {
		rc = link(temporary, path);
		if (rc < 0 && errno == EEXIST)
			rc = 0;
		else if (rc < 0)
			api_fail(err, API_InternalError, "cannot create %s: %s", path,
				 strerror(errno));
	}
	unlink(temporary);
	if (rc == 0 && sync_directory_of(path) < 0) {
		api_fail(err, API_InternalError, "cannot sync the directory of %s: %s", path,
			 strerror(errno));
		rc = -1;
	}
	return rc;
}

/* ---- Migrating an older file ------------------------------------------------------------- */

/* Every step in one transaction: a failure leaves the file as it was. The result must keep
 * its foreign keys, as the model relies on them. */
static int migrate(struct store *s, const char *path, int64_t version, struct api_error *err)
{
	int64_t layout, broken = 0;
	char cause[sizeof(err->message)];

	if (store_begin(s, err) < 0)
		return -1;
	if (migrations_layout(s, version, &layout, err) < 0 ||
	    migrations_run(s, path, layout, err) < 0 ||
	    store_int(s, "SELECT count(*) FROM pragma_foreign_key_check", NO_ARGS, &broken, err) <
		0)
		goto refused;
	if (broken) {
		api_fail(err, API_StoreRefused, "%lld rows lost what they refer to",
			 (long long)broken);
		goto refused;
	}
	if (store_commit(s, err) == 0)
		return 0;
refused:
	store_rollback(s);
	snprintf(cause, sizeof(cause), "%s", err->message);
	return api_fail(err, API_StoreRefused,
			"%s has schema version %lld and cannot be migrated: %s", path,
			(long long)version, cause);
}

/* ---- Opening ---------------------------------------------------------------------------- */

static int configure(struct store *s, const char *path, struct api_error *err)
{
	char journal_mode[16] = "";

	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	if (store_text(s, "PRAGMA journal_mode = WAL", NO_ARGS, journal_mode, sizeof(journal_mode),
		       err) < 0 ||
	    store_exec(s, "PRAGMA synchronous = FULL", NO_ARGS, err) < 0 ||
	    store_exec(s, "PRAGMA foreign_keys = ON", NO_ARGS, err) < 0)
		return -1;
	if (strcmp(journal_mode, "wal") != 0) {
		api_fail(err, API_InternalError,
			 "%s: the file system does not allow SQLite's WAL mode", path);
		return -1;
	}
	return 0;
}

struct store *store_open(const char *path, struct api_error *err)
{
	struct stat status;
	struct store *s;
	int64_t version;
	bool exists = stat(path, &status) == 0;

	if (!exists && errno != ENOENT) {
		api_fail(err, API_InternalError, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	if (!exists && create_database(path, err) < 0)
		return NULL;
	if (stat(path, &status) == 0 && !S_ISREG(status.st_mode)) {
		api_fail(err, API_StoreRefused, "%s is not a regular file", path);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		api_fail(err, API_InternalError, "out of memory");
		return NULL;
	}
	s->lock = hold_exclusive(path);
	if (s->lock < 0) {
		if (errno == EWOULDBLOCK)
			api_fail(err, API_StoreInUse,
				 "%s is in use by another xdplinkd: one agent per state file",
				 path);
		else
			api_fail(err, API_InternalError, "cannot open %s: %s", path,
				 strerror(errno));
		store_close(s);
		return NULL;
	}
	if (check_header(path, err) < 0 || check_contents(path, &version, err) < 0) {
		store_close(s);
		return NULL;
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		api_fail(err, API_InternalError, "cannot open %s: %s", path, sqlite3_errmsg(s->db));
		store_close(s);
		return NULL;
	}
	if (configure(s, path, err) < 0 ||
	    (version < STORE_SCHEMA_VERSION && migrate(s, path, version, err) < 0) ||
	    store_exec(s, access_paths, NO_ARGS, err) < 0) {
		store_close(s);
		return NULL;
	}
	return s;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	if (s->lock >= 0)
		close(s->lock);
	free(s);
}

sqlite3 *store_handle(struct store *s)
{
	return s->db;
}

/* ---- Statements ------------------------------------------------------------------------- */

sqlite3_stmt *store_query(struct store *s, const char *sql, const struct sql_arg *args,
			  size_t count, struct api_error *err)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL);

	for (size_t i = 0; rc == SQLITE_OK && i < count; i++) {
		int index = (int)i + 1;

		if (args[i].type == SQL_ARG_INT)
			rc = sqlite3_bind_int64(stmt, index, args[i].number);
		else if (args[i].text)
			rc = sqlite3_bind_text(stmt, index, args[i].text, -1, SQLITE_TRANSIENT);
		else
			rc = sqlite3_bind_null(stmt, index);
	}
	if (rc != SQLITE_OK) {
		sqlite_failed(s->db, err);
		sqlite3_finalize(stmt);
		return NULL;
	}
	return stmt;
}

int store_next(struct store *s, sqlite3_stmt *stmt, struct api_error *err)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	sqlite_failed(s->db, err);
	return -1;
}

const char *store_column_text(sqlite3_stmt *stmt, int column)
{
	const unsigned char *text = sqlite3_column_text(stmt, column);

	return text ? (const char *)text : "";
}

int store_exec(struct store *s, const char *sql, const struct sql_arg *args, size_t count,
	       struct api_error *err)
{
	sqlite3_stmt *stmt = store_query(s, sql, args, count, err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = store_next(s, stmt, err)) > 0)
		;
	sqlite3_finalize(stmt);
	return rc;
}

int store_changes(struct store *s)
{
	return sqlite3_changes(s->db);
}

int store_int(struct store *s, const char *sql, const struct sql_arg *args, size_t count,
	      int64_t *out, struct api_error *err)
{
	sqlite3_stmt *stmt = store_query(s, sql, args, count, err);
	int rc;

	if (!stmt)
		return -1;
	rc = store_next(s, stmt, err);
	if (rc > 0)
		*out = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc;
}

int store_text(struct store *s, const char *sql, const struct sql_arg *args, size_t count,
	       char *out, size_t size, struct api_error *err)
{
	sqlite3_stmt *stmt = store_query(s, sql, args, count, err);
	int rc;

	if (!stmt)
		return -1;
	rc = store_next(s, stmt, err);
	if (rc > 0)
		snprintf(out, size, "%s", store_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return rc;
}

int64_t store_last_id(struct store *s)
{
	return sqlite3_last_insert_rowid(s->db);
}

/* ---- Transactions ----------------------------------------------------------------------- */

static int run(struct store *s, const char *sql, struct api_error *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		sqlite_failed(s->db, err);
		return -1;
	}
	return 0;
}

int store_begin(struct store *s, struct api_error *err)
{
	return run(s, "BEGIN IMMEDIATE", err);
}

int store_commit(struct store *s, struct api_error *err)
{
	return run(s, "COMMIT", err);
}

void store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_savepoint(struct store *s, struct api_error *err)
{
	return run(s, "SAVEPOINT step", err);
}

int store_release(struct store *s, struct api_error *err)
{
	return run(s, "RELEASE step", err);
}

void store_undo(struct store *s)
{
	/* Fails only when SQLite already rolled the whole transaction back (I/O error,
	 * disk full), which leaves nothing to undo. */
	sqlite3_exec(s->db, "ROLLBACK TO step; RELEASE step", NULL, NULL, NULL);
}
