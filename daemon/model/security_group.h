/* SPDX-License-Identifier: MIT */
/* Security groups, as the other files of the model use them: finding the caller's group,
 * and the groups of an endpoint (security_group_links.c). */
#ifndef XL_MODEL_SECURITY_GROUP_H
#define XL_MODEL_SECURITY_GROUP_H

#include <json-c/json.h>
#include <stdint.h>

#include "error.h"
#include "ids.h"

struct model;

/* AWS's limit of security groups on one network interface (an endpoint's ENIs share its). */
#define GROUPS_PER_ENDPOINT 5

/* The row of the caller's group `group_id`: InvalidGroupId.Malformed, InvalidGroup.NotFound. */
int sg_find(struct model *m, const struct principal *caller, const char *group_id, int64_t *group,
	    struct api_error *err);

/* Gives the endpoint (in VPC `vpc`) each group of `ids`, the caller's and of that VPC;
 * one it has already is kept once. */
int endpoint_groups_add(struct model *m, const struct principal *caller, int64_t endpoint,
			int64_t vpc, json_object *ids, struct api_error *err);
/* Takes each group of `ids` from the endpoint: one it does not have is refused. */
int endpoint_groups_remove(struct model *m, const struct principal *caller, int64_t endpoint,
			   json_object *ids, struct api_error *err);
/* At most GROUPS_PER_ENDPOINT, and none taken from an endpoint that had some: an endpoint
 * with groups never goes back to having none (which lets every consumer host in). */
int endpoint_groups_check(struct model *m, int64_t endpoint, bool had_groups,
			  struct api_error *err);
/* Whether the endpoint has groups: 1, 0, -1 on error. */
int endpoint_has_groups(struct model *m, int64_t endpoint, struct api_error *err);
/* The endpoint's "Groups": [{GroupId, GroupName}]. */
int endpoint_groups_json(struct model *m, int64_t endpoint, json_object *out,
			 struct api_error *err);

#endif
