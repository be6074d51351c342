/* SPDX-License-Identifier: MIT */
/* What the steps of applying a configuration share (config_apply.c): the two documents, the
 * plan, reading objects of the documents, and running one step as an object's owner. The
 * steps are by side: the provider's objects (config_apply_provider.c), the consumers'
 * (config_apply_consumer.c). */
#ifndef XL_MODEL_CONFIG_APPLY_H
#define XL_MODEL_CONFIG_APPLY_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct model;

struct apply {
	struct model *m;
	json_object *want, *have;
	json_object *plan;
	struct api_error *err;
};

/* One change of the plan, recorded when it is done. */
struct step {
	const char *change; /* create, modify, delete */
	const char *kind;   /* LoadBalancer, Listener... */
	char id[160];	    /* the object's key, as the file names it */
	const char *owner;
};

/* ---- Reading the documents --------------------------------------------------------------- */

const char *doc_string(json_object *object, const char *key); /* NULL when absent */
json_object *doc_list(json_object *object, const char *key);  /* NULL when absent */
json_object *doc_item(json_object *list, size_t i);
size_t doc_count(json_object *list); /* 0 for NULL */
/* The item of `list` whose `key` equals `like`'s (and Owner too, when `by_owner`). */
json_object *doc_twin(json_object *list, json_object *like, const char *key, bool by_owner);
bool doc_same(json_object *a, json_object *b, const char *key);
bool doc_has_string(json_object *list, const char *value);
/* The strings of `from` that `other` lacks, as a new list (NULL when none). */
json_object *doc_missing_from(json_object *from, json_object *other);
/* A copy of `object` with only `keys` (those it has). */
json_object *doc_pick(json_object *object, const char *const *keys);
/* The last part of the object's Arn, which its create takes as given (NULL: none). */
const char *doc_arn_suffix(json_object *object);

/* ---- Steps ------------------------------------------------------------------------------- */

/* Names the step: its change, kind and the object's key and owner. */
void step_name(struct step *s, const char *change, const char *kind, json_object *object,
	       const char *key);
/* Runs `action` as the root of account `as` with `args` (taken), the ids given to what it
 * creates; records the step in the plan, or refuses naming it with the action's code. */
int step_run(struct apply *a, const struct step *s, const char *as, const char *action,
	     json_object *args, const char *given_id, const char *given_suffix);
/* A change the file asks for that cannot be made in place: InvalidParameterValue. */
int step_refuse(struct apply *a, const struct step *s, const char *why);
json_object *step_args(const char *key, const char *value); /* {key: value} */
/* {key: value, list_key: list} (the list taken); without key when it is NULL. */
json_object *step_args_with_list(const char *key, const char *value, const char *list_key,
				 json_object *list);
json_object *step_one_string(const char *value); /* [value] */

/* ---- The steps of each kind: *_leave deletes what goes (and lets go of what goes),
 * *_arrive makes what comes and changes what stays. 0, or -1 with a->err filled. */
int endpoints_leave(struct apply *a), endpoints_arrive(struct apply *a);
int vpcs_leave(struct apply *a), vpcs_arrive(struct apply *a);
int services_leave(struct apply *a), services_arrive(struct apply *a);
int lbs_leave(struct apply *a), lbs_arrive(struct apply *a);
int tgs_leave(struct apply *a), tgs_arrive(struct apply *a);

#endif
