-- A state file of schema version 1: the schema
-- as `git show f0b4dd6:agent/store.c` has it, one statement a line, and the seed lab's rows:
-- a load balancer in two zones, a target group with two targets, a listener, a service
-- allowing 222222222222, and its endpoint (available, two ENIs) and a deleted one.
PRAGMA application_id = 2019847275;
PRAGMA user_version = 1;
BEGIN;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE load_balancer ( id INTEGER PRIMARY KEY, account TEXT NOT NULL, name TEXT NOT NULL, arn TEXT NOT NULL UNIQUE, cross_zone INTEGER NOT NULL, created TEXT NOT NULL, UNIQUE (account, name)) STRICT;
CREATE TABLE lb_zone ( lb INTEGER NOT NULL REFERENCES load_balancer(id) ON DELETE CASCADE, zone TEXT NOT NULL, address TEXT NOT NULL UNIQUE, PRIMARY KEY (lb, zone)) STRICT;
CREATE TABLE target_group ( id INTEGER PRIMARY KEY, account TEXT NOT NULL, name TEXT NOT NULL, arn TEXT NOT NULL UNIQUE, port INTEGER NOT NULL, check_protocol TEXT NOT NULL, check_port INTEGER, check_path TEXT NOT NULL, check_interval INTEGER NOT NULL, check_timeout INTEGER, effective_timeout INTEGER GENERATED ALWAYS AS (COALESCE(check_timeout, CASE check_protocol WHEN 'HTTP' THEN 6 ELSE 10 END)), healthy_threshold INTEGER NOT NULL, unhealthy_threshold INTEGER NOT NULL, matcher TEXT NOT NULL, deregistration_delay INTEGER NOT NULL, deregistration_termination INTEGER NOT NULL, unhealthy_termination INTEGER NOT NULL, proxy_protocol_v2 INTEGER NOT NULL, UNIQUE (account, name)) STRICT;
CREATE TABLE backend ( slot INTEGER PRIMARY KEY CHECK (slot > 0), address TEXT NOT NULL, port INTEGER NOT NULL, drained_reset INTEGER NOT NULL DEFAULT 0, UNIQUE (address, port)) STRICT;
CREATE TABLE target ( tg INTEGER NOT NULL REFERENCES target_group(id) ON DELETE CASCADE, backend INTEGER NOT NULL REFERENCES backend(slot), zone TEXT NOT NULL, health TEXT NOT NULL, reason TEXT NOT NULL, drain_deadline INTEGER, PRIMARY KEY (tg, backend)) STRICT;
CREATE INDEX target_backend ON target(backend);
CREATE TABLE listener ( id INTEGER PRIMARY KEY, lb INTEGER NOT NULL REFERENCES load_balancer(id) ON DELETE CASCADE, port INTEGER NOT NULL, tg INTEGER NOT NULL REFERENCES target_group(id), arn TEXT NOT NULL UNIQUE, UNIQUE (lb, port)) STRICT;
CREATE INDEX listener_tg ON listener(tg);
CREATE TABLE service ( id INTEGER PRIMARY KEY, service_id TEXT NOT NULL UNIQUE, account TEXT NOT NULL, acceptance_required INTEGER NOT NULL, private_dns_name TEXT, private_dns_state TEXT, private_dns_record TEXT, private_dns_value TEXT) STRICT;
CREATE TABLE service_lb ( service INTEGER NOT NULL REFERENCES service(id) ON DELETE CASCADE, lb INTEGER NOT NULL UNIQUE REFERENCES load_balancer(id), PRIMARY KEY (service, lb)) STRICT;
CREATE TABLE service_principal ( service INTEGER NOT NULL REFERENCES service(id) ON DELETE CASCADE, principal TEXT NOT NULL, permission_id TEXT NOT NULL UNIQUE, PRIMARY KEY (service, principal)) STRICT;
CREATE TABLE endpoint ( id INTEGER PRIMARY KEY, endpoint_id TEXT NOT NULL UNIQUE, account TEXT NOT NULL, service INTEGER REFERENCES service(id) ON DELETE SET NULL, service_id TEXT NOT NULL, state TEXT NOT NULL, slot INTEGER UNIQUE CHECK (slot > 0), dns_suffix TEXT NOT NULL, created TEXT NOT NULL) STRICT;
CREATE INDEX endpoint_service ON endpoint(service);
CREATE TABLE eni ( endpoint INTEGER NOT NULL REFERENCES endpoint(id) ON DELETE CASCADE, zone TEXT NOT NULL, address TEXT NOT NULL UNIQUE, lb INTEGER REFERENCES load_balancer(id), PRIMARY KEY (endpoint, zone)) STRICT;
CREATE INDEX eni_lb ON eni(lb);
CREATE TABLE pool ( slot INTEGER PRIMARY KEY CHECK (slot > 0), snat_address TEXT NOT NULL, backend INTEGER NOT NULL REFERENCES backend(slot), UNIQUE (snat_address, backend)) STRICT;
CREATE TABLE maglev_table ( slot INTEGER PRIMARY KEY CHECK (slot > 0), tg INTEGER NOT NULL REFERENCES target_group(id), scope TEXT NOT NULL, UNIQUE (tg, scope)) STRICT;
CREATE TABLE interface (name TEXT PRIMARY KEY, role TEXT NOT NULL, mode TEXT NOT NULL) STRICT;
CREATE VIEW needed_table (tg, scope) AS SELECT DISTINCT l.tg, CASE WHEN lb.cross_zone THEN 'all' ELSE e.zone END FROM eni e JOIN load_balancer lb ON lb.id = e.lb JOIN listener l ON l.lb = e.lb;
CREATE VIEW needed_pool (snat_address, backend) AS SELECT DISTINCT z.address, t.backend FROM eni e JOIN lb_zone z ON z.lb = e.lb AND z.zone = e.zone JOIN listener l ON l.lb = e.lb JOIN target t ON t.tg = l.tg;
CREATE VIEW missing_table AS SELECT * FROM needed_table n WHERE NOT EXISTS (SELECT 1 FROM maglev_table t WHERE t.tg = n.tg AND t.scope = n.scope);
CREATE VIEW missing_pool AS SELECT * FROM needed_pool n WHERE NOT EXISTS (SELECT 1 FROM pool p WHERE p.snat_address = n.snat_address AND p.backend = n.backend);
CREATE VIEW target_state AS SELECT t.tg, t.backend, t.zone, b.address, b.port, u.lb, CASE WHEN t.health = 'draining' THEN 'draining' WHEN z.address IS NULL THEN 'unused' ELSE t.health END AS state, CASE WHEN t.health = 'draining' THEN t.reason WHEN z.address IS NULL THEN 'Target.NotInUse' ELSE t.reason END AS reason, CASE WHEN t.health = 'draining' THEN NULL ELSE z.address END AS check_source FROM target t JOIN backend b ON b.slot = t.backend LEFT JOIN (SELECT DISTINCT tg, lb FROM listener) u ON u.tg = t.tg LEFT JOIN lb_zone z ON z.lb = u.lb AND z.zone = t.zone;
INSERT INTO meta VALUES ('region', 'us-east-1');
INSERT INTO load_balancer VALUES (1, '111111111111', 'web', 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/web/0a1b2c3d4e5f6a7b', 0, '2026-11-22T12:00:00Z');
INSERT INTO lb_zone VALUES (1, 'use1-az1', '10.0.1.10'), (1, 'use1-az2', '10.0.2.10');
INSERT INTO target_group (id, account, name, arn, port, check_protocol, check_port, check_path, check_interval, check_timeout, healthy_threshold, unhealthy_threshold, matcher, deregistration_delay, deregistration_termination, unhealthy_termination, proxy_protocol_v2) VALUES (1, '111111111111', 'web-tg', 'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/web-tg/1a2b3c4d5e6f7a8b', 80, 'HTTP', NULL, '/health', 10, NULL, 3, 2, '200-399', 30, 0, 1, 0);
INSERT INTO backend VALUES (1, '10.0.1.21', 80, 0), (2, '10.0.2.21', 80, 0);
INSERT INTO target VALUES (1, 1, 'use1-az1', 'healthy', '', NULL), (1, 2, 'use1-az2', 'unhealthy', 'Target.Timeout', NULL);
INSERT INTO listener VALUES (1, 1, 80, 1, 'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/net/web/0a1b2c3d4e5f6a7b/2b3c4d5e6f7a8b9c');
INSERT INTO service VALUES (1, 'vpce-svc-01f7e8b3ccc13dc8f', '111111111111', 1, NULL, NULL, NULL, NULL);
INSERT INTO service_lb VALUES (1, 1);
INSERT INTO service_principal VALUES (1, 'arn:aws:iam::222222222222:root', 'vpce-svc-perm-0123456789abcdef0');
INSERT INTO interface VALUES ('xlc0', 'consumer', 'generic'), ('xlc1', 'provider', 'generic');
INSERT INTO endpoint (id, endpoint_id, account, service, service_id, state, slot, dns_suffix, created) VALUES (1, 'vpce-07c87a40564585e2f', '222222222222', 1, 'vpce-svc-01f7e8b3ccc13dc8f', 'available', 1, 'ggziysru', '2026-11-22T12:01:00Z');
INSERT INTO endpoint (id, endpoint_id, account, service, service_id, state, slot, dns_suffix, created) VALUES (2, 'vpce-0aaaabbbbccccdddd', '222222222222', 1, 'vpce-svc-01f7e8b3ccc13dc8f', 'deleted', NULL, 'abcdefgh', '2026-11-22T12:01:00Z');
INSERT INTO eni VALUES (1, 'use1-az1', '10.1.1.50', 1), (1, 'use1-az2', '10.1.2.50', 1);
INSERT INTO pool VALUES (1, '10.0.1.10', 1), (2, '10.0.1.10', 2), (3, '10.0.2.10', 1), (4, '10.0.2.10', 2);
INSERT INTO maglev_table VALUES (1, 1, 'use1-az1'), (2, 1, 'use1-az2');
COMMIT;
