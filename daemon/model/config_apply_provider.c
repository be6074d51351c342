/* SPDX-License-Identifier: MIT */
/* Applying a configuration, the provider's side (config_apply.h): endpoint services and their
 * principals, load balancers and listeners, target groups and targets. */
#include <stdio.h>
#include <string.h>

#include "config_apply.h"
#include "result.h"

/* ---- Endpoint services -------------------------------------------------------------------- */

static int principals_change(struct apply *a, const struct step *s, json_object *service,
			     json_object *add, json_object *remove)
{
	json_object *args = step_args("ServiceId", doc_string(service, "ServiceId"));

	if (!add && !remove) {
		json_object_put(args);
		return 0;
	}
	if (add)
		json_object_object_add(args, "AddAllowedPrincipals", add);
	if (remove)
		json_object_object_add(args, "RemoveAllowedPrincipals", remove);
	return step_run(a, s, s->owner, "ModifyVpcEndpointServicePermissions", args, NULL, NULL);
}

/* Gone services are deleted; kept ones let go of the load balancers that go. */
int services_leave(struct apply *a)
{
	json_object *have = doc_list(a->have, "Services"), *want = doc_list(a->want, "Services");

	for (size_t i = 0; i < doc_count(have); i++) {
		json_object *old = doc_item(have, i),
			    *new = doc_twin(want, old, "ServiceId", false);
		const char *id = doc_string(old, "ServiceId");
		json_object *removed;
		struct step s;

		if (!new) {
			step_name(&s, "delete", "Service", old, "ServiceId");
			if (step_run(
				a, &s, s.owner, "DeleteVpcEndpointServiceConfigurations",
				step_args_with_list(NULL, NULL, "ServiceIds", step_one_string(id)),
				NULL, NULL) < 0)
				return -1;
			continue;
		}
		step_name(&s, "modify", "Service", new, "ServiceId");
		if (!doc_same(old, new, "Owner"))
			return step_refuse(a, &s, "its Owner cannot change");
		removed = doc_missing_from(doc_list(old, "LoadBalancerNames"),
					   doc_list(new, "LoadBalancerNames"));
		if (removed && step_run(a, &s, s.owner, "ModifyVpcEndpointServiceConfiguration",
					step_args_with_list("ServiceId", id,
							    "RemoveLoadBalancerNames", removed),
					NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

static int service_create(struct apply *a, json_object *want)
{
	json_object *args =
	    doc_pick(want, (const char *const[]){ "LoadBalancerNames", "AcceptanceRequired",
						  "PrivateDnsName", NULL });
	struct step s;

	step_name(&s, "create", "Service", want, "ServiceId");
	if (step_run(a, &s, s.owner, "CreateVpcEndpointServiceConfiguration", args,
		     doc_string(want, "ServiceId"), NULL) < 0)
		return -1;
	return principals_change(a, &s, want,
				 doc_count(doc_list(want, "AllowedPrincipals"))
				     ? json_object_get(doc_list(want, "AllowedPrincipals"))
				     : NULL,
				 NULL);
}

static int service_modify(struct apply *a, json_object *old, json_object *new)
{
	const char *id = doc_string(new, "ServiceId");
	json_object *args = step_args("ServiceId", id), *added;
	struct step s;

	step_name(&s, "modify", "Service", new, "ServiceId");
	added = doc_missing_from(doc_list(new, "LoadBalancerNames"),
				 doc_list(old, "LoadBalancerNames"));
	if (added)
		json_object_object_add(args, "AddLoadBalancerNames", added);
	if (!doc_same(old, new, "AcceptanceRequired"))
		json_object_object_add(
		    args, "AcceptanceRequired",
		    json_object_get(json_object_object_get(new, "AcceptanceRequired")));
	if (!doc_same(old, new, "PrivateDnsName")) {
		if (doc_string(new, "PrivateDnsName"))
			put_string(args, "PrivateDnsName", doc_string(new, "PrivateDnsName"));
		else
			put_bool(args, "RemovePrivateDnsName", true);
	}
	if (json_object_object_length(args) == 1)
		json_object_put(args);
	else if (step_run(a, &s, s.owner, "ModifyVpcEndpointServiceConfiguration", args, NULL,
			  NULL) < 0)
		return -1;
	return principals_change(a, &s, new,
				 doc_missing_from(doc_list(new, "AllowedPrincipals"),
						  doc_list(old, "AllowedPrincipals")),
				 doc_missing_from(doc_list(old, "AllowedPrincipals"),
						  doc_list(new, "AllowedPrincipals")));
}

int services_arrive(struct apply *a)
{
	json_object *have = doc_list(a->have, "Services"), *want = doc_list(a->want, "Services");

	for (size_t i = 0; i < doc_count(want); i++) {
		json_object *new = doc_item(want, i),
			    *old = doc_twin(have, new, "ServiceId", false);

		if (old ? service_modify(a, old, new) : service_create(a, new))
			return -1;
	}
	return 0;
}

/* ---- Load balancers and listeners --------------------------------------------------------- */

static int listener_create(struct apply *a, json_object *lb, json_object *listener)
{
	json_object *args =
	    doc_pick(listener, (const char *const[]){ "Port", "TargetGroupName", NULL });
	struct step s;

	step_name(&s, "create", "Listener", lb, "Name");
	snprintf(s.id + strlen(s.id), sizeof(s.id) - strlen(s.id), ":%lld",
		 (long long)json_object_get_int64(json_object_object_get(listener, "Port")));
	put_string(args, "LoadBalancerName", doc_string(lb, "Name"));
	return step_run(a, &s, s.owner, "CreateListener", args, NULL, doc_arn_suffix(listener));
}

/* A listener that goes or changes is deleted (a changed one is made again later). */
static int listeners_leave(struct apply *a, json_object *old, json_object *new)
{
	json_object *listeners = doc_list(old, "Listeners");

	for (size_t i = 0; i < doc_count(listeners); i++) {
		json_object *listener = doc_item(listeners, i);
		json_object *kept = doc_twin(doc_list(new, "Listeners"), listener, "Port", false);
		json_object *args;
		struct step s;

		if (kept && doc_same(kept, listener, "TargetGroupName") &&
		    (!doc_string(kept, "Arn") || doc_same(kept, listener, "Arn")))
			continue;
		step_name(&s, "delete", "Listener", old, "Name");
		snprintf(
		    s.id + strlen(s.id), sizeof(s.id) - strlen(s.id), ":%lld",
		    (long long)json_object_get_int64(json_object_object_get(listener, "Port")));
		args = doc_pick(listener, (const char *const[]){ "Port", NULL });
		put_string(args, "LoadBalancerName", doc_string(old, "Name"));
		if (step_run(a, &s, s.owner, "DeleteListener", args, NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

int lbs_leave(struct apply *a)
{
	json_object *have = doc_list(a->have, "LoadBalancers");
	json_object *want = doc_list(a->want, "LoadBalancers");

	for (size_t i = 0; i < doc_count(have); i++) {
		json_object *old = doc_item(have, i), *new = doc_twin(want, old, "Name", true);
		struct step s;

		if (new) {
			if (listeners_leave(a, old, new) < 0)
				return -1;
			continue;
		}
		step_name(&s, "delete", "LoadBalancer", old, "Name");
		if (step_run(a, &s, s.owner, "DeleteLoadBalancer",
			     step_args("Name", doc_string(old, "Name")), NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

/* Zones cannot change in place (AWS has no call that would). */
static bool same_zones(json_object *old, json_object *new)
{
	json_object *zones = doc_list(new, "Zones");

	if (doc_count(doc_list(old, "Zones")) != doc_count(zones))
		return false;
	for (size_t z = 0; z < doc_count(zones); z++) {
		json_object *had =
		    doc_twin(doc_list(old, "Zones"), doc_item(zones, z), "ZoneId", false);

		if (!had || !doc_same(had, doc_item(zones, z), "Address"))
			return false;
	}
	return true;
}

static int lb_modify(struct apply *a, json_object *old, json_object *new)
{
	struct step s;

	step_name(&s, "modify", "LoadBalancer", new, "Name");
	if (doc_string(new, "Arn") && !doc_same(old, new, "Arn"))
		return step_refuse(a, &s, "its Arn cannot change");
	if (!same_zones(old, new))
		return step_refuse(a, &s, "its Zones cannot change");
	if (doc_same(old, new, "CrossZone"))
		return 0;
	return step_run(a, &s, s.owner, "ModifyLoadBalancerAttributes",
			doc_pick(new, (const char *const[]){ "Name", "CrossZone", NULL }), NULL,
			NULL);
}

static int lb_create(struct apply *a, json_object *new)
{
	struct step s;

	step_name(&s, "create", "LoadBalancer", new, "Name");
	return step_run(a, &s, s.owner, "CreateLoadBalancer",
			doc_pick(new, (const char *const[]){ "Name", "Zones", "CrossZone", NULL }),
			NULL, doc_arn_suffix(new));
}

int lbs_arrive(struct apply *a)
{
	json_object *have = doc_list(a->have, "LoadBalancers");
	json_object *want = doc_list(a->want, "LoadBalancers");

	for (size_t i = 0; i < doc_count(want); i++) {
		json_object *new = doc_item(want, i), *old = doc_twin(have, new, "Name", true);
		json_object *listeners = doc_list(new, "Listeners");

		if (old ? lb_modify(a, old, new) : lb_create(a, new))
			return -1;
		for (size_t l = 0; l < doc_count(listeners); l++) {
			json_object *listener = doc_item(listeners, l);
			json_object *had =
			    old ? doc_twin(doc_list(old, "Listeners"), listener, "Port", false)
				: NULL;

			if (had && doc_same(had, listener, "TargetGroupName") &&
			    (!doc_string(listener, "Arn") || doc_same(had, listener, "Arn")))
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
	return doc_same(a, b, "Id") && doc_same(a, b, "Port");
}

/* The targets of `from` that `other` lacks (by address and port). */
static json_object *targets_missing(json_object *from, json_object *other, bool with_zone)
{
	json_object *out = NULL;

	for (size_t i = 0; i < doc_count(from); i++) {
		json_object *target = doc_item(from, i);
		bool found = false;

		for (size_t j = 0; j < doc_count(other) && !found; j++)
			found = same_target(target, doc_item(other, j));
		if (found)
			continue;
		if (!out)
			out = json_object_new_array();
		json_object_array_add(
		    out,
		    doc_pick(target, with_zone ? (const char *const[]){ "Id", "Port",
									"AvailabilityZone", NULL }
					       : (const char *const[]){ "Id", "Port", NULL }));
	}
	return out;
}

static int targets_change(struct apply *a, const struct step *group, json_object *old,
			  json_object *new)
{
	json_object *added =
	    targets_missing(doc_list(new, "Targets"), doc_list(old, "Targets"), true);
	json_object *removed =
	    targets_missing(doc_list(old, "Targets"), doc_list(new, "Targets"), false);
	const char *name = doc_string(new, "Name");
	struct step s = *group;

	for (size_t i = 0; i < doc_count(doc_list(new, "Targets")); i++) {
		json_object *target = doc_item(doc_list(new, "Targets"), i);

		for (size_t j = 0; j < doc_count(doc_list(old, "Targets")); j++)
			if (same_target(target, doc_item(doc_list(old, "Targets"), j)) &&
			    !doc_same(target, doc_item(doc_list(old, "Targets"), j),
				      "AvailabilityZone")) {
				json_object_put(added);
				json_object_put(removed);
				return step_refuse(a, group,
						   "a target's AvailabilityZone cannot change");
			}
	}
	s.kind = "Targets";
	s.change = "delete";
	if (removed &&
	    step_run(a, &s, s.owner, "DeregisterTargets",
		     step_args_with_list("Name", name, "Targets", removed), NULL, NULL) < 0) {
		json_object_put(added);
		return -1;
	}
	s.change = "create";
	if (added && step_run(a, &s, s.owner, "RegisterTargets",
			      step_args_with_list("Name", name, "Targets", added), NULL, NULL) < 0)
		return -1;
	return 0;
}

int tgs_leave(struct apply *a)
{
	json_object *have = doc_list(a->have, "TargetGroups"),
		    *want = doc_list(a->want, "TargetGroups");

	for (size_t i = 0; i < doc_count(have); i++) {
		json_object *old = doc_item(have, i);
		struct step s;

		if (doc_twin(want, old, "Name", true))
			continue;
		step_name(&s, "delete", "TargetGroup", old, "Name");
		if (step_run(a, &s, s.owner, "DeleteTargetGroup",
			     step_args("Name", doc_string(old, "Name")), NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

static int tg_create(struct apply *a, json_object *want)
{
	json_object *args = doc_pick(want, tg_settings), *none = json_object_new_object();
	struct step s;
	int rc;

	step_name(&s, "create", "TargetGroup", want, "Name");
	put_string(args, "Name", doc_string(want, "Name"));
	json_object_object_add(args, "Port", json_object_get(json_object_object_get(want, "Port")));
	rc = step_run(a, &s, s.owner, "CreateTargetGroup", args, NULL, doc_arn_suffix(want));
	if (rc == 0)
		rc = targets_change(a, &s, none, want);
	json_object_put(none);
	return rc;
}

static int tg_modify(struct apply *a, json_object *old, json_object *new)
{
	bool changed = false;
	struct step s;

	step_name(&s, "modify", "TargetGroup", new, "Name");
	if (!doc_same(old, new, "Port") || (doc_string(new, "Arn") && !doc_same(old, new, "Arn")))
		return step_refuse(a, &s, "its Port and Arn cannot change");
	for (const char *const *key = tg_settings; *key; key++)
		changed |= !doc_same(old, new, *key);
	if (changed) {
		json_object *args = doc_pick(new, tg_settings);

		put_string(args, "Name", doc_string(new, "Name"));
		if (step_run(a, &s, s.owner, "ModifyTargetGroupAttributes", args, NULL, NULL) < 0)
			return -1;
	}
	return targets_change(a, &s, old, new);
}

int tgs_arrive(struct apply *a)
{
	json_object *have = doc_list(a->have, "TargetGroups"),
		    *want = doc_list(a->want, "TargetGroups");

	for (size_t i = 0; i < doc_count(want); i++) {
		json_object *new = doc_item(want, i), *old = doc_twin(have, new, "Name", true);

		if (old ? tg_modify(a, old, new) : tg_create(a, new))
			return -1;
	}
	return 0;
}
