/* SPDX-License-Identifier: MIT */
/* Connection notifications: where the events of a service's endpoints, or of one endpoint,
 * are sent (Connect, Accept, Reject, Delete). Without SNS, the ARN is a webhook URL or a
 * command, and the node's operator decides which ones may be named (model_options). An
 * event is noted, by TEMP triggers on the endpoint's state, in an outbox that follows the
 * transaction: a step undone takes its events with it, and the daemon takes the outbox
 * once the change is committed. */
#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "args.h"
#include "batch.h"
#include "model_internal.h"
#include "notifications.h"
#include "owned.h"
#include "result.h"
#include "rows.h"

static const char *const events[] = { "Accept", "Connect", "Delete", "Reject", NULL };
#define EVENTS_MAX 48 /* ",Accept,Connect,Delete,Reject," and room */

/* ---- The outbox ---------------------------------------------------------------------------- */

#define OUTBOX_COLUMNS                                                                             \
	"notification_id, target, event, service_id, endpoint_id, endpoint_owner, "                \
	"endpoint_state, "                                                                         \
	"time"

/* One row per (notification, event) of the endpoint row NEW, for the event named by the SQL
 * expression EVENT. */
#define OUTBOX_INSERT(EVENT)                                                                       \
	"INSERT INTO notification_outbox (" OUTBOX_COLUMNS ")"                                     \
	" SELECT n.notification_id, n.target, " EVENT ", NEW.service_id, NEW.endpoint_id,"         \
	"  NEW.account, NEW.state, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"                          \
	" FROM main.connection_notification n"                                                     \
	" WHERE n.enabled AND (n.service = NEW.service OR n.endpoint = NEW.id)"                    \
	"  AND instr(n.events, ',' || " EVENT " || ',') > 0"

static const char *const outbox_sql[] = {
	"CREATE TEMP TABLE notification_outbox (id INTEGER PRIMARY KEY, " OUTBOX_COLUMNS ")",
	/* a new endpoint asks to connect; one made without acceptance is accepted at once */
	"CREATE TEMP TRIGGER notify_insert AFTER INSERT ON main.endpoint BEGIN " OUTBOX_INSERT(
	    "'Connect'") "; " OUTBOX_INSERT("'Accept'") " AND NEW.state = 'available'; END",
	"CREATE TEMP TRIGGER notify_update AFTER UPDATE OF state ON main.endpoint"
	" WHEN OLD.state <> NEW.state BEGIN " OUTBOX_INSERT(
	    "CASE WHEN NEW.state = 'available' THEN 'Accept'"
	    " WHEN NEW.state = 'rejected' THEN 'Reject'"
	    " WHEN NEW.state IN ('deleting', 'deleted')"
	    "  AND OLD.state NOT IN ('deleting', 'deleted') THEN 'Delete' END") "; END",
};

int notifications_open(struct model *m, struct api_error *err)
{
	for (size_t i = 0; i < sizeof(outbox_sql) / sizeof(outbox_sql[0]); i++) {
		if (store_exec(m->store, outbox_sql[i], NO_ARGS, err) < 0)
			return -1;
	}
	return 0;
}

static void fill_notification(sqlite3_stmt *row, void *element)
{
	struct model_notification *n = element;

	snprintf(n->id, sizeof(n->id), "%s", store_column_text(row, 0));
	snprintf(n->target, sizeof(n->target), "%s", store_column_text(row, 1));
	snprintf(n->event, sizeof(n->event), "%s", store_column_text(row, 2));
	snprintf(n->service_id, sizeof(n->service_id), "%s", store_column_text(row, 3));
	snprintf(n->endpoint_id, sizeof(n->endpoint_id), "%s", store_column_text(row, 4));
	snprintf(n->endpoint_owner, sizeof(n->endpoint_owner), "%s", store_column_text(row, 5));
	snprintf(n->endpoint_state, sizeof(n->endpoint_state), "%s", store_column_text(row, 6));
	snprintf(n->time, sizeof(n->time), "%s", store_column_text(row, 7));
}

int model_take_notifications(struct model *m, struct model_notification **out, size_t *count,
			     struct api_error *err)
{
	*out = load_rows(m, "SELECT " OUTBOX_COLUMNS " FROM notification_outbox ORDER BY id",
			 sizeof(**out), fill_notification, count, err);
	if (!*out)
		return -1;
	return *count ? store_exec(m->store, "DELETE FROM notification_outbox", NO_ARGS, err) : 0;
}

/* ---- Checking what is asked ------------------------------------------------------------------ */

/* ",Accept,Reject," from ConnectionEvents: each one of AWS's four, given once or more. */
static int read_events(json_object *list, char out[EVENTS_MAX], struct api_error *err)
{
	size_t used;

	if (json_object_array_length(list) == 0)
		return api_fail(err, API_InvalidParameterValue,
				"ConnectionEvents needs at least one of Accept, Connect, Delete, "
				"Reject");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		const char *event = json_object_get_string(json_object_array_get_idx(list, i));
		size_t k = 0;

		while (events[k] && strcmp(events[k], event) != 0)
			k++;
		if (!events[k])
			return api_fail(err, API_InvalidParameterValue,
					"ConnectionEvents '%s' is not one of Accept, Connect, "
					"Delete, Reject",
					event);
	}
	used = (size_t)snprintf(out, EVENTS_MAX, ",");
	for (size_t k = 0; events[k]; k++) {
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			if (!strcmp(events[k],
				    json_object_get_string(json_object_array_get_idx(list, i)))) {
				used += (size_t)snprintf(out + used, EVENTS_MAX - used, "%s,",
							 events[k]);
				break;
			}
		}
	}
	return 0;
}

/* A webhook URL or a command, as the node's operator allows them. */
static int check_target(struct model *m, const char *target, struct api_error *err)
{
	if (strlen(target) >= NOTIFICATION_TARGET_MAX)
		return api_fail(err, API_InvalidParameterValue,
				"ConnectionNotificationArn is longer than %d characters",
				NOTIFICATION_TARGET_MAX - 1);
	if (strncmp(target, "http://", 7) != 0 && strncmp(target, "https://", 8) != 0 &&
	    strncmp(target, "exec:", 5) != 0)
		return api_fail(
		    err, API_InvalidParameterValue,
		    "ConnectionNotificationArn '%s': xdplink has no SNS; name a webhook "
		    "(http:// or https://) or a command the node's operator named "
		    "(exec:NAME)",
		    target);
	if (!m->notification_target_allowed || !m->notification_target_allowed(target))
		return api_fail(err, API_InvalidParameterValue,
				"ConnectionNotificationArn '%s' is not allowed on this node: its "
				"operator allows the webhooks and commands of xdplinkd "
				"--notify-allow only",
				target);
	return 0;
}

/* ---- The actions ----------------------------------------------------------------------------- */

static int notification_json(struct model *m, int64_t id, json_object *list, struct api_error *err)
{
	sqlite3_stmt *stmt = store_query(
	    m->store,
	    "SELECT n.notification_id, s.service_id, e.endpoint_id, n.target, n.events, n.enabled"
	    " FROM connection_notification n LEFT JOIN service s ON s.id = n.service"
	    " LEFT JOIN endpoint e ON e.id = n.endpoint WHERE n.id = ?",
	    SQL_ARGS(SQL_INT(id)), err);
	int rc;

	if (!stmt)
		return -1;
	rc = store_next(m->store, stmt, err);
	if (rc > 0) {
		json_object *out = append_object(list), *names;
		const char *stored = store_column_text(stmt, 4);

		put_string(out, "ConnectionNotificationId", store_column_text(stmt, 0));
		if (sqlite3_column_type(stmt, 1) != SQLITE_NULL)
			put_string(out, "ServiceId", store_column_text(stmt, 1));
		if (sqlite3_column_type(stmt, 2) != SQLITE_NULL)
			put_string(out, "VpcEndpointId", store_column_text(stmt, 2));
		put_string(out, "ConnectionNotificationType", "Topic");
		put_string(out, "ConnectionNotificationArn", store_column_text(stmt, 3));
		names = put_array(out, "ConnectionEvents");
		for (size_t k = 0; events[k]; k++) {
			char marked[16];

			snprintf(marked, sizeof(marked), ",%s,", events[k]);
			if (strstr(stored, marked))
				append_string(names, events[k]);
		}
		put_string(out, "ConnectionNotificationState",
			   sqlite3_column_int(stmt, 5) ? "Enabled" : "Disabled");
	}
	sqlite3_finalize(stmt);
	return rc < 0 ? -1 : 0;
}

static int find_notification(struct model *m, const struct principal *caller, const char *id,
			     int64_t *row, struct api_error *err)
{
	int rc = store_int(
	    m->store,
	    "SELECT id FROM connection_notification WHERE notification_id = ? AND account = ?",
	    SQL_ARGS(SQL_STR(id), SQL_STR(caller->account)), row, err);

	if (rc == 0)
		return api_fail(err, API_InvalidConnectionNotification,
				"The connection notification '%s' does not exist", id);
	return rc < 0 ? -1 : 0;
}

int notification_create(struct model *m, const struct principal *caller, json_object *args,
			json_object **result, struct api_error *err)
{
	const char *service_id = NULL, *endpoint_id = NULL, *target = NULL;
	int64_t service = 0, endpoint = 0;
	json_object *list = NULL, *one;
	char id[ID_MAX], stored[EVENTS_MAX];
	struct args a;
	int rc;

	args_open(&a, args, err);
	args_string(&a, "ServiceId", ARG_OPTIONAL, &service_id);
	args_string(&a, "VpcEndpointId", ARG_OPTIONAL, &endpoint_id);
	args_string(&a, "ConnectionNotificationArn", ARG_REQUIRED, &target);
	args_list(&a, "ConnectionEvents", ARG_REQUIRED, json_type_string, &list);
	if (args_close(&a) < 0)
		return -1;
	if (!service_id == !endpoint_id)
		return api_fail(err, API_InvalidParameter,
				"exactly one of ServiceId and VpcEndpointId is required");
	if ((service_id &&
	     find_owned(m, &ENDPOINT_SERVICE, caller->account, service_id, &service, err) < 0) ||
	    (endpoint_id &&
	     find_owned(m, &ENDPOINT, caller->account, endpoint_id, &endpoint, err) < 0) ||
	    read_events(list, stored, err) < 0 || check_target(m, target, err) < 0)
		return -1;
	if (id_new_notification(id) < 0)
		return api_fail(err, API_InternalError, "no randomness for a new notification id");
	if (store_exec(m->store,
		       "INSERT INTO connection_notification (notification_id, account, service,"
		       " endpoint, target, events, enabled)"
		       " VALUES (?, ?, nullif(?, 0), nullif(?, 0), ?, ?, 1)",
		       SQL_ARGS(SQL_STR(id), SQL_STR(caller->account), SQL_INT(service),
				SQL_INT(endpoint), SQL_STR(target), SQL_STR(stored)),
		       err) < 0)
		return -1;
	one = json_object_new_array();
	rc = notification_json(m, store_last_id(m->store), one, err);
	*result = json_object_new_object();
	put_first(*result, "ConnectionNotification", one);
	return rc;
}

int notifications_describe(struct model *m, const struct principal *caller, json_object *args,
			   json_object **result, struct api_error *err)
{
	const char *id = NULL;
	int64_t row = 0;
	json_object *list;
	sqlite3_stmt *stmt;
	struct args a;
	int rc;

	args_open(&a, args, err);
	args_string(&a, "ConnectionNotificationId", ARG_OPTIONAL, &id);
	if (args_close(&a) < 0 || (id && find_notification(m, caller, id, &row, err) < 0))
		return -1;
	*result = json_object_new_object();
	list = put_array(*result, "ConnectionNotificationSet");
	stmt = store_query(m->store,
			   "SELECT id FROM connection_notification WHERE account = ?1"
			   " AND (?2 = 0 OR id = ?2) ORDER BY notification_id",
			   SQL_ARGS(SQL_STR(caller->account), SQL_INT(row)), err);
	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0 &&
	       (rc = notification_json(m, sqlite3_column_int64(stmt, 0), list, err)) == 0)
		;
	sqlite3_finalize(stmt);
	return rc;
}

int notification_modify(struct model *m, const struct principal *caller, json_object *args,
			json_object **result, struct api_error *err)
{
	const char *id = NULL, *target = NULL;
	json_object *list = NULL;
	char stored[EVENTS_MAX] = "";
	int64_t row;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "ConnectionNotificationId", ARG_REQUIRED, &id);
	args_string(&a, "ConnectionNotificationArn", ARG_OPTIONAL, &target);
	args_list(&a, "ConnectionEvents", ARG_OPTIONAL, json_type_string, &list);
	if (args_close(&a) < 0 || find_notification(m, caller, id, &row, err) < 0 ||
	    (target && check_target(m, target, err) < 0) ||
	    (list && read_events(list, stored, err) < 0) ||
	    store_exec(m->store,
		       "UPDATE connection_notification SET target = coalesce(?, target),"
		       " events = coalesce(nullif(?, ''), events) WHERE id = ?",
		       SQL_ARGS(SQL_STR(target), SQL_STR(stored), SQL_INT(row)), err) < 0)
		return -1;
	*result = json_object_new_object();
	put_bool(*result, "ReturnValue", true);
	return 0;
}

static int delete_one(struct model *m, const struct principal *caller, int64_t context,
		      const char *id, struct api_error *err)
{
	int64_t row;

	(void)context;
	if (find_notification(m, caller, id, &row, err) < 0)
		return -1;
	return store_exec(m->store, "DELETE FROM connection_notification WHERE id = ?",
			  SQL_ARGS(SQL_INT(row)), err);
}

int notifications_delete(struct model *m, const struct principal *caller, json_object *args,
			 json_object **result, struct api_error *err)
{
	json_object *ids = NULL;
	struct args a;

	args_open(&a, args, err);
	args_list(&a, "ConnectionNotificationIds", ARG_REQUIRED, json_type_string, &ids);
	if (args_close(&a) < 0)
		return -1;
	return run_batch(m, caller, 0, ids, delete_one, result, err);
}
