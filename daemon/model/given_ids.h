/* SPDX-License-Identifier: MIT */
/* Ids of a new object: random, as AWS makes them, or the ones an applied configuration
 * gives (config.h), so that a node rebuilt from its file keeps its service names, endpoint
 * ids and ARNs. No other path can choose an id. */
#ifndef XL_MODEL_GIVEN_IDS_H
#define XL_MODEL_GIVEN_IDS_H

#include <stdbool.h>

#include "error.h"
#include "ids.h"

struct model;

/* How a kind's id looks, is made, and is found in use. */
struct id_kind {
	const char *what; /* "service id" */
	bool (*valid)(const char *text);
	int (*make)(char out[ID_MAX]);
	const char *used_sql; /* finds a row with the id (?) */
};

extern const struct id_kind SERVICE_ID, ENDPOINT_ID, VPC_ID, SUBNET_ID;

/* The id the configuration gives (once), refused when malformed or in use; else a new one. */
int next_id(struct model *m, const struct id_kind *kind, char out[ID_MAX], struct api_error *err);
/* The same for an ARN's last 16 hex digits (the ARN's uniqueness is the caller's). */
int next_arn_suffix(struct model *m, char out[ARN_SUFFIX_LEN + 1], struct api_error *err);
/* The same for an endpoint's 8-character DNS suffix. */
int next_dns_suffix(struct model *m, char out[9], struct api_error *err);

/* Sets what the next create takes (NULL: random), for config_apply only. */
void give_ids(struct model *m, const char *id, const char *suffix);

#endif
