#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# storm-selftest.sh: checks xl-storm's exact counts against nginx in two throwaway network
# namespaces (xl-st-*). Usage: tests/tools/storm-selftest.sh path/to/xl-storm   (needs root)
set -euo pipefail

STORM=$(realpath "${1:?usage: $0 path/to/xl-storm}")
SRV=xl-st-srv-$$
CLI=xl-st-cli-$$
SERVER_IP=10.250.0.1
CLIENT_IPS=(10.250.0.2 10.250.0.3)
SOURCES=10.250.0.2,10.250.0.3
WORK=$(mktemp -d /tmp/xl-storm-selftest.XXXXXX)
passed=0
failed=0

cleanup() {
	if [[ -s $WORK/nginx.pid ]]; then
		kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
	fi
	ip netns del "$CLI" 2>/dev/null || true
	ip netns del "$SRV" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

make_namespaces() {
	ip netns add "$SRV"
	ip netns add "$CLI"
	ip -n "$SRV" link add eth0 type veth peer name eth0 netns "$CLI"
	ip -n "$SRV" addr add "$SERVER_IP/24" dev eth0
	for ip in "${CLIENT_IPS[@]}"; do
		ip -n "$CLI" addr add "$ip/24" dev eth0
	done
	for ns in "$SRV" "$CLI"; do
		ip -n "$ns" link set lo up
		ip -n "$ns" link set eth0 up
		ip netns exec "$ns" sysctl -qw net.core.somaxconn=65535 \
			net.ipv4.tcp_max_syn_backlog=65535 net.ipv4.ip_local_port_range="1024 65535" \
			net.ipv4.tcp_tw_reuse=1
	done
}

start_nginx() {
	mkdir -p "$WORK/tmp"
	cat >"$WORK/nginx.conf" <<EOF
worker_processes 2;
worker_rlimit_nofile 65536;
pid $WORK/nginx.pid;
error_log $WORK/error.log warn;
events { worker_connections 16384; }
http {
	access_log off;
	client_body_temp_path $WORK/tmp/body;
	proxy_temp_path $WORK/tmp/proxy;
	fastcgi_temp_path $WORK/tmp/fastcgi;
	uwsgi_temp_path $WORK/tmp/uwsgi;
	scgi_temp_path $WORK/tmp/scgi;
	keepalive_timeout 600s;
	client_header_timeout 600s;
	server {
		listen $SERVER_IP:80 backlog=65535;
		default_type text/plain;
		location / { return 200 "srv\n"; }
	}
}
EOF
	ip netns exec "$SRV" nginx -p "$WORK" -e "$WORK/error.log" -c "$WORK/nginx.conf"
}

storm() {
	ip netns exec "$CLI" "$STORM" "$@"
}

# field KEY REPORT: the value of "KEY: value" in a text report.
field() {
	awk -F': ' -v key="$1" '$1 == key { print $2 }' <<<"$2"
}

expect() {
	local what=$1 got=$2 want=$3
	if [[ $got != "$want" ]]; then
		echo "  $what: got '$got', want '$want'" >&2
		return 1
	fi
}

established_sockets() {
	ip netns exec "$CLI" ss -Htn state established | wc -l
}

check_thousand_with_requests() {
	local report
	report=$(storm open -t "$SERVER_IP:80" -n 1000 -r /) || return 1
	expect attempted "$(field attempted "$report")" 1000 || return 1
	expect established "$(field established "$report")" 1000 || return 1
	expect reset "$(field reset "$report")" 0 || return 1
	expect timeout "$(field timeout "$report")" 0 || return 1
	expect error "$(field error "$report")" 0 || return 1
	expect body.srv "$(field body.srv "$report")" 1000 || return 1
}

check_closed_port_resets() {
	local report
	report=$(storm open -t "$SERVER_IP:81" -n 1000 -w 2000) || return 1
	expect established "$(field established "$report")" 0 || return 1
	expect reset "$(field reset "$report")" 1000 || return 1
	expect timeout "$(field timeout "$report")" 0 || return 1
	expect error "$(field error "$report")" 0 || return 1
}

# The server drops the first SYN of every connection to port 80 and to its closed port 82;
# the second, sent a second later, gets the SYN-ACK or the RST. Each connection, refused
# or established, then sent one SYN again.
check_resent_syns_counted() {
	local refused established
	ip netns exec "$SRV" nft -f - <<-'EOF'
		table inet storm_selftest {
			set seen { type ipv4_addr . inet_service; flags dynamic; }
			chain input {
				type filter hook input priority 0;
				tcp dport { 80, 82 } tcp flags syn ip saddr . tcp sport != @seen \
					add @seen { ip saddr . tcp sport } drop
			}
		}
	EOF
	refused=$(storm open -t "$SERVER_IP:82" -n 10 -w 5000) || return 1
	established=$(storm open -t "$SERVER_IP:80" -n 10 -w 5000) || return 1
	ip netns exec "$SRV" nft delete table inet storm_selftest
	expect reset "$(field reset "$refused")" 10 || return 1
	expect reset_syn_retransmits "$(field reset_syn_retransmits "$refused")" 10 || return 1
	expect timeout "$(field timeout "$refused")" 0 || return 1
	expect established "$(field established "$established")" 10 || return 1
	expect syn_retransmits "$(field syn_retransmits "$established")" 10 || return 1
}

check_hold_until_stdin_closes() {
	local report held status=0
	coproc HOLDER { storm open -t "$SERVER_IP:80" -n 500 --hold-until-stdin-closes --json; }
	local pid=$HOLDER_PID to_storm=${HOLDER[1]}
	read -r -u "${HOLDER[0]}" report || status=1
	held=$(established_sockets)
	exec {to_storm}>&-
	wait "$pid" || status=1
	expect "exit status" "$status" 0 || return 1
	expect established "$(jq .established <<<"$report")" 500 || return 1
	expect "sockets while held" "$held" 500 || return 1
	expect "sockets after close" "$(established_sockets)" 0 || return 1
}

# 20,000 connections from two sources: even if no local port came back before the end (the
# abandoned ones never do, TIME_WAIT ones only after a second), they fit in the sources'
# 2 x 64,512 ports, on a machine of any speed.
readonly CHURN_COUNT=20000

check_churn_mix() {
	local report opened est fin rst abandoned
	report=$(storm churn -t "$SERVER_IP:80" -n "$CHURN_COUNT" -c 200 --mix 50,30,20 \
		-s "$SOURCES") || return 1
	opened=$(field opened "$report")
	est=$(field established "$report")
	fin=$(field closed_fin "$report")
	rst=$(field closed_rst "$report")
	abandoned=$(field abandoned "$report")
	echo "  churn: opened $opened, rate $(field rate "$report")/s"
	expect "opened" "$opened" "$CHURN_COUNT" || return 1
	expect "failures" "$(($(field reset "$report") + $(field timeout "$report") + \
		$(field error "$report")))" 0 || return 1
	expect "opened = established" "$opened" "$est" || return 1
	expect "fin + rst + abandoned" "$((fin + rst + abandoned))" "$est" || return 1
	# the interleave keeps each share within one connection of its percentage
	expect "fin share" "$(((fin * 100 - est * 50) ** 2 < 100 ** 2))" 1 || return 1
	expect "rst share" "$(((rst * 100 - est * 30) ** 2 < 100 ** 2))" 1 || return 1
	expect "abandoned share" "$(((abandoned * 100 - est * 20) ** 2 < 100 ** 2))" 1 || return 1
	expect "sockets left open" "$(established_sockets)" 0 || return 1
}

run_check() {
	if "$1"; then
		echo "ok   $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1"
		failed=$((failed + 1))
	fi
}

make_namespaces
start_nginx
run_check check_thousand_with_requests
run_check check_closed_port_resets
run_check check_resent_syns_counted
run_check check_hold_until_stdin_closes
run_check check_churn_mix
echo "$passed passed, $failed failed"
((failed == 0))
