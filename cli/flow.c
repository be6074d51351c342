/* SPDX-License-Identifier: MIT */
/* xdplink flow: the connections the data path tracks, as conntrack -L shows the kernel's:
 * client, ENI, endpoint, target, the SNAT address the target sees, state, idle time. The
 * agent reads them from its mapped flow table (DescribeFlows). */
#include <stdio.h>

#include "cli.h"

static void print_list(const struct request *req, json_object *result)
{
	struct table *t = TABLE("CLIENT", "ENI", "ENDPOINT", "TARGET", "SNAT", "STATE", ">IDLE");

	(void)req;
	for (size_t i = 0; i < jlen(result, "Flows"); i++) {
		json_object *f = jitem(result, "Flows", i);

		table_row(t);
		table_cell(t, "%s:%s", jstr(f, "ClientAddress"), jstr(f, "ClientPort"));
		table_cell(t, "%s:%s", jstr(f, "EniAddress"), jstr(f, "EniPort"));
		table_cell(t, "%s", jstr(f, "VpcEndpointId"));
		table_cell(t, "%s:%s", jstr(f, "TargetAddress"), jstr(f, "TargetPort"));
		table_cell(t, "%s:%s", jstr(f, "SnatAddress"), jstr(f, "SnatPort"));
		table_cell(t, "%s", jstr(f, "State"));
		table_cell(t, "%ss", jstr(f, "IdleSeconds"));
	}
	table_print(t, stdout);
	if (jbool(result, "Truncated"))
		printf("(%zu of %s flows shown: --max N shows more)\n", jlen(result, "Flows"),
		       jstr(result, "FlowCount"));
}

static void print_show(const struct request *req, json_object *result)
{
	(void)req;
	for (size_t i = 0; i < jlen(result, "Flows"); i++) {
		json_object *f = jitem(result, "Flows", i);

		if (i)
			putchar('\n');
		field("Client", "%s:%s", jstr(f, "ClientAddress"), jstr(f, "ClientPort"));
		field("ENI", "%s:%s", jstr(f, "EniAddress"), jstr(f, "EniPort"));
		field("Endpoint", "%s", jstr(f, "VpcEndpointId"));
		field("Service", "%s", jstr(f, "ServiceId"));
		field("Target group", "%s", jstr(f, "TargetGroupName"));
		field("Target", "%s:%s", jstr(f, "TargetAddress"), jstr(f, "TargetPort"));
		field("SNAT", "%s:%s (what the target sees)", jstr(f, "SnatAddress"),
		      jstr(f, "SnatPort"));
		field("State", "%s", jstr(f, "State"));
		field("Proxy protocol", "%s", on_off(jbool(f, "ProxyProtocol")));
		field("Idle", "%s s", jstr(f, "IdleSeconds"));
	}
}

static int do_list(const struct cli *cli, const struct request *req)
{
	return cli_run(cli, req, "DescribeFlows", print_list);
}

/* The flows of one client address and port (one, unless it called several ENIs). */
static int do_show(const struct cli *cli, const struct request *req)
{
	json_object *result;
	int rc;

	args_set_string(req->args, "ClientAddress", req->words[0]);
	rc = cli_call(cli, "DescribeFlows", req->args, &result);
	if (rc)
		return rc;
	if (!jlen(result, "Flows")) {
		fprintf(stderr, "xdplink: flow show: no tracked flow from %s\n", req->words[0]);
		rc = CLI_EXIT_FAILED;
	} else if (cli->json) {
		cli_print_json(cli, result);
	} else {
		print_show(req, result);
	}
	json_object_put(result);
	return rc;
}

static const struct opt_spec list_options[] = {
	{ .name = "endpoint",
	  .key = "VpcEndpointId",
	  .kind = OPT_TEXT,
	  .metavar = "ID",
	  .help = "only the flows through this interface endpoint (vpce-...)" },
	{ .name = "target",
	  .key = "Target",
	  .kind = OPT_TEXT,
	  .metavar = "IP[:PORT]",
	  .help = "only the flows to this target" },
	{ .name = "client",
	  .key = "ClientAddress",
	  .kind = OPT_TEXT,
	  .metavar = "IP[:PORT]",
	  .help = "only the flows from this client address" },
	{ .name = "max",
	  .key = "MaxResults",
	  .kind = OPT_NUMBER,
	  .metavar = "N",
	  .help = "show at most N flows (default 1000; the count says how many matched)" },
	{ 0 },
};

static const struct verb verbs[] = {
	{ "list", do_list, NULL, list_options, 0, 0,
	  "List the tracked flows (connections), filtered by endpoint, target or client." },
	{ "show", do_show, "CLIENT_IP:PORT", NULL, 1, 1,
	  "Show the flow of one client connection." },
	{ 0 },
};

const struct noun cli_noun_flow = {
	.name = "flow",
	.summary = "tracked connections: client, endpoint, target, SNAT, state",
	.default_verb = "list",
	.verbs = verbs,
};
