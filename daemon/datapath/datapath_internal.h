/* SPDX-License-Identifier: MIT */
/* Inside the map writer: the loaded program, the maps it shares with the agent through
 * mmap, and what the agent knows the maps hold. Only this folder's files include it (the rest of the agent cannot: it has no
 * path to the skeleton). */
#ifndef XL_DATAPATH_INTERNAL_H
#define XL_DATAPATH_INTERNAL_H

#include "datapath.h"
#include "flow_table.h"
#include "mirror.h"
#include "xdplink.skel.h"

/* An endpoint's entries in the security groups trie, as the agent wrote them. */
struct guard_held {
	size_t count;
	struct guard_entry {
		uint32_t source; /* network order */
		uint8_t prefix;
		uint64_t digest; /* of the entry's ports */
	} * entries;
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
	struct flow_table flows; /* the flow table and its page bits, mapped */
	size_t flows_size, pages_size;
	uint64_t *half_open_node; /* the node's half-open flows */
	size_t half_open_size;
	/* What the maps hold, so that a sync writes only changes and reads nothing. */
	uint64_t *table_digest;	       /* per table slot; 0: empty; 1: there, contents unknown */
	uint32_t *endpoint_state;      /* per endpoint slot */
	struct xl_backend *backends;   /* per backend slot: address, port, flags */
	struct xl_member *members;     /* per member slot: its backend */
	char (*endpoint_id)[32];       /* per endpoint slot: a new id there gets fresh counters */
	struct xl_pool_key *pool_keys; /* per pool slot: its key in the pool index, or zeros */
	struct mirror frontends;       /* the frontends map, by address */
	struct guard_held *guards;     /* per endpoint slot: its security groups' entries */
	uint32_t *filter_counts;       /* per bit of the address filter: addresses on it */
	struct attached_iface *ifaces;
	size_t iface_count;
	bool ifaces_pending; /* some wanted interface could not be attached */
};

/* Writes dp->config to the program. */
int datapath_write_config(struct datapath *dp);

/* The interfaces (ifaces.c): attached as `want` says; see datapath_apply for `strict`. */
int ifaces_apply(struct datapath *dp, const struct dataplane *want, const char *strict,
		 struct api_error *err);

/* The frontends map and the address filter in front of it (frontends.c). The filter
 * gains new addresses before their entries appear and loses old ones after their entries
 * are gone, so that no packet to a listener is ever left to the host. */
int frontends_apply(struct datapath *dp, const struct dataplane *want,
		    struct closed_traffic *closed);
/* At start: the mirror and the filter's counts, from the pinned map. */
int frontends_read(struct datapath *dp);

/* The security groups trie (security_groups.c): the entries of endpoint `slot` made what
 * `wanted` (a struct dp_guard, or NULL: none) says; and, at start, what the pinned trie
 * holds. */
int guard_apply(struct datapath *dp, uint32_t slot, const void *wanted, void *ctx);
int guards_read(struct datapath *dp);
void guards_free(struct datapath *dp);

/* Whether the flow table holds a flow, pinned by an earlier agent (flows.c: the one file
 * that reads the flow table's layout). */
bool flows_pinned(const struct datapath *dp);

/* What stopped carrying traffic (closed.c). */
void closed_add_endpoint(struct closed_traffic *closed, uint32_t slot);
void closed_add_listener(struct closed_traffic *closed, const struct xl_frontend_key *key);

#endif
