/* SPDX-License-Identifier: MIT */
/* The node's configuration as one document (docs/CLI.md, "Configuration files"): what
 * export writes and apply makes true. Only the node's own account reads or applies it, as
 * it holds every tenant's objects. */
#ifndef XL_MODEL_CONFIG_H
#define XL_MODEL_CONFIG_H

#include <json-c/json.h>

#include "error.h"
#include "ids.h"

struct model;

#define CONFIG_VERSION 1

/* The configuration as the store holds it, into *out (a new object). */
int config_export(struct model *m, json_object **out, struct api_error *err);

/* Refuses a document that is not a configuration: unknown keys, wrong types, missing
 * fields, duplicates, references to objects it does not hold. The message names the place
 * ("LoadBalancers[0].Zones[1].Address"). */
int config_check(struct model *m, json_object *config, struct api_error *err);

/* Brings the store to `want` (checked), one step per object, each listed in *plan. */
int config_apply(struct model *m, json_object *want, json_object *plan, struct api_error *err);

/* The actions (actions.c). */
int config_export_action(struct model *m, const struct principal *caller, json_object *args,
			 json_object **result, struct api_error *err);
int config_plan_action(struct model *m, const struct principal *caller, json_object *args,
		       json_object **result, struct api_error *err);
int config_apply_action(struct model *m, const struct principal *caller, json_object *args,
			json_object **result, struct api_error *err);

#endif
