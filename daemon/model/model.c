/* SPDX-License-Identifier: MIT */
/* Opening the model (the store, checked for its region and the capacities its slots
 * must fit) and its transactions. */
#include "model_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "model_dns.h"
#include "notifications.h"
#include "slots.h"

/* principal_allows(allowed, caller_arn) in SQL, so queries apply the one rule of ids.c. */
static void sql_principal_allows(sqlite3_context *context, int argc, sqlite3_value **argv)
{
	const char *allowed = (const char *)sqlite3_value_text(argv[0]);
	const char *arn = (const char *)sqlite3_value_text(argv[1]);
	struct principal caller;

	(void)argc;
	sqlite3_result_int(context, allowed && arn && principal_parse(arn, &caller) &&
					principal_allows(allowed, &caller));
}

/* ARNs and zone ids name the region, so a state file serves the region it began with. */
static int check_region(struct model *m, const char *path, struct api_error *err)
{
	char region[REGION_MAX] = "";

	if (store_exec(m->store, "INSERT OR IGNORE INTO meta (key, value) VALUES ('region', ?)",
		       SQL_ARGS(SQL_STR(m->region)), err) < 0 ||
	    store_text(m->store, "SELECT value FROM meta WHERE key = 'region'", NO_ARGS, region,
		       sizeof(region), err) < 0)
		return -1;
	if (strcmp(region, m->region) != 0)
		return api_fail(err, API_StoreRefused, "%s holds the state of region %s, not %s",
				path, region, m->region);
	return 0;
}

static int check_options(const struct model_options *opts, struct api_error *err)
{
	if (!opts->path || !opts->region || !region_valid(opts->region))
		return api_fail(err, API_InvalidParameterValue,
				"region '%s' is not an AWS region name such as us-east-1",
				opts->region ? opts->region : "");
	if (opts->max_endpoints < 2 || opts->max_backends < 2 || opts->max_members < 2 ||
	    opts->max_pools < 2 || opts->max_tables < 2)
		return api_fail(
		    err, API_InvalidParameterValue,
		    "max_endpoints, max_backends, max_members, max_pools and max_tables "
		    "must be at least 2 (slot 0 is never used)");
	return 0;
}

struct model *model_open(const struct model_options *opts, struct api_error *err)
{
	struct model *m;

	if (check_options(opts, err) < 0)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		api_fail(err, API_InternalError, "out of memory");
		return NULL;
	}
	snprintf(m->region, sizeof(m->region), "%s", opts->region);
	m->max_endpoints = opts->max_endpoints;
	m->max_backends = opts->max_backends;
	m->max_members = opts->max_members;
	m->max_pools = opts->max_pools;
	m->max_tables = opts->max_tables;
	m->node_has_address = opts->node_has_address;
	m->host_answers = opts->host_answers;
	m->notification_target_allowed = opts->notification_target_allowed;
	m->store = store_open(opts->path, err);
	if (!m->store)
		goto refused;
	if (sqlite3_create_function(store_handle(m->store), "principal_allows", 2,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_principal_allows,
				    NULL, NULL) != SQLITE_OK) {
		api_fail(err, API_InternalError, "cannot register principal_allows in SQLite");
		goto refused;
	}
	if (check_region(m, opts->path, err) < 0 || slots_check_limits(m, err) < 0 ||
	    slots_open(m, err) < 0 || changes_open(m, err) < 0 || notifications_open(m, err) < 0)
		goto refused;
	return m;
refused:
	model_close(m);
	return NULL;
}

void model_close(struct model *m)
{
	if (!m)
		return;
	store_close(m->store);
	free(m);
}

int model_begin(struct model *m, struct api_error *err)
{
	return store_begin(m->store, err);
}

int model_commit(struct model *m, struct api_error *err)
{
	if (store_commit(m->store, err) < 0)
		return -1;
	m->generation += m->changed;
	m->changed = false;
	m->commits++;
	return 0;
}

void model_rollback(struct model *m)
{
	store_rollback(m->store);
	m->changed = false;
}

uint64_t model_generation(const struct model *m)
{
	return m->generation;
}

uint64_t model_commits(const struct model *m)
{
	return m->commits;
}
