#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/lifecycle.sh: two services side by side keep their traffic and counters apart;
# deleting an endpoint or removing a listener stops its traffic, held connections included,
# and zeroes its counts.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

readonly SIDE_BY_SIDE=200

# service_new_flows SERVICE_ID: NewFlowCount summed over the service's endpoints.
service_new_flows() {
	stats_json | jq -er --arg svc "$1" \
		'[.Endpoints[] | select(.ServiceId == $svc) | .NewFlowCount] | add // 0'
}

# counted_exactly WHAT COUNT_CMD...: COUNT_CMD prints $SIDE_BY_SIDE exactly.
counted_exactly() {
	local what=$1 got
	shift
	got=$("$@") || return 1
	expect "$what" "$got" "$SIDE_BY_SIDE"
}

# storm_answered_by HOST ENI PATH TARGET...: $SIDE_BY_SIDE connections with a request each,
# all answered, by TARGETs only.
storm_answered_by() {
	local host=$1 eni=$2 path=$3 report
	shift 3
	report=$(storm "$host" "$eni:80" "$SIDE_BY_SIDE" "$path") || return 1
	all_answered "$report" "$SIDE_BY_SIDE" && answered_only_by "$report" "$@"
}

# The two services share t4 (web has cross-zone on here): the access logs tell them apart by
# the source address, the stats by target group.
check_side_by_side() {
	note "two services: web (t1-t4, cross-zone on) and api (t4 only), an endpoint each"
	setup_api_provider
	API_EP=$(create_endpoint "$CONSUMER" "$API_SVC_NAME" "use1-az1=$API_ENI")
	xl_quiet "$PROVIDER" endpoint accept "$API_SVC" "$API_EP"
	xl_quiet "$PROVIDER" lb set web --cross-zone on

	check "$SIDE_BY_SIDE connections c1 -> web's ENI $ENI_AZ1: all answered (t1-t4)" \
		storm_answered_by c1 "$ENI_AZ1" /web-side t1 t2 t3 t4
	check "$SIDE_BY_SIDE connections c1 -> api's ENI $API_ENI: all answered, by t4 only" \
		storm_answered_by c1 "$API_ENI" /api-side t4
	check "targets logged the web requests" wait_until 3 logged_count_is "$SIDE_BY_SIDE" /web-side
	check "targets logged the api requests, all at t4" \
		wait_until 3 logged_count_is "$SIDE_BY_SIDE" /api-side t4
	check "web requests came from web's node IP $NODE_AZ1" sources_are /web-side "$NODE_AZ1"
	check "api requests came from api's node IP $API_NODE_AZ1" sources_are /api-side "$API_NODE_AZ1"
	check "web-tg counted $SIDE_BY_SIDE new flows (NewFlowCount)" \
		counted_exactly "web-tg NewFlowCount" targets_sum NewFlowCount web-tg
	check "api-tg counted $SIDE_BY_SIDE new flows (NewFlowCount)" \
		counted_exactly "api-tg NewFlowCount" targets_sum NewFlowCount api-tg
	check "web's endpoint counted $SIDE_BY_SIDE new flows" \
		counted_exactly "NewFlowCount of $E2E_EP" endpoint_count "$E2E_EP" NewFlowCount
	check "api's endpoint counted $SIDE_BY_SIDE new flows" \
		counted_exactly "NewFlowCount of $API_EP" endpoint_count "$API_EP" NewFlowCount
	check "service web counted $SIDE_BY_SIDE new flows" \
		counted_exactly "NewFlowCount of $E2E_SVC" service_new_flows "$E2E_SVC"
	check "service api counted $SIDE_BY_SIDE new flows" \
		counted_exactly "NewFlowCount of $API_SVC" service_new_flows "$API_SVC"
}

check_endpoint_delete() {
	note "the consumer deletes web's endpoint while 5 connections are held open"
	holder_start c1 "$ENI_AZ1" 80 5 0.5
	check "5 held connections answered" held_all_opened 5
	xl_quiet "$CONSUMER" endpoint delete "$E2E_EP"
	check "the endpoint is deleted" wait_until 3 endpoint_is "$CONSUMER" "$E2E_EP" deleted
	holder_request /after-delete
	check "held connections get no answer" held_answers_none
	holder_stop
	check "new connection c1 -> $ENI_AZ1 fails" curl_fails c1 "http://$ENI_AZ1/after-delete"
	check "new connection c2 -> $ENI_AZ2 fails" curl_fails c2 "http://$ENI_AZ2/after-delete"
	check "no request after the deletion reached a target" logged_count_is 0 /after-delete
	check "every ActiveFlowCount back to 0 within 5 s" wait_until 5 no_active_flows
	check "api's endpoint still answered (t4)" curl_answers c1 "http://$API_ENI/" t4

	note "the deleted endpoint's ENI addresses are free again"
	E2E_EP=$(create_endpoint "$CONSUMER" "$E2E_SVC_NAME" "use1-az1=$ENI_AZ1" "use1-az2=$ENI_AZ2")
	xl_quiet "$PROVIDER" endpoint accept "$E2E_SVC" "$E2E_EP"
	check "a new endpoint on $ENI_AZ1 answers" curl_answers c1 "http://$ENI_AZ1/"
}

check_listener_remove() {
	note "the provider removes api's listener while 5 connections are held open"
	holder_start c1 "$API_ENI" 80 5 0.5
	check "5 held connections answered" held_all_opened 5
	xl_quiet "$PROVIDER" listener remove api --port 80
	holder_request /after-listener-remove
	check "held connections get no answer" held_answers_none
	holder_stop
	check "new connection c1 -> $API_ENI fails" curl_fails c1 "http://$API_ENI/after-listener-remove"
	check "no request after the removal reached a target" logged_count_is 0 /after-listener-remove
	check "every ActiveFlowCount back to 0 within 5 s" wait_until 5 no_active_flows

	xl_quiet "$PROVIDER" listener add api --port 80 --tg api-tg
	check "with the listener back, api's ENI answers (t4)" curl_answers c1 "http://$API_ENI/" t4
}

e2e_up
setup_service
check_side_by_side
check_endpoint_delete
check_listener_remove
finish
