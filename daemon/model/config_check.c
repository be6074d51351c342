/* SPDX-License-Identifier: MIT */
/* A configuration document checked before anything is applied (config.h): every key
 * known and of its type, every reference to an object the document holds, every key
 * unique; and the settings it leaves out filled with AWS's defaults, so that it compares
 * field by field with an export. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "model_internal.h"

enum field_type {
	FIELD_STRING,
	FIELD_INT,
	FIELD_BOOL,
	FIELD_OBJECTS, /* a list of objects of `items` */
	FIELD_STRINGS, /* a list of strings */
	FIELD_PORT,    /* a port, or "traffic-port" */
};

struct field {
	const char *name;
	enum field_type type;
	bool required;
	const struct field *items;
};

#define END                                                                                        \
	{                                                                                          \
		NULL, FIELD_STRING, false, NULL                                                    \
	}

static const struct field zone_fields[] = {
	{ "ZoneId", FIELD_STRING, true, NULL },
	{ "Address", FIELD_STRING, true, NULL },
	END,
};
static const struct field listener_fields[] = {
	{ "Port", FIELD_INT, true, NULL },
	{ "TargetGroupName", FIELD_STRING, true, NULL },
	{ "Arn", FIELD_STRING, false, NULL },
	END,
};
static const struct field lb_fields[] = {
	{ "Name", FIELD_STRING, true, NULL },
	{ "Owner", FIELD_STRING, true, NULL },
	{ "Arn", FIELD_STRING, false, NULL },
	{ "CrossZone", FIELD_BOOL, false, NULL },
	{ "Zones", FIELD_OBJECTS, true, zone_fields },
	{ "Listeners", FIELD_OBJECTS, false, listener_fields },
	END,
};
static const struct field target_fields[] = {
	{ "Id", FIELD_STRING, true, NULL },
	{ "Port", FIELD_INT, false, NULL },
	{ "AvailabilityZone", FIELD_STRING, true, NULL },
	END,
};
static const struct field tg_fields[] = {
	{ "Name", FIELD_STRING, true, NULL },
	{ "Owner", FIELD_STRING, true, NULL },
	{ "Arn", FIELD_STRING, false, NULL },
	{ "Port", FIELD_INT, true, NULL },
	{ "HealthCheckProtocol", FIELD_STRING, false, NULL },
	{ "HealthCheckPort", FIELD_PORT, false, NULL },
	{ "HealthCheckPath", FIELD_STRING, false, NULL },
	{ "HealthCheckIntervalSeconds", FIELD_INT, false, NULL },
	{ "HealthCheckTimeoutSeconds", FIELD_INT, false, NULL },
	{ "HealthyThresholdCount", FIELD_INT, false, NULL },
	{ "UnhealthyThresholdCount", FIELD_INT, false, NULL },
	{ "Matcher", FIELD_STRING, false, NULL },
	{ "DeregistrationDelaySeconds", FIELD_INT, false, NULL },
	{ "DeregistrationConnectionTermination", FIELD_BOOL, false, NULL },
	{ "UnhealthyConnectionTermination", FIELD_BOOL, false, NULL },
	{ "ProxyProtocolV2", FIELD_BOOL, false, NULL },
	{ "Targets", FIELD_OBJECTS, false, target_fields },
	END,
};
static const struct field service_fields[] = {
	{ "ServiceId", FIELD_STRING, true, NULL },
	{ "Owner", FIELD_STRING, true, NULL },
	{ "LoadBalancerNames", FIELD_STRINGS, true, NULL },
	{ "AcceptanceRequired", FIELD_BOOL, false, NULL },
	{ "PrivateDnsName", FIELD_STRING, false, NULL },
	{ "AllowedPrincipals", FIELD_STRINGS, false, NULL },
	END,
};
static const struct field subnet_fields[] = {
	{ "SubnetId", FIELD_STRING, true, NULL },
	{ "AvailabilityZoneId", FIELD_STRING, true, NULL },
	{ "CidrBlock", FIELD_STRING, true, NULL },
	END,
};
static const struct field vpc_fields[] = {
	{ "VpcId", FIELD_STRING, true, NULL },
	{ "Owner", FIELD_STRING, true, NULL },
	{ "Interface", FIELD_STRING, true, NULL },
	{ "CidrBlock", FIELD_STRING, true, NULL },
	{ "Subnets", FIELD_OBJECTS, false, subnet_fields },
	END,
};
static const struct field eni_fields[] = {
	{ "SubnetId", FIELD_STRING, true, NULL },
	{ "Ipv4", FIELD_STRING, true, NULL },
	END,
};
static const struct field endpoint_fields[] = {
	{ "VpcEndpointId", FIELD_STRING, true, NULL },
	{ "Owner", FIELD_STRING, true, NULL },
	{ "ServiceId", FIELD_STRING, true, NULL },
	{ "State", FIELD_STRING, false, NULL },
	{ "PrivateDnsEnabled", FIELD_BOOL, false, NULL },
	{ "DnsSuffix", FIELD_STRING, false, NULL },
	{ "SubnetConfigurations", FIELD_OBJECTS, true, eni_fields },
	END,
};
static const struct field document_fields[] = {
	{ "XdplinkConfiguration", FIELD_INT, true, NULL },
	{ "Region", FIELD_STRING, true, NULL },
	{ "LoadBalancers", FIELD_OBJECTS, false, lb_fields },
	{ "TargetGroups", FIELD_OBJECTS, false, tg_fields },
	{ "Services", FIELD_OBJECTS, false, service_fields },
	{ "Vpcs", FIELD_OBJECTS, false, vpc_fields },
	{ "Endpoints", FIELD_OBJECTS, false, endpoint_fields },
	END,
};

/* ---- Shape ------------------------------------------------------------------------------ */

static const char *type_name(enum field_type type)
{
	static const char *const names[] = { "a string",	  "an integer",
					     "true or false",	  "a list of objects",
					     "a list of strings", "a port or \"traffic-port\"" };
	return names[type];
}

static bool has_type(json_object *value, enum field_type type)
{
	switch (type) {
	case FIELD_STRING:
		return json_object_is_type(value, json_type_string);
	case FIELD_INT:
		return json_object_is_type(value, json_type_int);
	case FIELD_BOOL:
		return json_object_is_type(value, json_type_boolean);
	case FIELD_PORT:
		return json_object_is_type(value, json_type_int) ||
		       (json_object_is_type(value, json_type_string) &&
			!strcmp(json_object_get_string(value), "traffic-port"));
	case FIELD_OBJECTS:
	case FIELD_STRINGS:
		if (!json_object_is_type(value, json_type_array))
			return false;
		for (size_t i = 0; i < json_object_array_length(value); i++) {
			json_object *item = json_object_array_get_idx(value, i);

			if (!json_object_is_type(item, type == FIELD_OBJECTS ? json_type_object
									     : json_type_string))
				return false;
		}
		return true;
	}
	return false;
}

static int check_object(json_object *object, const struct field *fields, const char *path,
			struct api_error *err);

static int check_items(json_object *list, const struct field *items, const char *path,
		       struct api_error *err)
{
	char item_path[256];

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		if (snprintf(item_path, sizeof(item_path), "%s[%zu]", path, i) >=
		    (int)sizeof(item_path))
			return api_fail(err, API_ValidationError, "%s: nested too deep", path);
		if (check_object(json_object_array_get_idx(list, i), items, item_path, err) < 0)
			return -1;
	}
	return 0;
}

static int check_object(json_object *object, const struct field *fields, const char *path,
			struct api_error *err)
{
	char field_path[256];

	if (!json_object_is_type(object, json_type_object))
		return api_fail(err, API_ValidationError, "%s must be an object", path);
	json_object_object_foreach(object, key, value)
	{
		const struct field *f = fields;

		while (f->name && strcmp(f->name, key) != 0)
			f++;
		if (snprintf(field_path, sizeof(field_path), "%s%s%s", path, *path ? "." : "",
			     key) >= (int)sizeof(field_path))
			return api_fail(err, API_ValidationError, "%s: a key too long", path);
		if (!f->name)
			return api_fail(err, API_ValidationError, "%s: unknown key", field_path);
		if (!has_type(value, f->type))
			return api_fail(err, API_ValidationError, "%s must be %s", field_path,
					type_name(f->type));
		if (f->type == FIELD_OBJECTS && check_items(value, f->items, field_path, err) < 0)
			return -1;
	}
	for (const struct field *f = fields; f->name; f++) {
		if (f->required && !json_object_object_get_ex(object, f->name, NULL))
			return api_fail(err, API_ValidationError, "%s%s%s is missing", path,
					*path ? "." : "", f->name);
		if (!f->required && (f->type == FIELD_OBJECTS || f->type == FIELD_STRINGS) &&
		    !json_object_object_get_ex(object, f->name, NULL))
			json_object_object_add(object, f->name, json_object_new_array());
	}
	return 0;
}

/* ---- Defaults ----------------------------------------------------------------------------- */

static void default_value(json_object *object, const char *key, json_object *value)
{
	if (json_object_object_get_ex(object, key, NULL))
		json_object_put(value);
	else
		json_object_object_add(object, key, value);
}

static const char *string_of(json_object *object, const char *key)
{
	json_object *value;

	return json_object_object_get_ex(object, key, &value) ? json_object_get_string(value)
							      : NULL;
}

/* AWS's defaults, as CreateTargetGroup and the other creates take them. */
static void fill_defaults(json_object *config)
{
	json_object *list;

	json_object_object_get_ex(config, "LoadBalancers", &list);
	for (size_t i = 0; i < json_object_array_length(list); i++)
		default_value(json_object_array_get_idx(list, i), "CrossZone",
			      json_object_new_boolean(false));
	json_object_object_get_ex(config, "TargetGroups", &list);
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *tg = json_object_array_get_idx(list, i), *targets;
		bool http;

		default_value(tg, "HealthCheckProtocol", json_object_new_string("TCP"));
		http = !strcmp(string_of(tg, "HealthCheckProtocol"), "HTTP");
		default_value(tg, "HealthCheckPort", json_object_new_string("traffic-port"));
		if (http) {
			default_value(tg, "HealthCheckPath", json_object_new_string("/"));
			default_value(tg, "Matcher", json_object_new_string("200-399"));
		}
		default_value(tg, "HealthCheckIntervalSeconds", json_object_new_int(30));
		default_value(tg, "HealthCheckTimeoutSeconds", json_object_new_int(http ? 6 : 10));
		default_value(tg, "HealthyThresholdCount", json_object_new_int(5));
		default_value(tg, "UnhealthyThresholdCount", json_object_new_int(2));
		default_value(tg, "DeregistrationDelaySeconds", json_object_new_int(300));
		default_value(tg, "DeregistrationConnectionTermination",
			      json_object_new_boolean(false));
		default_value(tg, "UnhealthyConnectionTermination", json_object_new_boolean(true));
		default_value(tg, "ProxyProtocolV2", json_object_new_boolean(false));
		json_object_object_get_ex(tg, "Targets", &targets);
		for (size_t t = 0; t < json_object_array_length(targets); t++)
			default_value(json_object_array_get_idx(targets, t), "Port",
				      json_object_get(json_object_object_get(tg, "Port")));
	}
	json_object_object_get_ex(config, "Services", &list);
	for (size_t i = 0; i < json_object_array_length(list); i++)
		default_value(json_object_array_get_idx(list, i), "AcceptanceRequired",
			      json_object_new_boolean(true));
	json_object_object_get_ex(config, "Endpoints", &list);
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		default_value(json_object_array_get_idx(list, i), "State",
			      json_object_new_string("available"));
		default_value(json_object_array_get_idx(list, i), "PrivateDnsEnabled",
			      json_object_new_boolean(false));
	}
}

/* ---- Keys and references ------------------------------------------------------------------ */

/* The item of `list` whose `key` is `value` (and whose Owner is `owner`, unless NULL),
 * other than `except`. */
static json_object *find_item(json_object *list, const char *key, const char *value,
			      const char *owner, json_object *except)
{
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *item = json_object_array_get_idx(list, i);
		const char *item_value = string_of(item, key);

		if (item != except && item_value && !strcmp(item_value, value) &&
		    (!owner || !strcmp(string_of(item, "Owner"), owner)))
			return item;
	}
	return NULL;
}

static json_object *list_of(json_object *object, const char *key)
{
	json_object *list = NULL;

	json_object_object_get_ex(object, key, &list);
	return list;
}

static bool is_account(const char *text)
{
	size_t length = strlen(text);

	for (size_t i = 0; i < length; i++)
		if (!isdigit((unsigned char)text[i]))
			return false;
	return length == 12;
}

/* Every item of `section` has an account for Owner and a key no other has. */
static int check_keys(json_object *config, const char *section, const char *key, bool per_owner,
		      struct api_error *err)
{
	json_object *list = list_of(config, section);

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *item = json_object_array_get_idx(list, i);
		const char *value = string_of(item, key), *owner = string_of(item, "Owner");

		if (!is_account(owner))
			return api_fail(err, API_ValidationError,
					"%s[%zu].Owner: '%s' is not a 12-digit account", section, i,
					owner);
		if (find_item(list, key, value, per_owner ? owner : NULL, item))
			return api_fail(err, API_ValidationError,
					"%s[%zu].%s: %s is in the file twice", section, i, key,
					value);
	}
	return 0;
}

static json_object *subnet_in(json_object *config, const char *subnet_id, const char *owner)
{
	json_object *vpcs = list_of(config, "Vpcs");

	for (size_t i = 0; i < json_object_array_length(vpcs); i++) {
		json_object *vpc = json_object_array_get_idx(vpcs, i);

		if (!strcmp(string_of(vpc, "Owner"), owner) &&
		    find_item(list_of(vpc, "Subnets"), "SubnetId", subnet_id, NULL, NULL))
			return vpc;
	}
	return NULL;
}

static int check_references(json_object *config, struct api_error *err)
{
	json_object *list = list_of(config, "LoadBalancers");

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *lb = json_object_array_get_idx(list, i), *listeners;
		const char *owner = string_of(lb, "Owner");

		listeners = list_of(lb, "Listeners");
		for (size_t l = 0; l < json_object_array_length(listeners); l++) {
			const char *tg =
			    string_of(json_object_array_get_idx(listeners, l), "TargetGroupName");

			if (!find_item(list_of(config, "TargetGroups"), "Name", tg, owner, NULL))
				return api_fail(
				    err, API_ValidationError,
				    "LoadBalancers[%zu].Listeners[%zu].TargetGroupName: "
				    "the file has no target group %s of %s",
				    i, l, tg, owner);
		}
	}
	list = list_of(config, "Services");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *service = json_object_array_get_idx(list, i);
		json_object *names = list_of(service, "LoadBalancerNames");
		const char *owner = string_of(service, "Owner");

		for (size_t n = 0; n < json_object_array_length(names); n++) {
			const char *name =
			    json_object_get_string(json_object_array_get_idx(names, n));

			if (!find_item(list_of(config, "LoadBalancers"), "Name", name, owner, NULL))
				return api_fail(
				    err, API_ValidationError,
				    "Services[%zu].LoadBalancerNames[%zu]: the file has "
				    "no load balancer %s of %s",
				    i, n, name, owner);
		}
	}
	list = list_of(config, "Endpoints");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *endpoint = json_object_array_get_idx(list, i), *enis;
		const char *owner = string_of(endpoint, "Owner"),
			   *state = string_of(endpoint, "State");

		if (!find_item(list_of(config, "Services"), "ServiceId",
			       string_of(endpoint, "ServiceId"), NULL, NULL))
			return api_fail(err, API_ValidationError,
					"Endpoints[%zu].ServiceId: the file has no service %s", i,
					string_of(endpoint, "ServiceId"));
		if (strcmp(state, "available") && strcmp(state, "pendingAcceptance") &&
		    strcmp(state, "rejected"))
			return api_fail(err, API_ValidationError,
					"Endpoints[%zu].State: '%s' is not available, "
					"pendingAcceptance or rejected",
					i, state);
		enis = list_of(endpoint, "SubnetConfigurations");
		for (size_t n = 0; n < json_object_array_length(enis); n++) {
			const char *subnet =
			    string_of(json_object_array_get_idx(enis, n), "SubnetId");

			if (!subnet_in(config, subnet, owner))
				return api_fail(
				    err, API_ValidationError,
				    "Endpoints[%zu].SubnetConfigurations[%zu].SubnetId: "
				    "the file has no subnet %s in a VPC of %s",
				    i, n, subnet, owner);
		}
	}
	return 0;
}

static int check_subnet_keys(json_object *config, struct api_error *err)
{
	json_object *vpcs = list_of(config, "Vpcs");

	for (size_t i = 0; i < json_object_array_length(vpcs); i++) {
		json_object *subnets = list_of(json_object_array_get_idx(vpcs, i), "Subnets");

		for (size_t s = 0; s < json_object_array_length(subnets); s++) {
			json_object *subnet = json_object_array_get_idx(subnets, s);
			const char *id = string_of(subnet, "SubnetId");
			size_t holders = 0;

			for (size_t j = 0; j < json_object_array_length(vpcs); j++)
				holders += find_item(list_of(json_object_array_get_idx(vpcs, j),
							     "Subnets"),
						     "SubnetId", id, NULL, subnet) != NULL;
			if (holders)
				return api_fail(
				    err, API_ValidationError,
				    "Vpcs[%zu].Subnets[%zu].SubnetId: %s is in the file "
				    "twice",
				    i, s, id);
		}
	}
	return 0;
}

/* `arn`, unless empty, is not in `seen` (then added to it). */
static int first_arn(json_object *seen, const char *arn, const char *path, struct api_error *err)
{
	if (!arn)
		return 0;
	if (json_object_object_get_ex(seen, arn, NULL))
		return api_fail(err, API_ValidationError, "%s: %s is in the file twice", path, arn);
	json_object_object_add(seen, arn, NULL);
	return 0;
}

/* No two objects may be given one ARN. */
static int check_arns(json_object *config, struct api_error *err)
{
	json_object *seen = json_object_new_object(), *lbs = list_of(config, "LoadBalancers");
	json_object *tgs = list_of(config, "TargetGroups");
	char path[96];
	int rc = 0;

	for (size_t i = 0; i < json_object_array_length(lbs) && !rc; i++) {
		json_object *lb = json_object_array_get_idx(lbs, i);
		json_object *listeners = list_of(lb, "Listeners");

		snprintf(path, sizeof(path), "LoadBalancers[%zu].Arn", i);
		rc = first_arn(seen, string_of(lb, "Arn"), path, err);
		for (size_t l = 0; l < json_object_array_length(listeners) && !rc; l++) {
			snprintf(path, sizeof(path), "LoadBalancers[%zu].Listeners[%zu].Arn", i, l);
			rc = first_arn(seen,
				       string_of(json_object_array_get_idx(listeners, l), "Arn"),
				       path, err);
		}
	}
	for (size_t i = 0; i < json_object_array_length(tgs) && !rc; i++) {
		snprintf(path, sizeof(path), "TargetGroups[%zu].Arn", i);
		rc =
		    first_arn(seen, string_of(json_object_array_get_idx(tgs, i), "Arn"), path, err);
	}
	json_object_put(seen);
	return rc;
}

int config_check(struct model *m, json_object *config, struct api_error *err)
{
	json_object *version;

	if (check_object(config, document_fields, "", err) < 0)
		return -1;
	json_object_object_get_ex(config, "XdplinkConfiguration", &version);
	if (json_object_get_int64(version) != CONFIG_VERSION)
		return api_fail(err, API_ValidationError,
				"XdplinkConfiguration: this xdplink reads version %d, not %lld",
				CONFIG_VERSION, (long long)json_object_get_int64(version));
	if (strcmp(string_of(config, "Region"), m->region) != 0)
		return api_fail(err, API_ValidationError,
				"Region: the file is of %s, this node of %s",
				string_of(config, "Region"), m->region);
	fill_defaults(config);
	if (check_keys(config, "LoadBalancers", "Name", true, err) < 0 ||
	    check_keys(config, "TargetGroups", "Name", true, err) < 0 ||
	    check_keys(config, "Services", "ServiceId", false, err) < 0 ||
	    check_keys(config, "Vpcs", "VpcId", false, err) < 0 ||
	    check_keys(config, "Endpoints", "VpcEndpointId", false, err) < 0 ||
	    check_subnet_keys(config, err) < 0 || check_arns(config, err) < 0)
		return -1;
	return check_references(config, err);
}
