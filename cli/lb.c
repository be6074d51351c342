/* SPDX-License-Identifier: MIT */
/* xdplink lb: network load balancers, each with one node IP per enabled zone (the
 * address targets see as the source of a flow), and cross-zone load balancing. */
#include <string.h>

#include "cli.h"

/* "use1-az1=10.0.1.10,use1-az2=10.0.2.10" */
static void zones_text(json_object *lb, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < jlen(lb, "AvailabilityZones") && used < size; i++) {
		json_object *zone = jitem(lb, "AvailabilityZones", i);

		used += (size_t)snprintf(
		    out + used, size - used, "%s%s=%s", i ? "," : "", jstr(zone, "ZoneId"),
		    jstr(jitem(zone, "LoadBalancerAddresses", 0), "PrivateIPv4Address"));
	}
}

static void print_created(const struct request *req, json_object *result)
{
	json_object *lb = jget(result, "LoadBalancer");
	char zones[512];

	(void)req;
	zones_text(lb, zones, sizeof(zones));
	printf("created load balancer %s in %s, cross-zone %s\n", jstr(lb, "LoadBalancerName"),
	       zones, on_off(jbool(lb, "CrossZoneEnabled")));
}

static void print_list(const struct request *req, json_object *result)
{
	struct table *t = TABLE("NAME", "STATE", "CROSS-ZONE", "ZONES", "ARN");
	char zones[512];

	(void)req;
	for (size_t i = 0; i < jlen(result, "LoadBalancers"); i++) {
		json_object *lb = jitem(result, "LoadBalancers", i);

		zones_text(lb, zones, sizeof(zones));
		table_row(t);
		table_cell(t, "%s", jstr(lb, "LoadBalancerName"));
		table_cell(t, "%s", jstr(lb, "State.Code"));
		table_cell(t, "%s", on_off(jbool(lb, "CrossZoneEnabled")));
		table_cell(t, "%s", zones);
		table_cell(t, "%s", jstr(lb, "LoadBalancerArn"));
	}
	table_print(t, stdout);
}

static void print_one(json_object *lb)
{
	field("Name", "%s", jstr(lb, "LoadBalancerName"));
	field("ARN", "%s", jstr(lb, "LoadBalancerArn"));
	field("Type", "%s (%s)", jstr(lb, "Type"), jstr(lb, "Scheme"));
	field("State", "%s", jstr(lb, "State.Code"));
	field("Owner", "%s", jstr(lb, "OwnerId"));
	field("Cross-zone", "%s", on_off(jbool(lb, "CrossZoneEnabled")));
	for (size_t i = 0; i < jlen(lb, "AvailabilityZones"); i++) {
		json_object *zone = jitem(lb, "AvailabilityZones", i);

		field(i ? "" : "Zones", "%s (%s) node %s", jstr(zone, "ZoneId"),
		      jstr(zone, "ZoneName"),
		      jstr(jitem(zone, "LoadBalancerAddresses", 0), "PrivateIPv4Address"));
	}
	field("Created", "%s", jstr(lb, "CreatedTime"));
}

static void print_show(const struct request *req, json_object *result)
{
	(void)req;
	print_one(jitem(result, "LoadBalancers", 0));
}

static void print_set(const struct request *req, json_object *result)
{
	json_object *lb = jget(result, "LoadBalancer");

	(void)req;
	printf("load balancer %s: cross-zone %s\n", jstr(lb, "LoadBalancerName"),
	       on_off(jbool(lb, "CrossZoneEnabled")));
}

static void print_deleted(const struct request *req, json_object *result)
{
	(void)result;
	printf("deleted load balancer %s\n", req->words[0]);
}

/* aws elbv2 wait load-balancer-available and load-balancers-deleted. */
static const struct wait_goal lb_goals[] = {
	{ .name = "available", .state = "active", .never = "failed" },
	{ .name = "deleted", .gone_reaches = true },
	{ 0 },
};

static const struct waiter lb_waiter = {
	.what = "load balancer",
	.action = "DescribeLoadBalancers",
	.list_key = "LoadBalancers",
	.id_path = "LoadBalancerName",
	.state_path = "State.Code",
	.goals = lb_goals,
};

static void named_lb(const struct request *req, json_object *result, json_object *describe_args,
		     json_object *ids)
{
	(void)result;
	(void)describe_args; /* all the caller's: one that is gone is not an error */
	json_object_array_add(ids, json_object_new_string(req->words[0]));
}

static const struct wait_for wait_for_lb = { &lb_waiter, named_lb };

static int do_create(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "Name", req->words[0]);
	return cli_run_and_wait(cli, req, "CreateLoadBalancer", print_created, &wait_for_lb);
}

static int do_list(const struct cli *cli, const struct request *req)
{
	return cli_run(cli, req, "DescribeLoadBalancers", print_list);
}

static int do_show(const struct cli *cli, const struct request *req)
{
	args_set_words(req->args, "Names", req->words, 1);
	return cli_run(cli, req, "DescribeLoadBalancers", print_show);
}

static int do_set(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "Name", req->words[0]);
	return cli_run(cli, req, "ModifyLoadBalancerAttributes", print_set);
}

static int do_delete(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "Name", req->words[0]);
	return cli_run_and_wait(cli, req, "DeleteLoadBalancer", print_deleted, &wait_for_lb);
}

static const struct opt_spec create_options[] = {
	{ .name = "az",
	  .key = "Zones",
	  .kind = OPT_PAIR,
	  .flags = OPT_REQUIRED | OPT_REPEAT,
	  .metavar = "ZONE=NODE_IP",
	  .pair_keys = { "ZoneId", "Address" },
	  .help = "a zone id (use1-az1) and the node IP there; once per zone" },
	{ .name = "cross-zone",
	  .key = "CrossZone",
	  .kind = OPT_FLAG,
	  .flag_value = true,
	  .help = "let new flows reach targets in every zone (default: their own zone)" },
	WAIT_OPTIONS("available"),
	{ 0 },
};

static const struct opt_spec list_options[] = {
	FILTER_OPTION("DescribeLoadBalancers"),
	{ 0 },
};

static const struct opt_spec delete_options[] = {
	WAIT_OPTIONS("deleted"),
	{ 0 },
};

static const struct opt_spec set_options[] = {
	{ .name = "cross-zone",
	  .key = "CrossZone",
	  .kind = OPT_SWITCH,
	  .flags = OPT_REQUIRED,
	  .help = "cross-zone load balancing; established flows stay where they are" },
	{ 0 },
};

static const struct verb verbs[] = {
	{ "create", do_create, "NAME", create_options, 1, 1,
	  "Create a network load balancer with one node IP in each of its zones." },
	{ "list", do_list, NULL, list_options, 0, 0, "List your load balancers." },
	{ "show", do_show, "NAME", NULL, 1, 1, "Show one load balancer." },
	{ "set", do_set, "NAME", set_options, 1, 1, "Change a load balancer's attributes." },
	{ "delete", do_delete, "NAME", delete_options, 1, 1,
	  "Delete a load balancer and its listeners (not while an endpoint service uses it)." },
	{ 0 },
};

const struct noun cli_noun_lb = {
	.name = "lb",
	.summary = "load balancers: zones with their node IPs, cross-zone, listeners' home",
	.default_verb = "list",
	.verbs = verbs,
};
