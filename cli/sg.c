/* SPDX-License-Identifier: MIT */
/* xdplink sg: security groups of a consumer VPC, whose inbound rules decide which clients
 * may open connections to the ENIs of the endpoints that have them. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* "tcp 80" or "tcp 8000-8080", or "all" for every protocol. */
static void format_ports(json_object *permission, char *out, size_t size)
{
	int64_t from = jint(permission, "FromPort"), to = jint(permission, "ToPort");

	if (strcmp(jstr(permission, "IpProtocol"), "-1") == 0)
		snprintf(out, size, "all");
	else if (from == to)
		snprintf(out, size, "tcp %lld", (long long)from);
	else
		snprintf(out, size, "tcp %lld-%lld", (long long)from, (long long)to);
}

static size_t rule_count(json_object *group)
{
	size_t count = 0;

	for (size_t i = 0; i < jlen(group, "IpPermissions"); i++) {
		json_object *p = jitem(group, "IpPermissions", i);

		count += jlen(p, "IpRanges") + jlen(p, "UserIdGroupPairs");
	}
	return count;
}

static void print_list(const struct request *req, json_object *result)
{
	struct table *t = TABLE("ID", "NAME", "VPC", ">RULES", "OWNER");

	(void)req;
	for (size_t i = 0; i < jlen(result, "SecurityGroups"); i++) {
		json_object *group = jitem(result, "SecurityGroups", i);

		table_row(t);
		table_cell(t, "%s", jstr(group, "GroupId"));
		table_cell(t, "%s", jstr(group, "GroupName"));
		table_cell(t, "%s", jstr(group, "VpcId"));
		table_cell(t, "%zu", rule_count(group));
		table_cell(t, "%s", jstr(group, "OwnerId"));
	}
	table_print(t, stdout);
}

static void print_show(const struct request *req, json_object *result)
{
	json_object *group = jitem(result, "SecurityGroups", 0);
	size_t shown = 0;

	(void)req;
	field("ID", "%s", jstr(group, "GroupId"));
	field("Name", "%s", jstr(group, "GroupName"));
	field("Description", "%s", jstr(group, "Description"));
	field("VPC", "%s", jstr(group, "VpcId"));
	field("Owner", "%s", jstr(group, "OwnerId"));
	for (size_t i = 0; i < jlen(group, "IpPermissions"); i++) {
		json_object *p = jitem(group, "IpPermissions", i);
		char ports[32];

		format_ports(p, ports, sizeof(ports));
		for (size_t n = 0; n < jlen(p, "IpRanges"); n++)
			field(shown++ ? "" : "Inbound", "%s from %s", ports,
			      jstr(jitem(p, "IpRanges", n), "CidrIp"));
		for (size_t n = 0; n < jlen(p, "UserIdGroupPairs"); n++)
			field(shown++ ? "" : "Inbound", "%s from group %s", ports,
			      jstr(jitem(p, "UserIdGroupPairs", n), "GroupId"));
	}
	if (!shown)
		field("Inbound", "nothing (no rule: no new connection gets in)");
}

static void print_created(const struct request *req, json_object *result)
{
	(void)req;
	printf("created security group %s\n", jstr(result, "GroupId"));
}

static void print_deleted(const struct request *req, json_object *result)
{
	(void)result;
	printf("deleted security group %s\n", req->words[0]);
}

static void print_authorized(const struct request *req, json_object *result)
{
	(void)result;
	printf("authorized inbound rules of %s\n", req->words[0]);
}

static void print_revoked(const struct request *req, json_object *result)
{
	(void)result;
	printf("revoked inbound rules of %s\n", req->words[0]);
}

static int do_create(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "GroupName", req->words[0]);
	return cli_run(cli, req, "CreateSecurityGroup", print_created);
}

static int do_list(const struct cli *cli, const struct request *req)
{
	return cli_run(cli, req, "DescribeSecurityGroups", print_list);
}

static int do_show(const struct cli *cli, const struct request *req)
{
	args_set_words(req->args, "GroupIds", req->words, 1);
	return cli_run(cli, req, "DescribeSecurityGroups", print_show);
}

static int do_delete(const struct cli *cli, const struct request *req)
{
	args_set_string(req->args, "GroupId", req->words[0]);
	return cli_run(cli, req, "DeleteSecurityGroup", print_deleted);
}

/* --port PORT|FROM-TO into the permission's FromPort and ToPort; false when malformed. */
static bool set_ports(json_object *permission, const char *text)
{
	char *end;
	long from = strtol(text, &end, 10), to = from;

	if (end == text || from < 0 || from > 65535)
		return false;
	if (*end == '-') {
		const char *rest = end + 1;

		to = strtol(rest, &end, 10);
		if (end == rest || to < from || to > 65535)
			return false;
	}
	if (*end)
		return false;
	json_object_object_add(permission, "FromPort", json_object_new_int64(from));
	json_object_object_add(permission, "ToPort", json_object_new_int64(to));
	return true;
}

/* One source object per value of the local option `key`: {field: value}. */
static void add_sources(json_object *permission, json_object *values, const char *list,
			const char *field)
{
	json_object *sources;

	if (!values)
		return;
	sources = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(values); i++) {
		json_object *one = json_object_new_object();

		json_object_object_add(one, field,
				       json_object_get(json_object_array_get_idx(values, i)));
		json_object_array_add(sources, one);
	}
	json_object_object_add(permission, list, sources);
}

/* ID --protocol --port --cidr... --source-group... as one permission of IpPermissions. */
static int set_permission(const struct request *req)
{
	json_object *permission = json_object_new_object(), *list = json_object_new_array();
	const char *protocol = jget(req->local, "Protocol") ? jstr(req->local, "Protocol") : "tcp";
	json_object *port = jget(req->local, "Port");

	args_set_string(req->args, "GroupId", req->words[0]);
	json_object_array_add(list, permission);
	json_object_object_add(req->args, "IpPermissions", list);
	json_object_object_add(permission, "IpProtocol",
			       json_object_new_string(strcmp(protocol, "all") ? "tcp" : "-1"));
	if (strcmp(protocol, "all") != 0 && !port)
		return cli_usage_error(req->noun, req->verb, "a TCP rule needs --port");
	if (strcmp(protocol, "all") == 0 && port)
		return cli_usage_error(req->noun, req->verb,
				       "--protocol all is every port: leave --port out");
	if (port && !set_ports(permission, json_object_get_string(port)))
		return cli_usage_error(req->noun, req->verb,
				       "--port takes PORT or FROM-TO, 0 to 65535, not '%s'",
				       json_object_get_string(port));
	if (!jget(req->local, "Cidr") && !jget(req->local, "SourceGroup"))
		return cli_usage_error(req->noun, req->verb,
				       "a rule needs a source: --cidr or --source-group");
	add_sources(permission, jget(req->local, "Cidr"), "IpRanges", "CidrIp");
	add_sources(permission, jget(req->local, "SourceGroup"), "UserIdGroupPairs", "GroupId");
	return CLI_EXIT_OK;
}

static int do_authorize(const struct cli *cli, const struct request *req)
{
	int rc = set_permission(req);

	return rc ? rc : cli_run(cli, req, "AuthorizeSecurityGroupIngress", print_authorized);
}

static int do_revoke(const struct cli *cli, const struct request *req)
{
	int rc = set_permission(req);

	return rc ? rc : cli_run(cli, req, "RevokeSecurityGroupIngress", print_revoked);
}

static const struct opt_spec create_options[] = {
	{ .name = "vpc",
	  .key = "VpcId",
	  .kind = OPT_TEXT,
	  .flags = OPT_REQUIRED,
	  .metavar = "VPC",
	  .help = "your VPC the group belongs to" },
	{ .name = "description",
	  .key = "Description",
	  .kind = OPT_TEXT,
	  .flags = OPT_REQUIRED,
	  .metavar = "TEXT",
	  .help = "what the group is for (up to 255 characters)" },
	{ 0 },
};

static const struct opt_spec rule_options[] = {
	{ .name = "protocol",
	  .key = "Protocol",
	  .kind = OPT_CHOICE,
	  .flags = OPT_LOCAL,
	  .choices = "tcp|all",
	  .metavar = "tcp|all",
	  .help = "tcp (default), or all: every protocol and port" },
	{ .name = "port",
	  .key = "Port",
	  .kind = OPT_TEXT,
	  .flags = OPT_LOCAL,
	  .metavar = "PORT|FROM-TO",
	  .help = "the ENI ports the rule opens (an endpoint's listener ports)" },
	{ .name = "cidr",
	  .key = "Cidr",
	  .kind = OPT_TEXT,
	  .flags = OPT_LOCAL | OPT_REPEAT,
	  .metavar = "CIDR",
	  .help = "clients in this IPv4 block" },
	{ .name = "source-group",
	  .key = "SourceGroup",
	  .kind = OPT_TEXT,
	  .flags = OPT_LOCAL | OPT_REPEAT,
	  .metavar = "SG",
	  .help = "the members of this group of the same VPC (the ENIs of its endpoints)" },
	{ 0 },
};

static const struct opt_spec list_options[] = {
	FILTER_OPTION("DescribeSecurityGroups"),
	{ 0 },
};

static const struct verb verbs[] = {
	{ "create", do_create, "NAME", create_options, 1, 1,
	  "Create a security group in your VPC; it has no inbound rule yet." },
	{ "list", do_list, NULL, list_options, 0, 0, "List your security groups." },
	{ "show", do_show, "ID", NULL, 1, 1, "Show one security group with its inbound rules." },
	{ "delete", do_delete, "ID", NULL, 1, 1,
	  "Delete your security group once no endpoint and no other group's rule uses it." },
	{ "authorize", do_authorize, "ID", rule_options, 1, 1,
	  "Add inbound rules: new connections from these sources to these ports get in." },
	{ "revoke", do_revoke, "ID", rule_options, 1, 1,
	  "Remove inbound rules; established connections keep going, new ones are refused." },
	{ 0 },
};

const struct noun cli_noun_sg = {
	.name = "sg",
	.alias = "security-group",
	.summary = "security groups: inbound rules on the ENIs of your endpoints",
	.default_verb = "list",
	.verbs = verbs,
};
