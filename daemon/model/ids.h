/* SPDX-License-Identifier: MIT */
/* AWS-style identifiers, names and addresses: random ids, ARNs, service and DNS names,
 * the zones of a region, IPv4 addresses, and principals with the allowed-principal rule. */
#ifndef XL_IDS_H
#define XL_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ID_MAX	       40  /* vpce-svc-perm- and 17 hex digits, with room to spare */
#define ARN_MAX	       160 /* the size of model_target.group_arn */
#define DNS_NAME_MAX   254
#define ZONE_MAX       16 /* "ap-southeast-1a", "apse1-az1" */
#define REGION_MAX     24
#define IPV4_TEXT_MAX  16
#define PRINCIPAL_MAX  128
#define ARN_SUFFIX_LEN 16 /* hex digits closing a load balancer or target group ARN */

/* ---- Random identifiers (getrandom). Each returns 0, or -1 if the kernel gave no
 * randomness. AWS's long ids are "0" and 16 hex digits, 17 in all. */
int id_new_service(char out[ID_MAX]);	   /* vpce-svc-0123456789abcdef0 */
int id_new_endpoint(char out[ID_MAX]);	   /* vpce-0123456789abcdef0 */
int id_new_permission(char out[ID_MAX]);   /* vpce-svc-perm-0123456789abcdef0 */
int id_new_vpc(char out[ID_MAX]);	   /* vpc-0123456789abcdef0 */
int id_new_subnet(char out[ID_MAX]);	   /* subnet-0123456789abcdef0 */
int id_new_notification(char out[ID_MAX]); /* vpce-nfn-0123456789abcdef0 */
int id_new_arn_suffix(char out[ARN_SUFFIX_LEN + 1]);
int id_new_dns_suffix(char out[9]); /* 8 lowercase letters and digits */
/* `length` random characters of [a-z0-9] (and [A-Z] when mixed_case) into out. */
int id_new_token(char *out, size_t length, bool mixed_case);

/* Security groups: sg-0123456789abcdef0, and their rules: sgr-0123456789abcdef0. */
int id_new_security_group(char out[ID_MAX]);
int id_new_security_group_rule(char out[ID_MAX]);
bool id_is_security_group(const char *text);

bool id_is_service(const char *text);	 /* vpce-svc- and 17 hex digits */
bool id_is_endpoint(const char *text);	 /* vpce- and 17 hex digits */
bool id_is_subnet(const char *text);	 /* subnet- and 17 hex digits */
bool id_is_vpc(const char *text);	 /* vpc- and 17 hex digits */
bool id_is_arn_suffix(const char *text); /* 16 hex digits */
bool id_is_dns_suffix(const char *text); /* 8 lowercase letters and digits */

/* ---- ARNs and names (the partition is always "aws"). False if `out` is too small. */
bool arn_load_balancer(char *out, size_t size, const char *region, const char *account,
		       const char *name, const char *suffix);
bool arn_target_group(char *out, size_t size, const char *region, const char *account,
		      const char *name, const char *suffix);
/* A listener's ARN is its load balancer's, with "listener" for "loadbalancer", and a suffix. */
bool arn_listener(char *out, size_t size, const char *lb_arn, const char *suffix);

bool service_name(char *out, size_t size, const char *region, const char *service_id);
/* The service id inside `name` if it is a service name of `region`. */
bool service_name_parse(const char *name, const char *region, char service_id[ID_MAX]);
bool service_base_dns_name(char *out, size_t size, const char *region, const char *service_id);
/* The endpoint's regional name when zone_name is NULL, else its zonal name. */
bool endpoint_dns_name(char *out, size_t size, const char *endpoint_id, const char *suffix,
		       const char *zone_name, const char *service_id, const char *region);
/* Route 53 zone of the vpce.amazonaws.com names of a region, NULL when unknown. */
const char *vpce_hosted_zone(const char *region);

/* Load balancer and target group names: 1-32 letters, digits and hyphens, no hyphen
 * first or last. */
bool resource_name_valid(const char *name);
/* A private DNS name: lowercase labels, optionally starting with "*." */
bool private_dns_name_valid(const char *name);
/* A Linux interface name: 1-15 printable characters, no '/', no white space. */
bool iface_name_valid(const char *name);

/* ---- Regions and zones. us-east-1 has zone ids use1-az1 .. use1-az6, named
 * us-east-1a .. us-east-1f (one fixed mapping for every account). */
bool region_valid(const char *region);
bool zone_id_valid(const char *region, const char *zone_id);
bool zone_name_of(const char *region, const char *zone_id, char out[ZONE_MAX]);
bool zone_id_of(const char *region, const char *zone_name, char out[ZONE_MAX]);

/* ---- IPv4 addresses. */
enum ipv4_status {
	IPV4_OK,
	IPV4_MALFORMED,
	IPV4_IS_IPV6,
	IPV4_NOT_UNICAST, /* 0/8, loopback, multicast, reserved, broadcast */
};
enum ipv4_status ipv4_parse(const char *text, uint32_t *addr_be);
/* An IPv4 block "a.b.c.d/n" with no host bits set: its first address (host order) and n. */
bool cidr_parse(const char *text, uint32_t *first, unsigned int *prefix);

/* ---- Principals: "*", arn:aws:iam::<12 digits>:root, :user/<name> or :role/<name>.
 * Names are 1-64 of [A-Za-z0-9+=,.@_-]; ARNs with paths are refused, as AWS does. */
enum principal_type {
	PRINCIPAL_ALL,
	PRINCIPAL_ACCOUNT,
	PRINCIPAL_USER,
	PRINCIPAL_ROLE,
};

struct principal {
	enum principal_type type;
	char account[13]; /* "" for "*" */
	char arn[PRINCIPAL_MAX];
};

bool principal_parse(const char *text, struct principal *out);
const char *principal_type_name(enum principal_type type); /* "All", "Account", "User", "Role" */
/* Whether an allowed-principal entry lets `caller` in: "*" lets everyone in, an
 * account's root every principal of that account, a user or role exactly itself. */
bool principal_allows(const char *allowed, const struct principal *caller);

#endif
