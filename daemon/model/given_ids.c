/* SPDX-License-Identifier: MIT */
/* New ids, random or given (given_ids.h). */
#include "given_ids.h"

#include <stdio.h>

#include "model_internal.h"

const struct id_kind SERVICE_ID = { "service id", id_is_service, id_new_service,
				    "SELECT 1 FROM service WHERE service_id = ?" };
const struct id_kind ENDPOINT_ID = { "endpoint id", id_is_endpoint, id_new_endpoint,
				     "SELECT 1 FROM endpoint WHERE endpoint_id = ?" };
const struct id_kind VPC_ID = { "VPC id", id_is_vpc, id_new_vpc,
				"SELECT 1 FROM vpc WHERE vpc_id = ?" };
const struct id_kind SUBNET_ID = { "subnet id", id_is_subnet, id_new_subnet,
				   "SELECT 1 FROM subnet WHERE subnet_id = ?" };

void give_ids(struct model *m, const char *id, const char *suffix)
{
	m->given_id = id;
	m->given_suffix = suffix;
}

int next_id(struct model *m, const struct id_kind *kind, char out[ID_MAX], struct api_error *err)
{
	const char *given = m->given_id;
	int64_t used = 0;
	int rc;

	if (!given) {
		if (kind->make(out) < 0)
			return api_fail(err, API_InternalError, "no randomness for a new %s",
					kind->what);
		return 0;
	}
	m->given_id = NULL;
	if (!kind->valid(given))
		return api_fail(err, API_InvalidParameterValue, "'%s' is not a %s", given,
				kind->what);
	rc = store_int(m->store, kind->used_sql, SQL_ARGS(SQL_STR(given)), &used, err);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return api_fail(err, API_InvalidParameterValue,
				"%s %s is in use (or was, by an object since deleted)", kind->what,
				given);
	snprintf(out, ID_MAX, "%s", given);
	return 0;
}

static int next_suffix(struct model *m, bool (*valid)(const char *), int (*make)(char *),
		       const char *what, char *out, size_t size, struct api_error *err)
{
	const char *given = m->given_suffix;

	if (!given) {
		if (make(out) < 0)
			return api_fail(err, API_InternalError, "no randomness for a new %s", what);
		return 0;
	}
	m->given_suffix = NULL;
	if (!valid(given))
		return api_fail(err, API_InvalidParameterValue, "'%s' is not %s", given, what);
	snprintf(out, size, "%s", given);
	return 0;
}

static int make_arn_suffix(char *out)
{
	return id_new_arn_suffix(out);
}

static int make_dns_suffix(char *out)
{
	return id_new_dns_suffix(out);
}

int next_arn_suffix(struct model *m, char out[ARN_SUFFIX_LEN + 1], struct api_error *err)
{
	return next_suffix(m, id_is_arn_suffix, make_arn_suffix, "an ARN's 16 hex digits", out,
			   ARN_SUFFIX_LEN + 1, err);
}

int next_dns_suffix(struct model *m, char out[9], struct api_error *err)
{
	return next_suffix(m, id_is_dns_suffix, make_dns_suffix,
			   "an endpoint's DNS suffix (8 lowercase letters and digits)", out, 9,
			   err);
}
