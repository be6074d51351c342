/* SPDX-License-Identifier: MIT */
/* The checks actions share (checks.h). */
#include "checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model_internal.h"

int refuse_if_found(struct model *m, const char *sql, const struct sql_arg *args, size_t count,
		    struct api_error *err, enum api_code code, const char *fmt, ...)
{
	int64_t found;
	va_list ap;
	int rc = store_int(m->store, sql, args, count, &found, err);

	if (rc <= 0)
		return rc;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

int check_zone(const struct model *m, const char *zone_id, enum api_code code,
	       struct api_error *err)
{
	char id[ZONE_MAX];

	if (zone_id_valid(m->region, zone_id))
		return 0;
	/* Zones are named differently in every AWS account; their ids are the same. */
	if (zone_id_of(m->region, zone_id, id))
		return api_fail(err, code, "%s is a zone name: give its zone id, %s", zone_id, id);
	return api_fail(err, code, "%s is not an availability zone id of %s", zone_id, m->region);
}

int check_ipv4(const char *address, enum api_code code, struct api_error *err)
{
	uint32_t addr;

	switch (ipv4_parse(address, &addr)) {
	case IPV4_OK:
		return 0;
	case IPV4_IS_IPV6:
		return api_fail(err, code, "%s: endpoint services support IPv4 only", address);
	case IPV4_NOT_UNICAST:
		return api_fail(err, code, "%s is not a unicast IPv4 address", address);
	case IPV4_MALFORMED:
		break;
	}
	return api_fail(err, code, "%s is not an IPv4 address", address);
}

int check_tcp(const char *protocol, struct api_error *err)
{
	if (strcmp(protocol, "TCP") != 0)
		return api_fail(err, API_UnsupportedProtocol,
				"an endpoint service supports IPv4 traffic over TCP only, not %s",
				protocol);
	return 0;
}

int check_resource_name(const char *name, const char *what, struct api_error *err)
{
	if (!resource_name_valid(name))
		return api_fail(
		    err, API_InvalidParameterValue,
		    "'%s' is not a valid %s name: 1 to 32 letters, digits and hyphens, not "
		    "starting or ending with a hyphen",
		    name, what);
	return 0;
}
