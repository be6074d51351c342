/* What the model's files share: the model itself, the actions each file defines, and
 * the helpers for errors, lookups, slots, checks and JSON that every action uses. */
#ifndef XL_MODEL_INTERNAL_H
#define XL_MODEL_INTERNAL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "args.h"
#include "ids.h"
#include "model.h"
#include "store.h"

#define LOCAL_ACCOUNT_ROOT "arn:aws:iam::111111111111:root"
#define TIMESTAMP_MAX	   32

struct model {
	struct store *store;
	char region[REGION_MAX];
	uint32_t max_endpoints;
	uint32_t max_backends;
	uint32_t max_members;
	uint32_t max_pools;
	uint32_t max_tables;
	bool (*node_has_address)(const char *address);
};

/* An action's body. It runs inside a step that is undone when it fails, so it may
 * stop half-way; *result is freed on failure. */
typedef int action_fn(struct model *m, const struct principal *caller, json_object *args,
		      json_object **result, struct api_error *err);

/* model_lb.c */
action_fn lb_create, lb_describe, lb_modify_attributes, lb_delete;
action_fn listener_create, listener_describe, listener_delete;
/* model_tg.c */
action_fn tg_create, tg_describe, tg_modify_attributes, tg_delete;
action_fn targets_register, targets_deregister, target_health_describe;
/* model_service.c */
action_fn service_create, services_describe, service_modify, services_delete;
action_fn permissions_modify, permissions_describe, services_consumer_describe;
action_fn connections_accept, connections_reject, connections_describe;
/* model_endpoint.c */
action_fn endpoint_create, endpoint_modify, endpoints_describe, endpoints_delete;
/* model_iface.c */
action_fn iface_attach, iface_detach;

/* ---- Errors ----------------------------------------------------------------------------- */

/* Fills *err and returns -1. */
int fail(struct api_error *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Refuses with `code` and the sentence when `sql` finds a row: -1, as when the store
 * fails; 0 when there is none. */
int refuse_if_found(struct model *m, const char *sql, const struct sql_arg *args, size_t count,
		    struct api_error *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Node IPs and ENI addresses are one space: a node IP is a SNAT source and an ENI
 * address a destination, on the same host. ?1 is the address. */
#define ADDRESS_IN_USE_SQL                                                                         \
	"SELECT 1 FROM lb_zone WHERE address = ?1 UNION ALL SELECT 1 FROM eni WHERE address = ?1"

/* ---- Resources the caller owns ---------------------------------------------------------- */

/* How a kind of resource is found by its key, and the refusal when it is not the
 * caller's: another account's resource gets the same answer as a missing one. */
struct resource_kind {
	const char *table;
	const char *key_column;
	const char *not_found; /* code */
	const char *before;    /* message: before, key, after */
	const char *after;
};

extern const struct resource_kind LOAD_BALANCER, TARGET_GROUP, ENDPOINT_SERVICE, ENDPOINT;

/* The row id of the caller's resource `key`: 1 found, 0 not found, -1 on error. */
int lookup_owned(struct model *m, const struct resource_kind *kind, const char *account,
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

/* A describe call: the caller's resources whose keys args' "Names" holds, in its order
 * (an unknown one fails), or without names all of them in key order, as the result's
 * array `list_name`. */
int describe_owned(struct model *m, const struct resource_kind *kind, const char *account,
		   json_object *args, resource_json_fn *to_json, const char *list_name,
		   json_object **result, struct api_error *err);
/* lookup_owned, with the kind's NotFound error when it is not found. */
int find_owned(struct model *m, const struct resource_kind *kind, const char *account,
	       const char *key, int64_t *id, struct api_error *err);

/* ---- Checks ----------------------------------------------------------------------------- */

/* An AZ id of the model's region, else `code` (InvalidParameterValue, InvalidTarget). */
int check_zone(const struct model *m, const char *zone_id, const char *code, struct api_error *err);
/* A unicast IPv4 address, else `code`; IPv6 gets "endpoint services support IPv4 only". */
int check_ipv4(const char *address, const char *code, struct api_error *err);
/* Only TCP: UnsupportedProtocol otherwise. */
int check_tcp(const char *protocol, struct api_error *err);
int check_resource_name(const char *name, const char *what, struct api_error *err);

/* ---- Slots ------------------------------------------------------------------------------ */

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

/* ---- Services and endpoints, across their two files ------------------------------------- */

/* Endpoint states that hold a service's load balancers and block its deletion. */
#define LIVE_STATES "('pendingAcceptance', 'pending', 'available')"

/* The service named `name` if the caller may use it (its owner, or an allowed
 * principal), else InvalidServiceName: to everyone else it does not exist. */
int find_visible_service(struct model *m, const struct principal *caller, const char *name,
			 int64_t *service, struct api_error *err);
/* vpce- and 17 hex digits, else InvalidVpcEndpointId.Malformed. */
int check_endpoint_id(const char *id, struct api_error *err);
/* deleting -> deleted: its ENIs and slot are freed, it stays listed. */
int endpoint_mark_deleted(struct model *m, int64_t endpoint, struct api_error *err);
/* The entries of DnsEntries, for the consumer's and the provider's views. */
int endpoint_dns_entries(struct model *m, int64_t endpoint, json_object *entries,
			 struct api_error *err);

/* ---- Batches ---------------------------------------------------------------------------- */

/* One id of a batch action (accept, reject, delete). `context` is the action's: the
 * service row for accept and reject. */
typedef int batch_item_fn(struct model *m, const struct principal *caller, int64_t context,
			  const char *id, struct api_error *err);

/* Runs `item` for each id in its own step; the ids that fail are listed in
 * {"Unsuccessful": [...]}, as EC2 does. A store failure fails the whole action. */
int run_batch(struct model *m, const struct principal *caller, int64_t context, json_object *ids,
	      batch_item_fn *item, json_object **result, struct api_error *err);

/* ---- Reading rows into arrays ----------------------------------------------------------- */

typedef void row_fn(sqlite3_stmt *row, void *element);

/* All rows of `sql`, each turned into one element by `fill`. The array has room for
 * one more element, so that it is never NULL when there is no row; NULL means failure. */
void *load_rows(struct model *m, const char *sql, size_t element_size, row_fn *fill, size_t *count,
		struct api_error *err);
uint32_t column_addr(sqlite3_stmt *row, int column); /* dotted IPv4 text, network order */
uint32_t column_u32(sqlite3_stmt *row, int column);
uint16_t column_port(sqlite3_stmt *row, int column); /* network order */

/* ---- Time and JSON ---------------------------------------------------------------------- */

void timestamp_now(char out[TIMESTAMP_MAX]); /* RFC 3339, UTC */

void put_string(json_object *object, const char *key, const char *value);
void put_int(json_object *object, const char *key, int64_t value);
void put_bool(json_object *object, const char *key, bool value);
json_object *put_object(json_object *object, const char *key); /* the new member */
json_object *put_array(json_object *object, const char *key);
json_object *append_object(json_object *array);
/* object[key] = list[0]; frees the list (one resource described by a list builder). */
void put_first(json_object *object, const char *key, json_object *list);
void append_string(json_object *array, const char *value);
/* object[key]: the first column of every row of `sql`, asked with the one parameter id. */
int put_column(struct model *m, json_object *object, const char *key, const char *sql, int64_t id,
	       struct api_error *err);

#endif
