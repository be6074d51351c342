/* SPDX-License-Identifier: MIT */
/* The host's interfaces the data path attaches to, with their role and XDP mode:
 * validated and kept here, attached by the daemon when it applies the projection. */
#include <net/if.h>
#include <string.h>

#include "actions.h"
#include "args.h"
#include "facts.h"
#include "model_internal.h"
#include "result.h"

static bool one_of(const char *value, const char *const choices[])
{
	for (size_t i = 0; choices[i]; i++) {
		if (strcmp(value, choices[i]) == 0)
			return true;
	}
	return false;
}

int iface_attach(struct model *m, const struct principal *caller, json_object *args,
		 json_object **result, struct api_error *err)
{
	static const char *const modes[] = { "native", "generic", NULL };
	const char *name = NULL, *role = NULL, *mode = "native";
	json_object *iface;
	struct args a;
	uint8_t role_value;

	(void)caller;
	args_open(&a, args, err);
	args_string(&a, "Name", ARG_REQUIRED, &name);
	args_string(&a, "Role", ARG_REQUIRED, &role);
	args_string(&a, "Mode", ARG_OPTIONAL, &mode);
	if (args_close(&a) < 0)
		return -1;
	if (!iface_name_valid(name))
		return api_fail(err, API_InvalidParameterValue,
				"'%s' is not a valid interface name", name);
	if (!xl_role_parse(role, &role_value))
		return api_fail(err, API_InvalidParameterValue,
				"Role must be consumer, provider or both, not %s", role);
	if (!one_of(mode, modes))
		return api_fail(err, API_InvalidParameterValue,
				"Mode must be native or generic, not %s", mode);
	if (if_nametoindex(name) == 0)
		return api_fail(err, API_InterfaceNotFound, "no network interface named %s", name);
	if (store_exec(
		m->store,
		"INSERT INTO interface (name, role, mode) VALUES (?, ?, ?)"
		" ON CONFLICT (name) DO UPDATE SET role = excluded.role, mode = excluded.mode",
		SQL_ARGS(SQL_STR(name), SQL_STR(role), SQL_STR(mode)), err) < 0)
		return -1;
	*result = json_object_new_object();
	iface = put_object(*result, "Interface");
	put_string(iface, "Name", name);
	put_string(iface, "Role", role);
	put_string(iface, "Mode", mode);
	return 0;
}

int iface_detach(struct model *m, const struct principal *caller, json_object *args,
		 json_object **result, struct api_error *err)
{
	const char *name = NULL;
	struct args a;

	(void)caller;
	(void)result;
	args_open(&a, args, err);
	args_string(&a, "Name", ARG_REQUIRED, &name);
	if (args_close(&a) < 0)
		return -1;
	if (store_exec(m->store, "DELETE FROM interface WHERE name = ?", SQL_ARGS(SQL_STR(name)),
		       err) < 0)
		return -1;
	if (store_changes(m->store) == 0)
		return api_fail(err, API_InterfaceNotFound, "interface %s is not attached", name);
	return 0;
}
