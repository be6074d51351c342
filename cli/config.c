/* SPDX-License-Identifier: MIT */
/* xdplink config: the node's whole configuration exported to a file, and a file applied
 * declaratively (what it holds is made, changed or deleted to match), with its plan. */
#include <string.h>

#include "cli.h"
#include "config_format.h"

static int do_export(const struct cli *cli, const struct request *req)
{
	const char *format = jstr(req->local, "Format");
	json_object *result, *config;
	int rc = cli_call(cli, "ExportConfiguration", req->args, &result);

	if (rc)
		return rc;
	config = jget(result, "Configuration");
	if (jbool(req->local, "Yaml") || !strcmp(format, "yaml")) {
		if (config_file_write_yaml(stdout, config) < 0) {
			fprintf(stderr, "xdplink: config export: cannot write YAML\n");
			rc = CLI_EXIT_FAILED;
		}
	} else {
		/* a file a human edits: indented, unless -j asks for one line */
		struct cli pretty = *cli;

		pretty.pretty = !cli->json || cli->pretty;
		cli_print_json(&pretty, config);
	}
	json_object_put(result);
	return rc;
}

static void print_plan(json_object *plan)
{
	struct table *t = TABLE("CHANGE", "KIND", "ID", "OWNER", "ACTION");

	for (size_t i = 0; i < json_object_array_length(plan); i++) {
		json_object *step = json_object_array_get_idx(plan, i);

		table_row(t);
		table_cell(t, "%s", jstr(step, "Change"));
		table_cell(t, "%s", jstr(step, "Kind"));
		table_cell(t, "%s", jstr(step, "Id"));
		table_cell(t, "%s", jstr(step, "Owner"));
		table_cell(t, "%s", jstr(step, "Action"));
	}
	table_print(t, stdout);
}

static int do_apply(const struct cli *cli, const struct request *req)
{
	const char *path = jstr(req->local, "File");
	bool dry_run = jbool(req->local, "DryRun");
	json_object *config, *result, *plan;
	char why[512];
	size_t steps;
	int rc;

	config = config_file_read(path, why, sizeof(why));
	if (!config) {
		fprintf(stderr, "xdplink: config apply: %s\n", why);
		return CLI_EXIT_USAGE;
	}
	json_object_object_add(req->args, "Configuration", config);
	rc =
	    cli_call(cli, dry_run ? "PlanConfiguration" : "ApplyConfiguration", req->args, &result);
	if (rc)
		return rc;
	plan = jget(result, "Plan");
	steps = jlen(result, "Plan");
	if (cli->json) {
		cli_print_json(cli, result);
	} else {
		if (steps)
			print_plan(plan);
		if (dry_run)
			printf("%zu change%s planned; nothing was changed (--dry-run)\n", steps,
			       steps == 1 ? "" : "s");
		else
			printf("%zu change%s applied\n", steps, steps == 1 ? "" : "s");
	}
	json_object_put(result);
	return CLI_EXIT_OK;
}

static const struct opt_spec export_options[] = {
	{ .name = "yaml",
	  .key = "Yaml",
	  .kind = OPT_FLAG,
	  .flags = OPT_LOCAL,
	  .flag_value = true,
	  .help = "write YAML (the same as --output yaml)" },
	{ .name = "output",
	  .short_name = 'o',
	  .key = "Format",
	  .kind = OPT_CHOICE,
	  .flags = OPT_LOCAL,
	  .metavar = "json|yaml",
	  .choices = "json|yaml",
	  .help = "the file's format (default json); -o for short" },
	{ 0 },
};

static const struct opt_spec apply_options[] = {
	{ .name = "file",
	  .short_name = 'f',
	  .key = "File",
	  .kind = OPT_TEXT,
	  .flags = OPT_REQUIRED | OPT_LOCAL,
	  .metavar = "FILE",
	  .help = "the configuration, JSON or YAML (by its extension, else by its first "
		  "character); - reads standard input; -f for short" },
	{ .name = "dry-run",
	  .key = "DryRun",
	  .kind = OPT_FLAG,
	  .flags = OPT_LOCAL,
	  .flag_value = true,
	  .help = "print the plan (each create, modify and delete) and change nothing" },
	{ 0 },
};

static const struct verb verbs[] = {
	{ "export", do_export, NULL, export_options, 0, 0,
	  "Print the node's whole configuration, ids included, as JSON or YAML." },
	{ "apply", do_apply, NULL, apply_options, 0, 0,
	  "Make the node what FILE says (create, modify, delete; all or nothing)." },
	{ 0 },
};

const struct noun cli_noun_config = {
	.name = "config",
	.summary = "the node's configuration as a file: export, apply (declarative)",
	.default_verb = "export",
	.verbs = verbs,
};
