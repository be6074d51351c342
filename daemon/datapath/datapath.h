/* SPDX-License-Identifier: MIT */
/* The map writer: the agent's hold on the data path. It loads the XDP program with its
 * maps pinned (so a restart keeps every flow), attaches it to interfaces, makes the maps
 * hold the model's projection, and reads the counters. The agent is the only writer of
 * the maps; what they look like stays in this folder (internal.h). */
#ifndef XL_DATAPATH_H
#define XL_DATAPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane.h"
#include "error.h"
#include "xdplink.h"

struct datapath_options {
	const char *pin_dir;
	uint32_t max_flows;
	uint32_t max_endpoints;
	uint32_t max_backends;
	uint32_t max_members;
	uint32_t max_pools;
	uint32_t max_tables;
	uint32_t max_frontends;
	struct xl_config config;
};

struct attached_iface {
	char name[16];
	int ifindex;
	uint8_t role;
	bool generic;
	uint8_t slot; /* what flows record it by */
	uint32_t mtu;
};

/* What stopped carrying traffic in an apply, whose flows the caller removes
 * (flows_remove_closed): endpoints no longer available, listeners removed. */
struct closed_traffic {
	uint32_t *endpoints;
	size_t endpoint_count, endpoint_capacity;
	struct xl_frontend_key *listeners;
	size_t listener_count, listener_capacity;
};

void closed_traffic_free(struct closed_traffic *closed);

struct datapath;

/* Loads the program, reusing the maps pinned under opts->pin_dir (or pinning new
 * ones). On failure returns NULL with a sentence in err. */
struct datapath *datapath_open(const struct datapath_options *opts, struct api_error *err);

/* Frees the agent's hold; the program stays attached and the maps pinned. */
void datapath_close(struct datapath *dp);

/* Makes the maps and attachments what `want` says, and adds to *closed what stopped
 * carrying traffic. An interface that cannot be attached is an error (AttachFailed) only
 * if it is `strict_iface`, the one the request attaches; others are logged and retried
 * on the next apply. */
int datapath_apply(struct datapath *dp, const struct dataplane *want, const char *strict_iface,
		   struct closed_traffic *closed, struct api_error *err);

/* Publishes the agent's clock (CLOCK_MONOTONIC ms) to the program. */
void datapath_set_clock(struct datapath *dp, uint64_t ms);

/* Active flows of a backend: the count its connection limit applies to. */
uint32_t datapath_active_flows(const struct datapath *dp, uint32_t backend);
/* Active flows of a member: its backend's flows that count to its target group. */
uint32_t datapath_member_active_flows(const struct datapath *dp, uint32_t member);
bool datapath_pool_empty(const struct datapath *dp, uint32_t pool);
const struct attached_iface *datapath_iface(const struct datapath *dp, const char *name);
/* The one attached interface that faces targets only, or NULL when there is none or more
 * than one. */
const char *datapath_provider_iface(const struct datapath *dp);
/* Some wanted interface could not be attached: the next apply of the interfaces retries. */
bool datapath_ifaces_pending(const struct datapath *dp);
/* Active flows of every backend. */
uint64_t datapath_total_active_flows(const struct datapath *dp);

/* Counters summed over CPUs. */
int datapath_member_traffic(struct datapath *dp, uint32_t member, struct xl_traffic *sum);
int datapath_endpoint_traffic(struct datapath *dp, uint32_t endpoint, struct xl_traffic *sum);
/* The traffic of the endpoint slots below `count`, in a few system calls: sums[slot] in
 * a new array; NULL when the map could not be read. */
struct xl_traffic *datapath_endpoints_traffic(struct datapath *dp, size_t count);
int datapath_reasons(struct datapath *dp, uint64_t counts[XL_REASON_COUNT]);

#endif
