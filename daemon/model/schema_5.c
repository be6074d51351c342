/* SPDX-License-Identifier: MIT */
/* The tables schema version 5 added to version 4's (schema_5.h). */
#include "schema_5.h"

const char schema_5_tables[] =
    /* Tags and connection notifications (issue 19). A tag belongs to its resource's
	 * account; `resource` is the resource's id (an ARN for ELBv2's), `type` EC2's or
	 * ELBv2's resource type. Tags go with their resource's row. */
    "CREATE TABLE tag ("
    "  resource TEXT NOT NULL, type TEXT NOT NULL, account TEXT NOT NULL,"
    "  key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (resource, key)) STRICT;"
    "CREATE INDEX tag_account ON tag(account);"
    "CREATE TRIGGER tag_of_lb AFTER DELETE ON load_balancer BEGIN"
    "  DELETE FROM tag WHERE resource = OLD.arn; END;"
    "CREATE TRIGGER tag_of_tg AFTER DELETE ON target_group BEGIN"
    "  DELETE FROM tag WHERE resource = OLD.arn; END;"
    "CREATE TRIGGER tag_of_listener AFTER DELETE ON listener BEGIN"
    "  DELETE FROM tag WHERE resource = OLD.arn; END;"
    "CREATE TRIGGER tag_of_service AFTER DELETE ON service BEGIN"
    "  DELETE FROM tag WHERE resource = OLD.service_id; END;"
    "CREATE TRIGGER tag_of_vpc AFTER DELETE ON vpc BEGIN"
    "  DELETE FROM tag WHERE resource = OLD.vpc_id; END;"
    "CREATE TRIGGER tag_of_subnet AFTER DELETE ON subnet BEGIN"
    "  DELETE FROM tag WHERE resource = OLD.subnet_id; END;"
    /* where an endpoint's events (Connect, Accept, Reject, Delete) are sent: for every
	 * endpoint of a service, or for one endpoint; `events` is ",Accept,Reject," */
    "CREATE TABLE connection_notification ("
    "  id INTEGER PRIMARY KEY, notification_id TEXT NOT NULL UNIQUE,"
    "  account TEXT NOT NULL,"
    "  service INTEGER REFERENCES service(id) ON DELETE CASCADE,"
    "  endpoint INTEGER REFERENCES endpoint(id) ON DELETE CASCADE,"
    "  target TEXT NOT NULL, events TEXT NOT NULL, enabled INTEGER NOT NULL,"
    "  CHECK ((service IS NULL) <> (endpoint IS NULL))) STRICT;"
    "CREATE INDEX notification_service ON connection_notification(service);"
    "CREATE INDEX notification_endpoint ON connection_notification(endpoint);" /* ---- Security groups on endpoints (issue 19): new tables only, for the 4->5 migration.
	 * A group belongs to a consumer VPC and its account; each inbound rule allows TCP
	 * (protocol 'tcp', or '-1': every protocol) on ports from_port..to_port from a CIDR
	 * block or from the members of a group of the same VPC (source_sg). */
    "CREATE TABLE security_group ("
    "  id INTEGER PRIMARY KEY, group_id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,"
    "  vpc INTEGER NOT NULL REFERENCES vpc(id), name TEXT NOT NULL,"
    "  description TEXT NOT NULL, created TEXT NOT NULL, UNIQUE (vpc, name)) STRICT;"
    "CREATE TABLE security_group_rule ("
    "  id INTEGER PRIMARY KEY, rule_id TEXT NOT NULL UNIQUE,"
    "  sg INTEGER NOT NULL REFERENCES security_group(id) ON DELETE CASCADE,"
    "  protocol TEXT NOT NULL CHECK (protocol IN ('tcp', '-1')),"
    "  from_port INTEGER NOT NULL, to_port INTEGER NOT NULL,"
    "  cidr TEXT, source_sg INTEGER REFERENCES security_group(id),"
    "  description TEXT NOT NULL DEFAULT '',"
    "  CHECK ((cidr IS NULL) <> (source_sg IS NULL))) STRICT;"
    "CREATE UNIQUE INDEX security_group_rule_unique ON security_group_rule"
    "  (sg, protocol, from_port, to_port, coalesce(cidr, ''), coalesce(source_sg, 0));"
    "CREATE INDEX security_group_rule_source ON security_group_rule(source_sg);"
    "CREATE TABLE endpoint_security_group ("
    "  endpoint INTEGER NOT NULL REFERENCES endpoint(id) ON DELETE CASCADE,"
    "  sg INTEGER NOT NULL REFERENCES security_group(id),"
    "  PRIMARY KEY (endpoint, sg)) STRICT;"
    "CREATE INDEX endpoint_security_group_sg ON endpoint_security_group(sg);" /* Deleted endpoints purged after a retention (issue 18, helper "waits"): when each
	 * endpoint was deleted (UNIX time). An endpoint deleted before this table existed has
	 * no row and is purged at the next tick. */
    "CREATE TABLE endpoint_deleted ("
    "  endpoint INTEGER PRIMARY KEY REFERENCES endpoint(id) ON DELETE CASCADE,"
    "  deleted_at INTEGER NOT NULL) STRICT;";
