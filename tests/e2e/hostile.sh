#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/hostile.sh: a hostile consumer, played with real tools (hping3, arping) against
# the testbed: blind resets, address squatting, a SYN flood, bad checksums, port 0, routing
# through the node and a target in another tenant's VPC. Nothing reaches where it must not,
# no bystander's connection is lost, and each refusal is counted under its reason.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

readonly FLOOD=20000    # spoofed SYNs, sent by count
readonly HALF_OPEN=100  # per target, then SYN cookies (--half-open-per-target)
readonly SYN_TIMEOUT=10 # seconds a half-open flow lives (--syn-timeout)
readonly D1_PORT=8081   # a server of d1, in account 333333333333's VPC

# grew_by NAME BEFORE N: the reason NAME was counted exactly N times since BEFORE.
grew_by() {
	expect "$1 since $2" "$(($(reason_count "$1") - $2))" "$3"
}

# grew_within NAME BEFORE LOW HIGH: counted LOW to HIGH times since BEFORE.
grew_within() {
	expect_within "$1 since $2" "$(($(reason_count "$1") - $2))" "$3" "$4"
}

# hping HOST ARGS...: hping3 in xl-HOST, quiet; it exits 1 when nothing answers, as here.
hping() {
	tb_exec "$1" hping3 -q "${@:2}" >/dev/null 2>&1 || true
}

health_is() {
	expect "health of $2 in $1" "$(xl_as "$PROVIDER" --json tg health "$1" |
		jq -r --arg id "$2" '.TargetHealthDescriptions[] | select(.Target.Id == $id) |
			.TargetHealth.State')" "$3"
}

half_open_is() {
	expect "half-open flows" "$(tb_xdplink --json agent status | jq -r .HalfOpenFlowCount)" "$1"
}

check_blind_resets() {
	local port seq before sniffed sniffer
	note "c2 spoofs c1: 50 RSTs on c1's connection, its 4-tuple right, its sequence number not"
	holder_start c1 "$ENI_AZ1" 80 1
	port=${HELD_PORTS[0]}
	# A blind attacker does not know c1's next number; the test learns it so that its RSTs
	# are surely out of the window (half the number space away).
	sniffed=$(mktemp /tmp/xl-next-seq.XXXXXX)
	tb_exec c1 python3 "$E2E_DIR/next_seq.py" eth0 "${TB_IP[c1]}" "$port" "$ENI_AZ1" 80 \
		>"$sniffed" &
	sniffer=$!
	wait_until 5 grep -q listening "$sniffed"
	holder_request /before-resets
	wait "$sniffer"
	seq=$(tail -n 1 "$sniffed")
	rm -f "$sniffed"
	before=$(reason_count drop_rst_out_of_window)
	hping c2 -R -a "${TB_IP[c1]}" -s "$port" -k -p 80 -M $(((seq + 2 ** 31) % 2 ** 32)) -c 50 \
		-i u1000 "$ENI_AZ1"
	check "the 50 resets are dropped as drop_rst_out_of_window" \
		wait_until 5 grew_by drop_rst_out_of_window "$before" 50
	holder_request /after-resets
	check "c1's connection lives on, answered by the same target" \
		expect "answer after the resets" "${HELD_ANSWERS[0]}" "${HELD_BODIES[0]}"
	holder_stop
}

check_squatting() {
	note "account 333333333333 tries to put ENIs on account 222222222222's addresses"
	xl_quiet "$PROVIDER" service allow "$E2E_SVC" "$CONSUMER2"
	check "on the router 10.1.0.1: refused" refused_with InvalidParameterValue \
		xl_as "$CONSUMER2" endpoint create --service "$E2E_SVC_NAME" --subnet use1-az1=10.1.0.1
	check "on host c1 ${TB_IP[c1]}: refused" refused_with InvalidParameterValue \
		xl_as "$CONSUMER2" endpoint create --service "$E2E_SVC_NAME" \
		--subnet "use1-az1=${TB_IP[c1]}"
	check "in a subnet of 222222222222's: not found" refused_with InvalidSubnetID.NotFound \
		xl_as "$CONSUMER2" endpoint create --service "$E2E_SVC_NAME" \
		--subnet "$(xl_as "$CONSUMER" --json subnet list | jq -r '.Subnets[0].SubnetId')"
	note "... and 222222222222 itself on its own host c1 (its kernel knows c1 answers)"
	tb_exec lb ping -c 1 -W 1 "${TB_IP[c1]}" >/dev/null
	check "on host c1 ${TB_IP[c1]}: refused, the address is in use" refused_with \
		InvalidParameterValue xl_as "$CONSUMER" endpoint create --service "$E2E_SVC_NAME" \
		--subnet "use1-az1=${TB_IP[c1]}"
	check "c2 asking who has ${TB_IP[c1]} hears c1 alone" \
		expect "arping answers" "$(tb_exec c2 arping -c 2 -w 3 -I eth0 "${TB_IP[c1]}" |
			grep -c "\[$(tb_exec c1 cat /sys/class/net/eth0/address | tr a-f A-F)\]")" 2
	check "c2 asking who has 10.1.0.1 gets no answer from the load balancer" \
		expect "arping answers from the LB's MAC" "$(tb_exec c2 arping -c 2 -w 3 -I eth0 10.1.0.1 |
			grep -c "\[$(tb_exec lb cat /sys/class/net/cons0/address | tr a-f A-F)\]" || true)" 0
}

check_syn_flood() {
	local opened cookies sent answered
	note "c2 floods the az1 ENI with $FLOOD SYNs from random spoofed sources"
	opened=$(reason_count fwd_new_flow)
	cookies=$(reason_count syn_cookie_sent)
	hping c2 -S --rand-source -p 80 -c "$FLOOD" -i u50 "$ENI_AZ1"
	check "at most $HALF_OPEN half-open flows per target (t1, t2) were opened, as many as CPUs race" \
		grew_within fwd_new_flow "$opened" "$HALF_OPEN" $((2 * (HALF_OPEN + 2)))
	check "every other SYN that arrived was answered with a SYN cookie" \
		grew_within syn_cookie_sent "$cookies" $((FLOOD * 9 / 10 - 2 * (HALF_OPEN + 2))) "$FLOOD"
	check "the flood holds no more than the half-open flows" \
		expect_within "active flows of t1 and t2" "$(targets_sum ActiveFlowCount)" 1 \
		$((2 * (HALF_OPEN + 2)))
	note "c1 connects while the targets are flooded: through SYN cookies"
	sent=$(reason_count fwd_cookie_flow)
	answered=0
	for _ in $(seq 20); do
		tb_curl c1 "http://$ENI_AZ1/during-flood" >/dev/null && answered=$((answered + 1))
	done
	check "all 20 of c1's connections are answered" expect "answered" "$answered" 20
	check "... each opened from its cookie" grew_by fwd_cookie_flow "$sent" 20
	check "after the SYN timeout no half-open flow is left" \
		wait_until $((SYN_TIMEOUT + 5)) half_open_is 0
	check "... and no target holds a flow" wait_until 10 no_active_flows
}

check_malformed_syns() {
	local opened before
	note "SYNs a flow must not come from: bad checksums, port 0"
	opened=$(reason_count fwd_new_flow)
	before=$(reason_count drop_bad_checksum)
	hping c1 -S -b -p 80 -c 10 -i u10000 "$ENI_AZ1" # 10 ms apart: hping3's default is 1 s
	check "10 SYNs with a bad TCP checksum: drop_bad_checksum" wait_until 3 \
		grew_by drop_bad_checksum "$before" 10
	before=$(reason_count drop_no_listener)
	hping c1 -S -p 0 -c 10 -i u10000 "$ENI_AZ1"
	check "10 SYNs to port 0: drop_no_listener" wait_until 3 grew_by drop_no_listener "$before" 10
	check "none of them opened a flow" grew_by fwd_new_flow "$opened" 0
}

rule_of() {
	local rules
	rules=$(ip -n xl-lb "$1" rule show pref 100)
	grep -q "iif $2 blackhole" <<<"$rules"
}

check_no_routing() {
	local iface family
	note "the LB host forwards (ip_forward=1), yet routes nothing: the agent's own rules"
	for iface in cons0 cons1 prov0; do
		for family in -4 -6; do
			check "ip $family rule: pref 100 iif $iface blackhole" rule_of "$family" "$iface"
		done
	done
	# Routes both ways through the node, so that only the node's own rules stop them.
	tb_exec c1 ip route add 10.0.0.0/16 via "$TB_LB_CONS_IP"
	tb_exec t1 ip route add 10.1.0.0/16 via "$TB_LB_PROV_IP"
	check "c1 routing through the node reaches no target" curl_fails c1 "http://${TB_IP[t1]}/"
	tb_exec t1 ip route del 10.1.0.0/16 via "$TB_LB_PROV_IP"
	tb_exec c1 ip route del 10.0.0.0/16 via "$TB_LB_CONS_IP"
	serve_http c1 "${TB_IP[c1]}" 8080
	tb_exec d1 ip route add 10.1.0.0/16 via "$TB_LB_CONS2_IP"
	tb_exec c1 ip route add 10.2.0.0/16 via "$TB_LB_CONS_IP"
	check "d1 (the other tenant) routing through the node reaches no host of c1's VPC" \
		curl_fails d1 "http://${TB_IP[c1]}:8080/"
	tb_exec c1 ip route del 10.2.0.0/16 via "$TB_LB_CONS_IP"
	tb_exec d1 ip route del 10.1.0.0/16 via "$TB_LB_CONS2_IP"
}

check_target_in_a_consumer_vpc() {
	local before
	note "the provider registers d1 (a host of 333333333333's VPC) as a target on port $D1_PORT"
	serve_http d1 "${TB_IP[d1]}" "$D1_PORT"
	xl_quiet "$PROVIDER" tg create evil-tg --port "$D1_PORT" --interval 5 --timeout 2
	xl_quiet "$PROVIDER" tg register evil-tg "${TB_IP[d1]}" --az use1-az1
	xl_quiet "$PROVIDER" listener add web --port "$D1_PORT" --tg evil-tg
	before=$(reason_count drop_no_route)
	check "c1 -> $ENI_AZ1:$D1_PORT reaches nothing" curl_fails c1 "http://$ENI_AZ1:$D1_PORT/"
	check "... dropped as drop_no_route (a target only behind a provider interface)" \
		grew_within drop_no_route "$before" 1 100
	check "its health checks leave by the provider interface only: unhealthy" wait_until 20 \
		health_is evil-tg "${TB_IP[d1]}" unhealthy
}

e2e_up --agent-args "--half-open-per-target $HALF_OPEN --syn-timeout $SYN_TIMEOUT"
setup_service
check "the consumer reaches the service" curl_answers c1 "http://$ENI_AZ1/" 't[12]'
check_blind_resets
check_squatting
check_syn_flood
check_malformed_syns
check_no_routing
check_target_in_a_consumer_vpc
finish
