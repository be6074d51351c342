/* SPDX-License-Identifier: MIT */
/* The model: load balancers, target groups, listeners, endpoint services and
 * interface endpoints, with AWS's rules, kept in the durable store. It knows SQL and
 * AWS; it knows nothing of BPF: the daemon turns its data-path projection into maps. */
#ifndef XL_MODEL_H
#define XL_MODEL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane.h"
#include "error.h"
#include "xdplink.h"

struct model;

struct model_options {
	const char *path;	/* SQLite file; created if absent */
	const char *region;	/* e.g. "us-east-1" */
	uint32_t max_endpoints; /* endpoint slots 1 .. max_endpoints-1 */
	uint32_t max_backends;
	uint32_t max_members; /* registrations of backends in target groups */
	uint32_t max_pools;
	uint32_t max_tables;
	/* Whether an IPv4 address is one of the node's own (NULL: never). An ENI address may
	 * not be: the data path would take the node's own traffic to it. */
	bool (*node_has_address)(const char *address);
	/* Whether a host on the interface answers for the address (NULL: never): an ENI
	 * address may not be one in use. */
	bool (*host_answers)(const char *iface, const char *address);
	/* Whether a connection notification may name `target`, a webhook URL or "exec:NAME"
	 * (NULL: none may): the node's operator's choice, as a tenant's webhook is a request
	 * the node makes for it. */
	bool (*notification_target_allowed)(const char *target);
};

/* Opens (or creates) the store. A file that is not an xdplink state database, is
 * damaged, or has a schema of another version is refused with a clear sentence in
 * err->message, and left untouched. Returns NULL on failure. */
struct model *model_open(const struct model_options *opts, struct api_error *err);
void model_close(struct model *m);

/* Every API action of docs/API.md that the model owns. `run` reads `args` (never
 * NULL, an object), and on success sets *result to a new object (never NULL) and
 * returns 0; on refusal fills *err and returns -1, having changed nothing.
 * Mutating actions run inside a transaction that the caller opened with
 * model_begin() and closes with model_commit() or model_rollback(). */
struct model_action {
	const char *name; /* "CreateLoadBalancer" */
	bool mutates;
	int (*run)(struct model *m, const char *principal, json_object *args, json_object **result,
		   struct api_error *err);
};

const struct model_action *model_find_action(const char *name);

int model_begin(struct model *m, struct api_error *err);
int model_commit(struct model *m, struct api_error *err); /* durable once it returns 0 */
void model_rollback(struct model *m);

/* Commits that changed what the data path holds (targets, slots, endpoints...), counted
 * since the model was opened: a daemon that saw the same number has nothing to redo. */
uint64_t model_generation(const struct model *m);

/* ---- The data-path projection ------------------------------------------------
 * What the maps must hold (dataplane.h), computed from the store; inside an open
 * transaction it sees that transaction's changes. */

/* Everything, as at start. */
int model_dataplane(struct model *m, struct dataplane *dp, struct api_error *err);
/* The keys of `scope` only (which must outlive *dp). */
int model_dataplane_scope(struct model *m, const struct dataplane_scope *scope,
			  struct dataplane *dp, struct api_error *err);

/* What the open transaction changed since the last call, added to *scope as the keys of
 * the maps to bring in line; the record starts afresh. */
int model_take_changes(struct model *m, struct dataplane_scope *scope, struct api_error *err);

/* The endpoints that hold a slot, and the interfaces, as the projection has them: for
 * the statistics and the daemon's own answers, without a whole projection. */
int model_list_endpoints(struct model *m, struct dp_endpoint **endpoints, size_t *count,
			 struct api_error *err);
int model_list_interfaces(struct model *m, struct dp_iface **ifaces, size_t *count,
			  struct api_error *err);

/* ---- What the daemon tells the model ---------------------------------------- */

/* Slots of members, backends and pools no longer referenced by any target group or
 * endpoint, kept until the daemon says their flows and ports are gone: a member's when
 * its backend is idle. */
struct model_release {
	bool (*backend_idle)(void *ctx, uint32_t backend); /* no active flow */
	bool (*pool_empty)(void *ctx, uint32_t pool);	   /* no port in use or held */
	void *ctx;
};
int model_release_unused(struct model *m, const struct model_release *release,
			 struct api_error *err);

/* Registered targets as the health checker and the statistics see them. A target
 * registered in two groups appears twice (health and counters are per group):
 * `member` is the registration's slot, `backend` the shared slot of its address and
 * port. */
struct model_target {
	char group[33]; /* target group name */
	char group_arn[160];
	char account[13]; /* the group's owner */
	uint32_t addr;	  /* network order */
	uint16_t port;	  /* network order */
	uint32_t backend; /* slot */
	uint32_t member;  /* slot */
	char zone[16];	  /* AZ id */
	char state[24];	  /* initial, healthy, unhealthy, draining, unused */
	char reason[48];  /* AWS reason code, or "" */
	/* how to check it: from the node IP of its zone of a load balancer whose listener
	 * forwards to its group (0 when none: the target is unused) */
	uint32_t source_addr;
	bool http;	     /* HTTP check instead of a TCP connect */
	uint16_t check_port; /* network order */
	char path[128];
	char matcher[32]; /* "200-399" */
	uint32_t interval_s;
	uint32_t timeout_s;
	uint32_t healthy_threshold;
	uint32_t unhealthy_threshold;
	bool proxy_v2; /* checks begin with a proxy protocol v2 LOCAL header */
};

int model_list_targets(struct model *m, struct model_target **targets, size_t *count,
		       struct api_error *err);

/* Moves draining targets whose deregistration delay has passed to unused and out
 * of their group (with connection termination on, their flows get reset). Returns
 * 1 if anything changed, 0 if not, -1 on error. */
int model_expire_draining(struct model *m, int64_t now_unix, struct api_error *err);

/* When the next draining target's delay ends (UNIX time): 1, or 0 when none drains. */
int model_next_drain_deadline(struct model *m, int64_t *deadline, struct api_error *err);

/* AWS lists a deleted endpoint for about an hour, then it is gone: removes the endpoints
 * deleted at least `retention_s` seconds before `now_unix`, adding their ids to the array
 * `purged`. Returns how many, or -1. */
int model_purge_deleted_endpoints(struct model *m, int64_t now_unix, int64_t retention_s,
				  json_object *purged, struct api_error *err);

/* When the next deleted endpoint is due to be purged (UNIX time): 1, or 0 when none is
 * deleted. */
int model_next_purge(struct model *m, int64_t retention_s, int64_t *deadline,
		     struct api_error *err);

/* Health of one registered target, from the health checker. Returns 1 if the state
 * changed (the data path must be synced), 0 if not, -1 on error. */
/* An endpoint's event for a connection notification, taken once the change that made it is
 * committed. */
#define NOTIFICATION_TARGET_MAX 1024
struct model_notification {
	char id[40];			      /* vpce-nfn-... */
	char target[NOTIFICATION_TARGET_MAX]; /* the webhook URL or exec:NAME */
	char event[8];			      /* Connect, Accept, Reject, Delete */
	char service_id[40];
	char endpoint_id[40];
	char endpoint_owner[16]; /* account */
	char endpoint_state[24];
	char time[32];
};

/* The events of the changes committed since the last call (*out is freed by the caller;
 * never NULL on success). */
int model_take_notifications(struct model *m, struct model_notification **out, size_t *count,
			     struct api_error *err);

int model_set_target_health(struct model *m, const char *tg_arn, uint32_t addr, uint16_t port,
			    const char *state, const char *reason, struct api_error *err);

#endif
