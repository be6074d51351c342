/* SPDX-License-Identifier: MIT */
/* The provider's networks as the AWS APIs name them (consumer VPCs and subnets are the
 * model's own resources: ec2_vpc.c). The provider's are not modeled, and this is the one
 * place of their naming:
 *   - every account has one provider network, its VPC "vpc-<the account's 12 digits>",
 *     which its load balancers and target groups are in;
 *   - a provider subnet id is "ZONE=ADDRESS" (use1-az1=10.0.1.10, or with the zone's name,
 *     us-east-1a=10.0.1.10): the zone, and the node IP a load balancer takes in it. A
 *     subnet mapping may give the address on its own
 *     (SubnetId=use1-az1,PrivateIPv4Address=10.0.1.10). An endpoint still takes a
 *     "ZONE=ADDRESS" subnet id too: the caller's own subnet there that holds the address. */
#ifndef XL_AWS_NETWORK_H
#define XL_AWS_NETWORK_H

#include <stddef.h>

#include "operation.h"

#define AWS_VPC_ID_MAX	  24
#define AWS_SUBNET_ID_MAX 48

/* The VPC of `account`. */
void aws_vpc_of(const char *account, char out[AWS_VPC_ID_MAX]);
/* Whether `vpc_id` is the caller's VPC: else InvalidVpcID.NotFound (EC2) or ValidationError
 * (ELBv2), as for a VPC that does not exist. */
int aws_vpc_check(struct aws_call *c, const char *vpc_id);

/* Reads a subnet id into its zone id and address. An address is required unless
 * `address` is NULL (the zone alone, for a subnet mapping that gives it apart). */
int aws_subnet_parse(struct aws_call *c, const char *subnet_id, char zone_id[16], char *address,
		     size_t address_size);
/* The subnet id of a zone id and an address. */
void aws_subnet_id(const char *zone_id, const char *address, char *out, size_t size);

#endif
