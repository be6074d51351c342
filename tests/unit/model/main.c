/* SPDX-License-Identifier: MIT */
/* Unit tests of the model through its actions, as the daemon calls them: the seed lab
 * end to end with its exact data-path projection, then every rule and error code, each
 * refusal checked to leave every account's view and the projection unchanged, and every
 * change's projection in pieces checked against the whole (harness.c). One file per
 * concern of the model. */
#include "harness.h"

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		TEST_CASE(seed_lab_end_to_end),
		TEST_CASE(refusal_inside_transaction_writes_nothing),
		TEST_CASE(arguments_are_read_strictly),
		TEST_CASE(load_balancer_rules),
		TEST_CASE(listener_rules),
		TEST_CASE(listeners_reach_every_eni_of_their_load_balancer),
		TEST_CASE(target_group_settings),
		TEST_CASE(target_registration_rules),
		TEST_CASE(other_accounts_see_nothing),
		TEST_CASE(allowed_principals_decide_who_sees_a_service),
		TEST_CASE(vpcs_and_subnets_are_the_owners),
		TEST_CASE(enis_go_only_in_the_callers_free_addresses),
		TEST_CASE(endpoint_subnet_rules),
		TEST_CASE(endpoint_subnets_change_in_place),
		TEST_CASE(endpoint_state_machine),
		TEST_CASE(endpoints_without_acceptance_are_available_at_once),
		TEST_CASE(deleted_endpoints_are_purged_after_their_retention),
		TEST_CASE(removing_a_principal_keeps_accepted_endpoints),
		TEST_CASE(service_configuration_rules),
		TEST_CASE(service_deletion_rules),
		TEST_CASE(several_load_balancers_one_per_zone),
		TEST_CASE(health_states_follow_aws),
		TEST_CASE(tables_fail_open_when_nothing_is_healthy),
		TEST_CASE(unhealthy_targets_have_their_flows_reset),
		TEST_CASE(deregistered_targets_drain_then_leave),
		TEST_CASE(unused_slots_wait_for_the_data_path),
		TEST_CASE(registrations_have_member_slots_of_their_own),
		TEST_CASE(slots_run_out_with_a_clear_refusal),
		TEST_CASE(state_and_slots_survive_a_restart),
		TEST_CASE(opening_checks_region_and_limits),
		TEST_CASE(interfaces_are_validated_and_kept),
		TEST_CASE(security_groups_follow_aws_rules),
		TEST_CASE(endpoints_are_guarded_by_their_groups),
		TEST_CASE(unknown_actions_are_not_the_model_s),
		TEST_CASE(private_dns_names_are_verified_before_use),
		TEST_CASE(the_resolver_reads_available_endpoints_and_zone_health),
		TEST_CASE(tags_follow_aws_limits_and_their_resource),
		TEST_CASE(notifications_are_sent_once_committed),
		TEST_CASE(an_export_rebuilds_a_fresh_node),
		TEST_CASE(a_changed_file_is_applied_by_its_plan),
		TEST_CASE(a_bad_file_changes_nothing),
		TEST_CASE(endpoints_follow_the_file),
		TEST_CASE(older_state_files_are_migrated),
		TEST_CASE(a_migration_that_fails_changes_nothing),
	};

	return RUN_TESTS("model", cases, argc, argv);
}
