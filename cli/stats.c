/* SPDX-License-Identifier: MIT */
/* xdplink stats: the data path's counters per target, healthy and unhealthy targets per
 * group and zone, counters per endpoint and per service, the reasons packets were
 * forwarded, passed, dropped or reset (with their meaning), and totals. */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "facts.h"

struct traffic {
	int64_t endpoints;
	int64_t new_flows;
	int64_t packets;
	int64_t bytes;
	int64_t resets;
	int64_t port_errors;
	int64_t drops;
};

static const char *meaning_of(const char *reason)
{
	for (size_t i = 0; i < XL_REASON_COUNT; i++)
		if (!strcmp(xl_reason_names[i], reason))
			return xl_reason_texts[i];
	return "";
}

/* The traffic of the endpoints of one service, or of all when service_id is NULL. */
static struct traffic sum_endpoints(json_object *endpoints, const char *service_id)
{
	struct traffic sum = { 0 };

	for (size_t i = 0; i < json_object_array_length(endpoints); i++) {
		json_object *e = json_object_array_get_idx(endpoints, i);

		if (service_id && strcmp(jstr(e, "ServiceId"), service_id))
			continue;
		sum.endpoints++;
		sum.new_flows += jint(e, "NewFlowCount");
		sum.packets += jint(e, "ProcessedPackets");
		sum.bytes += jint(e, "ProcessedBytes");
		sum.resets += jint(e, "TCP_ELB_Reset_Count");
		sum.port_errors += jint(e, "PortAllocationErrorCount");
		sum.drops += jint(e, "Drops");
	}
	return sum;
}

static void print_targets(json_object *result)
{
	struct table *t = TABLE("TARGET GROUP", "TARGET", "ZONE", "STATE", ">ACTIVE", ">NEW",
				">PACKETS", ">BYTES", ">RESETS", ">PORT ALLOC ERR");

	for (size_t i = 0; i < jlen(result, "Targets"); i++) {
		json_object *row = jitem(result, "Targets", i);

		table_row(t);
		table_cell(t, "%s", jstr(row, "TargetGroupName"));
		table_cell(t, "%s:%s", jstr(row, "Id"), jstr(row, "Port"));
		table_cell(t, "%s", jstr(row, "AvailabilityZone"));
		table_cell(t, "%s", jstr(row, "State"));
		table_cell(t, "%s", jstr(row, "ActiveFlowCount"));
		table_cell(t, "%s", jstr(row, "NewFlowCount"));
		table_cell(t, "%s", jstr(row, "ProcessedPackets"));
		table_cell(t, "%s", jstr(row, "ProcessedBytes"));
		table_cell(t, "%s", jstr(row, "TCP_ELB_Reset_Count"));
		table_cell(t, "%s", jstr(row, "PortAllocationErrorCount"));
	}
	table_print(t, stdout);
}

static void print_endpoints(json_object *result)
{
	struct table *t = TABLE("ENDPOINT", "SERVICE", "STATE", ">NEW", ">PACKETS", ">BYTES",
				">RESETS", ">PORT ALLOC ERR", ">DROPS");

	for (size_t i = 0; i < jlen(result, "Endpoints"); i++) {
		json_object *row = jitem(result, "Endpoints", i);

		table_row(t);
		table_cell(t, "%s", jstr(row, "VpcEndpointId"));
		table_cell(t, "%s", jstr(row, "ServiceId"));
		table_cell(t, "%s", jstr(row, "State"));
		table_cell(t, "%s", jstr(row, "NewFlowCount"));
		table_cell(t, "%s", jstr(row, "ProcessedPackets"));
		table_cell(t, "%s", jstr(row, "ProcessedBytes"));
		table_cell(t, "%s", jstr(row, "TCP_ELB_Reset_Count"));
		table_cell(t, "%s", jstr(row, "PortAllocationErrorCount"));
		table_cell(t, "%s", jstr(row, "Drops"));
	}
	table_print(t, stdout);
}

static void print_host_counts(json_object *result)
{
	struct table *t = TABLE("TARGET GROUP", "ZONE", ">HEALTHY", ">UNHEALTHY");

	for (size_t i = 0; i < jlen(result, "HostCounts"); i++) {
		json_object *row = jitem(result, "HostCounts", i);

		table_row(t);
		table_cell(t, "%s", jstr(row, "TargetGroupName"));
		table_cell(t, "%s", jstr(row, "AvailabilityZone"));
		table_cell(t, "%s", jstr(row, "HealthyHostCount"));
		table_cell(t, "%s", jstr(row, "UnHealthyHostCount"));
	}
	table_print(t, stdout);
}

static bool seen_before(json_object *endpoints, size_t index, const char *service_id)
{
	for (size_t i = 0; i < index; i++)
		if (!strcmp(jstr(json_object_array_get_idx(endpoints, i), "ServiceId"), service_id))
			return true;
	return false;
}

static void print_services(json_object *result)
{
	struct table *t = TABLE("SERVICE", ">ENDPOINTS", ">NEW", ">PACKETS", ">BYTES", ">RESETS",
				">PORT ALLOC ERR", ">DROPS");
	json_object *endpoints = jget(result, "Endpoints");

	for (size_t i = 0; i < jlen(result, "Endpoints"); i++) {
		const char *id = jstr(json_object_array_get_idx(endpoints, i), "ServiceId");
		struct traffic sum;

		if (seen_before(endpoints, i, id))
			continue;
		sum = sum_endpoints(endpoints, id);
		table_row(t);
		table_cell(t, "%s", id);
		table_cell(t, "%lld", (long long)sum.endpoints);
		table_cell(t, "%lld", (long long)sum.new_flows);
		table_cell(t, "%lld", (long long)sum.packets);
		table_cell(t, "%lld", (long long)sum.bytes);
		table_cell(t, "%lld", (long long)sum.resets);
		table_cell(t, "%lld", (long long)sum.port_errors);
		table_cell(t, "%lld", (long long)sum.drops);
	}
	table_print(t, stdout);
}

static void print_reasons(json_object *result)
{
	struct table *t = TABLE("REASON", ">PACKETS", "MEANING");
	json_object *reasons = jget(result, "Reasons");

	if (json_object_is_type(reasons, json_type_object)) {
		json_object_object_foreach(reasons, name, count)
		{
			if (!json_object_get_int64(count))
				continue;
			table_row(t);
			table_cell(t, "%s", name);
			table_cell(t, "%s", json_object_get_string(count));
			table_cell(t, "%s", meaning_of(name));
		}
	}
	table_print(t, stdout);
}

static void print_stats(const struct request *req, json_object *result)
{
	struct traffic total = sum_endpoints(jget(result, "Endpoints"), NULL);

	(void)req;
	print_targets(result);
	putchar('\n');
	print_host_counts(result);
	putchar('\n');
	print_endpoints(result);
	putchar('\n');
	print_services(result);
	putchar('\n');
	print_reasons(result);
	printf("\nTotal: %s active flows, %lld new, %lld packets, %lld bytes, %lld resets, "
	       "%lld port allocation errors, %lld drops; %s SNAT ports held; up %s s\n",
	       jstr(result, "ActiveFlowCount"), (long long)total.new_flows,
	       (long long)total.packets, (long long)total.bytes, (long long)total.resets,
	       (long long)total.port_errors, (long long)total.drops, jstr(result, "HeldPortCount"),
	       jstr(result, "UptimeSeconds"));
}

/* Redraws every `seconds` until interrupted, or `rounds` times when that is not 0; only an
 * error ends it early. Into a pipe or a file it appends instead: a stamped heading per round,
 * no terminal escapes. */
static int watch(const struct cli *cli, const struct request *req, int64_t seconds, int64_t rounds)
{
	bool terminal = isatty(STDOUT_FILENO);

	for (int64_t round = 1;; round++) {
		json_object *result;
		time_t now = time(NULL);
		char stamp[32];
		int rc = cli_call(cli, "GetStats", req->args, &result);

		if (rc)
			return rc;
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime(&now));
		if (cli->json) {
			cli_print_json(cli, result);
		} else {
			printf("%s%s  every %lld s%s\n\n", terminal ? "\033[H\033[2J" : "", stamp,
			       (long long)seconds, terminal && !rounds ? ", Ctrl-C to stop" : "");
			print_stats(req, result);
		}
		json_object_put(result);
		fflush(stdout);
		if (round == rounds)
			return 0;
		sleep((unsigned)seconds);
	}
}

static int do_show(const struct cli *cli, const struct request *req)
{
	json_object *seconds = jget(req->local, "WatchSeconds");
	json_object *rounds = jget(req->local, "WatchRounds");

	if (rounds && !seconds)
		return cli_usage_error(req->noun, req->verb, "--count goes with --watch");
	if (!seconds)
		return cli_run(cli, req, "GetStats", print_stats);
	if (json_object_get_int64(seconds) < 1)
		return cli_usage_error(req->noun, req->verb, "--watch takes at least 1 second");
	if (rounds && json_object_get_int64(rounds) < 1)
		return cli_usage_error(req->noun, req->verb, "--count takes at least 1 round");
	return watch(cli, req, json_object_get_int64(seconds),
		     rounds ? json_object_get_int64(rounds) : 0);
}

static const struct opt_spec show_options[] = {
	{ .name = "watch",
	  .key = "WatchSeconds",
	  .kind = OPT_NUMBER,
	  .flags = OPT_LOCAL | OPT_OPTIONAL_VALUE,
	  .metavar = "SECONDS",
	  .default_number = 2,
	  .help = "redraw every SECONDS (default 2) until Ctrl-C" },
	{ .name = "count",
	  .key = "WatchRounds",
	  .kind = OPT_NUMBER,
	  .flags = OPT_LOCAL,
	  .metavar = "N",
	  .help = "with --watch: stop after N rounds" },
	{ 0 },
};

static const struct verb verbs[] = {
	{ "show", do_show, NULL, show_options, 0, 0,
	  "Counters per target, zone, endpoint and service; packet reasons; totals." },
	{ 0 },
};

const struct noun cli_noun_stats = {
	.name = "stats",
	.summary = "counters of the data path: targets, endpoints, services, reasons",
	.default_verb = "show",
	.verbs = verbs,
};
