/* SPDX-License-Identifier: MIT */
/* xdplink iface: the interfaces the XDP data path is attached to, facing consumers
 * (ENIs), providers (targets) or both; the agent re-attaches them when it starts. */
#include "cli.h"
#include "xdplink.h"

static void print_attached(const struct request *req, json_object *result)
{
	(void)result;
	printf("attached %s as %s (%s)\n", req->words[0], jstr(req->args, "Role"),
	       jget(req->args, "Mode") ? jstr(req->args, "Mode") : "native");
}

static void print_detached(const struct request *req, json_object *result)
{
	(void)result;
	printf("detached %s\n", req->words[0]);
}

static void print_list(const struct request *req, json_object *result)
{
	struct table *t = TABLE("NAME", ">IFINDEX", "ROLE", "MODE", "ATTACHED");

	(void)req;
	for (size_t i = 0; i < jlen(result, "Interfaces"); i++) {
		json_object *iface = jitem(result, "Interfaces", i);

		table_row(t);
		table_cell(t, "%s", jstr(iface, "Name"));
		table_cell(t, "%s", jstr(iface, "Ifindex"));
		table_cell(t, "%s", jstr(iface, "Role"));
		table_cell(t, "%s", jstr(iface, "Mode"));
		table_cell(t, "%s", jbool(iface, "Attached") ? "yes" : "no");
	}
	table_print(t, stdout);
}

static int do_attach(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "Name", req->words[0]);
	return cli_run(cli, req, "AttachInterface", print_attached);
}

static int do_detach(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "Name", req->words[0]);
	return cli_run(cli, req, "DetachInterface", print_detached);
}

static int do_list(const struct cli *cli, const struct request *req)
{
	return cli_run(cli, req, "DescribeInterfaces", print_list);
}

/* "|consumer|provider|both": the roles' names, each after a bar. */
#define ROLE_CHOICE(id, value, name, text) "|" name
static const char role_choices[] = XL_ROLES(ROLE_CHOICE);
#undef ROLE_CHOICE

static const struct opt_spec attach_options[] = {
	{ .name = "role",
	  .key = "Role",
	  .kind = OPT_CHOICE,
	  .flags = OPT_REQUIRED,
	  .metavar = role_choices + 1,
	  .choices = role_choices + 1,
	  .help = "faces the ENIs' clients, the targets, or both" },
	{ .name = "mode",
	  .key = "Mode",
	  .kind = OPT_CHOICE,
	  .metavar = "native|generic",
	  .choices = "native|generic",
	  .help = "driver XDP, or generic (skb) XDP (default native)" },
	{ 0 },
};

static const struct verb verbs[] = {
	{ "attach", do_attach, "NAME", attach_options, 1, 1,
	  "Attach the data path to an interface; it stays attached across agent restarts." },
	{ "detach", do_detach, "NAME", NULL, 1, 1, "Detach the data path from an interface." },
	{ "list", do_list, NULL, NULL, 0, 0, "List the interfaces and whether they are attached." },
	{ 0 },
};

const struct noun cli_noun_iface = {
	.name = "iface",
	.summary = "the interfaces the data path is attached to",
	.default_verb = "list",
	.verbs = verbs,
};
