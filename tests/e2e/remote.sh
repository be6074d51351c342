#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/remote.sh: remote access: an on-premises host reaches the service through the
# consumer VPC's endpoint (over xl-router); a second account gets and uses its own endpoint.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

readonly D1_ENI=10.2.1.50

# storm_answered_by HOST ENI PATH N TARGET...: N connections with a request each, all
# answered, by TARGETs only.
storm_answered_by() {
	local host=$1 eni=$2 path=$3 count=$4 report
	shift 4
	report=$(storm "$host" "$eni:80" "$count" "$path") || return 1
	all_answered "$report" "$count" && answered_only_by "$report" "$@"
}

# endpoints_of PRINCIPAL: the ids of the endpoints PRINCIPAL sees, as a JSON array.
endpoints_of() {
	xl_as "$1" --json endpoint list | jq -c '[.VpcEndpoints[].VpcEndpointId]'
}

# connection_is ENDPOINT OWNER STATE: the provider sees ENDPOINT's connection request.
connection_is() {
	expect "connection of $1 (owner, state)" "$(xl_as "$PROVIDER" --json service connections "$E2E_SVC" |
		jq -r --arg id "$1" '.VpcEndpointConnections[] | select(.VpcEndpointId == $id) |
			"\(.VpcEndpointOwner) \(.VpcEndpointState)"')" "$2 $3"
}

service_visible_to() {
	expect "services available to $1" \
		"$(xl_as "$1" --json service available | jq -c '[.ServiceDetails[].ServiceId]')" "[\"$E2E_SVC\"]"
}

check_on_premises() {
	note "on-premises (${TB_IP[onprem]}) -> xl-router -> the consumer VPC's ENIs"
	check "onprem -> az1 ENI: 100 connections answered, by t1/t2 only" \
		storm_answered_by onprem "$ENI_AZ1" /onprem-az1 100 t1 t2
	check "onprem -> az2 ENI: 100 connections answered, by t3/t4 only" \
		storm_answered_by onprem "$ENI_AZ2" /onprem-az2 100 t3 t4
	check "targets logged the onprem az1 requests" wait_until 3 logged_count_is 100 /onprem-az1
	check "targets logged the onprem az2 requests" wait_until 3 logged_count_is 100 /onprem-az2
	check "source of the az1 ones at the targets: $NODE_AZ1, SNAT ports" \
		sources_are /onprem-az1 "$NODE_AZ1"
	check "source of the az2 ones at the targets: $NODE_AZ2, SNAT ports" \
		sources_are /onprem-az2 "$NODE_AZ2"
}

check_second_account() {
	local endpoint
	note "account 333333333333 (d1 on xl-cvpc2) is allowed and creates its own endpoint"
	xl_quiet "$PROVIDER" service allow "$E2E_SVC" "$CONSUMER2"
	check "333333333333 sees the service" service_visible_to "$CONSUMER2"
	endpoint=$(create_endpoint "$CONSUMER2" "$E2E_SVC_NAME" "use1-az1=$D1_ENI")
	check "its endpoint is pendingAcceptance" endpoint_is "$CONSUMER2" "$endpoint" pendingAcceptance
	check "the provider sees its request: owner 333333333333, pendingAcceptance" \
		connection_is "$endpoint" 333333333333 pendingAcceptance
	check "pending: d1 -> $D1_ENI gets nothing" curl_gets_nothing d1 "http://$D1_ENI/"
	xl_quiet "$PROVIDER" endpoint accept "$E2E_SVC" "$endpoint"
	check "accepted: its endpoint is available" endpoint_is "$CONSUMER2" "$endpoint" available
	check "d1 -> $D1_ENI: 100 connections answered, by t1/t2 only" \
		storm_answered_by d1 "$D1_ENI" /d1 100 t1 t2
	check "targets logged the d1 requests" wait_until 3 logged_count_is 100 /d1
	check "source of them at the targets: $NODE_AZ1, SNAT ports" sources_are /d1 "$NODE_AZ1"
	check "333333333333 sees only its endpoint" \
		expect "endpoints of 333333333333" "$(endpoints_of "$CONSUMER2")" "[\"$endpoint\"]"
	check "222222222222 sees only its endpoint" \
		expect "endpoints of 222222222222" "$(endpoints_of "$CONSUMER")" "[\"$E2E_EP\"]"
	check "c1 (account 222222222222) still answered through its own ENI" \
		curl_answers c1 "http://$ENI_AZ1/" 't[12]'
}

e2e_up
setup_service
check_on_premises
check_second_account
check "no target ever saw a client address (10.1/16, 10.2/16, 192.168/16)" no_client_address_logged
finish
