/* The agent's hold on the data path: the BPF object with its maps pinned (so a
 * restart keeps every flow), the interfaces it is attached to, and the sync of the
 * maps to the model's projection. The agent is the only writer of the maps. */
#ifndef XL_DATAPATH_H
#define XL_DATAPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "xdplink.h"
#include "xdplink.skel.h"

struct datapath_options {
	const char *pin_dir;
	uint32_t max_flows;
	uint32_t max_endpoints;
	uint32_t max_backends;
	uint32_t max_members;
	uint32_t max_pools;
	uint32_t max_tables;
	struct xl_config config;
};

struct attached_iface {
	char name[16];
	int ifindex;
	uint8_t role;
	bool generic;
};

/* Set by datapath_apply: what stopped carrying traffic, whose flows the caller must
 * remove (flows_remove_closed): endpoints no longer available, listeners removed. */
struct closed_traffic {
	uint32_t *endpoints;
	size_t endpoint_count;
	struct xl_frontend_key *listeners;
	size_t listener_count, listener_capacity;
};

struct datapath {
	struct xdplink *skel;
	char pin_dir[256];
	int pin_lock; /* the pin directory's flock: one agent per pin directory */
	struct xl_config config;
	uint32_t max_endpoints, max_backends, max_members, max_pools, max_tables;
	/* Shared with the program through mmap: the agent decrements counts and
	 * releases ports in place, atomically. */
	struct xl_conns *conns; /* per backend */
	size_t conns_size;
	struct xl_conns *member_conns; /* per member */
	size_t member_conns_size;
	struct xl_port_pool *pools;
	size_t pools_size;
	uint64_t *address_words; /* the address filter */
	size_t address_size;
	struct xl_clock *clock;
	size_t clock_size;
	/* What the maps hold, so that a sync writes only changes and reads nothing. */
	uint64_t *table_digest;	     /* per table slot; 0: empty; 1: there, contents unknown */
	uint32_t *endpoint_state;    /* per endpoint slot */
	struct xl_backend *backends; /* per backend slot: address, port, flags */
	struct xl_member *members;   /* per member slot: its backend */
	char (*endpoint_id)[32];     /* per endpoint slot: a new id there gets fresh counters */
	struct attached_iface *ifaces;
	size_t iface_count;
	struct closed_traffic closed;
};

/* Writes a sentence into err, for the datapath files; returns -1. */
int datapath_fail(char *err, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Loads the program, reusing the maps pinned under opts->pin_dir (or pinning new
 * ones). On failure returns NULL with a sentence in err. */
struct datapath *datapath_open(const struct datapath_options *opts, char *err, size_t err_size);

/* Frees the agent's hold; the program stays attached and the maps pinned. */
void datapath_close(struct datapath *dp);

/* Makes the maps and attachments what `want` says. An interface that cannot be
 * attached is an error only if it is `strict_iface` (the one being attached by
 * the request); others are logged and retried on the next apply. */
int datapath_apply(struct datapath *dp, const struct dataplane *want, const char *strict_iface,
		   char *err, size_t err_size);

/* Publishes the agent's clock (CLOCK_MONOTONIC ms) to the program. */
void datapath_set_clock(struct datapath *dp, uint64_t ms);

/* Active flows of a backend: the count its connection limit applies to. */
uint32_t datapath_active_flows(const struct datapath *dp, uint32_t backend);
/* Active flows of a member: its backend's flows that count to its target group. */
uint32_t datapath_member_active_flows(const struct datapath *dp, uint32_t member);
bool datapath_pool_empty(const struct datapath *dp, uint32_t pool);
const struct attached_iface *datapath_iface(const struct datapath *dp, const char *name);

/* Counters summed over CPUs. */
int datapath_member_traffic(struct datapath *dp, uint32_t member, struct xl_traffic *sum);
int datapath_endpoint_traffic(struct datapath *dp, uint32_t endpoint, struct xl_traffic *sum);
int datapath_reasons(struct datapath *dp, uint64_t counts[XL_REASON_COUNT]);

#endif
