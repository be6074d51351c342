/* SPDX-License-Identifier: MIT */
/* Applying a configuration, the consumers' side (config_apply.h): VPCs and their subnets,
 * interface endpoints, their ENIs and their acceptance. */
#include <stdio.h>
#include <string.h>

#include "config_apply.h"
#include "ids.h"
#include "model_internal.h"
#include "result.h"

/* ---- Endpoints ---------------------------------------------------------------------------- */

static const char *service_owner(struct apply *a, const char *service_id)
{
	json_object *services = doc_list(a->want, "Services");

	for (size_t i = 0; i < doc_count(services); i++)
		if (!strcmp(doc_string(doc_item(services, i), "ServiceId"), service_id))
			return doc_string(doc_item(services, i), "Owner");
	return NULL;
}

/* From `from` to the file's state, by the service's owner. */
static int endpoint_state(struct apply *a, json_object *want, const char *from)
{
	const char *to = doc_string(want, "State"), *service = doc_string(want, "ServiceId");
	struct step s;
	json_object *args;

	step_name(&s, "modify", "Endpoint", want, "VpcEndpointId");
	if (!strcmp(from, to))
		return 0;
	if (!strcmp(to, "pendingAcceptance"))
		return step_refuse(a, &s, "an endpoint cannot go back to pendingAcceptance");
	args = step_args_with_list("ServiceId", service, "VpcEndpointIds",
				   step_one_string(doc_string(want, "VpcEndpointId")));
	return step_run(a, &s, service_owner(a, service),
			!strcmp(to, "available") ? "AcceptVpcEndpointConnections"
						 : "RejectVpcEndpointConnections",
			args, NULL, NULL);
}

static json_object *subnet_changes(json_object *from, json_object *other, bool with_address)
{
	json_object *out = NULL;

	for (size_t i = 0; i < doc_count(from); i++) {
		json_object *eni = doc_item(from, i),
			    *match = doc_twin(other, eni, "SubnetId", false);

		if (match && doc_same(match, eni, "Ipv4"))
			continue;
		if (!out)
			out = json_object_new_array();
		json_object_array_add(
		    out,
		    doc_pick(eni, with_address ? (const char *const[]){ "SubnetId", "Ipv4", NULL }
					       : (const char *const[]){ "SubnetId", NULL }));
	}
	return out;
}

/* Gone endpoints are deleted; kept ones leave the subnets they leave (before those go). */
int endpoints_leave(struct apply *a)
{
	json_object *have = doc_list(a->have, "Endpoints"), *want = doc_list(a->want, "Endpoints");

	for (size_t i = 0; i < doc_count(have); i++) {
		json_object *old = doc_item(have, i),
			    *new = doc_twin(want, old, "VpcEndpointId", false);
		const char *id = doc_string(old, "VpcEndpointId");
		json_object *removed;
		struct step s;

		if (!new) {
			step_name(&s, "delete", "Endpoint", old, "VpcEndpointId");
			if (step_run(a, &s, s.owner, "DeleteVpcEndpoints",
				     step_args_with_list(NULL, NULL, "VpcEndpointIds",
							 step_one_string(id)),
				     NULL, NULL) < 0)
				return -1;
			continue;
		}
		step_name(&s, "modify", "Endpoint", new, "VpcEndpointId");
		if (!doc_same(old, new, "Owner") || !doc_same(old, new, "ServiceId"))
			return step_refuse(a, &s, "its Owner and ServiceId cannot change");
		if (doc_string(new, "DnsSuffix") && !doc_same(old, new, "DnsSuffix"))
			return step_refuse(a, &s, "its DnsSuffix cannot change");
		removed = subnet_changes(doc_list(old, "SubnetConfigurations"),
					 doc_list(new, "SubnetConfigurations"), false);
		if (removed && step_run(a, &s, s.owner, "ModifyVpcEndpoint",
					step_args_with_list("VpcEndpointId", id,
							    "RemoveSubnetConfigurations", removed),
					NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

static int endpoint_create(struct apply *a, json_object *want)
{
	char name[DNS_NAME_MAX];
	const char *service = doc_string(want, "ServiceId");
	json_object *args = json_object_new_object(), *services = doc_list(a->want, "Services");
	json_object *owner_service = NULL;
	struct step s;

	step_name(&s, "create", "Endpoint", want, "VpcEndpointId");
	service_name(name, sizeof(name), a->m->region, service);
	put_string(args, "ServiceName", name);
	put_string(args, "VpcEndpointType", "Interface");
	json_object_object_add(args, "SubnetConfigurations",
			       json_object_get(doc_list(want, "SubnetConfigurations")));
	json_object_object_add(args, "PrivateDnsEnabled",
			       json_object_get(json_object_object_get(want, "PrivateDnsEnabled")));
	if (step_run(a, &s, s.owner, "CreateVpcEndpoint", args, doc_string(want, "VpcEndpointId"),
		     doc_string(want, "DnsSuffix")) < 0)
		return -1;
	for (size_t i = 0; i < doc_count(services); i++)
		if (!strcmp(doc_string(doc_item(services, i), "ServiceId"), service))
			owner_service = doc_item(services, i);
	return endpoint_state(
	    a, want,
	    json_object_get_boolean(json_object_object_get(owner_service, "AcceptanceRequired"))
		? "pendingAcceptance"
		: "available");
}

int endpoints_arrive(struct apply *a)
{
	json_object *have = doc_list(a->have, "Endpoints"), *want = doc_list(a->want, "Endpoints");

	for (size_t i = 0; i < doc_count(want); i++) {
		json_object *new = doc_item(want, i),
			    *old = doc_twin(have, new, "VpcEndpointId", false);
		const char *id = doc_string(new, "VpcEndpointId");
		json_object *added;
		struct step s;

		if (!old) {
			if (endpoint_create(a, new) < 0)
				return -1;
			continue;
		}
		step_name(&s, "modify", "Endpoint", new, "VpcEndpointId");
		added = subnet_changes(doc_list(new, "SubnetConfigurations"),
				       doc_list(old, "SubnetConfigurations"), true);
		if (added && step_run(a, &s, s.owner, "ModifyVpcEndpoint",
				      step_args_with_list("VpcEndpointId", id,
							  "AddSubnetConfigurations", added),
				      NULL, NULL) < 0)
			return -1;
		if (!doc_same(old, new, "PrivateDnsEnabled")) {
			json_object *args = step_args("VpcEndpointId", id);

			json_object_object_add(
			    args, "PrivateDnsEnabled",
			    json_object_get(json_object_object_get(new, "PrivateDnsEnabled")));
			if (step_run(a, &s, s.owner, "ModifyVpcEndpoint", args, NULL, NULL) < 0)
				return -1;
		}
		if (endpoint_state(a, new, doc_string(old, "State")) < 0)
			return -1;
	}
	return 0;
}

/* ---- VPCs and subnets --------------------------------------------------------------------- */

int vpcs_leave(struct apply *a)
{
	json_object *have = doc_list(a->have, "Vpcs"), *want = doc_list(a->want, "Vpcs");

	for (size_t i = 0; i < doc_count(have); i++) {
		json_object *old = doc_item(have, i), *new = doc_twin(want, old, "VpcId", false);
		json_object *subnets = doc_list(old, "Subnets");
		struct step s;

		for (size_t n = 0; n < doc_count(subnets); n++) {
			json_object *subnet = doc_item(subnets, n);

			if (new &&doc_twin(doc_list(new, "Subnets"), subnet, "SubnetId", false))
				continue;
			step_name(&s, "delete", "Subnet", subnet, "SubnetId");
			s.owner = doc_string(old, "Owner");
			if (step_run(a, &s, s.owner, "DeleteSubnet",
				     step_args("SubnetId", doc_string(subnet, "SubnetId")), NULL,
				     NULL) < 0)
				return -1;
		}
		if (new)
			continue;
		step_name(&s, "delete", "Vpc", old, "VpcId");
		if (step_run(a, &s, s.owner, "DeleteVpc",
			     step_args("VpcId", doc_string(old, "VpcId")), NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

int vpcs_arrive(struct apply *a)
{
	json_object *have = doc_list(a->have, "Vpcs"), *want = doc_list(a->want, "Vpcs");

	for (size_t i = 0; i < doc_count(want); i++) {
		json_object *new = doc_item(want, i), *old = doc_twin(have, new, "VpcId", false);
		json_object *subnets = doc_list(new, "Subnets");
		const char *vpc_id = doc_string(new, "VpcId");
		struct step s;

		step_name(&s, old ? "modify" : "create", "Vpc", new, "VpcId");
		if (old && (!doc_same(old, new, "Owner") || !doc_same(old, new, "CidrBlock") ||
			    !doc_same(old, new, "Interface")))
			return step_refuse(a, &s,
					   "its Owner, CidrBlock and Interface cannot change");
		if (!old &&
		    step_run(a, &s, s.owner, "CreateVpc",
			     doc_pick(new, (const char *const[]){ "CidrBlock", "Interface", NULL }),
			     vpc_id, NULL) < 0)
			return -1;
		for (size_t n = 0; n < doc_count(subnets); n++) {
			json_object *subnet = doc_item(subnets, n), *args;
			json_object *had =
			    old ? doc_twin(doc_list(old, "Subnets"), subnet, "SubnetId", false)
				: NULL;

			step_name(&s, had ? "modify" : "create", "Subnet", subnet, "SubnetId");
			s.owner = doc_string(new, "Owner");
			if (had && (!doc_same(had, subnet, "CidrBlock") ||
				    !doc_same(had, subnet, "AvailabilityZoneId")))
				return step_refuse(
				    a, &s, "its CidrBlock and AvailabilityZoneId cannot change");
			if (had)
				continue;
			args = doc_pick(subnet, (const char *const[]){
						    "CidrBlock", "AvailabilityZoneId", NULL });
			put_string(args, "VpcId", vpc_id);
			if (step_run(a, &s, s.owner, "CreateSubnet", args,
				     doc_string(subnet, "SubnetId"), NULL) < 0)
				return -1;
		}
	}
	return 0;
}
