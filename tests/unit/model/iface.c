/* SPDX-License-Identifier: MIT */
/* Interfaces to attach: validated and kept (iface.c). */
#include "harness.h"

void interfaces_are_validated_and_kept(void)
{
	json_object *attached;
	struct dataplane dp;

	fresh_model();
	attached = GET(PROVIDER, "AttachInterface", "{'Name': 'lo', 'Role': 'consumer'}");
	CHECK_STR(text_at(attached, "Interface.Mode"), "native");
	json_object_put(attached);
	project(&dp);
	CHECK_EQ(dp.iface_count, 1);
	CHECK_STR(dp.ifaces[0].name, "lo");
	CHECK_EQ(dp.ifaces[0].role, XL_ROLE_CONSUMER);
	CHECK(!dp.ifaces[0].generic);
	dataplane_free(&dp);
	DO(PROVIDER, "AttachInterface", "{'Name': 'lo', 'Role': 'both', 'Mode': 'generic'}");
	project(&dp);
	CHECK_EQ(dp.iface_count, 1);
	CHECK_EQ(dp.ifaces[0].role, XL_ROLE_BOTH);
	CHECK(dp.ifaces[0].generic);
	dataplane_free(&dp);
	REFUSE("InvalidParameterValue", PROVIDER, "AttachInterface",
	       "{'Name': 'lo', 'Role': 'middle'}");
	REFUSE("InvalidParameterValue", PROVIDER, "AttachInterface",
	       "{'Name': 'lo', 'Role': 'provider', 'Mode': 'offload'}");
	REFUSE("InvalidParameterValue", PROVIDER, "AttachInterface",
	       "{'Name': 'a/b', 'Role': 'provider'}");
	REFUSE("InterfaceNotFound", PROVIDER, "AttachInterface",
	       "{'Name': 'xl-nothere0', 'Role': 'provider'}");
	REFUSE("InterfaceNotFound", PROVIDER, "DetachInterface", "{'Name': 'eth9'}");
	DO(PROVIDER, "DetachInterface", "{'Name': 'lo'}");
	project(&dp);
	CHECK_EQ(dp.iface_count, 0);
	dataplane_free(&dp);
	remove_model();
}
