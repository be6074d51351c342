/* SPDX-License-Identifier: MIT */
/* Unit tests of the durable store: data kept across open and close, files that are not
 * xdplink databases refused and left byte for byte as they were, and a crash test that
 * SIGKILLs a writer at random instants and finds every acknowledged commit. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/check.h"
#include "model.h"
#include "store.h"

#define CRASH_ROUNDS	20
#define CRASH_MAX_DELAY 30000 /* microseconds, after the first acknowledged commit */
#define FIRST_COMMIT_MS 30000 /* how long a (slow) machine may take to make one */

static char directory[64];
static char path[128];

static void make_directory(void)
{
	snprintf(directory, sizeof(directory), "/tmp/xl-store-XXXXXX");
	if (!mkdtemp(directory))
		abort();
	snprintf(path, sizeof(path), "%s/state.db", directory);
}

static void remove_directory(void)
{
	char command[160];

	snprintf(command, sizeof(command), "rm -rf '%s'", directory);
	if (system(command) != 0)
		printf("  could not remove %s\n", directory);
}

static bool exists(const char *suffix)
{
	char name[160];

	snprintf(name, sizeof(name), "%s%s", path, suffix);
	return access(name, F_OK) == 0;
}

/* FNV-1a over the whole file, and its size: equal hashes, equal bytes (for our use). */
static unsigned long long file_hash(void)
{
	unsigned long long hash = 14695981039346656037ull;
	FILE *file = fopen(path, "rb");
	int c;

	if (!file)
		return 0;
	while ((c = fgetc(file)) != EOF)
		hash = (hash ^ (unsigned char)c) * 1099511628211ull;
	hash ^= (unsigned long long)ftell(file) << 40;
	fclose(file);
	return hash;
}

static void write_file(const char *contents)
{
	FILE *file = fopen(path, "wb");

	fputs(contents, file);
	fclose(file);
}

/* A raw SQLite connection, to make files the store must refuse. */
static void sqlite(const char *sql)
{
	sqlite3 *db;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		printf("  sqlite: %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* An xdplink store with enough rows to span several pages, closed. */
static void make_store_with_rows(void)
{
	struct api_error err = { 0 };
	struct store *s = store_open(path, &err);
	char key[16];

	CHECK(s != NULL);
	if (!s)
		return;
	for (int i = 0; i < 300; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		store_exec(s, "INSERT INTO meta (key, value) VALUES (?, printf('%.200c', 'x'))",
			   SQL_ARGS(SQL_STR(key)), &err);
	}
	store_close(s);
}

/* Refused, with a sentence naming the path and `problem`, and the file untouched. */
static void check_refused(const char *problem, int line)
{
	unsigned long long before = file_hash();
	bool had_wal = exists("-wal"), had_shm = exists("-shm");
	struct api_error err = { 0 };
	struct store *s = store_open(path, &err);

	if (s) {
		check_fail(__FILE__, line, "opened a file it should refuse");
		store_close(s);
		return;
	}
	if (!strstr(err.message, path) || !strstr(err.message, problem))
		check_fail(__FILE__, line, "message \"%s\" lacks the path or \"%s\"", err.message,
			   problem);
	if (file_hash() != before)
		check_fail(__FILE__, line, "the refused file changed");
	if (exists("-wal") != had_wal || exists("-shm") != had_shm)
		check_fail(__FILE__, line, "WAL or SHM files appeared beside the refused file");
}

#define CHECK_REFUSED(problem) check_refused(problem, __LINE__)

/* ---- Tests ------------------------------------------------------------------------------ */

static void data_survives_open_and_close(void)
{
	struct api_error err = { 0 };
	char value[32] = "";
	int64_t number = 0;
	struct store *s;

	make_directory();
	s = store_open(path, &err);
	CHECK(s != NULL);
	if (!s) {
		remove_directory();
		return;
	}
	CHECK_EQ(
	    store_exec(s, "INSERT INTO meta (key, value) VALUES ('round', '0')", NO_ARGS, &err), 0);
	CHECK_EQ(store_changes(s), 1);
	store_close(s);
	for (int round = 1; round <= 3; round++) {
		s = store_open(path, &err);
		CHECK(s != NULL);
		if (!s)
			break;
		CHECK_EQ(store_text(s, "SELECT value FROM meta WHERE key = 'round'", NO_ARGS, value,
				    sizeof(value), &err),
			 1);
		CHECK_EQ(atoi(value), round - 1);
		snprintf(value, sizeof(value), "%d", round);
		store_exec(s, "UPDATE meta SET value = ? WHERE key = 'round'",
			   SQL_ARGS(SQL_STR(value)), &err);
		CHECK_EQ(store_int(s, "PRAGMA application_id", NO_ARGS, &number, &err), 1);
		CHECK_EQ(number, STORE_APPLICATION_ID);
		CHECK_EQ(store_int(s, "PRAGMA user_version", NO_ARGS, &number, &err), 1);
		CHECK_EQ(number, STORE_SCHEMA_VERSION);
		CHECK_EQ(store_int(s, "PRAGMA foreign_keys", NO_ARGS, &number, &err), 1);
		CHECK_EQ(number, 1);
		CHECK_EQ(store_int(s, "PRAGMA synchronous", NO_ARGS, &number, &err), 1);
		CHECK_EQ(number, 2); /* FULL */
		CHECK_EQ(store_text(s, "PRAGMA journal_mode", NO_ARGS, value, sizeof(value), &err),
			 1);
		CHECK_STR(value, "wal");
		store_close(s);
	}
	remove_directory();
}

static void a_new_file_is_created_whole(void)
{
	struct api_error err = { 0 };
	struct store *s;
	char command[200];

	make_directory();
	s = store_open(path, &err);
	CHECK(s != NULL);
	store_close(s);
	snprintf(command, sizeof(command), "ls '%s' | grep -q new-", directory);
	CHECK(system(command) != 0); /* no temporary file left behind */
	remove_directory();

	snprintf(path, sizeof(path), "/tmp/xl-no-such-directory/state.db");
	s = store_open(path, &err);
	CHECK(s == NULL);
	CHECK(strstr(err.message, "cannot create /tmp/xl-no-such-directory/state.db") != NULL);
}

/* A second open while the first is in use (a second agent) is refused, the file intact;
 * once the first closes, the file opens again. */
static void a_file_in_use_is_refused(void)
{
	struct api_error err = { 0 };
	struct store *first;

	make_directory();
	first = store_open(path, &err);
	CHECK(first != NULL);
	CHECK_REFUSED("is in use by another xdplinkd");
	store_close(first);
	first = store_open(path, &err);
	CHECK(first != NULL);
	store_close(first);
	remove_directory();
}

static void a_file_that_is_not_sqlite_is_refused(void)
{
	make_directory();
	write_file("region = us-east-1\nthis is a configuration file, not a database\n");
	CHECK_REFUSED("is not an SQLite database");
	write_file("");
	CHECK_REFUSED("is empty");
	write_file("SQLite format 3");
	CHECK_REFUSED("is not an SQLite database");
	remove_directory();
	make_directory();
	if (mkdir(path, 0700) == 0)
		CHECK_REFUSED("is not a regular file");
	remove_directory();
}

static void another_application_s_database_is_refused(void)
{
	make_directory();
	sqlite("PRAGMA journal_mode = WAL; CREATE TABLE notes (body TEXT);"
	       "INSERT INTO notes VALUES ('mine');");
	CHECK(!exists("-wal"));
	CHECK_REFUSED("of another application (application_id 0x00000000)");
	sqlite("PRAGMA application_id = 1234;");
	CHECK_REFUSED("application_id 0x000004d2");
	remove_directory();
}

static void a_database_of_another_schema_version_is_refused(void)
{
	make_directory();
	make_store_with_rows();
	sqlite("PRAGMA user_version = 99;");
	CHECK_REFUSED("has schema version 99, newer than this xdplink knows (1 to 5): run the "
		      "xdplink that wrote it");
	sqlite("PRAGMA user_version = 6;");
	CHECK_REFUSED("has schema version 6, newer than this xdplink knows (1 to 5)");
	/* older versions are migrated (tests/unit/model/migrations.c); 0 is none */
	sqlite("PRAGMA user_version = 0;");
	CHECK_REFUSED("has schema version 0; xdplink's versions are 1 to 5");
	remove_directory();
}

static void a_damaged_database_is_refused(void)
{
	struct stat status;
	char garbage[4096];
	int fd;

	make_directory();
	make_store_with_rows();
	CHECK_EQ(stat(path, &status), 0);
	CHECK(status.st_size >= 8 * 4096);
	CHECK_EQ(truncate(path, status.st_size / 2), 0);
	CHECK_REFUSED("is damaged");
	remove_directory();

	make_directory();
	make_store_with_rows();
	memset(garbage, 0xa5, sizeof(garbage));
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite(fd, garbage, sizeof(garbage), 4 * 4096), (ssize_t)sizeof(garbage));
	close(fd);
	CHECK_REFUSED("is damaged");
	remove_directory();
}

/* ---- Crash test ------------------------------------------------------------------------- */

static const struct model_options crash_options = {
	.path = path,
	.region = "us-east-1",
	.max_endpoints = 16,
	.max_backends = 16,
	.max_members = 16,
	.max_pools = 16,
	.max_tables = 16,
};

/* Creates tg-<round>-<n> for n = 0, 1, ... as the daemon would, and acknowledges each n
 * on `ack` once its commit returned. Runs until killed. */
static void crash_writer(int round, int ack)
{
	const struct model_action *create = model_find_action("CreateTargetGroup");
	struct api_error err = { 0 };
	struct model *m = model_open(&crash_options, &err);

	for (int n = 0; m && n < 1000000; n++) {
		char text[96];
		json_object *args, *result = NULL;
		struct dataplane dp;

		snprintf(text, sizeof(text), "{\"Name\": \"tg-%d-%d\", \"Port\": 80}", round, n);
		args = json_tokener_parse(text);
		if (model_begin(m, &err) < 0 || create->run(m, NULL, args, &result, &err) < 0 ||
		    model_dataplane(m, &dp, &err) < 0)
			_exit(2);
		dataplane_free(&dp);
		if (model_commit(m, &err) < 0)
			_exit(3);
		if (write(ack, &n, sizeof(n)) != sizeof(n))
			_exit(4);
		json_object_put(args);
		json_object_put(result);
	}
	_exit(1);
}

/* Every acknowledged group of the round exists after the writer was killed. */
static int check_acknowledged(int round, int ack, int *missing)
{
	const struct model_action *describe = model_find_action("DescribeTargetGroups");
	struct api_error err = { 0 };
	struct model *m = model_open(&crash_options, &err);
	json_object *args = json_object_new_object(), *result = NULL;
	const char *listed;
	char name[48];
	int n, acknowledged = 0;

	if (!m) {
		printf("  reopening after the kill: %s\n", err.message);
		(*missing)++;
		return 0;
	}
	if (describe->run(m, NULL, args, &result, &err) < 0)
		(*missing)++;
	listed = result ? json_object_to_json_string(result) : "";
	while (read(ack, &n, sizeof(n)) == sizeof(n)) {
		snprintf(name, sizeof(name), "\"tg-%d-%d\"", round, n);
		acknowledged++;
		if (!strstr(listed, name)) {
			printf("  acknowledged %s is missing\n", name);
			(*missing)++;
		}
	}
	json_object_put(result);
	json_object_put(args);
	model_close(m);
	return acknowledged;
}

static void acknowledged_commits_survive_sigkill(void)
{
	unsigned int seed = (unsigned int)time(NULL);
	int acknowledged = 0, missing = 0;

	make_directory();
	for (int round = 0; round < CRASH_ROUNDS; round++) {
		int ack[2], status;
		pid_t writer;

		if (pipe(ack) < 0)
			abort();
		writer = fork();
		if (writer == 0) {
			close(ack[0]);
			crash_writer(round, ack[1]);
		}
		close(ack[1]);
		/* Kill only a writer that is writing: one that has not committed yet proves nothing. */
		CHECK(poll(&(struct pollfd){ .fd = ack[0], .events = POLLIN }, 1,
			   FIRST_COMMIT_MS) == 1);
		usleep((useconds_t)(rand_r(&seed) % CRASH_MAX_DELAY));
		kill(writer, SIGKILL);
		waitpid(writer, &status, 0);
		CHECK(WIFSIGNALED(status));
		acknowledged += check_acknowledged(round, ack[0], &missing);
		close(ack[0]);
	}
	printf("  %d commits acknowledged over %d kills, %d missing\n", acknowledged, CRASH_ROUNDS,
	       missing);
	CHECK(acknowledged >= CRASH_ROUNDS);
	CHECK_EQ(missing, 0);
	remove_directory();
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		TEST_CASE(data_survives_open_and_close),
		TEST_CASE(a_new_file_is_created_whole),
		TEST_CASE(a_file_in_use_is_refused),
		TEST_CASE(a_file_that_is_not_sqlite_is_refused),
		TEST_CASE(another_application_s_database_is_refused),
		TEST_CASE(a_database_of_another_schema_version_is_refused),
		TEST_CASE(a_damaged_database_is_refused),
		TEST_CASE(acknowledged_commits_survive_sigkill),
	};

	return RUN_TESTS("store", cases, argc, argv);
}
