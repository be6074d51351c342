/* SPDX-License-Identifier: MIT */
/* xdplink listener: a load balancer port that forwards new flows to a target group;
 * an endpoint's ENIs answer on the listener ports of its service's load balancers. */
#include "cli.h"

/* "web:80 -> web-tg" */
static void print_listener(json_object *listener, const char *verb)
{
	char lb[64], tg[64];

	arn_resource_name(jstr(listener, "LoadBalancerArn"), lb, sizeof(lb));
	arn_resource_name(jstr(jitem(listener, "DefaultActions", 0), "TargetGroupArn"), tg,
			  sizeof(tg));
	printf("%s listener %s:%s -> %s\n", verb, lb, jstr(listener, "Port"), tg);
}

static void print_added(const struct request *req, json_object *result)
{
	(void)req;
	print_listener(jget(result, "Listener"), "added");
}

static void print_list(const struct request *req, json_object *result)
{
	struct table *t = TABLE("LOAD BALANCER", ">PORT", "PROTOCOL", "TARGET GROUP", "ARN");
	char name[64];

	(void)req;
	for (size_t i = 0; i < jlen(result, "Listeners"); i++) {
		json_object *listener = jitem(result, "Listeners", i);

		table_row(t);
		arn_resource_name(jstr(listener, "LoadBalancerArn"), name, sizeof(name));
		table_cell(t, "%s", name);
		table_cell(t, "%s", jstr(listener, "Port"));
		table_cell(t, "%s", jstr(listener, "Protocol"));
		arn_resource_name(jstr(jitem(listener, "DefaultActions", 0), "TargetGroupArn"),
				  name, sizeof(name));
		table_cell(t, "%s", name);
		table_cell(t, "%s", jstr(listener, "ListenerArn"));
	}
	table_print(t, stdout);
}

static void print_removed(const struct request *req, json_object *result)
{
	(void)result;
	printf("removed listener %s:%s\n", req->words[0], jstr(req->args, "Port"));
}

static int do_add(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "LoadBalancerName", req->words[0]);
	return cli_run(cli, req, "CreateListener", print_added);
}

static int do_list(const struct cli *cli, const struct request *req)
{
	if (req->word_count)
		args_set_string(req->args, "LoadBalancerName", req->words[0]);
	return cli_run(cli, req, "DescribeListeners", print_list);
}

static int do_remove(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "LoadBalancerName", req->words[0]);
	return cli_run(cli, req, "DeleteListener", print_removed);
}

static const struct opt_spec add_options[] = {
	{ .name = "port",
	  .key = "Port",
	  .kind = OPT_PORT,
	  .flags = OPT_REQUIRED,
	  .metavar = "N",
	  .help = "the port clients connect to (on the endpoint's ENIs)" },
	{ .name = "tg",
	  .key = "TargetGroupName",
	  .kind = OPT_TEXT,
	  .flags = OPT_REQUIRED,
	  .metavar = "TG",
	  .help = "the target group new flows go to" },
	{ .name = "protocol",
	  .key = "Protocol",
	  .kind = OPT_TEXT,
	  .metavar = "TCP",
	  .help = "TCP, the default and the only protocol served" },
	{ 0 },
};

static const struct opt_spec list_options[] = {
	FILTER_OPTION("DescribeListeners"),
	{ 0 },
};

static const struct opt_spec remove_options[] = {
	{ .name = "port",
	  .key = "Port",
	  .kind = OPT_PORT,
	  .flags = OPT_REQUIRED,
	  .metavar = "N",
	  .help = "the listener's port" },
	{ 0 },
};

static const struct verb verbs[] = {
	{ "add", do_add, "LB", add_options, 1, 1,
	  "Add a TCP listener to a load balancer, forwarding to a target group." },
	{ "list", do_list, "[LB]", list_options, 0, 1,
	  "List listeners, of all or of one load balancer." },
	{ "remove", do_remove, "LB", remove_options, 1, 1, "Remove a listener." },
	{ 0 },
};

const struct noun cli_noun_listener = {
	.name = "listener",
	.summary = "listeners: a load balancer port forwarding to a target group",
	.default_verb = "list",
	.verbs = verbs,
};
