/* SPDX-License-Identifier: MIT */
/* The checks actions share: a row that forbids the action, zones, addresses, the
 * protocol, resource names. Each fills *err with the code given or its own, and returns -1. */
#ifndef XL_MODEL_CHECKS_H
#define XL_MODEL_CHECKS_H

#include <stddef.h>

#include "error.h"
#include "store.h"

struct model;

/* Refuses with `code` and the sentence when `sql` finds a row: -1, as when the store
 * fails; 0 when there is none. */
int refuse_if_found(struct model *m, const char *sql, const struct sql_arg *args, size_t count,
		    struct api_error *err, enum api_code code, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Node IPs and ENI addresses are one space: a node IP is a SNAT source and an ENI
 * address a destination, on the same host. ?1 is the address. */
#define ADDRESS_IN_USE_SQL                                                                         \
	"SELECT 1 FROM lb_zone WHERE address = ?1 UNION ALL SELECT 1 FROM eni WHERE address = ?1"

/* An AZ id of the model's region, else `code` (InvalidParameterValue, InvalidTarget). */
int check_zone(const struct model *m, const char *zone_id, enum api_code code,
	       struct api_error *err);
/* A unicast IPv4 address, else `code`; IPv6 gets "endpoint services support IPv4 only". */
int check_ipv4(const char *address, enum api_code code, struct api_error *err);
/* Only TCP: UnsupportedProtocol otherwise. */
int check_tcp(const char *protocol, struct api_error *err);
int check_resource_name(const char *name, const char *what, struct api_error *err);

#endif
