/* SPDX-License-Identifier: MIT */
/* xdplink agent: the agent's own status: version, region, uptime, where it keeps its
 * state and maps, its data-path configuration and its interfaces. */
#include "cli.h"

static void print_status(const struct request *req, json_object *result)
{
	json_object *config = jget(result, "Config");

	(void)req;
	field("Version", "%s", jstr(result, "Version"));
	field("Region", "%s", jstr(result, "Region"));
	field("Uptime", "%s s", jstr(result, "UptimeSeconds"));
	field("Socket", "%s", jstr(result, "SocketPath"));
	field("State", "%s", jstr(result, "StatePath"));
	field("Pins", "%s", jstr(result, "PinPath"));
	field("Active flows", "%s", jstr(result, "ActiveFlowCount"));
	field("Held SNAT ports", "%s", jstr(result, "HeldPortCount"));
	if (json_object_is_type(config, json_type_object)) {
		struct json_object_iterator it = json_object_iter_begin(config);
		struct json_object_iterator end = json_object_iter_end(config);

		for (bool first = true; !json_object_iter_equal(&it, &end);
		     json_object_iter_next(&it), first = false)
			field(first ? "Config" : "", "%s %s", json_object_iter_peek_name(&it),
			      json_object_get_string(json_object_iter_peek_value(&it)));
	}
	for (size_t i = 0; i < jlen(result, "Interfaces"); i++) {
		json_object *iface = jitem(result, "Interfaces", i);

		field(i ? "" : "Interfaces", "%s %s %s%s", jstr(iface, "Name"), jstr(iface, "Role"),
		      jstr(iface, "Mode"), jbool(iface, "Attached") ? "" : " (not attached)");
	}
}

static int do_status(const struct cli *cli, const struct request *req)
{
	return cli_run(cli, req, "DescribeAgent", print_status);
}

static const struct verb verbs[] = {
	{ "status", do_status, NULL, NULL, 0, 0, "Show the agent's status and configuration." },
	{ 0 },
};

const struct noun cli_noun_agent = {
	.name = "agent",
	.summary = "the agent itself: version, state, configuration",
	.default_verb = "status",
	.verbs = verbs,
};
