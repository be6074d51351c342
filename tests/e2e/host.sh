#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/host.sh: with XDP attached and a service programmed, the LB node's own networking
# still works: ARP, ICMP, and TCP to and from the LB namespace that is not endpoint traffic.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

readonly LB_CONS0_MAC=02:00:0a:01:00:05   # testbed/testbed: mac_for 02:00 10.1.0.5

pings() {
	tb_exec "$1" ping -c 1 -W 1 -q "$2" >/dev/null ||
		{ printf '    xl-%s: no answer to ping %s\n' "$1" "$2" >&2 && return 1; }
}

# neighbour_is HOST IP MAC: HOST resolved IP to MAC (by ARP).
neighbour_is() {
	local lladdr
	lladdr=$(tb_exec "$1" ip -j neigh show "$2" | jq -r '.[0].lladdr // "none"')
	expect "xl-$1's neighbour entry for $2" "$lladdr" "$3"
}

# resolves_after_flush HOST IP MAC: HOST forgets its neighbours, pings IP, and has learned
# IP's MAC by ARP again.
resolves_after_flush() {
	tb_exec "$1" ip neigh flush all
	pings "$1" "$2" && neighbour_is "$1" "$2" "$3"
}

# no_drop_or_reset: the data path dropped or reset nothing (host traffic is passed).
no_drop_or_reset() {
	local counted
	counted=$(stats_json | jq -c \
		'.Reasons | with_entries(select((.key | test("^(drop|rst)_")) and .value != 0))') || return 1
	expect "drop_* and rst_* counters that are not 0" "$counted" '{}'
}

reason_positive() {
	expect_within "$1" "$(reason_count "$1")" 1 1000000000
}

check_arp_and_icmp() {
	note "ARP and ICMP to the LB node's own addresses"
	check "c1 -> LB consumer address $TB_LB_CONS_IP: ARP resolves cons0's MAC, ping answered" \
		resolves_after_flush c1 "$TB_LB_CONS_IP" "$LB_CONS0_MAC"
	check "d1 -> LB address $TB_LB_CONS2_IP (cons1): ping answered" pings d1 "$TB_LB_CONS2_IP"
	check "t1 -> LB provider address $TB_LB_PROV_IP: ping answered" pings t1 "$TB_LB_PROV_IP"
	check "t1 -> NLB node IP $NODE_AZ1: ping answered" pings t1 "$NODE_AZ1"
	check "t3 -> NLB node IP $NODE_AZ2: ping answered" pings t3 "$NODE_AZ2"
	check "the LB learned c1's MAC" neighbour_is lb "${TB_IP[c1]}" 02:00:0a:01:01:0b
	check "c1 -> ENI $ENI_AZ1: ARP answered with cons0's MAC, and the service answers" \
		resolves_eni_and_answers
}

resolves_eni_and_answers() {
	tb_exec c1 ip neigh flush all
	curl_answers c1 "http://$ENI_AZ1/" 't[12]' && neighbour_is c1 "$ENI_AZ1" "$LB_CONS0_MAC"
}

check_host_tcp() {
	note "TCP that is not endpoint traffic, to and from xl-lb"
	serve_http lb "$TB_LB_CONS_IP" 8080
	check "c1 -> HTTP server in xl-lb on $TB_LB_CONS_IP:8080 answers" \
		http_ok c1 "http://$TB_LB_CONS_IP:8080/"
	check "xl-lb -> t1 (${TB_IP[t1]}) directly: answered by t1" curl_answers lb "http://${TB_IP[t1]}/" t1
	check "xl-lb -> t3 (${TB_IP[t3]}) directly: answered by t3" curl_answers lb "http://${TB_IP[t3]}/" t3
	check "the data path passed host traffic to the kernel (pass_not_ours)" reason_positive pass_not_ours
	check "... and ARP not for an ENI (pass_arp)" reason_positive pass_arp
	check "nothing was dropped or reset" no_drop_or_reset
}

e2e_up
setup_service
check_arp_and_icmp
check_host_tcp
finish
