/* SPDX-License-Identifier: MIT */
/* xdplink tg: target groups, their targets (IP:port in a zone), health checks and
 * deregistration, and the health of each target. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* "TCP:80" or "HTTP:8080/health" */
static void health_check_text(json_object *tg, char *out, size_t size)
{
	bool http = !strcmp(jstr(tg, "HealthCheckProtocol"), "HTTP");

	snprintf(out, size, "%s:%s%s", jstr(tg, "HealthCheckProtocol"), jstr(tg, "HealthCheckPort"),
		 http ? jstr(tg, "HealthCheckPath") : "");
}

/* The names of the load balancers in an array of ARNs, comma-separated, into a cell. */
static void append_arn_names(struct table *t, json_object *arns)
{
	char name[64];

	table_cell(t, "%s", "");
	for (size_t i = 0; i < json_object_array_length(arns); i++) {
		arn_resource_name(json_object_get_string(json_object_array_get_idx(arns, i)), name,
				  sizeof(name));
		table_append(t, "%s%s", i ? "," : "", name);
	}
}

static void print_created(const struct request *req, json_object *result)
{
	json_object *tg = jget(result, "TargetGroup");
	char check[256];

	(void)req;
	health_check_text(tg, check, sizeof(check));
	printf("created target group %s: port %s, health check %s\n", jstr(tg, "TargetGroupName"),
	       jstr(tg, "Port"), check);
}

static void print_updated(const struct request *req, json_object *result)
{
	(void)result;
	printf("updated target group %s\n", req->words[0]);
}

static void print_list(const struct request *req, json_object *result)
{
	struct table *t =
	    TABLE("NAME", ">PORT", "PROTOCOL", "HEALTH CHECK", ">DEREG DELAY", "LOAD BALANCERS");
	char check[256];

	(void)req;
	for (size_t i = 0; i < jlen(result, "TargetGroups"); i++) {
		json_object *tg = jitem(result, "TargetGroups", i);

		health_check_text(tg, check, sizeof(check));
		table_row(t);
		table_cell(t, "%s", jstr(tg, "TargetGroupName"));
		table_cell(t, "%s", jstr(tg, "Port"));
		table_cell(t, "%s", jstr(tg, "Protocol"));
		table_cell(t, "%s", check);
		table_cell(t, "%ss", jstr(tg, "DeregistrationDelaySeconds"));
		append_arn_names(t, jget(tg, "LoadBalancerArns"));
	}
	table_print(t, stdout);
}

static void print_show(const struct request *req, json_object *result)
{
	json_object *tg = jitem(result, "TargetGroups", 0);
	char check[256], name[64];

	(void)req;
	health_check_text(tg, check, sizeof(check));
	field("Name", "%s", jstr(tg, "TargetGroupName"));
	field("ARN", "%s", jstr(tg, "TargetGroupArn"));
	field("Owner", "%s", jstr(tg, "OwnerId"));
	field("Port", "%s %s", jstr(tg, "Protocol"), jstr(tg, "Port"));
	field("Health check", "%s every %ss, timeout %ss", check,
	      jstr(tg, "HealthCheckIntervalSeconds"), jstr(tg, "HealthCheckTimeoutSeconds"));
	field("", "healthy after %s, unhealthy after %s", jstr(tg, "HealthyThresholdCount"),
	      jstr(tg, "UnhealthyThresholdCount"));
	if (!strcmp(jstr(tg, "HealthCheckProtocol"), "HTTP"))
		field("", "matcher %s", jstr(tg, "Matcher"));
	field("Deregistration", "delay %ss, terminate connections %s",
	      jstr(tg, "DeregistrationDelaySeconds"),
	      on_off(jbool(tg, "DeregistrationConnectionTermination")));
	field("Unhealthy", "terminate connections %s",
	      on_off(jbool(tg, "UnhealthyConnectionTermination")));
	field("Proxy protocol v2", "%s", on_off(jbool(tg, "ProxyProtocolV2")));
	for (size_t i = 0; i < jlen(tg, "LoadBalancerArns"); i++) {
		arn_resource_name(jstr(jitem(tg, "LoadBalancerArns", i), ""), name, sizeof(name));
		field(i ? "" : "Load balancers", "%s", name);
	}
}

static void print_health(const struct request *req, json_object *result)
{
	struct table *t = TABLE("TARGET", ">PORT", "ZONE", "STATE", "REASON", ">ACTIVE");

	(void)req;
	for (size_t i = 0; i < jlen(result, "TargetHealthDescriptions"); i++) {
		json_object *d = jitem(result, "TargetHealthDescriptions", i);

		table_row(t);
		table_cell(t, "%s", jstr(d, "Target.Id"));
		table_cell(t, "%s", jstr(d, "Target.Port"));
		table_cell(t, "%s", jstr(d, "Target.AvailabilityZone"));
		table_cell(t, "%s", jstr(d, "TargetHealth.State"));
		table_cell(t, "%s", jstr(d, "TargetHealth.Reason"));
		table_cell(t, "%s", jstr(d, "ActiveFlowCount"));
	}
	table_print(t, stdout);
}

static void print_registered(const struct request *req, json_object *result)
{
	(void)result;
	printf("registered %d target%s in %s\n", req->word_count - 1,
	       req->word_count == 2 ? "" : "s", req->words[0]);
}

static void print_deregistered(const struct request *req, json_object *result)
{
	(void)result;
	printf("deregistered %d target%s from %s: draining for its deregistration delay\n",
	       req->word_count - 1, req->word_count == 2 ? "" : "s", req->words[0]);
}

static void print_deleted(const struct request *req, json_object *result)
{
	(void)result;
	printf("deleted target group %s\n", req->words[0]);
}

/* {"Id": IP, "Port": N} from "IP:PORT", or {"Id": IP} from an IP (the group's port).
 * Text with several colons is left whole for the agent to judge (IPv6). */
static json_object *target_of(const struct request *req, const char *text)
{
	const char *colon = strchr(text, ':');
	json_object *target = json_object_new_object();
	char *end;
	long port;

	if (!colon || strchr(colon + 1, ':')) {
		args_set_string(target, "Id", text);
		return target;
	}
	port = strtol(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end || port < 1 || port > 65535) {
		json_object_put(target);
		cli_usage_error(req->noun, req->verb, "'%s' is not IP[:PORT] (a port is 1-65535)",
				text);
		return NULL;
	}
	json_object_object_add(target, "Id", json_object_new_string_len(text, (int)(colon - text)));
	json_object_object_add(target, "Port", json_object_new_int((int)port));
	return target;
}

/* Name and Targets from NAME IP[:PORT]...; the zone, when given, goes to every target. */
static int set_targets(const struct request *req, const char *zone)
{
	json_object *targets = json_object_new_array();

	args_set_string(req->args, "Name", req->words[0]);
	json_object_object_add(req->args, "Targets", targets);
	for (int i = 1; i < req->word_count; i++) {
		json_object *target = target_of(req, req->words[i]);

		if (!target)
			return CLI_EXIT_USAGE;
		if (zone)
			args_set_string(target, "AvailabilityZone", zone);
		json_object_array_add(targets, target);
	}
	return CLI_EXIT_OK;
}

static int do_create(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "Name", req->words[0]);
	return cli_run(cli, req, "CreateTargetGroup", print_created);
}

static int do_set(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "Name", req->words[0]);
	return cli_run(cli, req, "ModifyTargetGroupAttributes", print_updated);
}

static int do_list(const struct cli *cli, const struct request *req)
{
	return cli_run(cli, req, "DescribeTargetGroups", print_list);
}

static int do_show(const struct cli *cli, const struct request *req)
{
	args_set_words(req->args, "Names", req->words, 1);
	return cli_run(cli, req, "DescribeTargetGroups", print_show);
}

static int do_delete(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "Name", req->words[0]);
	return cli_run(cli, req, "DeleteTargetGroup", print_deleted);
}

/* aws elbv2 wait target-in-service and target-deregistered: a deregistered target drains,
 * then leaves its group. */
static const struct wait_goal target_goals[] = {
	{ .name = "healthy", .state = "healthy", .never = "draining" },
	{ .name = "in-service", .state = "healthy", .never = "draining" },
	{ .name = "unused", .state = "unused", .gone_reaches = true },
	{ .name = "deregistered", .state = "unused", .gone_reaches = true },
	{ 0 },
};

static const struct waiter target_waiter = {
	.what = "target",
	.action = "DescribeTargetHealth",
	.list_key = "TargetHealthDescriptions",
	.id_path = "Target.Id",
	.port_path = "Target.Port",
	.state_path = "TargetHealth.State",
	.gone_code = "TargetGroupNotFound",
	.goals = target_goals,
};

/* The group NAME, and the targets of NAME IP[:PORT]... as written (none: every target). */
static void named_targets(const struct request *req, json_object *result,
			  json_object *describe_args, json_object *ids)
{
	(void)result;
	args_set_string(describe_args, "Name", req->words[0]);
	for (int i = 1; i < req->word_count; i++)
		json_object_array_add(ids, json_object_new_string(req->words[i]));
}

static const struct wait_for wait_for_targets = { &target_waiter, named_targets };

/* With --wait, shows the health once every target is in the state. */
static int do_health(const struct cli *cli, const struct request *req)
{
	int rc = cli_wait(cli, req, &wait_for_targets, NULL);

	if (rc)
		return rc;
	args_set_string(req->args, "Name", req->words[0]);
	return cli_run(cli, req, "DescribeTargetHealth", print_health);
}

static int do_register(const struct cli *cli, const struct request *req)
{
	if (set_targets(req, jstr(req->local, "Zone")))
		return CLI_EXIT_USAGE;
	return cli_run_and_wait(cli, req, "RegisterTargets", print_registered, &wait_for_targets);
}

static int do_deregister(const struct cli *cli, const struct request *req)
{
	if (set_targets(req, NULL))
		return CLI_EXIT_USAGE;
	return cli_run_and_wait(cli, req, "DeregisterTargets", print_deregistered,
				&wait_for_targets);
}

/* `tg set` takes every option of `tg create` but the first two, --port and --protocol. */
static const struct opt_spec create_options[] = {
	{ .name = "port",
	  .key = "Port",
	  .kind = OPT_PORT,
	  .flags = OPT_REQUIRED,
	  .metavar = "N",
	  .help = "the port targets receive traffic on (a target may override it)" },
	{ .name = "protocol",
	  .key = "Protocol",
	  .kind = OPT_TEXT,
	  .metavar = "TCP",
	  .help = "TCP, the default and the only protocol served" },
	{ .name = "health-check",
	  .key = "HealthCheckProtocol",
	  .kind = OPT_CHOICE,
	  .metavar = "tcp|http",
	  .choices = "TCP|HTTP",
	  .help = "a TCP connect, or an HTTP GET (default tcp)" },
	{ .name = "health-check-path",
	  .key = "HealthCheckPath",
	  .kind = OPT_TEXT,
	  .metavar = "PATH",
	  .help = "the path of HTTP checks (default /)" },
	{ .name = "health-check-port",
	  .key = "HealthCheckPort",
	  .kind = OPT_PORT,
	  .metavar = "N",
	  .help = "the port checks go to (default the target's port)" },
	{ .name = "interval",
	  .key = "HealthCheckIntervalSeconds",
	  .kind = OPT_NUMBER,
	  .metavar = "S",
	  .help = "seconds between checks, 5-300 (default 30)" },
	{ .name = "timeout",
	  .key = "HealthCheckTimeoutSeconds",
	  .kind = OPT_NUMBER,
	  .metavar = "S",
	  .help = "seconds a check may take, 2-120 (default 10 TCP, 6 HTTP)" },
	{ .name = "healthy-threshold",
	  .key = "HealthyThresholdCount",
	  .kind = OPT_NUMBER,
	  .metavar = "N",
	  .help = "checks passed in a row to be healthy, 2-10 (default 5)" },
	{ .name = "unhealthy-threshold",
	  .key = "UnhealthyThresholdCount",
	  .kind = OPT_NUMBER,
	  .metavar = "N",
	  .help = "checks failed in a row to be unhealthy, 2-10 (default 2)" },
	{ .name = "matcher",
	  .key = "Matcher",
	  .kind = OPT_TEXT,
	  .metavar = "CODES",
	  .help = "HTTP codes of a healthy answer (default 200-399)" },
	{ .name = "deregistration-delay",
	  .key = "DeregistrationDelaySeconds",
	  .kind = OPT_NUMBER,
	  .metavar = "S",
	  .help = "seconds a deregistered target drains, 0-3600 (default 300)" },
	{ .name = "deregistration-termination",
	  .key = "DeregistrationConnectionTermination",
	  .kind = OPT_SWITCH,
	  .help = "reset a drained target's flows at the end (default off)" },
	{ .name = "unhealthy-termination",
	  .key = "UnhealthyConnectionTermination",
	  .kind = OPT_SWITCH,
	  .help = "reset an unhealthy target's flows (default on)" },
	{ .name = "proxy-protocol",
	  .key = "ProxyProtocolV2",
	  .kind = OPT_SWITCH,
	  .help = "send a proxy protocol v2 header to targets (default off)" },
	{ 0 },
};

static const struct opt_spec register_options[] = {
	{ .name = "az",
	  .key = "Zone",
	  .kind = OPT_TEXT,
	  .flags = OPT_REQUIRED | OPT_LOCAL,
	  .metavar = "ZONE",
	  .help = "the zone id (use1-az1) of every target listed" },
	WAIT_OPTIONS("healthy|in-service"),
	{ 0 },
};

static const struct opt_spec list_options[] = {
	FILTER_OPTION("DescribeTargetGroups"),
	{ 0 },
};

static const struct opt_spec deregister_options[] = {
	WAIT_OPTIONS("unused|deregistered"),
	{ 0 },
};

static const struct opt_spec health_options[] = {
	FILTER_OPTION("DescribeTargetHealth"),
	WAIT_OPTIONS("healthy|in-service"),
	{ 0 },
};

static const struct verb verbs[] = {
	{ "create", do_create, "NAME", create_options, 1, 1,
	  "Create a target group (TCP); health checks and draining follow AWS's defaults." },
	{ "set", do_set, "NAME", create_options + 2, 1, 1,
	  "Change a target group's health check, deregistration or proxy protocol settings." },
	{ "list", do_list, NULL, list_options, 0, 0, "List your target groups." },
	{ "show", do_show, "NAME", NULL, 1, 1, "Show one target group's settings." },
	{ "delete", do_delete, "NAME", NULL, 1, 1,
	  "Delete a target group (not while a listener forwards to it)." },
	{ "health", do_health, "NAME", health_options, 1, 1,
	  "Show each target's health, its reason, and its active flows (with --wait, once "
	  "every target is healthy)." },
	{ "register", do_register, "NAME IP[:PORT]...", register_options, 2, WORDS_ANY,
	  "Register targets in one zone; PORT defaults to the group's port." },
	{ "deregister", do_deregister, "NAME IP[:PORT]...", deregister_options, 2, WORDS_ANY,
	  "Deregister targets: no new flows at once, draining for the deregistration delay." },
	{ 0 },
};

const struct noun cli_noun_tg = {
	.name = "tg",
	.summary = "target groups: targets in zones, health checks, deregistration",
	.default_verb = "list",
	.verbs = verbs,
};
