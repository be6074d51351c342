#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/isolation.sh: a consumer reaches only the listener ports of its own ENIs, never a
# target, an NLB node IP or another port; a target can never open a connection to a consumer;
# a security group on the endpoint lets in only the clients its rules name.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

# reason_grew NAME BEFORE: the data path counted NAME at least once since BEFORE.
reason_grew() {
	local now
	now=$(reason_count "$1") || return 1
	expect_within "$1 (was $2)" "$now" $(($2 + 1)) 1000000000
}

reason_unchanged() {
	expect "$1" "$(reason_count "$1")" "$2"
}

check_consumer_to_provider() {
	local logs_before
	note "a consumer cannot reach the provider's addresses"
	logs_before=$(log_sizes)
	check "c1 -> target ${TB_IP[t1]}:80 fails" curl_fails c1 "http://${TB_IP[t1]}/"
	check "c1 -> NLB node IP $NODE_AZ1:80 fails" curl_fails c1 "http://$NODE_AZ1/"
	note "... not even with a route to 10.0.0.0/16 via the LB's consumer address $TB_LB_CONS_IP"
	tb_exec c1 ip route add 10.0.0.0/16 via "$TB_LB_CONS_IP"
	check "c1 (route via the LB) -> target ${TB_IP[t1]}:80 fails" curl_fails c1 "http://${TB_IP[t1]}/"
	check "c1 (route via the LB) -> target ${TB_IP[t3]}:80 fails" curl_fails c1 "http://${TB_IP[t3]}/"
	check "c1 (route via the LB) -> NLB node IP $NODE_AZ1:80 fails" curl_fails c1 "http://$NODE_AZ1/"
	check "c1 (route via the LB) -> NLB node IP $NODE_AZ2:80 fails" curl_fails c1 "http://$NODE_AZ2/"
	tb_exec c1 ip route del 10.0.0.0/16 via "$TB_LB_CONS_IP"
	check "no target logged any of it" expect "access log lines" "$(log_sizes)" "$logs_before"
}

check_ports_without_listener() {
	local new_flows no_listener port
	note "only the listener's port of an ENI leads anywhere"
	new_flows=$(reason_count fwd_new_flow)
	for port in 22 443; do
		no_listener=$(reason_count drop_no_listener)
		check "c1 -> $ENI_AZ1:$port (no listener) gets nothing" curl_gets_nothing c1 "http://$ENI_AZ1:$port/"
		check "... dropped as drop_no_listener" reason_grew drop_no_listener "$no_listener"
	done
	check "no flow was opened for them (fwd_new_flow unchanged)" \
		reason_unchanged fwd_new_flow "$new_flows"
	check "the listener's port 80 of the same ENI answers" curl_answers c1 "http://$ENI_AZ1/" 't[12]'
}

check_target_to_consumer() {
	note "a target cannot open a connection to a consumer host (c1 serves HTTP on :8080)"
	serve_http c1 "${TB_IP[c1]}" 8080
	check "c2 (same VPC) -> c1:8080 answers: the server is up" http_ok c2 "http://${TB_IP[c1]}:8080/"
	tb_exec t1 ip route add 10.1.0.0/16 via "$TB_LB_PROV_IP"
	check "t1 (route via the LB's $TB_LB_PROV_IP) -> c1:8080 fails" \
		curl_fails t1 "http://${TB_IP[c1]}:8080/"
	tb_exec t1 ip route replace 10.1.0.0/16 via "$NODE_AZ1"
	check "t1 (route via the NLB node IP $NODE_AZ1) -> c1:8080 fails" \
		curl_fails t1 "http://${TB_IP[c1]}:8080/"
	check "t1 (route via the NLB node IP $NODE_AZ1) -> ENI $ENI_AZ1:80 fails" \
		curl_fails t1 "http://$ENI_AZ1/"
	tb_exec t1 ip route del 10.1.0.0/16
}

# An ENI lives in its consumer's VPC: another VPC's host has no business reaching it, even
# when it routes the ENI's subnet to the LB node's leg in its own VPC.
check_other_vpc_to_eni() {
	note "a host of the other consumer VPC (d1, account 333333333333) cannot use account 222222222222's ENI"
	tb_exec d1 ip route add 10.1.0.0/16 via "$TB_LB_CONS2_IP"
	check "d1 (route to 10.1.0.0/16 via the LB's $TB_LB_CONS2_IP) -> $ENI_AZ1:80 fails" \
		curl_fails d1 "http://$ENI_AZ1/from-d1"
	tb_exec d1 ip route del 10.1.0.0/16
	check "no target logged a request from it" logged_count_is 0 /from-d1
}

# A security group on the endpoint: only the clients of its inbound rules open connections
# (last: the group stays on the endpoint).
check_security_groups() {
	local vpc sg refused
	note "a security group on the endpoint lets in only the clients its rules name"
	vpc=$(xl_as "$CONSUMER" --json vpc list | jq -er '.Vpcs[0].VpcId')
	sg=$(xl_as "$CONSUMER" --json sg create web-clients --vpc "$vpc" --description "c1 only" |
		jq -er .GroupId)
	xl_quiet "$CONSUMER" sg authorize "$sg" --port 80 --cidr "${TB_IP[c1]}/32"
	xl_quiet "$CONSUMER" endpoint modify "$E2E_EP" --add-security-group "$sg"
	refused=$(reason_count drop_security_group)
	check "c1 (its rule) -> $ENI_AZ1:80 answers" curl_answers c1 "http://$ENI_AZ1/" 't[12]'
	check "c2 (same VPC, no rule) -> $ENI_AZ1:80 gets nothing" curl_gets_nothing c2 "http://$ENI_AZ1/"
	check "... dropped as drop_security_group" reason_grew drop_security_group "$refused"
	xl_quiet "$CONSUMER" sg authorize "$sg" --port 80 --cidr "${TB_IP[c2]}/32"
	check "with a rule of its own, c2 answers" curl_answers c2 "http://$ENI_AZ1/" 't[12]'
}

e2e_up
setup_service
check_consumer_to_provider
check_ports_without_listener
check_target_to_consumer
check_other_vpc_to_eni
check_security_groups
finish
