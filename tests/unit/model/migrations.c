/* SPDX-License-Identifier: MIT */
/* State files of every earlier schema version (tests/unit/store/v*.sql, their schema as
 * git history has it, with the seed lab's rows) are migrated when the model opens them:
 * the rows are all there and the model works on them as on its own. */
#include <sqlite3.h>
#include <time.h>

#include "harness.h"
#include "store.h"

#define FIXTURES "tests/unit/store/"
#define ENDPOINT "vpce-07c87a40564585e2f"
#define DELETED	 "vpce-0aaaabbbbccccdddd"

static void state_file_from(const char *fixture)
{
	static char sql[64 * 1024];
	FILE *file = fopen(fixture, "r");
	size_t length;
	sqlite3 *db;

	CHECK(file != NULL);
	if (!file)
		abort();
	length = fread(sql, 1, sizeof(sql) - 1, file);
	fclose(file);
	sql[length] = '\0';
	snprintf(directory, sizeof(directory), "/tmp/xl-model-XXXXXX");
	if (!mkdtemp(directory))
		abort();
	snprintf(state_path, sizeof(state_path), "%s/state.db", directory);
	CHECK_EQ(sqlite3_open(state_path, &db), SQLITE_OK);
	CHECK_EQ(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static long long schema_version(void)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	long long version = -1;

	sqlite3_open_v2(state_path, &db, SQLITE_OPEN_READONLY, NULL);
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		version = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return version;
}

/* The tables version 5 added: tags, security groups, and the deletion times of endpoints,
 * where an endpoint deleted before them counts from the migration (not purged at once). */
static void version_5s_tables_work(const char *endpoint)
{
	struct api_error err = { 0 };
	json_object *result, *purged = json_object_new_array();
	char vpc_id[ID_MAX];

	CHECK_EQ(model_purge_deleted_endpoints(m, time(NULL), 3600, purged, &err), 0);
	json_object_put(purged);
	DO(CONSUMER, "CreateTags",
	   "{'Resources': ['%s'], 'Tags': [{'Key': 'team', 'Value': 'web'}]}", endpoint);
	result = GET(CONSUMER, "DescribeVpcEndpoints", "{'VpcEndpointIds': ['%s']}", endpoint);
	snprintf(vpc_id, sizeof(vpc_id), "%s", text_at(result, "VpcEndpoints.0.VpcId"));
	CHECK_STR(text_at(result, "VpcEndpoints.0.Tags.0.Value"), "web");
	json_object_put(result);
	json_object_put(GET(CONSUMER, "CreateSecurityGroup",
			    "{'GroupName': 'clients', 'Description': 'd', 'VpcId': '%s'}", vpc_id));
	DO(CONSUMER, "DeleteVpcEndpoints", "{'VpcEndpointIds': ['%s']}", endpoint);
	CHECK_STR(endpoint_state(CONSUMER, endpoint), "deleted");
}

/* What every fixture holds, read and used through the model's actions. */
static void the_seed_lab_is_there_and_usable(const char *fixture)
{
	json_object *result;
	char created[ID_MAX];

	printf("  %s\n", fixture);
	state_file_from(fixture);
	open_model();
	CHECK_EQ(schema_version(), STORE_SCHEMA_VERSION);

	result = GET(CONSUMER, "DescribeVpcEndpoints", "{'VpcEndpointIds': ['%s', '%s']}", ENDPOINT,
		     DELETED);
	CHECK_EQ(count_at(result, "VpcEndpoints"), 2);
	CHECK_STR(text_at(result, "VpcEndpoints.0.State"), "available");
	CHECK_EQ(count_at(result, "VpcEndpoints.0.SubnetIds"), 2);
	CHECK(matches(text_at(result, "VpcEndpoints.0.VpcId"), "^vpc-[0-9a-f]{17}$"));
	CHECK(matches(text_at(result, "VpcEndpoints.0.DnsEntries.0.DnsName"),
		      "^" ENDPOINT "-ggziysru\\.vpce-svc-01f7e8b3ccc13dc8f\\."));
	CHECK_STR(text_at(result, "VpcEndpoints.1.State"), "deleted");
	json_object_put(result);

	/* the targets keep their health, each with a member slot of its own */
	CHECK_STR(target_state("web-tg", "10.0.1.21"), "healthy -");
	CHECK_STR(target_state("web-tg", "10.0.2.21"), "unhealthy Target.Timeout");
	members_of("10.1.1.50", 80, (char[64]){ 0 }, 64);

	/* a new endpoint goes in the (made or kept) subnets beside the old one's ENIs */
	snprintf(service, sizeof(service), "com.amazonaws.vpce.us-east-1.%s",
		 "vpce-svc-01f7e8b3ccc13dc8f");
	create_endpoint(CONSUMER, 60, created);
	CHECK_STR(endpoint_state(CONSUMER, created), "pendingAcceptance");
	DO(PROVIDER, "AcceptVpcEndpointConnections",
	   "{'ServiceId': 'vpce-svc-01f7e8b3ccc13dc8f', 'VpcEndpointIds': ['%s']}", created);
	CHECK_STR(endpoint_state(CONSUMER, created), "available");
	result = GET(CONSUMER, "DescribeSubnets", "{}");
	CHECK_EQ(count_at(result, "Subnets"), 2);
	json_object_put(result);
	version_5s_tables_work(created);
	remove_model();
}

void older_state_files_are_migrated(void)
{
	the_seed_lab_is_there_and_usable(FIXTURES "v1.sql");
	the_seed_lab_is_there_and_usable(FIXTURES "v2.sql");
	the_seed_lab_is_there_and_usable(FIXTURES "v3.sql");
	the_seed_lab_is_there_and_usable(FIXTURES "v3-dns.sql");
	the_seed_lab_is_there_and_usable(FIXTURES "v4.sql");
}

/* A migration that cannot be done is refused, and leaves the file as it was. */
void a_migration_that_fails_changes_nothing(void)
{
	struct api_error err = { 0 };
	sqlite3 *db;

	state_file_from(FIXTURES "v2.sql");
	sqlite3_open(state_path, &db);
	CHECK_EQ(sqlite3_exec(db, "DELETE FROM interface", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	CHECK(model_open(&options, &err) == NULL);
	CHECK(strstr(err.message, "has schema version 2 and cannot be migrated: endpoints have "
				  "ENIs") != NULL);
	CHECK_EQ(schema_version(), 2);
	m = NULL;
	remove_model();
}
