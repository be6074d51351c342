#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/restart.sh: the agent can crash (SIGKILL) or stop (SIGTERM) and come back without
# losing an established connection, a flow count or any of its configuration.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

readonly HELD=20
readonly REUSE_DELAY=10 # seconds a FIN-closed flow's port rests; recovered ports rest anew

# agent_state: what the agent knows, as one JSON document: every resource as the CLI lists
# it, and the stats without their counters and uptime (only the flow state stays).
agent_state() {
	{
		stats_json | jq '{Targets: [.Targets[] | {TargetGroupName, Id, Port, AvailabilityZone,
			State, ActiveFlowCount}], Endpoints: [.Endpoints[] | {VpcEndpointId, ServiceId, State}],
			ActiveFlowCount, HeldPortCount}'
		tb_xdplink --json lb list
		tb_xdplink --json tg list
		tb_xdplink --json tg health web-tg
		tb_xdplink --json listener list
		tb_xdplink --json service list
		tb_xdplink --json service principals "$E2E_SVC"
		tb_xdplink --json service connections
		xl_as "$CONSUMER" --json endpoint list
		tb_xdplink --json iface list
	} | jq -s -S .
}

# new_flow_counts: "TG/IP=NewFlowCount" per target, one per line.
new_flow_counts() {
	stats_json | jq -r '.Targets[] | "\(.TargetGroupName)/\(.Id) \(.NewFlowCount)"'
}

same_state_as() {
	local now
	now=$(agent_state) || return 1
	[[ $now == "$1" ]] && return 0
	echo "    the agent's state changed (- before, + after):" >&2
	diff <(echo "$1") <(echo "$now") | grep '^[<>]' | sed 's/^</    -/; s/^>/    +/' | head -n 20 >&2
	return 1
}

# counters_kept BEFORE: the same targets, none with a NewFlowCount below what it was (BEFORE
# from new_flow_counts): the counters survived the restart.
counters_kept() {
	local now lower
	now=$(new_flow_counts) || return 1
	expect "targets counted" "$(cut -d' ' -f1 <<<"$now")" "$(cut -d' ' -f1 <<<"$1")" || return 1
	lower=$(join <(echo "$1") <(echo "$now") | awk '$3 < $2 { print "      " $1 ": " $2 " -> " $3 }')
	[[ -z $lower ]] && return 0
	printf '    NewFlowCount went down:\n%s\n' "$lower" >&2
	return 1
}

new_connections_answered() {
	local report
	report=$(storm c1 "$ENI_AZ1:80" 100 "$1") || return 1
	all_answered "$report" 100 && answered_only_by "$report" t1 t2
}

quietly() {
	local out
	out=$("$@" 2>&1) || { printf '%s failed:\n%s\n' "$*" "$out" >&2 && return 1; }
}

# restart_keeps_everything WHAT [--kill]: stop the agent (SIGTERM, or SIGKILL to play a
# crash), send a request on every held connection while no agent runs (the data path is on
# its own), start the agent again, and compare.
restart_keeps_everything() {
	local what=$1 before counts_before
	check "before the $what: $HELD flows active (the held connections only)" \
		wait_until 5 active_flows_are "$HELD"
	check "before the $what: each target's ActiveFlowCount = held connections on it" \
		active_flows_match_held web-tg
	# An agent that did not come back the first time has no state to compare with.
	before=$(agent_state) || before="(no answer)"
	counts_before=$(new_flow_counts) || counts_before="(no answer)"
	quietly tb_agent stop "${@:2}"
	holder_request "/no-agent-$what"
	check "no agent after the $what: all $HELD held connections answered, by their first target" \
		held_answers_same_targets
	check "the agent starts again after the $what" quietly tb_agent start
	holder_request "/after-$what"
	check "after the $what: all $HELD held connections answered, by their first target" \
		held_answers_same_targets
	check "after the $what: the agent's state is the same (resources, flows, held ports)" \
		same_state_as "$before"
	check "after the $what: each target's ActiveFlowCount = held connections on it" \
		active_flows_match_held web-tg
	check "after the $what: counters carried over (no NewFlowCount went down)" \
		counters_kept "$counts_before"
	check "after the $what: 100 new connections answered" new_connections_answered "/new-after-$what"
}

e2e_up --agent-args "--port-reuse-delay $REUSE_DELAY"
setup_service
note "some traffic first, so that counters and held SNAT ports are not zero"
check "100 connections before the restarts answered" new_connections_answered /warm-up
note "$HELD keep-alive connections through $ENI_AZ1 are held across restarts of the agent"
holder_start c1 "$ENI_AZ1" 80 "$HELD"
check "$HELD held connections answered" held_all_opened "$HELD"

note "the agent crashes (SIGKILL) and is started again"
restart_keeps_everything crash --kill
note "the agent stops cleanly (SIGTERM) and is started again"
restart_keeps_everything clean-stop

# Ports the agent recovered at start (FIN-closed flows' ports, resting) are freed after the
# delay; the ports of the live flows are not.
held_ports_are() {
	expect "held ports" "$(held_ports)" "$1"
}
note "the reuse delay passes after the last start"
check "every port recovered at start or closed since is free again" \
	wait_until $((REUSE_DELAY + 10)) held_ports_are 0
check "the held connections keep theirs: $HELD ports in use in the maps" \
	expect "ports in use" "$(ports_in_use_in_maps)" "$HELD"
holder_request /after-the-delay
check "all $HELD held connections answered, by their first target" held_answers_same_targets
holder_stop
finish
