/* SPDX-License-Identifier: MIT */
/* The VPC and subnet names of network.h. Addresses and zones are checked by the model, as
 * for the socket API; only the form of the ids is read here. */
#include "network.h"

#include <stdio.h>
#include <string.h>

#include "ids.h"

void aws_vpc_of(const char *account, char out[AWS_VPC_ID_MAX])
{
	snprintf(out, AWS_VPC_ID_MAX, "vpc-%s", account);
}

int aws_vpc_check(struct aws_call *c, const char *vpc_id)
{
	char own[AWS_VPC_ID_MAX];

	aws_vpc_of(c->account, own);
	if (strcmp(vpc_id, own) == 0)
		return 0;
	if (c->service->elbv2)
		return aws_fail(c->err, "ValidationError",
				"The VPC ID '%s' is not found: this account's VPC is %s", vpc_id,
				own);
	return aws_fail(c->err, "InvalidVpcID.NotFound",
			"The vpc ID '%s' does not exist: this account's VPC is %s", vpc_id, own);
}

static int subnet_not_found(struct aws_call *c, const char *subnet_id, const char *form)
{
	return aws_fail(c->err, c->service->elbv2 ? "SubnetNotFound" : "InvalidSubnetID.NotFound",
			"The subnet ID '%s' does not exist: xdplink's subnet ids are %s", subnet_id,
			form);
}

int aws_subnet_parse(struct aws_call *c, const char *subnet_id, char zone_id[16], char *address,
		     size_t address_size)
{
	const char *equals = strchr(subnet_id, '=');
	const char *form =
	    address ? "ZONE=ADDRESS, such as use1-az1=10.1.1.50" : "zone ids, such as use1-az1";
	size_t zone_length = equals ? (size_t)(equals - subnet_id) : strlen(subnet_id);
	char zone[ZONE_MAX];

	if (zone_length == 0 || zone_length >= sizeof(zone) || (address && !equals) ||
	    (!address && equals) || (equals && (!equals[1] || strlen(equals + 1) >= address_size)))
		return subnet_not_found(c, subnet_id, form);
	memcpy(zone, subnet_id, zone_length);
	zone[zone_length] = '\0';
	/* A zone's name stands for its id (one fixed mapping for every account). */
	if (!zone_id_of(c->region, zone, zone_id))
		snprintf(zone_id, ZONE_MAX, "%s", zone);
	if (address)
		snprintf(address, address_size, "%s", equals + 1);
	return 0;
}

void aws_subnet_id(const char *zone_id, const char *address, char *out, size_t size)
{
	snprintf(out, size, "%s=%s", zone_id, address);
}
