#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/zones.sh: which targets a flow may reach (its ENI's zone, or every zone with
# cross-zone on; switching moves no established flow), stickiness, and the source address.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

readonly STORM_SIZE=1000
# Cross-zone on: each of the four targets within 25% of its fair share.
readonly FAIR=$((STORM_SIZE / 4)) SLACK=$((STORM_SIZE / 4 / 4))

# fairly_spread REPORT: every target answered FAIR +- SLACK times.
fairly_spread() {
	local t ok=0
	for t in "${TB_TARGETS[@]}"; do
		expect_within "answers from $t" "$(answers_from "$1" "$t")" $((FAIR - SLACK)) \
			$((FAIR + SLACK)) || ok=1
	done
	((ok == 0)) || printf '    answers: %s\n' "$(report_bodies "$1")" >&2
	return "$ok"
}

# one_connection_one_target PATH N: the targets logged N requests for PATH, all at one target
# and from one source port (so: one connection, and one flow through the LB).
one_connection_one_target() {
	local seen
	seen=$(logged_requests "$1" | awk '{ print $1, $3 }' | sort -u)
	expect "requests for $1 logged" "$(logged_count "$1")" "$2" || return 1
	expect "distinct (target, source port) of them" "$(wc -l <<<"$seen")" 1 && return 0
	printf '    seen: %s\n' "$(head -n 4 <<<"$seen" | tr '\n' ';')" >&2
	return 1
}

# storm_zone HOST ENI PATH TARGET...: STORM_SIZE connections with one request each, all
# answered, by TARGETs only.
storm_zone() {
	local host=$1 eni=$2 path=$3 report
	shift 3
	report=$(storm "$host" "$eni:80" "$STORM_SIZE" "$path") || return 1
	all_answered "$report" "$STORM_SIZE" && answered_only_by "$report" "$@"
}

check_cross_zone_off() {
	note "cross-zone off: an ENI's flows stay in its zone"
	check "$STORM_SIZE connections c1 -> az1 ENI: all answered, by t1/t2 only" \
		storm_zone c1 "$ENI_AZ1" /az1-off t1 t2
	check "$STORM_SIZE connections c2 -> az2 ENI: all answered, by t3/t4 only" \
		storm_zone c2 "$ENI_AZ2" /az2-off t3 t4
	check "targets logged the $STORM_SIZE az1 requests at t1/t2" \
		wait_until 3 logged_count_is "$STORM_SIZE" /az1-off t1 t2
	check "targets logged the $STORM_SIZE az2 requests at t3/t4" \
		wait_until 3 logged_count_is "$STORM_SIZE" /az2-off t3 t4
	check "source of az1 ENI requests: $NODE_AZ1, a SNAT port" sources_are /az1-off "$NODE_AZ1"
	check "source of az2 ENI requests: $NODE_AZ2, a SNAT port" sources_are /az2-off "$NODE_AZ2"
}

check_cross_zone_on() {
	local report
	note "20 keep-alive connections to the az1 ENI are held across the switch to cross-zone on"
	holder_start c1 "$ENI_AZ1" 80 20
	check "20 held connections answered" held_all_opened 20
	xl_quiet "$PROVIDER" lb set web --cross-zone on
	holder_request /after-switch
	check "held connections: answered by their first target after the switch" held_answers_same_targets
	holder_stop

	note "cross-zone on: an ENI's flows spread over both zones"
	report=$(storm c1 "$ENI_AZ1:80" "$STORM_SIZE" /az1-on)
	check "$STORM_SIZE connections c1 -> az1 ENI: all answered" all_answered "$report" "$STORM_SIZE"
	check "... each target $FAIR +- $SLACK times" fairly_spread "$report"
	report=$(storm c2 "$ENI_AZ2:80" "$STORM_SIZE" /az2-on)
	check "$STORM_SIZE connections c2 -> az2 ENI: all answered" all_answered "$report" "$STORM_SIZE"
	check "... each target $FAIR +- $SLACK times" fairly_spread "$report"
	check "targets logged the az1 storm" wait_until 3 logged_count_is "$STORM_SIZE" /az1-on
	check "targets logged the az2 storm" wait_until 3 logged_count_is "$STORM_SIZE" /az2-on
	check "source of az1 ENI requests at use1-az2 targets: $NODE_AZ1" sources_are /az1-on "$NODE_AZ1" t3 t4
	check "source of az1 ENI requests at use1-az1 targets: $NODE_AZ1" sources_are /az1-on "$NODE_AZ1" t1 t2
	check "source of az2 ENI requests at use1-az1 targets: $NODE_AZ2" sources_are /az2-on "$NODE_AZ2" t1 t2
	check "source of az2 ENI requests at use1-az2 targets: $NODE_AZ2" sources_are /az2-on "$NODE_AZ2" t3 t4
}

check_stickiness() {
	local report
	note "stickiness: 100 requests on one keep-alive connection (cross-zone on: 4 candidates)"
	report=$(storm c1 "$ENI_AZ1:80" 1 /sticky -k 100)
	check "1 connection, 100 requests: all answered by one target" \
		expect "answers (target=count)" "$(jq -c '[.established, [.bodies[]]]' <<<"$report")" '[1,[100]]'
	check "targets logged the 100 at one target from one source port" \
		wait_until 3 one_connection_one_target /sticky 100
	check "source of the sticky requests: $NODE_AZ1" sources_are /sticky "$NODE_AZ1"
}

# held_in_both_zones: the held connections' first answers came from both zones, so that
# switching cross-zone off has flows to move (and must not move them).
held_in_both_zones() {
	local zones
	zones=$(printf '%s\n' "${HELD_BODIES[@]}" | sed 's/^t[12]$/use1-az1/; s/^t[34]$/use1-az2/' |
		sort -u | paste -sd ' ')
	expect "zones of the held connections' targets" "$zones" "use1-az1 use1-az2"
}

check_cross_zone_off_again() {
	note "20 keep-alive connections to the az1 ENI (some to use1-az2) held across the switch back to off"
	holder_start c1 "$ENI_AZ1" 80 20
	check "20 held connections answered, by targets in both zones" held_in_both_zones
	xl_quiet "$PROVIDER" lb set web --cross-zone off
	holder_request /after-switch-off
	check "held connections: answered by their first target after the switch" held_answers_same_targets
	holder_stop
	check "$STORM_SIZE new connections c1 -> az1 ENI: all answered, by t1/t2 only" \
		storm_zone c1 "$ENI_AZ1" /az1-off-again t1 t2
}

e2e_up
setup_service
check_cross_zone_off
check_cross_zone_on
check_stickiness
check_cross_zone_off_again
check "no target ever saw a client address (10.1/16, 10.2/16, 192.168/16)" no_client_address_logged
finish
