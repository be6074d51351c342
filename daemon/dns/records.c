/* SPDX-License-Identifier: MIT */
/* The records of the VPCs' resolvers (records.h): per VPC, its endpoints sorted by id
 * (a name is found by the endpoint id it starts with, then compared with the names
 * endpoint_dns_name() makes) and its private DNS names sorted by name. No name is stored
 * twice: the names are made again when asked, as endpoint create makes them. */
#include "records.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENDPOINT_ID_LEN 22 /* vpce- and 17 hex digits */

struct private_name {
	const char *name; /* the endpoint's private_name: exact, or "*.suffix" */
	size_t endpoint;
};

struct vpc_records {
	size_t *endpoints; /* indexes into dns_records.endpoints, by endpoint id */
	size_t endpoint_count;
	struct private_name *privates; /* by name, then by endpoint id */
	size_t private_count;
};

struct dns_records {
	char region[REGION_MAX];
	char zone[64];
	struct model_dns_endpoint *endpoints; /* sorted by endpoint id (the model's order) */
	size_t endpoint_count;
	struct vpc_records *vpcs;
	size_t vpc_count;
};

uint32_t dns_vpc_resolver(const struct dns_vpc *vpc)
{
	return htonl(ntohl(vpc->net) + 2);
}

bool dns_vpc_holds(const struct dns_vpc *vpc, const struct model_dns_endpoint *endpoint)
{
	return strcmp(vpc->id, endpoint->vpc_id) == 0;
}

bool dns_vpc_has_address(const struct dns_vpc *vpc, uint32_t addr)
{
	return (addr & vpc->mask) == vpc->net;
}

const char *dns_records_zone(const struct dns_records *r)
{
	return r->zone;
}

void dns_records_free(struct dns_records *r)
{
	if (!r)
		return;
	for (size_t i = 0; r->vpcs && i < r->vpc_count; i++) {
		free(r->vpcs[i].endpoints);
		free(r->vpcs[i].privates);
	}
	free(r->vpcs);
	free(r->endpoints);
	free(r);
}

static int private_order(const void *a, const void *b)
{
	const struct private_name *x = a, *y = b;
	int by_name = strcmp(x->name, y->name);

	if (by_name)
		return by_name;
	return x->endpoint < y->endpoint ? -1 : x->endpoint > y->endpoint;
}

static int index_vpc(struct dns_records *r, const struct dns_vpc *vpc, struct vpc_records *out)
{
	out->endpoints = calloc(r->endpoint_count + 1, sizeof(*out->endpoints));
	out->privates = calloc(r->endpoint_count + 1, sizeof(*out->privates));
	if (!out->endpoints || !out->privates)
		return -1;
	for (size_t i = 0; i < r->endpoint_count; i++) {
		const struct model_dns_endpoint *e = &r->endpoints[i];

		if (!dns_vpc_holds(vpc, e))
			continue;
		out->endpoints[out->endpoint_count++] = i;
		if (e->private_name[0])
			out->privates[out->private_count++] =
			    (struct private_name){ e->private_name, i };
	}
	/* Two endpoints of a VPC with the same private name: the oldest id answers. */
	qsort(out->privates, out->private_count, sizeof(*out->privates), private_order);
	return 0;
}

struct dns_records *dns_records_build(const char *region, const struct dns_vpc *vpcs,
				      size_t vpc_count, struct model_dns_endpoint *endpoints,
				      size_t endpoint_count)
{
	struct dns_records *r = calloc(1, sizeof(*r));

	if (!r) {
		free(endpoints);
		return NULL;
	}
	snprintf(r->region, sizeof(r->region), "%s", region);
	snprintf(r->zone, sizeof(r->zone), "%s.vpce.amazonaws.com", region);
	r->endpoints = endpoints;
	r->endpoint_count = endpoint_count;
	r->vpcs = calloc(vpc_count + 1, sizeof(*r->vpcs));
	if (!r->vpcs) {
		dns_records_free(r);
		return NULL;
	}
	r->vpc_count = vpc_count;
	for (size_t i = 0; i < vpc_count; i++) {
		if (index_vpc(r, &vpcs[i], &r->vpcs[i]) < 0) {
			dns_records_free(r);
			return NULL;
		}
	}
	return r;
}

/* ---- Looking up ----------------------------------------------------------------------------- */

static const struct model_dns_endpoint *find_endpoint(const struct dns_records *r,
						      const struct vpc_records *v, const char *id)
{
	size_t low = 0, high = v->endpoint_count;

	while (low < high) {
		size_t middle = low + (high - low) / 2;
		const struct model_dns_endpoint *e = &r->endpoints[v->endpoints[middle]];
		int order = strncmp(e->endpoint_id, id, ENDPOINT_ID_LEN);

		if (order == 0)
			return e;
		if (order < 0)
			low = middle + 1;
		else
			high = middle;
	}
	return NULL;
}

/* The healthy zones' ENIs, or every ENI when no zone is healthy. */
static void regional_addresses(const struct model_dns_endpoint *e, struct dns_found *found)
{
	found->count = 0;
	for (size_t i = 0; i < e->eni_count; i++)
		if (e->enis[i].healthy)
			found->addrs[found->count++] = e->enis[i].addr;
	if (found->count)
		return;
	for (size_t i = 0; i < e->eni_count; i++)
		found->addrs[found->count++] = e->enis[i].addr;
}

static void regional_name(const struct dns_records *r, const struct model_dns_endpoint *e,
			  char out[DNS_NAME_MAX])
{
	endpoint_dns_name(out, DNS_NAME_MAX, e->endpoint_id, e->dns_suffix, NULL, e->service_id,
			  r->region);
}

/* A name of the endpoints' zone: an endpoint of this VPC, or no such name. */
static void lookup_endpoint_name(const struct dns_records *r, const struct vpc_records *v,
				 const char *name, struct dns_found *found)
{
	const struct model_dns_endpoint *e = NULL;
	char made[DNS_NAME_MAX], zone_name[ZONE_MAX];

	found->outcome = DNS_NO_SUCH_NAME;
	if (strncmp(name, "vpce-", 5) == 0 && strlen(name) > ENDPOINT_ID_LEN)
		e = find_endpoint(r, v, name);
	if (!e)
		return;
	regional_name(r, e, made);
	if (strcmp(made, name) == 0) {
		found->outcome = DNS_ADDRESSES;
		regional_addresses(e, found);
		return;
	}
	for (size_t i = 0; i < e->eni_count; i++) {
		if (!zone_name_of(r->region, e->enis[i].zone, zone_name))
			continue;
		endpoint_dns_name(made, sizeof(made), e->endpoint_id, e->dns_suffix, zone_name,
				  e->service_id, r->region);
		if (strcmp(made, name) == 0) {
			found->outcome = DNS_ADDRESSES;
			found->count = 1;
			found->addrs[0] = e->enis[i].addr;
			return;
		}
	}
}

static const struct private_name *find_private(const struct vpc_records *v, const char *name)
{
	size_t low = 0, high = v->private_count;

	while (low < high) { /* the first of equal names */
		size_t middle = low + (high - low) / 2;

		if (strcmp(v->privates[middle].name, name) < 0)
			low = middle + 1;
		else
			high = middle;
	}
	return low < v->private_count && strcmp(v->privates[low].name, name) == 0
		   ? &v->privates[low]
		   : NULL;
}

/* The private name itself, else the closest wildcard above it (*.example.com covers
 * a.example.com and a.b.example.com, not example.com). */
static const struct private_name *match_private(const struct vpc_records *v, const char *name)
{
	const struct private_name *p = find_private(v, name);
	char wildcard[DNS_NAME_MAX + 2];

	for (const char *dot = strchr(name, '.'); !p && dot; dot = strchr(dot + 1, '.')) {
		snprintf(wildcard, sizeof(wildcard), "*%s", dot);
		p = find_private(v, wildcard);
	}
	return p;
}

static bool in_zone(const char *name, const char *zone)
{
	size_t length = strlen(name), zone_length = strlen(zone);

	if (length == zone_length)
		return strcmp(name, zone) == 0;
	return length > zone_length && name[length - zone_length - 1] == '.' &&
	       strcmp(name + length - zone_length, zone) == 0;
}

void dns_records_lookup(const struct dns_records *r, size_t vpc, const char *name,
			struct dns_found *found)
{
	const struct private_name *p;

	memset(found, 0, sizeof(*found));
	found->outcome = DNS_NOT_OURS;
	if (vpc >= r->vpc_count)
		return;
	if (in_zone(name, r->zone)) {
		lookup_endpoint_name(r, &r->vpcs[vpc], name, found);
		return;
	}
	p = match_private(&r->vpcs[vpc], name);
	if (!p)
		return;
	found->outcome = DNS_ADDRESSES;
	regional_name(r, &r->endpoints[p->endpoint], found->alias_of);
	regional_addresses(&r->endpoints[p->endpoint], found);
}
