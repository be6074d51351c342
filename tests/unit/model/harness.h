/* SPDX-License-Identifier: MIT */
/* What the model's tests share: running actions as the daemon does (a mutating one in a
 * transaction whose projection, in pieces, must add up to the whole), reading results,
 * snapshots of every account's view, and the fixtures of the seed lab. */
#ifndef XL_MODEL_HARNESS_H
#define XL_MODEL_HARNESS_H

#include <arpa/inet.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/check.h"
#include "ids.h"
#include "model.h"

#define PROVIDER "arn:aws:iam::111111111111:root"
#define CONSUMER "arn:aws:iam::222222222222:root"
#define STRANGER "arn:aws:iam::333333333333:root"
#define ALICE	 "arn:aws:iam::222222222222:user/alice"

extern char directory[64];
extern char state_path[128];
extern struct model_options options;
extern struct model *m;
extern struct api_error last_error; /* of the last action */
extern struct api_error refusal;    /* of the last REFUSE */
extern char service_id[ID_MAX];	    /* of provider_lab's service */
extern char service[DNS_NAME_MAX];  /* its name */

/* ---- Running actions: `fmt` is JSON with ' for " ------------------------------------- */

/* DO and GET expect success (GET returns the result, to put); REFUSE expects the code and
 * no change to any account's view or the projection; UNSUCCESSFUL a batch whose one id
 * fails with the code, and no change. */
#define DO(principal, action, ...)  json_object_put(GET(principal, action, __VA_ARGS__))
#define GET(principal, action, ...) get_at(__LINE__, principal, action, __VA_ARGS__)
#define REFUSE(code, principal, action, ...)                                                       \
	refuse_at(__LINE__, code, principal, action, __VA_ARGS__)
#define UNSUCCESSFUL(code, principal, action, ...)                                                 \
	unsuccessful_at(__LINE__, code, principal, action, __VA_ARGS__)

json_object *get_at(int line, const char *principal, const char *action, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void refuse_at(int line, const char *code, const char *principal, const char *action,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void unsuccessful_at(int line, const char *code, const char *principal, const char *action,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- Reading results ------------------------------------------------------------------ */

/* The value at a path such as "VpcEndpoint.DnsEntries.0.DnsName". */
json_object *at(json_object *object, const char *path);
const char *text_at(json_object *object, const char *path);
long long int_at(json_object *object, const char *path);
size_t count_at(json_object *object, const char *path);
bool matches(const char *text, const char *pattern);
/* Everything every account can see, and the projection, as text. */
char *snapshot(void);

/* ---- Fixtures ------------------------------------------------------------------------- */

void open_model(void);
void fresh_model(void);
void remove_model(void);
void remember_service(json_object *created);
/* The seed lab's provider side: web in use1-az1 and use1-az2, web-tg with a target in
 * each, a listener on 80, a service (acceptance as given) allowing 222222222222; and
 * the consumers' VPCs: 10.1.0.0/16 of 222222222222 (subnets in az1-az3), 10.2.0.0/16 of
 * 333333333333 (az1, az2). */
void provider_lab(bool acceptance);
/* The account's VPC 10.<net>.0.0/16 on the consumer interface lo, with a subnet
 * 10.<net>.<n>.0/24 in use1-az<n> for n = 1..zones. */
void consumer_vpc(const char *principal, int net, int zones);
/* A consumer's endpoint with ENIs in use1-az1 and use1-az2 at 10.<net>.1.<host> and
 * 10.<net>.2.<host>: net 2 for account 333333333333, 1 for the others. */
void create_endpoint(const char *principal, int host, char id[ID_MAX]);
const char *endpoint_state(const char *principal, const char *id);
/* The projection; a test cannot go on without one. */
void project(struct dataplane *dp);
uint32_t ip(const char *text);
const struct dp_table *table_of(const struct dataplane *dp, uint32_t slot);
/* The members of the table the frontend (ENI address, port) uses, as backend slots. */
void members_of(const char *eni, uint16_t port, char *out, size_t size);
uint8_t backend_flags(uint32_t slot);
const char *target_state(const char *group, const char *address);
int set_health(const char *group, const char *address, const char *state, const char *reason);

/* ---- The cases, by the concern of the model they test ---------------------------------- */

/* seed_lab.c */
void seed_lab_end_to_end(void), refusal_inside_transaction_writes_nothing(void);
/* args.c */
void arguments_are_read_strictly(void);
/* lb.c */
void load_balancer_rules(void), listener_rules(void),
    listeners_reach_every_eni_of_their_load_balancer(void);
/* tg.c */
void target_group_settings(void), target_registration_rules(void);
/* owned.c */
void other_accounts_see_nothing(void), allowed_principals_decide_who_sees_a_service(void);
/* vpc.c */
void vpcs_and_subnets_are_the_owners(void), enis_go_only_in_the_callers_free_addresses(void);
/* endpoint.c */
void endpoint_subnet_rules(void), endpoint_subnets_change_in_place(void),
    endpoint_state_machine(void), endpoints_without_acceptance_are_available_at_once(void),
    deleted_endpoints_are_purged_after_their_retention(void),
    removing_a_principal_keeps_accepted_endpoints(void);
/* service.c */
void service_configuration_rules(void), service_deletion_rules(void),
    several_load_balancers_one_per_zone(void);
/* targets.c */
void health_states_follow_aws(void), tables_fail_open_when_nothing_is_healthy(void),
    unhealthy_targets_have_their_flows_reset(void), deregistered_targets_drain_then_leave(void);
/* slots.c */
void unused_slots_wait_for_the_data_path(void), registrations_have_member_slots_of_their_own(void),
    slots_run_out_with_a_clear_refusal(void), state_and_slots_survive_a_restart(void),
    opening_checks_region_and_limits(void);
/* iface.c */
void interfaces_are_validated_and_kept(void);
/* security_group.c */
void security_groups_follow_aws_rules(void), endpoints_are_guarded_by_their_groups(void);
/* actions.c */
void unknown_actions_are_not_the_model_s(void);
/* private_dns.c */
void private_dns_names_are_verified_before_use(void),
    the_resolver_reads_available_endpoints_and_zone_health(void);
/* tags.c */
void tags_follow_aws_limits_and_their_resource(void), notifications_are_sent_once_committed(void);
/* config.c */
void an_export_rebuilds_a_fresh_node(void), a_changed_file_is_applied_by_its_plan(void),
    a_bad_file_changes_nothing(void), endpoints_follow_the_file(void);
/* migrations.c */
void older_state_files_are_migrated(void), a_migration_that_fails_changes_nothing(void);

#endif
