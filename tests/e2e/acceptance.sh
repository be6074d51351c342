#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/acceptance.sh: an endpoint carries traffic only while accepted: nothing while it
# is pending or rejected; auto-accept works at once; only allowed principals get endpoints.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

# nothing_reached_targets LOG_SIZES: no packet counted towards any target, and the access
# logs are as long as they were (LOG_SIZES from log_sizes).
nothing_reached_targets() {
	local to_targets
	to_targets=$(targets_sum PacketsToTarget) || return 1
	expect "PacketsToTarget, all targets" "$to_targets" 0 &&
		expect "access log lines" "$(log_sizes)" "$1"
}

# drops_counted_for EP MIN: the endpoint counted at least MIN drops, all of them as
# drop_endpoint_state (the reason for an endpoint that is not available).
drops_counted_for() {
	local drops reason
	drops=$(endpoint_count "$1" Drops) && reason=$(reason_count drop_endpoint_state) || return 1
	expect_within "Drops of $1" "$drops" "$2" 1000000 &&
		expect "drop_endpoint_state (the only endpoint)" "$reason" "$drops"
}

service_invisible_to() {
	expect "services available to $1" \
		"$(xl_as "$1" --json service available | jq -c '[.ServiceDetails[]?.ServiceId]')" '[]'
}

check_pending() {
	local logs_before
	note "the endpoint waits for acceptance"
	check "created endpoint is pendingAcceptance" endpoint_is "$CONSUMER" "$E2E_EP" pendingAcceptance
	logs_before=$(log_sizes)
	check "pending: c1 -> az1 ENI gets nothing" curl_gets_nothing c1 "http://$ENI_AZ1/pending"
	check "pending: c2 -> az2 ENI gets nothing" curl_gets_nothing c2 "http://$ENI_AZ2/pending"
	check "pending: no byte reached a target (PacketsToTarget 0, logs unchanged)" \
		nothing_reached_targets "$logs_before"
	check "pending: the SYNs were counted as endpoint drops" drops_counted_for "$E2E_EP" 2
}

check_accepted() {
	note "the provider accepts"
	xl_quiet "$PROVIDER" endpoint accept "$E2E_SVC" "$E2E_EP"
	check "accepted endpoint is available" endpoint_is "$CONSUMER" "$E2E_EP" available
	# The API programs the data path before it answers: no polling here.
	check "accepted: c1 -> az1 ENI answered at once (t1/t2)" curl_answers c1 "http://$ENI_AZ1/" 't[12]'
	check "accepted: c2 -> az2 ENI answered at once (t3/t4)" curl_answers c2 "http://$ENI_AZ2/" 't[34]'
}

check_principals() {
	note "only allowed principals see the service"
	check "333333333333 (not allowed) does not see the service" service_invisible_to "$CONSUMER2"
	check "333333333333 cannot create an endpoint: InvalidServiceName, exit 1" \
		refused_with InvalidServiceName xl_as "$CONSUMER2" endpoint create \
		--service "$E2E_SVC_NAME" --subnet use1-az1=10.2.1.50

	note "the provider disallows 222222222222 again"
	xl_quiet "$PROVIDER" service disallow "$E2E_SVC" "$CONSUMER"
	check "disallowed: its accepted endpoint still available" endpoint_is "$CONSUMER" "$E2E_EP" available
	check "disallowed: its accepted endpoint still carries traffic" \
		curl_answers c1 "http://$ENI_AZ1/after-disallow" 't[12]'
	check "disallowed: it cannot create another endpoint: InvalidServiceName" \
		refused_with InvalidServiceName xl_as "$CONSUMER" endpoint create \
		--service "$E2E_SVC_NAME" --subnet use1-az1=10.1.1.51
}

check_rejected() {
	note "the provider rejects the endpoint while 3 connections are held open"
	holder_start c1 "$ENI_AZ1" 80 3 1
	check "before the rejection: 3 held connections answered" held_all_opened 3
	xl_quiet "$PROVIDER" endpoint reject "$E2E_SVC" "$E2E_EP"
	check "rejected endpoint is rejected" endpoint_is "$CONSUMER" "$E2E_EP" rejected
	holder_request /after-reject
	check "rejected: held connections get no answer" held_answers_none
	holder_stop
	check "rejected: c1 -> az1 ENI gets nothing" curl_gets_nothing c1 "http://$ENI_AZ1/after-reject"
	check "rejected: c2 -> az2 ENI gets nothing" curl_gets_nothing c2 "http://$ENI_AZ2/after-reject"
	check "rejected: no request after the rejection reached a target" \
		logged_count_is 0 /after-reject
	check "rejected: its flows are gone (ActiveFlowCount 0) within 3 s" wait_until 3 no_active_flows
}

check_auto_accept() {
	local endpoint
	note "a second service, api (target t4), accepts endpoints automatically"
	setup_api_provider --auto-accept
	endpoint=$(create_endpoint "$CONSUMER" "$API_SVC_NAME" "use1-az1=$API_ENI")
	check "auto-accept: the new endpoint is available at once" endpoint_is "$CONSUMER" "$endpoint" available
	check "auto-accept: c1 -> its ENI answered at once by t4" curl_answers c1 "http://$API_ENI/" t4
}

e2e_up
setup_service --pending
check_pending
check_accepted
check_principals
check_rejected
check_auto_accept
finish
