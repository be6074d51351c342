/* SPDX-License-Identifier: MIT */
/* The configuration's actions (config.h): ExportConfiguration, PlanConfiguration (apply,
 * list the steps, undo them) and ApplyConfiguration. After the steps the store is
 * exported again and must hold what the file says, or the whole is refused. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "config.h"
#include "envelope.h"
#include "model_internal.h"
#include "result.h"

/* The configuration holds every tenant's objects: the node's own account only. */
static int node_account_only(const struct principal *caller, struct api_error *err)
{
	struct principal node;

	if (principal_parse(XL_DEFAULT_PRINCIPAL, &node) && !strcmp(caller->account, node.account))
		return 0;
	return api_fail(err, API_UnauthorizedOperation,
			"%s is not authorized: the node's configuration holds every account's "
			"objects and is its own account's (%s)",
			caller->arn, XL_DEFAULT_PRINCIPAL);
}

int config_export_action(struct model *m, const struct principal *caller, json_object *args,
			 json_object **result, struct api_error *err)
{
	json_object *config;
	struct args a;

	args_open(&a, args, err);
	if (args_close(&a) < 0 || node_account_only(caller, err) < 0 ||
	    config_export(m, &config, err) < 0)
		return -1;
	*result = json_object_new_object();
	json_object_object_add(*result, "Configuration", config);
	return 0;
}

/* ---- Whether the store holds what the file says ------------------------------------------ */

/* Keys the store makes when the file leaves them out. */
static bool made_by_the_store(const char *key)
{
	return !strcmp(key, "Arn") || !strcmp(key, "DnsSuffix");
}

/* The key an item of a list is known by, to pair the items of two lists. */
static const char *item_key(json_object *item, char *out, size_t size)
{
	static const char *const keys[] = { "Owner",	 "Name",  "ZoneId",
					    "Port",	 "Id",	  "SubnetId",
					    "ServiceId", "VpcId", "VpcEndpointId",
					    NULL };
	size_t used = 0;

	out[0] = '\0';
	if (!json_object_is_type(item, json_type_object))
		return json_object_get_string(item);
	for (const char *const *key = keys; *key; key++) {
		json_object *value;

		if (json_object_object_get_ex(item, *key, &value) && used < size)
			used += (size_t)snprintf(out + used, size - used, "%s/",
						 json_object_get_string(value));
	}
	return out;
}

static bool covers(json_object *want, json_object *have, char *path, size_t size);

static bool list_covers(json_object *want, json_object *have, char *path, size_t size)
{
	size_t length = strlen(path);

	if (json_object_array_length(want) != json_object_array_length(have))
		return false;
	for (size_t i = 0; i < json_object_array_length(want); i++) {
		char want_key[256], have_key[256];
		json_object *item = json_object_array_get_idx(want, i), *match = NULL;
		const char *key = item_key(item, want_key, sizeof(want_key));

		for (size_t j = 0; j < json_object_array_length(have) && !match; j++) {
			json_object *other = json_object_array_get_idx(have, j);

			if (!strcmp(key, item_key(other, have_key, sizeof(have_key))))
				match = other;
		}
		snprintf(path + length, size - length, "[%zu]", i);
		if (!match || !covers(item, match, path, size))
			return false;
	}
	path[length] = '\0';
	return true;
}

/* Whether `have` holds `want`; where not, `path` says where. */
static bool covers(json_object *want, json_object *have, char *path, size_t size)
{
	size_t length = strlen(path);

	if (json_object_is_type(want, json_type_array))
		return json_object_is_type(have, json_type_array) &&
		       list_covers(want, have, path, size);
	if (!json_object_is_type(want, json_type_object))
		return json_object_equal(want, have);
	if (!json_object_is_type(have, json_type_object))
		return false;
	json_object_object_foreach(want, key, value)
	{
		snprintf(path + length, size - length, "%s%s", length ? "." : "", key);
		if (!covers(value, json_object_object_get(have, key), path, size))
			return false;
	}
	json_object_object_foreach(have, have_key, have_value)
	{
		(void)have_value;
		snprintf(path + length, size - length, "%s%s", length ? "." : "", have_key);
		if (!json_object_object_get_ex(want, have_key, NULL) &&
		    !made_by_the_store(have_key))
			return false;
	}
	path[length] = '\0';
	return true;
}

static int check_result(struct model *m, json_object *want, struct api_error *err)
{
	json_object *have;
	char path[512] = "";
	bool held;

	if (config_export(m, &have, err) < 0)
		return -1;
	held = covers(want, have, path, sizeof(path));
	json_object_put(have);
	if (!held)
		return api_fail(err, API_InvalidParameterValue,
				"the node would not hold what the file says at %s (an id or ARN "
				"that is not this object's, or a setting the model changes)",
				path);
	return 0;
}

/* ---- Plan and apply ----------------------------------------------------------------------- */

static int run_config(struct model *m, const struct principal *caller, json_object *args, bool keep,
		      json_object **result, struct api_error *err)
{
	json_object *given = NULL, *want, *plan;
	struct args a;
	int rc;

	args_open(&a, args, err);
	args_value(&a, "Configuration", ARG_REQUIRED, &given);
	if (args_close(&a) < 0 || node_account_only(caller, err) < 0)
		return -1;
	/* checking fills in defaults: on a copy, not on the request the audit reads */
	want = NULL;
	if (json_object_deep_copy(given, &want, NULL) < 0)
		return api_fail(err, API_InternalError, "out of memory");
	plan = json_object_new_array();
	rc = config_check(m, want, err);
	if (rc == 0) {
		rc = store_savepoint(m->store, err);
		if (rc == 0) {
			rc = config_apply(m, want, plan, err);
			if (rc == 0)
				rc = check_result(m, want, err);
			if (rc == 0 && keep)
				rc = store_release(m->store, err);
			else
				store_undo(m->store);
		}
	}
	json_object_put(want);
	if (rc < 0) {
		json_object_put(plan);
		return -1;
	}
	*result = json_object_new_object();
	json_object_object_add(*result, "Plan", plan);
	return 0;
}

int config_plan_action(struct model *m, const struct principal *caller, json_object *args,
		       json_object **result, struct api_error *err)
{
	return run_config(m, caller, args, false, result, err);
}

int config_apply_action(struct model *m, const struct principal *caller, json_object *args,
			json_object **result, struct api_error *err)
{
	return run_config(m, caller, args, true, result, err);
}
