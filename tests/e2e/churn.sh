#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/churn.sh: counts stay exact under churn: connections opened and closed at full
# speed, by FIN, by RST, or abandoned to the idle timeout; then nothing is left.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

readonly PROCESSES=4        # abandoned connections stay open: spread them over processes
readonly PER_PROCESS_CHURN=40000
readonly CHURNED=$((PROCESSES * PER_PROCESS_CHURN))
readonly IDLE_TIMEOUT=3
readonly REUSE_DELAY=3

CHURN_DIR=$(mktemp -d /tmp/xl-churn.XXXXXX)

churn_total() {
	cat "$CHURN_DIR"/report.* | jq -s --arg f "$1" 'map(.[$f]) | add'
}

# The churn is bounded by count, not time, and sized so that nothing can run out on a machine
# of any speed, even if no resource came back before the end: each process keeps at most
# 4,000 abandoned connections open (a descriptor each, far below the 20,000 a process may
# have), the client's 4 source addresses have 258,048 ports for the 160,000 connections, and
# the 4 targets (cross-zone) have 55,000 connections and SNAT ports each for their ~40,000.
#
# Every process opens, and closes by FIN (45%), by RST (45%), or leaves silent (10%: the
# load balancer must expire those after the idle timeout). At this rate the veths drop a
# few thousand packets; a connection whose handshake loses two or three in a row (its
# SYN, or its RST to an older connection the target still holds on the port) takes
# several seconds, so the connect timeout leaves room for four SYNs (0, 1, 3 and 7 s).
churn() {
	local i pids=()
	for ((i = 0; i < PROCESSES; i++)); do
		tb_exec c1 "$STORM" churn -t "$ENI_AZ1:80" -n "$PER_PROCESS_CHURN" -c 200 -w 15000 \
			-s "$(sources 4)" --mix 45,45,10 --json >"$CHURN_DIR/report.$i" 2>&1 &
		pids+=($!)
		E2E_PIDS+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
}

e2e_up --target-workers 2 --agent-args "--idle-timeout $IDLE_TIMEOUT --port-reuse-delay $REUSE_DELAY --close-grace-ms 500 --collect-interval-ms 250"
add_client_sources
setup_service
xl_quiet "$PROVIDER" lb set web --cross-zone on

note "churning $CHURNED connections from $PROCESSES processes"
churn
note "opened $(churn_total opened) in $(cat "$CHURN_DIR"/report.* | jq -s 'map(.seconds) | max') s: $(churn_total closed_fin) closed by FIN, $(churn_total closed_rst) by RST, $(churn_total abandoned) abandoned"
check "every connection was attempted" expect opened "$(churn_total opened)" "$CHURNED"
check "no connection timed out or failed" \
	expect "timeouts, errors" "$(churn_total timeout) $(churn_total error)" "0 0"
check "every connection was established" \
	expect established "$(churn_total established)" "$(churn_total opened)"
# A connection is one new flow, also when the client reuses the 4-tuple of a flow that is
# still closing. An idle-expired flow gives its port back at once (as AWS does) while the
# target may still hold that connection: a new flow given the port meets that connection's
# ACK, the client resets it and sends its SYN again at once, which is the same connection.
# Only a SYN sent again after its flow was closed and collected opens a second flow.
flows=$(targets_sum NewFlowCount)
resent=$(churn_total syn_retransmits)
note "$flows flows for $(churn_total established) connections, which sent $resent SYNs again"
note "reasons: $(drop_and_reset_reasons)"
check "the load balancer opened one flow per connection, one more only for a SYN sent again" \
	expect_within flows "$flows" "$(churn_total established)" "$(($(churn_total established) + resent))"
check "every count returns to 0" wait_until $((IDLE_TIMEOUT + 10)) no_active_flows
check "no flow or port is left in the maps" wait_until $((REUSE_DELAY + 10)) maps_empty

rm -rf "$CHURN_DIR"
finish
