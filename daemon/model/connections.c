/* SPDX-License-Identifier: MIT */
/* The provider's view of the endpoints of its services (EC2's VpcEndpointConnections):
 * accepting and rejecting them, and listing them. */
#include <string.h>

#include "actions.h"
#include "args.h"
#include "batch.h"
#include "endpoint_rows.h"
#include "model_internal.h"
#include "owned.h"
#include "result.h"

/* Moves one endpoint of the service to `to` from one of `from`; already there is fine. */
static int move_endpoint(struct model *m, int64_t service, const char *endpoint_id,
			 const char *const from[], const char *to, const char *verb,
			 struct api_error *err)
{
	char state[24] = "";
	int rc;

	if (check_endpoint_id(endpoint_id, err) < 0)
		return -1;
	rc =
	    store_text(m->store, "SELECT state FROM endpoint WHERE endpoint_id = ? AND service = ?",
		       SQL_ARGS(SQL_STR(endpoint_id), SQL_INT(service)), state, sizeof(state), err);
	if (rc <= 0)
		return rc < 0 ? -1 : fail_not_found(&ENDPOINT, endpoint_id, err);
	if (strcmp(state, to) == 0)
		return 0;
	for (size_t i = 0; from[i]; i++) {
		if (strcmp(state, from[i]) == 0)
			return store_exec(m->store,
					  "UPDATE endpoint SET state = ? WHERE endpoint_id = ?",
					  SQL_ARGS(SQL_STR(to), SQL_STR(endpoint_id)), err);
	}
	return api_fail(err, API_InvalidState, "endpoint %s is %s and cannot be %s", endpoint_id,
			state, verb);
}

/* pendingAcceptance -> pending -> available, within the one commit. */
static int accept_one(struct model *m, const struct principal *caller, int64_t service,
		      const char *endpoint_id, struct api_error *err)
{
	static const char *const from[] = { "pendingAcceptance", "pending", NULL };

	(void)caller;
	return move_endpoint(m, service, endpoint_id, from, "available", "accepted", err);
}

static int reject_one(struct model *m, const struct principal *caller, int64_t service,
		      const char *endpoint_id, struct api_error *err)
{
	static const char *const from[] = { "pendingAcceptance", "pending", "available", NULL };

	(void)caller;
	return move_endpoint(m, service, endpoint_id, from, "rejected", "rejected", err);
}

static int run_connections(struct model *m, const struct principal *caller, json_object *args,
			   batch_item_fn *item, json_object **result, struct api_error *err)
{
	const char *service_id = NULL;
	json_object *ids = NULL;
	int64_t service;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "ServiceId", ARG_REQUIRED, &service_id);
	args_list(&a, "VpcEndpointIds", ARG_REQUIRED, json_type_string, &ids);
	if (args_close(&a) < 0 ||
	    find_owned(m, &ENDPOINT_SERVICE, caller->account, service_id, &service, err) < 0)
		return -1;
	return run_batch(m, caller, service, ids, item, result, err);
}

int connections_accept(struct model *m, const struct principal *caller, json_object *args,
		       json_object **result, struct api_error *err)
{
	return run_connections(m, caller, args, accept_one, result, err);
}

int connections_reject(struct model *m, const struct principal *caller, json_object *args,
		       json_object **result, struct api_error *err)
{
	return run_connections(m, caller, args, reject_one, result, err);
}

static int connection_json(struct model *m, sqlite3_stmt *row, json_object *list,
			   struct api_error *err)
{
	json_object *connection = append_object(list);
	int64_t endpoint = sqlite3_column_int64(row, 0);

	put_string(connection, "ServiceId", store_column_text(row, 1));
	put_string(connection, "VpcEndpointId", store_column_text(row, 2));
	put_string(connection, "VpcEndpointOwner", store_column_text(row, 3));
	put_string(connection, "VpcEndpointState", store_column_text(row, 4));
	put_string(connection, "CreationTimestamp", store_column_text(row, 5));
	put_string(connection, "IpAddressType", "ipv4"); /* IPv4 only */
	if (endpoint_dns_entries(m, endpoint, put_array(connection, "DnsEntries"), err) < 0)
		return -1;
	return put_column(m, connection, "NetworkLoadBalancerArns",
			  "SELECT DISTINCT b.arn FROM eni e JOIN load_balancer b ON b.id = e.lb"
			  " WHERE e.endpoint = ? ORDER BY b.arn",
			  endpoint, err);
}

int connections_describe(struct model *m, const struct principal *caller, json_object *args,
			 json_object **result, struct api_error *err)
{
	const char *service_id = NULL;
	int64_t service = 0;
	json_object *list;
	sqlite3_stmt *stmt;
	struct args a;
	int rc;

	args_open(&a, args, err);
	args_string(&a, "ServiceId", ARG_OPTIONAL, &service_id);
	if (args_close(&a) < 0 || (service_id && find_owned(m, &ENDPOINT_SERVICE, caller->account,
							    service_id, &service, err) < 0))
		return -1;
	*result = json_object_new_object();
	list = put_array(*result, "VpcEndpointConnections");
	stmt = store_query(m->store,
			   "SELECT e.id, s.service_id, e.endpoint_id, e.account, e.state, e.created"
			   " FROM endpoint e JOIN service s ON s.id = e.service"
			   " WHERE s.account = ?1 AND (?2 = 0 OR s.id = ?2) ORDER BY e.id",
			   SQL_ARGS(SQL_STR(caller->account), SQL_INT(service)), err);
	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0 &&
	       (rc = connection_json(m, stmt, list, err)) == 0)
		;
	sqlite3_finalize(stmt);
	return rc;
}
