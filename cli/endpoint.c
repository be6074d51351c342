/* SPDX-License-Identifier: MIT */
/* xdplink endpoint: interface endpoints, one ENI address per zone, created by consumers
 * and accepted or rejected by the service's owner. */
#include "cli.h"

static void print_dns_names(json_object *ep, const char *indent)
{
	for (size_t i = 0; i < jlen(ep, "DnsEntries"); i++)
		printf("%s%s\n", indent, jstr(jitem(ep, "DnsEntries", i), "DnsName"));
}

static void print_created(const struct request *req, json_object *result)
{
	json_object *ep = jget(result, "VpcEndpoint");

	(void)req;
	printf("created endpoint %s (%s)\n", jstr(ep, "VpcEndpointId"), jstr(ep, "State"));
	print_dns_names(ep, "  ");
}

static void print_list(const struct request *req, json_object *result)
{
	struct table *t = TABLE("ID", "SERVICE", "STATE", "ENIS", "OWNER");

	(void)req;
	for (size_t i = 0; i < jlen(result, "VpcEndpoints"); i++) {
		json_object *ep = jitem(result, "VpcEndpoints", i);

		table_row(t);
		table_cell(t, "%s", jstr(ep, "VpcEndpointId"));
		table_cell(t, "%s", service_id_of(jstr(ep, "ServiceName")));
		table_cell(t, "%s", jstr(ep, "State"));
		table_cell(t, "%s", "");
		for (size_t n = 0; n < jlen(ep, "NetworkInterfaces"); n++) {
			json_object *eni = jitem(ep, "NetworkInterfaces", n);

			table_append(t, "%s%s=%s", n ? "," : "", jstr(eni, "AvailabilityZoneId"),
				     jstr(eni, "PrivateIpAddress"));
		}
		table_cell(t, "%s", jstr(ep, "OwnerId"));
	}
	table_print(t, stdout);
}

static void print_show(const struct request *req, json_object *result)
{
	json_object *ep = jitem(result, "VpcEndpoints", 0);
	char lb[64];

	(void)req;
	field("ID", "%s", jstr(ep, "VpcEndpointId"));
	field("Type", "%s", jstr(ep, "VpcEndpointType"));
	field("Service", "%s", jstr(ep, "ServiceName"));
	field("State", "%s", jstr(ep, "State"));
	field("Owner", "%s", jstr(ep, "OwnerId"));
	field("VPC", "%s", jget(ep, "VpcId") ? jstr(ep, "VpcId") : "-");
	field("Created", "%s", jstr(ep, "CreationTimestamp"));
	for (size_t i = 0; i < jlen(ep, "NetworkInterfaces"); i++) {
		json_object *eni = jitem(ep, "NetworkInterfaces", i);

		arn_resource_name(jstr(eni, "NetworkLoadBalancerArn"), lb, sizeof(lb));
		field(i ? "" : "ENIs", "%s (%s) %s in %s via load balancer %s",
		      jstr(eni, "AvailabilityZoneId"), jstr(eni, "AvailabilityZone"),
		      jstr(eni, "PrivateIpAddress"), jstr(eni, "SubnetId"), lb);
	}
	for (size_t i = 0; i < jlen(ep, "DnsEntries"); i++)
		field(i ? "" : "DNS names", "%s", jstr(jitem(ep, "DnsEntries", i), "DnsName"));
	field("Private DNS", "%s", jbool(ep, "PrivateDnsEnabled") ? "on" : "off");
	for (size_t i = 0; i < jlen(ep, "Groups"); i++)
		field(i ? "" : "Security groups", "%s (%s)",
		      jstr(jitem(ep, "Groups", i), "GroupId"),
		      jstr(jitem(ep, "Groups", i), "GroupName"));
	if (!jlen(ep, "Groups"))
		field("Security groups", "none: every consumer host of the VPC may connect");
}

/* "deleted vpce-..." for each id of the request that the batch did not refuse. */
static void print_batch(const struct request *req, json_object *result, const char *done)
{
	for (size_t i = 0; i < jlen(req->args, "VpcEndpointIds"); i++) {
		const char *id = jstr(jitem(req->args, "VpcEndpointIds", i), "");

		if (!cli_failed(result, id))
			printf("%s endpoint %s\n", done, id);
	}
}

static void print_deleted(const struct request *req, json_object *result)
{
	print_batch(req, result, "deleted");
}

static void print_accepted(const struct request *req, json_object *result)
{
	print_batch(req, result, "accepted");
}

static void print_rejected(const struct request *req, json_object *result)
{
	print_batch(req, result, "rejected");
}

/* EC2 has no waiter for endpoints; these are its others' (vpc-available...) for their
 * states: the ones each can still come from are those after it in the life of an endpoint
 * (pendingAcceptance -> pending -> available -> rejected -> deleting -> deleted). */
static const struct wait_goal endpoint_goals[] = {
	{ .name = "available",
	  .state = "available",
	  .never = "rejected|failed|deleting|deleted|expired" },
	{ .name = "pendingAcceptance",
	  .state = "pendingAcceptance",
	  .never = "pending|available|rejected|failed|deleting|deleted|expired" },
	{ .name = "rejected", .state = "rejected", .never = "failed|deleting|deleted|expired" },
	/* then purged (xdplinkd --deleted-retention): not found is deleted too */
	{ .name = "deleted", .state = "deleted", .gone_reaches = true },
	{ 0 },
};

static const struct waiter endpoint_waiter = {
	.what = "endpoint",
	.action = "DescribeVpcEndpoints",
	.list_key = "VpcEndpoints",
	.id_path = "VpcEndpointId",
	.state_path = "State",
	.goals = endpoint_goals,
};

/* All the caller's endpoints are listed: one that is gone is not an error then. */
static void created_endpoint(const struct request *req, json_object *result,
			     json_object *describe_args, json_object *ids)
{
	(void)req;
	(void)describe_args;
	json_object_array_add(ids,
			      json_object_new_string(jstr(result, "VpcEndpoint.VpcEndpointId")));
}

static void named_endpoints(const struct request *req, json_object *result,
			    json_object *describe_args, json_object *ids)
{
	(void)result;
	(void)describe_args;
	for (int i = 0; i < req->word_count; i++)
		json_object_array_add(ids, json_object_new_string(req->words[i]));
}

static const struct wait_for wait_for_created = { &endpoint_waiter, created_endpoint };
static const struct wait_for wait_for_named = { &endpoint_waiter, named_endpoints };

static int do_create(const struct cli *cli, const struct request *req)
{
	return cli_run_and_wait(cli, req, "CreateVpcEndpoint", print_created, &wait_for_created);
}

static int do_list(const struct cli *cli, const struct request *req)
{
	return cli_run(cli, req, "DescribeVpcEndpoints", print_list);
}

/* With --wait, shows the endpoint once it is in the state. */
static int do_show(const struct cli *cli, const struct request *req)
{
	int rc = cli_wait(cli, req, &wait_for_named, NULL);

	if (rc)
		return rc;
	args_set_words(req->args, "VpcEndpointIds", req->words, 1);
	return cli_run(cli, req, "DescribeVpcEndpoints", print_show);
}

static int do_delete(const struct cli *cli, const struct request *req)
{
	args_set_words(req->args, "VpcEndpointIds", req->words, req->word_count);
	return cli_run_and_wait(cli, req, "DeleteVpcEndpoints", print_deleted, &wait_for_named);
}

/* SERVICE ENDPOINT_ID... of accept and reject. */
static void set_connection_args(const struct request *req)
{
	args_set_string(req->args, "ServiceId", service_id_of(req->words[0]));
	args_set_words(req->args, "VpcEndpointIds", req->words + 1, req->word_count - 1);
}

static void print_modified(const struct request *req, json_object *result)
{
	(void)result;
	printf("modified endpoint %s\n", req->words[0]);
}

static int do_modify(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "VpcEndpointId", req->words[0]);
	return cli_run(cli, req, "ModifyVpcEndpoint", print_modified);
}

static int do_accept(const struct cli *cli, const struct request *req)
{
	set_connection_args(req);
	return cli_run(cli, req, "AcceptVpcEndpointConnections", print_accepted);
}

static int do_reject(const struct cli *cli, const struct request *req)
{
	set_connection_args(req);
	return cli_run(cli, req, "RejectVpcEndpointConnections", print_rejected);
}

static const struct opt_spec create_options[] = {
	{ .name = "service",
	  .key = "ServiceName",
	  .kind = OPT_TEXT,
	  .flags = OPT_REQUIRED,
	  .metavar = "SERVICE_NAME",
	  .help = "com.amazonaws.vpce.REGION.vpce-svc-..." },
	{ .name = "subnet",
	  .key = "SubnetConfigurations",
	  .kind = OPT_ENI,
	  .flags = OPT_REQUIRED | OPT_REPEAT,
	  .metavar = "SUBNET[=IP]|ZONE=IP",
	  .help = "an ENI per zone: in your SUBNET (at IP, or a free address), or at IP in "
		  "your subnet of ZONE" },
	{ .name = "vpc",
	  .key = "VpcId",
	  .kind = OPT_TEXT,
	  .metavar = "VPC",
	  .help = "your VPC the ENIs go in (default: the VPC of their subnets)" },
	{ .name = "private-dns",
	  .key = "PrivateDnsEnabled",
	  .kind = OPT_FLAG,
	  .flag_value = true,
	  .help = "the VPC resolves the service's private DNS name (it must be verified)" },
	{ .name = "security-group",
	  .key = "SecurityGroupIds",
	  .kind = OPT_TEXT,
	  .flags = OPT_REPEAT,
	  .metavar = "SG",
	  .help = "a security group of the VPC whose inbound rules decide who may connect (up "
		  "to 5; none: every consumer host of the VPC)" },
	WAIT_OPTIONS("available|pendingAcceptance"),
	{ 0 },
};

static const struct opt_spec list_options[] = {
	FILTER_OPTION("DescribeVpcEndpoints"),
	{ 0 },
};

static const struct opt_spec show_options[] = {
	WAIT_OPTIONS("available|pendingAcceptance|rejected|deleted"),
	{ 0 },
};

static const struct opt_spec delete_options[] = {
	WAIT_OPTIONS("deleted"),
	{ 0 },
};

static const struct opt_spec modify_options[] = {
	{ .name = "add-subnet",
	  .key = "AddSubnetConfigurations",
	  .kind = OPT_ENI,
	  .flags = OPT_REPEAT,
	  .metavar = "SUBNET[=IP]|ZONE=IP",
	  .help = "a new ENI, in a zone of the service without one yet" },
	{ .name = "remove-subnet",
	  .key = "RemoveSubnetConfigurations",
	  .kind = OPT_ENI,
	  .flags = OPT_REPEAT,
	  .metavar = "SUBNET|ZONE=IP",
	  .help = "an ENI that goes, with its flows (removals come before additions)" },
	{ .name = "private-dns",
	  .key = "PrivateDnsEnabled",
	  .kind = OPT_SWITCH,
	  .help = "whether the VPC resolves the service's (verified) private DNS name" },
	{ .name = "add-security-group",
	  .key = "AddSecurityGroupIds",
	  .kind = OPT_TEXT,
	  .flags = OPT_REPEAT,
	  .metavar = "SG",
	  .help = "one more security group of the VPC (up to 5), for new connections" },
	{ .name = "remove-security-group",
	  .key = "RemoveSecurityGroupIds",
	  .kind = OPT_TEXT,
	  .flags = OPT_REPEAT,
	  .metavar = "SG",
	  .help = "a security group that goes (one stays): established connections keep going" },
	{ 0 },
};

static const struct verb verbs[] = {
	{ "create", do_create, NULL, create_options, 0, 0,
	  "Create an interface endpoint to a service that allows you." },
	{ "modify", do_modify, "ID", modify_options, 1, 1,
	  "Add or remove ENIs or security groups of your endpoint, or turn private DNS on or "
	  "off." },
	{ "list", do_list, NULL, list_options, 0, 0,
	  "List your endpoints (deleted ones too, until xdplinkd's --deleted-retention)." },
	{ "show", do_show, "ID", show_options, 1, 1,
	  "Show one endpoint with its ENIs and DNS names (with --wait, once in that state)." },
	{ "delete", do_delete, "ID...", delete_options, 1, WORDS_ANY,
	  "Delete your endpoints: their flows end and their addresses are freed." },
	{ "accept", do_accept, "SERVICE ENDPOINT_ID...", NULL, 2, WORDS_ANY,
	  "Accept endpoints waiting on your service (pendingAcceptance -> available)." },
	{ "reject", do_reject, "SERVICE ENDPOINT_ID...", NULL, 2, WORDS_ANY,
	  "Reject endpoints of your service; an available one loses its flows." },
	{ 0 },
};

const struct noun cli_noun_endpoint = {
	.name = "endpoint",
	.alias = "ep",
	.summary = "interface endpoints: ENIs per zone, acceptance, DNS names",
	.default_verb = "list",
	.verbs = verbs,
};
