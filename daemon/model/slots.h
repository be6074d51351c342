/* SPDX-License-Identifier: MIT */
/* Slots: the indexes of the data path's arrays (endpoints, backends, members, pools,
 * Maglev tables), given by the model, the lowest free first, and stable for a resource's
 * life so that counters and flows survive restarts. */
#ifndef XL_MODEL_SLOTS_H
#define XL_MODEL_SLOTS_H

#include <stdint.h>

#include "error.h"

struct model;

enum slot_kind {
	SLOT_ENDPOINT,
	SLOT_BACKEND,
	SLOT_MEMBER,
	SLOT_POOL,
	SLOT_TABLE,
};

/* The lowest free slot of a kind, 1 .. max-1; when none is left, the kind's limit
 * error (VpcEndpointLimitExceeded for endpoints). */
int slot_allocate(struct model *m, enum slot_kind kind, uint32_t *slot, struct api_error *err);
/* The backend slot of address:port, allocated on first use. */
int backend_slot(struct model *m, const char *address, int64_t port, int64_t *slot,
		 struct api_error *err);

/* After every change: a Maglev table for each target group and scope a frontend uses,
 * a pool for each node IP and backend an endpoint could use. */
int slots_sync(struct model *m, struct api_error *err);

/* At opening: where the search for free slots starts. */
int slots_open(struct model *m, struct api_error *err);

/* At opening: every slot in use fits the capacities the model was opened with. */
int slots_check_limits(struct model *m, struct api_error *err);

#endif
