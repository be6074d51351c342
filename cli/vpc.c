/* SPDX-License-Identifier: MIT */
/* xdplink vpc and xdplink subnet: consumer VPCs, an address range on an attached
 * consumer interface owned by an account, split into subnets, one zone each; an
 * endpoint's ENIs go only in its owner's subnets. */
#include "cli.h"

static void print_vpcs(const struct request *req, json_object *result)
{
	struct table *t = TABLE("ID", "CIDR", "INTERFACE", "OWNER");

	(void)req;
	for (size_t i = 0; i < jlen(result, "Vpcs"); i++) {
		json_object *vpc = jitem(result, "Vpcs", i);

		table_row(t);
		table_cell(t, "%s", jstr(vpc, "VpcId"));
		table_cell(t, "%s", jstr(vpc, "CidrBlock"));
		table_cell(t, "%s", jstr(vpc, "Interface"));
		table_cell(t, "%s", jstr(vpc, "OwnerId"));
	}
	table_print(t, stdout);
}

static void print_vpc_created(const struct request *req, json_object *result)
{
	json_object *vpc = jget(result, "Vpc");

	(void)req;
	printf("created VPC %s (%s on %s)\n", jstr(vpc, "VpcId"), jstr(vpc, "CidrBlock"),
	       jstr(vpc, "Interface"));
}

static void print_vpc_deleted(const struct request *req, json_object *result)
{
	(void)result;
	printf("deleted VPC %s\n", req->words[0]);
}

static int do_vpc_create(const struct cli *cli, const struct request *req)
{
	return cli_run(cli, req, "CreateVpc", print_vpc_created);
}

static int do_vpc_list(const struct cli *cli, const struct request *req)
{
	return cli_run(cli, req, "DescribeVpcs", print_vpcs);
}

static int do_vpc_delete(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "VpcId", req->words[0]);
	return cli_run(cli, req, "DeleteVpc", print_vpc_deleted);
}

static const struct opt_spec vpc_list_options[] = {
	FILTER_OPTION("DescribeVpcs"),
	{ 0 },
};

static const struct opt_spec vpc_create_options[] = {
	{ .name = "interface",
	  .key = "Interface",
	  .kind = OPT_TEXT,
	  .flags = OPT_REQUIRED,
	  .metavar = "IFACE",
	  .help = "the attached consumer interface the VPC's hosts are on" },
	{ .name = "cidr",
	  .key = "CidrBlock",
	  .kind = OPT_TEXT,
	  .flags = OPT_REQUIRED,
	  .metavar = "CIDR",
	  .help = "its address range, /16 to /28, apart from the other VPCs of the interface" },
	{ 0 },
};

static const struct verb vpc_verbs[] = {
	{ "create", do_vpc_create, NULL, vpc_create_options, 0, 0,
	  "Create a VPC of yours on a consumer interface (the host's operator does this)." },
	{ "list", do_vpc_list, NULL, vpc_list_options, 0, 0, "List your VPCs." },
	{ "delete", do_vpc_delete, "VPC", NULL, 1, 1, "Delete your VPC once it has no subnet." },
	{ 0 },
};

const struct noun cli_noun_vpc = {
	.name = "vpc",
	.summary = "consumer VPCs: address ranges on consumer interfaces, owned by accounts",
	.default_verb = "list",
	.verbs = vpc_verbs,
};

static void print_subnets(const struct request *req, json_object *result)
{
	struct table *t = TABLE("ID", "VPC", "CIDR", "ZONE", ">FREE");

	(void)req;
	for (size_t i = 0; i < jlen(result, "Subnets"); i++) {
		json_object *subnet = jitem(result, "Subnets", i);

		table_row(t);
		table_cell(t, "%s", jstr(subnet, "SubnetId"));
		table_cell(t, "%s", jstr(subnet, "VpcId"));
		table_cell(t, "%s", jstr(subnet, "CidrBlock"));
		table_cell(t, "%s", jstr(subnet, "AvailabilityZoneId"));
		table_cell(t, "%s", jstr(subnet, "AvailableIpAddressCount"));
	}
	table_print(t, stdout);
}

static void print_subnet_created(const struct request *req, json_object *result)
{
	json_object *subnet = jget(result, "Subnet");

	(void)req;
	printf("created subnet %s (%s in %s of %s)\n", jstr(subnet, "SubnetId"),
	       jstr(subnet, "CidrBlock"), jstr(subnet, "AvailabilityZoneId"),
	       jstr(subnet, "VpcId"));
}

static void print_subnet_deleted(const struct request *req, json_object *result)
{
	(void)result;
	printf("deleted subnet %s\n", req->words[0]);
}

static int do_subnet_create(const struct cli *cli, const struct request *req)
{
	return cli_run(cli, req, "CreateSubnet", print_subnet_created);
}

static int do_subnet_list(const struct cli *cli, const struct request *req)
{
	return cli_run(cli, req, "DescribeSubnets", print_subnets);
}

static int do_subnet_delete(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "SubnetId", req->words[0]);
	return cli_run(cli, req, "DeleteSubnet", print_subnet_deleted);
}

static const struct opt_spec subnet_list_options[] = {
	FILTER_OPTION("DescribeSubnets"),
	{ 0 },
};

static const struct opt_spec subnet_create_options[] = {
	{ .name = "vpc",
	  .key = "VpcId",
	  .kind = OPT_TEXT,
	  .flags = OPT_REQUIRED,
	  .metavar = "VPC",
	  .help = "your VPC" },
	{ .name = "az",
	  .key = "AvailabilityZoneId",
	  .kind = OPT_TEXT,
	  .flags = OPT_REQUIRED,
	  .metavar = "ZONE",
	  .help = "its zone (use1-az1)" },
	{ .name = "cidr",
	  .key = "CidrBlock",
	  .kind = OPT_TEXT,
	  .flags = OPT_REQUIRED,
	  .metavar = "CIDR",
	  .help = "its range inside the VPC's, apart from the other subnets" },
	{ 0 },
};

static const struct verb subnet_verbs[] = {
	{ "create", do_subnet_create, NULL, subnet_create_options, 0, 0,
	  "Create a subnet of your VPC in one zone." },
	{ "list", do_subnet_list, NULL, subnet_list_options, 0, 0,
	  "List your subnets, with their free addresses." },
	{ "delete", do_subnet_delete, "SUBNET", NULL, 1, 1,
	  "Delete your subnet once no ENI is in it." },
	{ 0 },
};

const struct noun cli_noun_subnet = {
	.name = "subnet",
	.summary = "subnets of consumer VPCs, one zone each: where ENIs go",
	.default_verb = "list",
	.verbs = subnet_verbs,
};
