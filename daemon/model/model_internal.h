/* SPDX-License-Identifier: MIT */
/* The model itself, which every file of the model works on: its store, its region and the
 * data path's capacities its slots must fit. What the files share beyond it has a header
 * of its own, by concern (actions.h, owned.h, checks.h, slots.h, rows.h, result.h...). */
#ifndef XL_MODEL_INTERNAL_H
#define XL_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "ids.h"
#include "model.h"
#include "store.h"

struct model {
	struct store *store;
	char region[REGION_MAX];
	uint32_t max_endpoints;
	uint32_t max_backends;
	uint32_t max_members;
	uint32_t max_pools;
	uint32_t max_tables;
	bool (*node_has_address)(const char *address);
	bool (*host_answers)(const char *iface, const char *address);
	bool (*notification_target_allowed)(const char *target);
	bool changed;	     /* the open transaction changed what the data path holds */
	uint64_t generation; /* commits that changed it, since the model was opened */
	uint64_t commits;    /* every commit since then (model_dns.h) */
	/* What an applied configuration gives the object it creates (given_ids.h). */
	const char *given_id;
	const char *given_suffix;
};

#endif
