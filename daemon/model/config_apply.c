/* SPDX-License-Identifier: MIT */
/* Applying a configuration (config.h): the differences between the file and an export of
 * the store, made by the model's own actions as each object's owner, so that every rule
 * holds as it does for a command. Objects that go are deleted first, dependents before what
 * they depend on; then objects are made or changed, what others depend on first. The
 * caller runs it in one transaction: a refusal undoes every step before it. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "given_ids.h"
#include "model_internal.h"
#include "result.h"

struct apply {
	struct model *m;
	json_object *want, *have;
	json_object *plan;
	struct api_error *err;
};

/* One change of the plan, recorded when it is done. */
struct step {
	const char *change; /* create, modify, delete */
	const char *kind;   /* LoadBalancer, Listener... */
	char id[160];	    /* the object's key, as the file names it */
	const char *owner;
};

/* ---- Reading the documents ---------------------------------------------------------------- */

static const char *string_of(json_object *object, const char *key)
{
	json_object *value;

	return json_object_object_get_ex(object, key, &value) ? json_object_get_string(value)
							      : NULL;
}

static json_object *list_of(json_object *object, const char *key)
{
	json_object *list = NULL;

	json_object_object_get_ex(object, key, &list);
	return list;
}

static json_object *item_at(json_object *list, size_t i)
{
	return json_object_array_get_idx(list, i);
}

static size_t count(json_object *list)
{
	return list ? json_object_array_length(list) : 0;
}

/* The item of `list` whose `key` equals `like`'s (and Owner too, when `by_owner`). */
static json_object *twin(json_object *list, json_object *like, const char *key, bool by_owner)
{
	for (size_t i = 0; i < count(list); i++) {
		json_object *item = item_at(list, i);

		if (json_object_equal(json_object_object_get(item, key),
				      json_object_object_get(like, key)) &&
		    (!by_owner || !strcmp(string_of(item, "Owner"), string_of(like, "Owner"))))
			return item;
	}
	return NULL;
}

static bool same(json_object *a, json_object *b, const char *key)
{
	return json_object_equal(json_object_object_get(a, key), json_object_object_get(b, key));
}

static bool has_string(json_object *list, const char *value)
{
	for (size_t i = 0; i < count(list); i++)
		if (!strcmp(json_object_get_string(item_at(list, i)), value))
			return true;
	return false;
}

/* The strings of `from` that `other` lacks, as a new list (NULL when none). */
static json_object *missing_from(json_object *from, json_object *other)
{
	json_object *out = NULL;

	for (size_t i = 0; i < count(from); i++) {
		const char *value = json_object_get_string(item_at(from, i));

		if (has_string(other, value))
			continue;
		if (!out)
			out = json_object_new_array();
		json_object_array_add(out, json_object_new_string(value));
	}
	return out;
}

/* A copy of `object` with only `keys` (those it has). */
static json_object *pick(json_object *object, const char *const *keys)
{
	json_object *out = json_object_new_object(), *value;

	for (; *keys; keys++)
		if (json_object_object_get_ex(object, *keys, &value))
			json_object_object_add(out, *keys, json_object_get(value));
	return out;
}

/* The last part of an ARN, which its create takes as given. */
static const char *arn_suffix(json_object *object)
{
	const char *arn = string_of(object, "Arn");
	const char *slash = arn ? strrchr(arn, '/') : NULL;

	return slash ? slash + 1 : NULL;
}

/* ---- Steps -------------------------------------------------------------------------------- */

static int refuse(struct apply *a, const struct step *s, const char *why)
{
	return api_fail(a->err, API_InvalidParameterValue, "%s %s %s: %s", s->change, s->kind,
			s->id, why);
}

/* A batch action lists the ids it could not act on instead of failing: the first one's
 * error, with its code. */
static int batch_refusal(json_object *result, struct api_error *err)
{
	json_object *failed = list_of(result, "Unsuccessful"), *error;
	enum api_code code = API_InternalError;

	if (!count(failed))
		return 0;
	error = json_object_object_get(item_at(failed, 0), "Error");
	for (int c = 0; c < API_CODE_COUNT; c++)
		if (!strcmp(api_code_name((enum api_code)c), string_of(error, "Code")))
			code = (enum api_code)c;
	return api_fail(err, code, "%s", string_of(error, "Message"));
}

/* Runs `action` as the root of `as` with `args` (taken), the ids given to what it creates;
 * a refusal names the step and keeps the action's error code. */
static int run_step(struct apply *a, const struct step *s, const char *as, const char *action,
		    json_object *args, const char *given_id, const char *given_suffix)
{
	char principal[PRINCIPAL_MAX];
	const struct model_action *act = model_find_action(action);
	json_object *result = NULL, *entry;
	int rc;

	snprintf(principal, sizeof(principal), "arn:aws:iam::%s:root", as);
	give_ids(a->m, given_id, given_suffix);
	rc = act->run(a->m, principal, args, &result, a->err);
	give_ids(a->m, NULL, NULL);
	if (rc == 0)
		rc = batch_refusal(result, a->err);
	json_object_put(args);
	json_object_put(result);
	if (rc < 0) {
		char message[sizeof(a->err->message)];

		snprintf(message, sizeof(message), "%s", a->err->message);
		return api_fail(a->err, a->err->code, "%s %s %s (%s): %s", s->change, s->kind,
				s->id, action, message);
	}
	entry = append_object(a->plan);
	put_string(entry, "Change", s->change);
	put_string(entry, "Kind", s->kind);
	put_string(entry, "Id", s->id);
	put_string(entry, "Owner", s->owner);
	put_string(entry, "Action", action);
	return 0;
}

static json_object *args_of(const char *key, const char *value)
{
	json_object *args = json_object_new_object();

	put_string(args, key, value);
	return args;
}

/* {key: value, list_key: list} (the list taken); without a key when `key` is NULL. */
static json_object *args_with_list(const char *key, const char *value, const char *list_key,
				   json_object *list)
{
	json_object *args = key ? args_of(key, value) : json_object_new_object();

	json_object_object_add(args, list_key, list);
	return args;
}

static json_object *one_string(const char *value)
{
	json_object *list = json_object_new_array();

	json_object_array_add(list, json_object_new_string(value));
	return list;
}

static void name_step(struct step *s, const char *change, const char *kind, json_object *object,
		      const char *key)
{
	s->change = change;
	s->kind = kind;
	s->owner = string_of(object, "Owner");
	snprintf(s->id, sizeof(s->id), "%s", string_of(object, key));
}

/* ---- Endpoints ---------------------------------------------------------------------------- */

static const char *service_owner(struct apply *a, const char *service_id)
{
	json_object *services = list_of(a->want, "Services");

	for (size_t i = 0; i < count(services); i++)
		if (!strcmp(string_of(item_at(services, i), "ServiceId"), service_id))
			return string_of(item_at(services, i), "Owner");
	return NULL;
}

/* From `from` to the file's state, by the service's owner. */
static int endpoint_state(struct apply *a, json_object *want, const char *from)
{
	const char *to = string_of(want, "State"), *service = string_of(want, "ServiceId");
	struct step s;
	json_object *args;

	name_step(&s, "modify", "Endpoint", want, "VpcEndpointId");
	if (!strcmp(from, to))
		return 0;
	if (!strcmp(to, "pendingAcceptance"))
		return refuse(a, &s, "an endpoint cannot go back to pendingAcceptance");
	args = args_with_list("ServiceId", service, "VpcEndpointIds",
			      one_string(string_of(want, "VpcEndpointId")));
	return run_step(a, &s, service_owner(a, service),
			!strcmp(to, "available") ? "AcceptVpcEndpointConnections"
						 : "RejectVpcEndpointConnections",
			args, NULL, NULL);
}

static json_object *subnet_changes(json_object *from, json_object *other, bool with_address)
{
	json_object *out = NULL;

	for (size_t i = 0; i < count(from); i++) {
		json_object *eni = item_at(from, i), *match = twin(other, eni, "SubnetId", false);

		if (match && same(match, eni, "Ipv4"))
			continue;
		if (!out)
			out = json_object_new_array();
		json_object_array_add(
		    out, pick(eni, with_address ? (const char *const[]){ "SubnetId", "Ipv4", NULL }
						: (const char *const[]){ "SubnetId", NULL }));
	}
	return out;
}

/* Gone endpoints are deleted; kept ones leave the subnets they leave (before those go). */
static int endpoints_leave(struct apply *a)
{
	json_object *have = list_of(a->have, "Endpoints"), *want = list_of(a->want, "Endpoints");

	for (size_t i = 0; i < count(have); i++) {
		json_object *old = item_at(have, i), *new = twin(want, old, "VpcEndpointId", false);
		const char *id = string_of(old, "VpcEndpointId");
		json_object *removed;
		struct step s;

		if (!new) {
			name_step(&s, "delete", "Endpoint", old, "VpcEndpointId");
			if (run_step(a, &s, s.owner, "DeleteVpcEndpoints",
				     args_with_list(NULL, NULL, "VpcEndpointIds", one_string(id)),
				     NULL, NULL) < 0)
				return -1;
			continue;
		}
		name_step(&s, "modify", "Endpoint", new, "VpcEndpointId");
		if (!same(old, new, "Owner") || !same(old, new, "ServiceId"))
			return refuse(a, &s, "its Owner and ServiceId cannot change");
		if (string_of(new, "DnsSuffix") && !same(old, new, "DnsSuffix"))
			return refuse(a, &s, "its DnsSuffix cannot change");
		removed = subnet_changes(list_of(old, "SubnetConfigurations"),
					 list_of(new, "SubnetConfigurations"), false);
		if (removed && run_step(a, &s, s.owner, "ModifyVpcEndpoint",
					args_with_list("VpcEndpointId", id,
						       "RemoveSubnetConfigurations", removed),
					NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

static int endpoint_create(struct apply *a, json_object *want)
{
	char name[DNS_NAME_MAX];
	const char *service = string_of(want, "ServiceId");
	json_object *args = json_object_new_object(), *services = list_of(a->want, "Services");
	json_object *owner_service = NULL;
	struct step s;

	name_step(&s, "create", "Endpoint", want, "VpcEndpointId");
	service_name(name, sizeof(name), a->m->region, service);
	put_string(args, "ServiceName", name);
	put_string(args, "VpcEndpointType", "Interface");
	json_object_object_add(args, "SubnetConfigurations",
			       json_object_get(list_of(want, "SubnetConfigurations")));
	json_object_object_add(args, "PrivateDnsEnabled",
			       json_object_get(json_object_object_get(want, "PrivateDnsEnabled")));
	if (run_step(a, &s, s.owner, "CreateVpcEndpoint", args, string_of(want, "VpcEndpointId"),
		     string_of(want, "DnsSuffix")) < 0)
		return -1;
	for (size_t i = 0; i < count(services); i++)
		if (!strcmp(string_of(item_at(services, i), "ServiceId"), service))
			owner_service = item_at(services, i);
	return endpoint_state(
	    a, want,
	    json_object_get_boolean(json_object_object_get(owner_service, "AcceptanceRequired"))
		? "pendingAcceptance"
		: "available");
}

static int endpoints_arrive(struct apply *a)
{
	json_object *have = list_of(a->have, "Endpoints"), *want = list_of(a->want, "Endpoints");

	for (size_t i = 0; i < count(want); i++) {
		json_object *new = item_at(want, i), *old = twin(have, new, "VpcEndpointId", false);
		const char *id = string_of(new, "VpcEndpointId");
		json_object *added;
		struct step s;

		if (!old) {
			if (endpoint_create(a, new) < 0)
				return -1;
			continue;
		}
		name_step(&s, "modify", "Endpoint", new, "VpcEndpointId");
		added = subnet_changes(list_of(new, "SubnetConfigurations"),
				       list_of(old, "SubnetConfigurations"), true);
		if (added &&
		    run_step(a, &s, s.owner, "ModifyVpcEndpoint",
			     args_with_list("VpcEndpointId", id, "AddSubnetConfigurations", added),
			     NULL, NULL) < 0)
			return -1;
		if (!same(old, new, "PrivateDnsEnabled")) {
			json_object *args = args_of("VpcEndpointId", id);

			json_object_object_add(
			    args, "PrivateDnsEnabled",
			    json_object_get(json_object_object_get(new, "PrivateDnsEnabled")));
			if (run_step(a, &s, s.owner, "ModifyVpcEndpoint", args, NULL, NULL) < 0)
				return -1;
		}
		if (endpoint_state(a, new, string_of(old, "State")) < 0)
			return -1;
	}
	return 0;
}

/* ---- Endpoint services -------------------------------------------------------------------- */

static int principals_change(struct apply *a, const struct step *s, json_object *service,
			     json_object *add, json_object *remove)
{
	json_object *args = args_of("ServiceId", string_of(service, "ServiceId"));

	if (!add && !remove) {
		json_object_put(args);
		return 0;
	}
	if (add)
		json_object_object_add(args, "AddAllowedPrincipals", add);
	if (remove)
		json_object_object_add(args, "RemoveAllowedPrincipals", remove);
	return run_step(a, s, s->owner, "ModifyVpcEndpointServicePermissions", args, NULL, NULL);
}

/* Gone services are deleted; kept ones let go of the load balancers that go. */
static int services_leave(struct apply *a)
{
	json_object *have = list_of(a->have, "Services"), *want = list_of(a->want, "Services");

	for (size_t i = 0; i < count(have); i++) {
		json_object *old = item_at(have, i), *new = twin(want, old, "ServiceId", false);
		const char *id = string_of(old, "ServiceId");
		json_object *removed;
		struct step s;

		if (!new) {
			name_step(&s, "delete", "Service", old, "ServiceId");
			if (run_step(a, &s, s.owner, "DeleteVpcEndpointServiceConfigurations",
				     args_with_list(NULL, NULL, "ServiceIds", one_string(id)), NULL,
				     NULL) < 0)
				return -1;
			continue;
		}
		name_step(&s, "modify", "Service", new, "ServiceId");
		if (!same(old, new, "Owner"))
			return refuse(a, &s, "its Owner cannot change");
		removed = missing_from(list_of(old, "LoadBalancerNames"),
				       list_of(new, "LoadBalancerNames"));
		if (removed &&
		    run_step(a, &s, s.owner, "ModifyVpcEndpointServiceConfiguration",
			     args_with_list("ServiceId", id, "RemoveLoadBalancerNames", removed),
			     NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

static int service_create(struct apply *a, json_object *want)
{
	json_object *args =
	    pick(want, (const char *const[]){ "LoadBalancerNames", "AcceptanceRequired",
					      "PrivateDnsName", NULL });
	struct step s;

	name_step(&s, "create", "Service", want, "ServiceId");
	if (run_step(a, &s, s.owner, "CreateVpcEndpointServiceConfiguration", args,
		     string_of(want, "ServiceId"), NULL) < 0)
		return -1;
	return principals_change(a, &s, want,
				 count(list_of(want, "AllowedPrincipals"))
				     ? json_object_get(list_of(want, "AllowedPrincipals"))
				     : NULL,
				 NULL);
}

static int service_modify(struct apply *a, json_object *old, json_object *new)
{
	const char *id = string_of(new, "ServiceId");
	json_object *args = args_of("ServiceId", id), *added;
	struct step s;

	name_step(&s, "modify", "Service", new, "ServiceId");
	added = missing_from(list_of(new, "LoadBalancerNames"), list_of(old, "LoadBalancerNames"));
	if (added)
		json_object_object_add(args, "AddLoadBalancerNames", added);
	if (!same(old, new, "AcceptanceRequired"))
		json_object_object_add(
		    args, "AcceptanceRequired",
		    json_object_get(json_object_object_get(new, "AcceptanceRequired")));
	if (!same(old, new, "PrivateDnsName")) {
		if (string_of(new, "PrivateDnsName"))
			put_string(args, "PrivateDnsName", string_of(new, "PrivateDnsName"));
		else
			put_bool(args, "RemovePrivateDnsName", true);
	}
	if (json_object_object_length(args) == 1)
		json_object_put(args);
	else if (run_step(a, &s, s.owner, "ModifyVpcEndpointServiceConfiguration", args, NULL,
			  NULL) < 0)
		return -1;
	return principals_change(
	    a, &s, new,
	    missing_from(list_of(new, "AllowedPrincipals"), list_of(old, "AllowedPrincipals")),
	    missing_from(list_of(old, "AllowedPrincipals"), list_of(new, "AllowedPrincipals")));
}

static int services_arrive(struct apply *a)
{
	json_object *have = list_of(a->have, "Services"), *want = list_of(a->want, "Services");

	for (size_t i = 0; i < count(want); i++) {
		json_object *new = item_at(want, i), *old = twin(have, new, "ServiceId", false);

		if (old ? service_modify(a, old, new) : service_create(a, new))
			return -1;
	}
	return 0;
}

/* ---- Load balancers and listeners --------------------------------------------------------- */

static int listener_create(struct apply *a, json_object *lb, json_object *listener)
{
	json_object *args =
	    pick(listener, (const char *const[]){ "Port", "TargetGroupName", NULL });
	struct step s;

	name_step(&s, "create", "Listener", lb, "Name");
	snprintf(s.id + strlen(s.id), sizeof(s.id) - strlen(s.id), ":%lld",
		 (long long)json_object_get_int64(json_object_object_get(listener, "Port")));
	put_string(args, "LoadBalancerName", string_of(lb, "Name"));
	return run_step(a, &s, s.owner, "CreateListener", args, NULL, arn_suffix(listener));
}

/* A listener that goes or changes is deleted (a changed one is made again later). */
static int listeners_leave(struct apply *a, json_object *old, json_object *new)
{
	json_object *listeners = list_of(old, "Listeners");

	for (size_t i = 0; i < count(listeners); i++) {
		json_object *listener = item_at(listeners, i);
		json_object *kept = twin(list_of(new, "Listeners"), listener, "Port", false);
		json_object *args;
		struct step s;

		if (kept && same(kept, listener, "TargetGroupName") &&
		    (!string_of(kept, "Arn") || same(kept, listener, "Arn")))
			continue;
		name_step(&s, "delete", "Listener", old, "Name");
		snprintf(
		    s.id + strlen(s.id), sizeof(s.id) - strlen(s.id), ":%lld",
		    (long long)json_object_get_int64(json_object_object_get(listener, "Port")));
		args = pick(listener, (const char *const[]){ "Port", NULL });
		put_string(args, "LoadBalancerName", string_of(old, "Name"));
		if (run_step(a, &s, s.owner, "DeleteListener", args, NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

static int lbs_leave(struct apply *a)
{
	json_object *have = list_of(a->have, "LoadBalancers");
	json_object *want = list_of(a->want, "LoadBalancers");

	for (size_t i = 0; i < count(have); i++) {
		json_object *old = item_at(have, i), *new = twin(want, old, "Name", true);
		struct step s;

		if (new) {
			if (listeners_leave(a, old, new) < 0)
				return -1;
			continue;
		}
		name_step(&s, "delete", "LoadBalancer", old, "Name");
		if (run_step(a, &s, s.owner, "DeleteLoadBalancer",
			     args_of("Name", string_of(old, "Name")), NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

/* Zones cannot change in place (AWS has no call that would). */
static bool same_zones(json_object *old, json_object *new)
{
	json_object *zones = list_of(new, "Zones");

	if (count(list_of(old, "Zones")) != count(zones))
		return false;
	for (size_t z = 0; z < count(zones); z++) {
		json_object *had = twin(list_of(old, "Zones"), item_at(zones, z), "ZoneId", false);

		if (!had || !same(had, item_at(zones, z), "Address"))
			return false;
	}
	return true;
}

static int lb_modify(struct apply *a, json_object *old, json_object *new)
{
	struct step s;

	name_step(&s, "modify", "LoadBalancer", new, "Name");
	if (string_of(new, "Arn") && !same(old, new, "Arn"))
		return refuse(a, &s, "its Arn cannot change");
	if (!same_zones(old, new))
		return refuse(a, &s, "its Zones cannot change");
	if (same(old, new, "CrossZone"))
		return 0;
	return run_step(a, &s, s.owner, "ModifyLoadBalancerAttributes",
			pick(new, (const char *const[]){ "Name", "CrossZone", NULL }), NULL, NULL);
}

static int lb_create(struct apply *a, json_object *new)
{
	struct step s;

	name_step(&s, "create", "LoadBalancer", new, "Name");
	return run_step(a, &s, s.owner, "CreateLoadBalancer",
			pick(new, (const char *const[]){ "Name", "Zones", "CrossZone", NULL }),
			NULL, arn_suffix(new));
}

static int lbs_arrive(struct apply *a)
{
	json_object *have = list_of(a->have, "LoadBalancers");
	json_object *want = list_of(a->want, "LoadBalancers");

	for (size_t i = 0; i < count(want); i++) {
		json_object *new = item_at(want, i), *old = twin(have, new, "Name", true);
		json_object *listeners = list_of(new, "Listeners");

		if (old ? lb_modify(a, old, new) : lb_create(a, new))
			return -1;
		for (size_t l = 0; l < count(listeners); l++) {
			json_object *listener = item_at(listeners, l);
			json_object *had =
			    old ? twin(list_of(old, "Listeners"), listener, "Port", false) : NULL;

			if (had && same(had, listener, "TargetGroupName") &&
			    (!string_of(listener, "Arn") || same(had, listener, "Arn")))
				continue;
			if (listener_create(a, new, listener) < 0)
				return -1;
		}
	}
	return 0;
}

/* ---- Target groups and targets ------------------------------------------------------------ */

static const char *const tg_settings[] = {
	"HealthCheckProtocol",
	"HealthCheckPort",
	"HealthCheckPath",
	"HealthCheckIntervalSeconds",
	"HealthCheckTimeoutSeconds",
	"HealthyThresholdCount",
	"UnhealthyThresholdCount",
	"Matcher",
	"DeregistrationDelaySeconds",
	"DeregistrationConnectionTermination",
	"UnhealthyConnectionTermination",
	"ProxyProtocolV2",
	NULL,
};

static bool same_target(json_object *a, json_object *b)
{
	return same(a, b, "Id") && same(a, b, "Port");
}

/* The targets of `from` that `other` lacks (by address and port). */
static json_object *targets_missing(json_object *from, json_object *other, bool with_zone)
{
	json_object *out = NULL;

	for (size_t i = 0; i < count(from); i++) {
		json_object *target = item_at(from, i);
		bool found = false;

		for (size_t j = 0; j < count(other) && !found; j++)
			found = same_target(target, item_at(other, j));
		if (found)
			continue;
		if (!out)
			out = json_object_new_array();
		json_object_array_add(
		    out, pick(target, with_zone ? (const char *const[]){ "Id", "Port",
									 "AvailabilityZone", NULL }
						: (const char *const[]){ "Id", "Port", NULL }));
	}
	return out;
}

static int targets_change(struct apply *a, const struct step *group, json_object *old,
			  json_object *new)
{
	json_object *added =
	    targets_missing(list_of(new, "Targets"), list_of(old, "Targets"), true);
	json_object *removed =
	    targets_missing(list_of(old, "Targets"), list_of(new, "Targets"), false);
	const char *name = string_of(new, "Name");
	struct step s = *group;

	for (size_t i = 0; i < count(list_of(new, "Targets")); i++) {
		json_object *target = item_at(list_of(new, "Targets"), i);

		for (size_t j = 0; j < count(list_of(old, "Targets")); j++)
			if (same_target(target, item_at(list_of(old, "Targets"), j)) &&
			    !same(target, item_at(list_of(old, "Targets"), j),
				  "AvailabilityZone")) {
				json_object_put(added);
				json_object_put(removed);
				return refuse(a, group,
					      "a target's AvailabilityZone cannot change");
			}
	}
	s.kind = "Targets";
	s.change = "delete";
	if (removed && run_step(a, &s, s.owner, "DeregisterTargets",
				args_with_list("Name", name, "Targets", removed), NULL, NULL) < 0) {
		json_object_put(added);
		return -1;
	}
	s.change = "create";
	if (added && run_step(a, &s, s.owner, "RegisterTargets",
			      args_with_list("Name", name, "Targets", added), NULL, NULL) < 0)
		return -1;
	return 0;
}

static int tgs_leave(struct apply *a)
{
	json_object *have = list_of(a->have, "TargetGroups"),
		    *want = list_of(a->want, "TargetGroups");

	for (size_t i = 0; i < count(have); i++) {
		json_object *old = item_at(have, i);
		struct step s;

		if (twin(want, old, "Name", true))
			continue;
		name_step(&s, "delete", "TargetGroup", old, "Name");
		if (run_step(a, &s, s.owner, "DeleteTargetGroup",
			     args_of("Name", string_of(old, "Name")), NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

static int tg_create(struct apply *a, json_object *want)
{
	json_object *args = pick(want, tg_settings), *none = json_object_new_object();
	struct step s;
	int rc;

	name_step(&s, "create", "TargetGroup", want, "Name");
	put_string(args, "Name", string_of(want, "Name"));
	json_object_object_add(args, "Port", json_object_get(json_object_object_get(want, "Port")));
	rc = run_step(a, &s, s.owner, "CreateTargetGroup", args, NULL, arn_suffix(want));
	if (rc == 0)
		rc = targets_change(a, &s, none, want);
	json_object_put(none);
	return rc;
}

static int tg_modify(struct apply *a, json_object *old, json_object *new)
{
	bool changed = false;
	struct step s;

	name_step(&s, "modify", "TargetGroup", new, "Name");
	if (!same(old, new, "Port") || (string_of(new, "Arn") && !same(old, new, "Arn")))
		return refuse(a, &s, "its Port and Arn cannot change");
	for (const char *const *key = tg_settings; *key; key++)
		changed |= !same(old, new, *key);
	if (changed) {
		json_object *args = pick(new, tg_settings);

		put_string(args, "Name", string_of(new, "Name"));
		if (run_step(a, &s, s.owner, "ModifyTargetGroupAttributes", args, NULL, NULL) < 0)
			return -1;
	}
	return targets_change(a, &s, old, new);
}

static int tgs_arrive(struct apply *a)
{
	json_object *have = list_of(a->have, "TargetGroups"),
		    *want = list_of(a->want, "TargetGroups");

	for (size_t i = 0; i < count(want); i++) {
		json_object *new = item_at(want, i), *old = twin(have, new, "Name", true);

		if (old ? tg_modify(a, old, new) : tg_create(a, new))
			return -1;
	}
	return 0;
}

/* ---- VPCs and subnets --------------------------------------------------------------------- */

static int vpcs_leave(struct apply *a)
{
	json_object *have = list_of(a->have, "Vpcs"), *want = list_of(a->want, "Vpcs");

	for (size_t i = 0; i < count(have); i++) {
		json_object *old = item_at(have, i), *new = twin(want, old, "VpcId", false);
		json_object *subnets = list_of(old, "Subnets");
		struct step s;

		for (size_t n = 0; n < count(subnets); n++) {
			json_object *subnet = item_at(subnets, n);

			if (new &&twin(list_of(new, "Subnets"), subnet, "SubnetId", false))
				continue;
			name_step(&s, "delete", "Subnet", subnet, "SubnetId");
			s.owner = string_of(old, "Owner");
			if (run_step(a, &s, s.owner, "DeleteSubnet",
				     args_of("SubnetId", string_of(subnet, "SubnetId")), NULL,
				     NULL) < 0)
				return -1;
		}
		if (new)
			continue;
		name_step(&s, "delete", "Vpc", old, "VpcId");
		if (run_step(a, &s, s.owner, "DeleteVpc", args_of("VpcId", string_of(old, "VpcId")),
			     NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

static int vpcs_arrive(struct apply *a)
{
	json_object *have = list_of(a->have, "Vpcs"), *want = list_of(a->want, "Vpcs");

	for (size_t i = 0; i < count(want); i++) {
		json_object *new = item_at(want, i), *old = twin(have, new, "VpcId", false);
		json_object *subnets = list_of(new, "Subnets");
		const char *vpc_id = string_of(new, "VpcId");
		struct step s;

		name_step(&s, old ? "modify" : "create", "Vpc", new, "VpcId");
		if (old && (!same(old, new, "Owner") || !same(old, new, "CidrBlock") ||
			    !same(old, new, "Interface")))
			return refuse(a, &s, "its Owner, CidrBlock and Interface cannot change");
		if (!old &&
		    run_step(a, &s, s.owner, "CreateVpc",
			     pick(new, (const char *const[]){ "CidrBlock", "Interface", NULL }),
			     vpc_id, NULL) < 0)
			return -1;
		for (size_t n = 0; n < count(subnets); n++) {
			json_object *subnet = item_at(subnets, n), *args;
			json_object *had =
			    old ? twin(list_of(old, "Subnets"), subnet, "SubnetId", false) : NULL;

			name_step(&s, had ? "modify" : "create", "Subnet", subnet, "SubnetId");
			s.owner = string_of(new, "Owner");
			if (had && (!same(had, subnet, "CidrBlock") ||
				    !same(had, subnet, "AvailabilityZoneId")))
				return refuse(a, &s,
					      "its CidrBlock and AvailabilityZoneId cannot change");
			if (had)
				continue;
			args = pick(subnet, (const char *const[]){ "CidrBlock",
								   "AvailabilityZoneId", NULL });
			put_string(args, "VpcId", vpc_id);
			if (run_step(a, &s, s.owner, "CreateSubnet", args,
				     string_of(subnet, "SubnetId"), NULL) < 0)
				return -1;
		}
	}
	return 0;
}

int config_apply(struct model *m, json_object *want, json_object *plan, struct api_error *err)
{
	struct apply a = { .m = m, .want = want, .plan = plan, .err = err };
	int rc;

	if (config_export(m, &a.have, err) < 0)
		return -1;
	/* what goes, dependents first */
	rc = endpoints_leave(&a) || services_leave(&a) || lbs_leave(&a) || tgs_leave(&a) ||
	     vpcs_leave(&a) ||
	     /* what comes or changes, what others depend on first */
	     vpcs_arrive(&a) || tgs_arrive(&a) || lbs_arrive(&a) || services_arrive(&a) ||
	     endpoints_arrive(&a);
	json_object_put(a.have);
	return rc ? -1 : 0;
}
