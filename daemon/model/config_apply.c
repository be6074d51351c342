/* SPDX-License-Identifier: MIT */
/* Applying a configuration (config.h): the differences between the file and an export of
 * the store, made by the model's own actions as each object's owner, so that every rule
 * holds as it does for a command. Objects that go are deleted first, dependents before what
 * they depend on; then objects are made or changed, what others depend on first. The
 * caller runs it in one transaction: a refusal undoes every step before it. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_apply.h"
#include "given_ids.h"
#include "model_internal.h"
#include "result.h"

/* ---- Reading the documents ---------------------------------------------------------------- */

const char *doc_string(json_object *object, const char *key)
{
	json_object *value;

	return json_object_object_get_ex(object, key, &value) ? json_object_get_string(value)
							      : NULL;
}

json_object *doc_list(json_object *object, const char *key)
{
	json_object *list = NULL;

	json_object_object_get_ex(object, key, &list);
	return list;
}

json_object *doc_item(json_object *list, size_t i)
{
	return json_object_array_get_idx(list, i);
}

size_t doc_count(json_object *list)
{
	return list ? json_object_array_length(list) : 0;
}

/* The item of `list` whose `key` equals `like`'s (and Owner too, when `by_owner`). */
json_object *doc_twin(json_object *list, json_object *like, const char *key, bool by_owner)
{
	for (size_t i = 0; i < doc_count(list); i++) {
		json_object *item = doc_item(list, i);

		if (json_object_equal(json_object_object_get(item, key),
				      json_object_object_get(like, key)) &&
		    (!by_owner || !strcmp(doc_string(item, "Owner"), doc_string(like, "Owner"))))
			return item;
	}
	return NULL;
}

bool doc_same(json_object *a, json_object *b, const char *key)
{
	return json_object_equal(json_object_object_get(a, key), json_object_object_get(b, key));
}

bool doc_has_string(json_object *list, const char *value)
{
	for (size_t i = 0; i < doc_count(list); i++)
		if (!strcmp(json_object_get_string(doc_item(list, i)), value))
			return true;
	return false;
}

/* The strings of `from` that `other` lacks, as a new list (NULL when none). */
json_object *doc_missing_from(json_object *from, json_object *other)
{
	json_object *out = NULL;

	for (size_t i = 0; i < doc_count(from); i++) {
		const char *value = json_object_get_string(doc_item(from, i));

		if (doc_has_string(other, value))
			continue;
		if (!out)
			out = json_object_new_array();
		json_object_array_add(out, json_object_new_string(value));
	}
	return out;
}

/* A copy of `object` with only `keys` (those it has). */
json_object *doc_pick(json_object *object, const char *const *keys)
{
	json_object *out = json_object_new_object(), *value;

	for (; *keys; keys++)
		if (json_object_object_get_ex(object, *keys, &value))
			json_object_object_add(out, *keys, json_object_get(value));
	return out;
}

/* The last part of an ARN, which its create takes as given. */
const char *doc_arn_suffix(json_object *object)
{
	const char *arn = doc_string(object, "Arn");
	const char *slash = arn ? strrchr(arn, '/') : NULL;

	return slash ? slash + 1 : NULL;
}

/* ---- Steps -------------------------------------------------------------------------------- */

int step_refuse(struct apply *a, const struct step *s, const char *why)
{
	return api_fail(a->err, API_InvalidParameterValue, "%s %s %s: %s", s->change, s->kind,
			s->id, why);
}

/* A batch action lists the ids it could not act on instead of failing: the first one's
 * error, with its code. */
static int batch_refusal(json_object *result, struct api_error *err)
{
	json_object *failed = doc_list(result, "Unsuccessful"), *error;
	enum api_code code = API_InternalError;

	if (!doc_count(failed))
		return 0;
	error = json_object_object_get(doc_item(failed, 0), "Error");
	for (int c = 0; c < API_CODE_COUNT; c++)
		if (!strcmp(api_code_name((enum api_code)c), doc_string(error, "Code")))
			code = (enum api_code)c;
	return api_fail(err, code, "%s", doc_string(error, "Message"));
}

/* Runs `action` as the root of `as` with `args` (taken), the ids given to what it creates;
 * a refusal names the step and keeps the action's error code. */
int step_run(struct apply *a, const struct step *s, const char *as, const char *action,
	     json_object *args, const char *given_id, const char *given_suffix)
{
	char principal[PRINCIPAL_MAX];
	const struct model_action *act = model_find_action(action);
	json_object *result = NULL, *entry;
	int rc;

	snprintf(principal, sizeof(principal), "arn:aws:iam::%s:root", as);
	give_ids(a->m, given_id, given_suffix);
	rc = act->run(a->m, principal, args, &result, a->err);
	give_ids(a->m, NULL, NULL);
	if (rc == 0)
		rc = batch_refusal(result, a->err);
	json_object_put(args);
	json_object_put(result);
	if (rc < 0) {
		char message[sizeof(a->err->message)];

		snprintf(message, sizeof(message), "%s", a->err->message);
		return api_fail(a->err, a->err->code, "%s %s %s (%s): %s", s->change, s->kind,
				s->id, action, message);
	}
	entry = append_object(a->plan);
	put_string(entry, "Change", s->change);
	put_string(entry, "Kind", s->kind);
	put_string(entry, "Id", s->id);
	put_string(entry, "Owner", s->owner);
	put_string(entry, "Action", action);
	return 0;
}

json_object *step_args(const char *key, const char *value)
{
	json_object *args = json_object_new_object();

	put_string(args, key, value);
	return args;
}

/* {key: value, list_key: list} (the list taken); without a key when `key` is NULL. */
json_object *step_args_with_list(const char *key, const char *value, const char *list_key,
				 json_object *list)
{
	json_object *args = key ? step_args(key, value) : json_object_new_object();

	json_object_object_add(args, list_key, list);
	return args;
}

json_object *step_one_string(const char *value)
{
	json_object *list = json_object_new_array();

	json_object_array_add(list, json_object_new_string(value));
	return list;
}

void step_name(struct step *s, const char *change, const char *kind, json_object *object,
	       const char *key)
{
	s->change = change;
	s->kind = kind;
	s->owner = doc_string(object, "Owner");
	snprintf(s->id, sizeof(s->id), "%s", doc_string(object, key));
}

int config_apply(struct model *m, json_object *want, json_object *plan, struct api_error *err)
{
	struct apply a = { .m = m, .want = want, .plan = plan, .err = err };
	int rc;

	if (config_export(m, &a.have, err) < 0)
		return -1;
	/* what goes, dependents first */
	rc = endpoints_leave(&a) || services_leave(&a) || lbs_leave(&a) || tgs_leave(&a) ||
	     vpcs_leave(&a) ||
	     /* what comes or changes, what others depend on first */
	     vpcs_arrive(&a) || tgs_arrive(&a) || lbs_arrive(&a) || services_arrive(&a) ||
	     endpoints_arrive(&a);
	json_object_put(a.have);
	return rc ? -1 : 0;
}
