/* SPDX-License-Identifier: MIT */
/* xdplink service: endpoint services on the provider side (load balancers, acceptance,
 * private DNS, allowed principals, connections) and the consumer's view of those it may use. */
#include <string.h>

#include "cli.h"

static const char *acceptance(json_object *service)
{
	return jbool(service, "AcceptanceRequired") ? "required" : "auto";
}

/* The elements of an array of strings, comma-separated, into a new cell. */
static void cell_of_strings(struct table *t, json_object *array, bool arn_names)
{
	char name[64];

	table_cell(t, "%s", "");
	for (size_t i = 0; i < json_object_array_length(array); i++) {
		const char *text = json_object_get_string(json_object_array_get_idx(array, i));

		if (arn_names) {
			arn_resource_name(text, name, sizeof(name));
			text = name;
		}
		table_append(t, "%s%s", i ? "," : "", text);
	}
}

static void print_created(const struct request *req, json_object *result)
{
	json_object *sc = jget(result, "ServiceConfiguration");

	(void)req;
	printf("created endpoint service %s (acceptance %s)\n", jstr(sc, "ServiceId"),
	       acceptance(sc));
	printf("  service name  %s\n", jstr(sc, "ServiceName"));
	for (size_t i = 0; i < jlen(sc, "BaseEndpointDnsNames"); i++)
		printf("  dns name      %s\n", jstr(jitem(sc, "BaseEndpointDnsNames", i), ""));
}

static void print_list(const struct request *req, json_object *result)
{
	struct table *t =
	    TABLE("ID", "STATE", "ACCEPTANCE", "ZONES", "LOAD BALANCERS", "PRIVATE DNS");

	(void)req;
	for (size_t i = 0; i < jlen(result, "ServiceConfigurations"); i++) {
		json_object *sc = jitem(result, "ServiceConfigurations", i);

		table_row(t);
		table_cell(t, "%s", jstr(sc, "ServiceId"));
		table_cell(t, "%s", jstr(sc, "ServiceState"));
		table_cell(t, "%s", acceptance(sc));
		cell_of_strings(t, jget(sc, "AvailabilityZoneIds"), false);
		cell_of_strings(t, jget(sc, "NetworkLoadBalancerArns"), true);
		table_cell(t, "%s", jget(sc, "PrivateDnsName") ? jstr(sc, "PrivateDnsName") : "");
	}
	table_print(t, stdout);
}

static void print_show(const struct request *req, json_object *result)
{
	json_object *sc = jitem(result, "ServiceConfigurations", 0);
	char name[64];

	(void)req;
	field("ID", "%s", jstr(sc, "ServiceId"));
	field("Name", "%s", jstr(sc, "ServiceName"));
	field("Type", "%s", jstr(jitem(sc, "ServiceType", 0), "ServiceType"));
	field("State", "%s", jstr(sc, "ServiceState"));
	field("Owner", "%s", jstr(sc, "Owner"));
	field("Acceptance", "%s", acceptance(sc));
	for (size_t i = 0; i < jlen(sc, "AvailabilityZoneIds"); i++)
		field(i ? "" : "Zones", "%s (%s)", jstr(jitem(sc, "AvailabilityZoneIds", i), ""),
		      jstr(jitem(sc, "AvailabilityZones", i), ""));
	for (size_t i = 0; i < jlen(sc, "NetworkLoadBalancerArns"); i++) {
		arn_resource_name(jstr(jitem(sc, "NetworkLoadBalancerArns", i), ""), name,
				  sizeof(name));
		field(i ? "" : "Load balancers", "%s", name);
	}
	for (size_t i = 0; i < jlen(sc, "BaseEndpointDnsNames"); i++)
		field(i ? "" : "DNS names", "%s", jstr(jitem(sc, "BaseEndpointDnsNames", i), ""));
	if (jget(sc, "PrivateDnsName")) {
		const char *dns_name = jstr(sc, "PrivateDnsName");

		field("Private DNS", "%s (%s)", dns_name,
		      jstr(sc, "PrivateDnsNameConfiguration.State"));
		/* the record lives under the name (a wildcard's under the name it covers) */
		field("", "publish %s record %s.%s = \"%s\", then: xdplink service verify %s",
		      jstr(sc, "PrivateDnsNameConfiguration.Type"),
		      jstr(sc, "PrivateDnsNameConfiguration.Name"),
		      strncmp(dns_name, "*.", 2) == 0 ? dns_name + 2 : dns_name,
		      jstr(sc, "PrivateDnsNameConfiguration.Value"), jstr(sc, "ServiceId"));
	}
}

static void print_updated(const struct request *req, json_object *result)
{
	(void)result;
	printf("updated endpoint service %s\n", jstr(req->args, "ServiceId"));
}

static void print_deleted(const struct request *req, json_object *result)
{
	for (size_t i = 0; i < jlen(req->args, "ServiceIds"); i++) {
		const char *id = jstr(jitem(req->args, "ServiceIds", i), "");

		if (!cli_failed(result, id))
			printf("deleted endpoint service %s\n", id);
	}
}

static void print_allowed(const struct request *req, json_object *result)
{
	for (size_t i = 0; i < jlen(result, "AddedPrincipals"); i++) {
		json_object *p = jitem(result, "AddedPrincipals", i);

		printf("allowed %s on %s (%s)\n", jstr(p, "Principal"),
		       jstr(req->args, "ServiceId"), jstr(p, "ServicePermissionId"));
	}
}

static void print_disallowed(const struct request *req, json_object *result)
{
	(void)result;
	for (int i = 1; i < req->word_count; i++)
		printf("disallowed %s on %s\n", req->words[i], jstr(req->args, "ServiceId"));
}

static void print_principals(const struct request *req, json_object *result)
{
	struct table *t = TABLE("PRINCIPAL", "TYPE", "PERMISSION ID");

	(void)req;
	for (size_t i = 0; i < jlen(result, "AllowedPrincipals"); i++) {
		json_object *p = jitem(result, "AllowedPrincipals", i);

		table_row(t);
		table_cell(t, "%s", jstr(p, "Principal"));
		table_cell(t, "%s", jstr(p, "PrincipalType"));
		table_cell(t, "%s", jstr(p, "ServicePermissionId"));
	}
	table_print(t, stdout);
}

static void print_connections(const struct request *req, json_object *result)
{
	struct table *t = TABLE("ENDPOINT", "SERVICE", "OWNER", "STATE", "CREATED");

	(void)req;
	for (size_t i = 0; i < jlen(result, "VpcEndpointConnections"); i++) {
		json_object *c = jitem(result, "VpcEndpointConnections", i);

		table_row(t);
		table_cell(t, "%s", jstr(c, "VpcEndpointId"));
		table_cell(t, "%s", jstr(c, "ServiceId"));
		table_cell(t, "%s", jstr(c, "VpcEndpointOwner"));
		table_cell(t, "%s", jstr(c, "VpcEndpointState"));
		table_cell(t, "%s", jstr(c, "CreationTimestamp"));
	}
	table_print(t, stdout);
}

static void print_available(const struct request *req, json_object *result)
{
	struct table *t = TABLE("SERVICE NAME", "OWNER", "ZONES", "ACCEPTANCE", "PRIVATE DNS");

	(void)req;
	for (size_t i = 0; i < jlen(result, "ServiceDetails"); i++) {
		json_object *s = jitem(result, "ServiceDetails", i);

		table_row(t);
		table_cell(t, "%s", jstr(s, "ServiceName"));
		table_cell(t, "%s", jstr(s, "Owner"));
		cell_of_strings(t, jget(s, "AvailabilityZoneIds"), false);
		table_cell(t, "%s", acceptance(s));
		table_cell(t, "%s", jget(s, "PrivateDnsName") ? jstr(s, "PrivateDnsName") : "");
	}
	table_print(t, stdout);
}

/* ServiceId from the first word, an id or a service name. */
static void set_service_id(const struct request *req)
{
	args_set_string(req->args, "ServiceId", service_id_of(req->words[0]));
}

static int do_create(const struct cli *cli, const struct request *req)
{
	return cli_run(cli, req, "CreateVpcEndpointServiceConfiguration", print_created);
}

static int do_list(const struct cli *cli, const struct request *req)
{
	return cli_run(cli, req, "DescribeVpcEndpointServiceConfigurations", print_list);
}

static int do_show(const struct cli *cli, const struct request *req)
{
	json_object *ids = json_object_new_array();

	json_object_array_add(ids, json_object_new_string(service_id_of(req->words[0])));
	json_object_object_add(req->args, "ServiceIds", ids);
	return cli_run(cli, req, "DescribeVpcEndpointServiceConfigurations", print_show);
}

static int do_set(const struct cli *cli, const struct request *req)
{
	set_service_id(req);
	return cli_run(cli, req, "ModifyVpcEndpointServiceConfiguration", print_updated);
}

static void print_verifying(const struct request *req, json_object *result)
{
	(void)result;
	printf("verifying the private DNS name of %s (see: xdplink service show %s)\n",
	       jstr(req->args, "ServiceId"), jstr(req->args, "ServiceId"));
}

static int do_verify(const struct cli *cli, const struct request *req)
{
	set_service_id(req);
	return cli_run(cli, req, "StartVpcEndpointServicePrivateDnsVerification", print_verifying);
}

static int do_delete(const struct cli *cli, const struct request *req)
{
	json_object *ids = json_object_new_array();

	for (int i = 0; i < req->word_count; i++)
		json_object_array_add(ids, json_object_new_string(service_id_of(req->words[i])));
	json_object_object_add(req->args, "ServiceIds", ids);
	return cli_run(cli, req, "DeleteVpcEndpointServiceConfigurations", print_deleted);
}

static int do_allow(const struct cli *cli, const struct request *req)
{
	set_service_id(req);
	args_set_words(req->args, "AddAllowedPrincipals", req->words + 1, req->word_count - 1);
	return cli_run(cli, req, "ModifyVpcEndpointServicePermissions", print_allowed);
}

static int do_disallow(const struct cli *cli, const struct request *req)
{
	set_service_id(req);
	args_set_words(req->args, "RemoveAllowedPrincipals", req->words + 1, req->word_count - 1);
	return cli_run(cli, req, "ModifyVpcEndpointServicePermissions", print_disallowed);
}

static int do_principals(const struct cli *cli, const struct request *req)
{
	set_service_id(req);
	return cli_run(cli, req, "DescribeVpcEndpointServicePermissions", print_principals);
}

static int do_connections(const struct cli *cli, const struct request *req)
{
	if (req->word_count)
		set_service_id(req);
	return cli_run(cli, req, "DescribeVpcEndpointConnections", print_connections);
}

static int do_available(const struct cli *cli, const struct request *req)
{
	if (req->word_count)
		args_set_words(req->args, "ServiceNames", req->words, req->word_count);
	return cli_run(cli, req, "DescribeVpcEndpointServices", print_available);
}

static const struct opt_spec create_options[] = {
	{ .name = "lb",
	  .key = "LoadBalancerNames",
	  .kind = OPT_TEXT,
	  .flags = OPT_REQUIRED | OPT_REPEAT,
	  .metavar = "NAME",
	  .help = "a load balancer behind the service; its zones become the service's" },
	{ .name = "acceptance-required",
	  .key = "AcceptanceRequired",
	  .kind = OPT_FLAG,
	  .flag_value = true,
	  .help = "endpoints wait for your acceptance (the default)" },
	{ .name = "auto-accept",
	  .key = "AcceptanceRequired",
	  .kind = OPT_FLAG,
	  .flag_value = false,
	  .help = "endpoints of allowed principals are accepted at once" },
	{ .name = "private-dns",
	  .key = "PrivateDnsName",
	  .kind = OPT_TEXT,
	  .metavar = "NAME",
	  .help = "a private DNS name, verified through a TXT record" },
	{ 0 },
};

static const struct opt_spec list_options[] = {
	FILTER_OPTION("DescribeVpcEndpointServiceConfigurations"),
	{ 0 },
};

static const struct opt_spec principals_options[] = {
	FILTER_OPTION("DescribeVpcEndpointServicePermissions"),
	{ 0 },
};

static const struct opt_spec connections_options[] = {
	FILTER_OPTION("DescribeVpcEndpointConnections"),
	{ 0 },
};

static const struct opt_spec available_options[] = {
	FILTER_OPTION("DescribeVpcEndpointServices"),
	{ 0 },
};

static const struct opt_spec set_options[] = {
	{ .name = "acceptance-required",
	  .key = "AcceptanceRequired",
	  .kind = OPT_SWITCH,
	  .help = "whether new endpoints wait for acceptance (existing ones keep their state)" },
	{ .name = "add-lb",
	  .key = "AddLoadBalancerNames",
	  .kind = OPT_TEXT,
	  .flags = OPT_REPEAT,
	  .metavar = "NAME",
	  .help = "add a load balancer" },
	{ .name = "remove-lb",
	  .key = "RemoveLoadBalancerNames",
	  .kind = OPT_TEXT,
	  .flags = OPT_REPEAT,
	  .metavar = "NAME",
	  .help = "remove a load balancer (not one that endpoints use)" },
	{ .name = "private-dns",
	  .key = "PrivateDnsName",
	  .kind = OPT_TEXT,
	  .metavar = "NAME",
	  .help = "set the private DNS name" },
	{ .name = "no-private-dns",
	  .key = "RemovePrivateDnsName",
	  .kind = OPT_FLAG,
	  .flag_value = true,
	  .help = "remove the private DNS name" },
	{ 0 },
};

static const struct verb verbs[] = {
	{ "create", do_create, NULL, create_options, 0, 0,
	  "Create an endpoint service in front of one or more load balancers." },
	{ "list", do_list, NULL, list_options, 0, 0, "List your endpoint services." },
	{ "show", do_show, "SERVICE", NULL, 1, 1,
	  "Show one of your endpoint services (SERVICE: its id or its service name)." },
	{ "set", do_set, "SERVICE", set_options, 1, 1,
	  "Change acceptance, load balancers or the private DNS name of a service." },
	{ "verify", do_verify, "SERVICE", NULL, 1, 1,
	  "Look the private DNS name's TXT record up now: verified, or failed." },
	{ "delete", do_delete, "SERVICE...", NULL, 1, WORDS_ANY,
	  "Delete services (not one with pendingAcceptance, pending or available endpoints)." },
	{ "allow", do_allow, "SERVICE PRINCIPAL...", NULL, 2, WORDS_ANY,
	  "Allow principals (arn:aws:iam::ACCOUNT:root, :user/NAME, :role/NAME, or '*')." },
	{ "disallow", do_disallow, "SERVICE PRINCIPAL...", NULL, 2, WORDS_ANY,
	  "Remove allowed principals; their accepted endpoints keep working." },
	{ "principals", do_principals, "SERVICE", principals_options, 1, 1,
	  "List the principals allowed to create endpoints to a service." },
	{ "connections", do_connections, "[SERVICE]", connections_options, 0, 1,
	  "List the endpoints connected to your services, with their state." },
	{ "available", do_available, "[SERVICE_NAME...]", available_options, 0, WORDS_ANY,
	  "The consumer's view: the services you may create endpoints to." },
	{ 0 },
};

const struct noun cli_noun_service = {
	.name = "service",
	.alias = "svc",
	.summary = "endpoint services: acceptance, allowed principals, connections",
	.default_verb = "list",
	.verbs = verbs,
};
