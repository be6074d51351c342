/* SPDX-License-Identifier: MIT */
/* Resources the caller owns: found by their key in the caller's account only, so that
 * another account's resource gets the same answer as a missing one; described and deleted
 * the same way for every kind. */
#ifndef XL_MODEL_OWNED_H
#define XL_MODEL_OWNED_H

#include <json-c/json.h>
#include <stdint.h>

#include "error.h"
#include "ids.h"

struct model;

/* How a kind of resource is found by its key, and the refusal when it is not the
 * caller's. */
struct resource_kind {
	const char *table;
	const char *key_column;
	enum api_code not_found;
	const char *before; /* message: before, key, after */
	const char *after;
	const char *keys_arg; /* a describe call's list of keys: "Names", "VpcIds"... */
};

extern const struct resource_kind LOAD_BALANCER, TARGET_GROUP, ENDPOINT_SERVICE, ENDPOINT, VPC,
    SUBNET, SECURITY_GROUP;

/* The row id of the caller's resource `key`: 1 found, 0 not found, -1 on error. */
int lookup_owned(struct model *m, const struct resource_kind *kind, const char *account,
		 const char *key, int64_t *id, struct api_error *err);
/* lookup_owned, with the kind's NotFound error when it is not found. */
int find_owned(struct model *m, const struct resource_kind *kind, const char *account,
	       const char *key, int64_t *id, struct api_error *err);
/* The kind's NotFound error for `key`; returns -1. */
int fail_not_found(const struct resource_kind *kind, const char *key, struct api_error *err);

/* A delete call: the caller's resource args' "Name", unless `in_use_sql` (asked with its
 * id) finds a row; then ResourceInUse, "<before><name><after>". */
int delete_owned_unless_used(struct model *m, const struct resource_kind *kind,
			     const struct principal *caller, json_object *args,
			     const char *in_use_sql, const char *before, const char *after,
			     struct api_error *err);

/* Appends one resource, by row id, to a describe call's list. */
typedef int resource_json_fn(struct model *m, int64_t id, json_object *list, struct api_error *err);

/* A create call's result: {key: the resource}. */
int created_result(struct model *m, int64_t id, resource_json_fn *to_json, const char *key,
		   json_object **result, struct api_error *err);

/* A describe call: the caller's resources whose keys args' kind->keys_arg holds, in its order
 * (an unknown one fails), or without names all of them in key order, as the result's
 * array `list_name`. */
int describe_owned(struct model *m, const struct resource_kind *kind, const char *account,
		   json_object *args, resource_json_fn *to_json, const char *list_name,
		   json_object **result, struct api_error *err);

#endif
