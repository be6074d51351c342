/* SPDX-License-Identifier: MIT */
/* The request handler behind handler.h: read the envelope, find the action, run it. */
#include "handler.h"

#include <stdbool.h>
#include <string.h>

#include "actions.h"
#include "agent.h"
#include "audit.h"
#include "change.h"
#include "dns.h"
#include "envelope.h"
#include "list_filters.h"
#include "model.h"

struct action_call {
	const struct model_action *action;
	const char *principal;
	json_object *args;
	json_object *result;
};

static int run_action(struct agent *agent, void *ctx, struct api_error *err)
{
	struct action_call *call = ctx;

	return call->action->run(agent->model, call->principal, call->args, &call->result, err);
}

/* A dry run of a change: the model checks everything in a transaction that is rolled
 * back; the maps are not touched. */
static int rehearse(struct agent *agent, struct action_call *call, struct api_error *err)
{
	int rc;

	if (model_begin(agent->model, err))
		return -1;
	rc = run_action(agent, call, err);
	model_rollback(agent->model);
	return rc;
}

/* A reading action runs alone; the daemon may add what only it knows to the answer, and
 * its list is filtered (Args "Filters", from either front door) once it is complete. */
static int run_read(struct agent *agent, const char *name, struct action_call *call,
		    struct api_error *err)
{
	struct list_filters filters;
	int rc;

	if (list_filters_take(name, call->args, &filters, err))
		return -1;
	rc = run_action(agent, call, err) ||
	     decorate_result(agent, name, call->principal, call->args, call->result, err);
	if (!rc)
		list_filters_apply(&filters, call->result);
	list_filters_free(&filters);
	return rc ? -1 : 0;
}

/* A mutating action is a change; a reading one is read. */
static int run_model_action(struct agent *agent, const char *name, bool dry_run,
			    struct action_call *call, struct api_error *err)
{
	const char *strict = NULL;

	if (!call->action->mutates)
		return run_read(agent, name, call, err);
	if (dry_run)
		return rehearse(agent, call, err);
	if (!strcmp(name, "AttachInterface"))
		strict = json_object_get_string(json_object_object_get(call->args, "Name"));
	return change(agent, strict, run_action, call, err);
}

/* The node's own views (its agent, interfaces, counters and flows) name every tenant's
 * endpoints and clients: only the node's own account, the default principal's, reads
 * them. */
static int node_account_only(const char *principal, struct api_error *err)
{
	struct principal caller, node;

	if (principal_parse(principal, &caller) && principal_parse(XL_DEFAULT_PRINCIPAL, &node) &&
	    !strcmp(caller.account, node.account))
		return 0;
	return api_fail(err, API_UnauthorizedOperation,
			"%s is not authorized: the node's agent, interfaces, counters and flows "
			"are its own account's (%s)",
			principal, XL_DEFAULT_PRINCIPAL);
}

json_object *handle_request(void *ctx, json_object *request)
{
	struct agent *agent = ctx;
	struct action_call call = { 0 };
	struct api_error err = { 0 };
	struct envelope envelope;
	json_object *empty = NULL;
	int rc;

	if (envelope_read(request, &envelope, &err))
		return envelope_refusal(&err);
	call.principal = envelope.principal;
	call.args = envelope.args ? envelope.args : (empty = json_object_new_object());
	call.action = model_find_action(envelope.action);
	if (call.action)
		rc = run_model_action(agent, envelope.action, envelope.dry_run, &call, &err);
	else
		rc = (daemon_has_action(envelope.action) &&
		      node_account_only(call.principal, &err)) ||
		     daemon_action(agent, envelope.action, call.args, &call.result, &err);
	if (!rc && !envelope.dry_run)
		dns_action_done(agent->dns, envelope.action, call.args);
	if (!rc && envelope.dry_run)
		rc = api_fail(&err, API_DryRunOperation,
			      "Request would have succeeded, but DryRun flag is set.");
	if (call.action && call.action->mutates)
		audit_change(call.principal, envelope.action, call.args, rc ? NULL : call.result,
			     rc ? &err : NULL, envelope.dry_run);
	json_object_put(empty);
	if (rc) {
		json_object_put(call.result);
		return envelope_refusal(&err);
	}
	return envelope_ok(call.result);
}
