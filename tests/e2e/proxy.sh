#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/proxy.sh: proxy protocol v2 end to end. Real servers that parse the header (nginx
# `listen ... proxy_protocol`, HAProxy `accept-proxy`, and testbed/proxy_target.py, a parser of
# our own that checks every byte against AWS's headers) see the true address and port of
# every consumer connection, from two consumer VPCs and from on-premises, and its endpoint's
# id; 100 MB each way arrive intact; health checks carry AWS's LOCAL header, and fail
# against a server that requires the header when the group sends none.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

readonly PROXY_CLIENT=$E2E_DIR/proxy_client.py
readonly PROXY_TARGET=$E2E_DIR/../../testbed/proxy_target.py
readonly D1_ENI=10.2.1.50
# The servers' ports on the targets, and the listeners' on the ENIs (the header carries the
# listener's: the parser's differs from its targets' on purpose).
readonly NGINX_PORT=8080 HAPROXY_PORT=8081 PARSER_PORT=8082
readonly LISTEN_NGINX=8080 LISTEN_HAPROXY=8081 LISTEN_PARSER=9000 LISTEN_NO_HEADER=8090
readonly PER_SERVER=500      # connections from each consumer host to nginx, to HAProxy
readonly PER_PARSER=1000     # and to the parser
readonly SILENT=50           # connections closed without a byte
readonly BIG_MB=100
readonly NGINX_TARGETS=(t1 t3) HAPROXY_TARGETS=(t2 t4)
WORK=
D1_EP=

# ---- the servers ------------------------------------------------------------------------

# listening HOST PORT: something in xl-HOST listens on PORT.
listening() {
	[[ -n $(tb_exec "$1" ss -Hltn "sport = :$2") ]]
}

# start_nginx HOST: nginx on NGINX_PORT that requires the header; it logs what the header
# said beside what it saw, and takes and serves files under /files/ (WebDAV PUT).
start_nginx() {
	local host=$1 dir=$WORK/$1
	mkdir -p "$dir/files" "$dir/tmp"
	chown www-data "$dir/files" "$dir/tmp"
	cat >"$dir/nginx.conf" <<EOF
daemon off;
user www-data;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log notice;
events {
	worker_connections 4096;
}
http {
	log_format pp '\$proxy_protocol_addr \$proxy_protocol_port \$proxy_protocol_server_addr '
		      '\$proxy_protocol_server_port \$remote_addr \$request_method \$uri \$status';
	access_log $dir/access.log pp;
	client_body_temp_path $dir/tmp;
	proxy_temp_path $dir/tmp;
	fastcgi_temp_path $dir/tmp;
	uwsgi_temp_path $dir/tmp;
	scgi_temp_path $dir/tmp;
	server {
		listen $NGINX_PORT proxy_protocol;
		default_type text/plain;
		location / {
			return 200 "$host\n";
		}
		location /files/ {
			root $dir;
			dav_methods PUT;
			client_max_body_size $((BIG_MB + 1))m;
		}
	}
}
EOF
	in_background "$host" nginx -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf"
	wait_until 5 listening "$host" "$NGINX_PORT"
}

# start_haproxy HOST: HAProxy on HAPROXY_PORT that requires the header (and checks its
# CRC32C); it logs the source and destination the header gave it.
start_haproxy() {
	local host=$1 dir=$WORK/$1
	mkdir -p "$dir"
	cat >"$dir/haproxy.cfg" <<EOF
global
	nbthread 1
	maxconn 4000
	log stdout format raw local0
defaults
	mode http
	log global
	timeout connect 5s
	timeout client 30s
	timeout server 30s
frontend pp
	bind :$HAPROXY_PORT accept-proxy
	log-format "%[src] %[src_port] %[dst] %[dst_port] %[fc_rcvd_proxy] %HM %HP %ST"
	http-request return status 200 content-type text/plain string "$host"
EOF
	tb_exec "$host" haproxy -db -f "$dir/haproxy.cfg" </dev/null >"$dir/access.log" \
		2>"$dir/error.log" &
	E2E_PIDS+=($!)
	wait_until 5 listening "$host" "$HAPROXY_PORT"
}

# start_parser HOST: testbed/proxy_target.py on PARSER_PORT; it serves WORK/down.bin.
start_parser() {
	local host=$1
	mkdir -p "$WORK/$host"
	in_background "$host" python3 "$PROXY_TARGET" --name "$host" --port "$PARSER_PORT" \
		--log "$WORK/$host/parser.log" --serve "$WORK/down.bin"
	wait_until 5 listening "$host" "$PARSER_PORT"
}

start_servers() {
	local t
	WORK=$TB_RUN_DIR/proxy
	mkdir -p "$WORK"
	head -c "${BIG_MB}M" /dev/urandom >"$WORK/down.bin"
	head -c "${BIG_MB}M" /dev/urandom >"$WORK/up.bin"
	for t in "${NGINX_TARGETS[@]}"; do
		start_nginx "$t"
		ln "$WORK/down.bin" "$WORK/$t/files/down.bin"
	done
	chmod 644 "$WORK/down.bin"
	for t in "${HAPROXY_TARGETS[@]}"; do
		start_haproxy "$t"
	done
	for t in "${TB_TARGETS[@]}"; do
		start_parser "$t"
	done
}

# ---- the provider's groups --------------------------------------------------------------

# proxy_group NAME PORT PROXY LISTENER TARGET...: a target group checked over HTTP every 5 s
# (healthy or unhealthy after 2), with proxy protocol PROXY (on|off), TARGETs registered in
# their zones, and a listener of web forwarding LISTENER to it.
proxy_group() {
	local name=$1 port=$2 proxy=$3 listener=$4 t
	shift 4
	xl_quiet "$PROVIDER" tg create "$name" --port "$port" --proxy-protocol "$proxy" \
		--health-check http --interval 5 --timeout 2 --healthy-threshold 2 --unhealthy-threshold 2
	for t in "$@"; do
		xl_quiet "$PROVIDER" tg register "$name" "${TB_IP[$t]}" --az "${TB_AZ[$t]}"
	done
	xl_quiet "$PROVIDER" listener add web --port "$listener" --tg "$name"
}

setup_groups() {
	proxy_group pp-nginx "$NGINX_PORT" on "$LISTEN_NGINX" "${NGINX_TARGETS[@]}"
	proxy_group pp-haproxy "$HAPROXY_PORT" on "$LISTEN_HAPROXY" "${HAPROXY_TARGETS[@]}"
	proxy_group pp-parser "$PARSER_PORT" on "$LISTEN_PARSER" "${TB_TARGETS[@]}"
	proxy_group no-header "$NGINX_PORT" off "$LISTEN_NO_HEADER" "${NGINX_TARGETS[@]}"
}

# The second account's endpoint, in use1-az1, accepted: sets D1_EP.
setup_second_account() {
	xl_quiet "$PROVIDER" service allow "$E2E_SVC" "$CONSUMER2"
	D1_EP=$(create_endpoint "$CONSUMER2" "$E2E_SVC_NAME" "use1-az1=$D1_ENI")
	xl_quiet "$PROVIDER" endpoint accept "$E2E_SVC" "$D1_EP"
}

# group_health TG: "STATE REASON" of each target, one line each.
group_health() {
	xl_as "$PROVIDER" --json tg health "$1" |
		jq -r '.TargetHealthDescriptions[] | "\(.TargetHealth.State) \(.TargetHealth.Reason // "-")"'
}

# all_in_state TG STATE [REASON]: every target of TG is in STATE, for REASON (default none).
all_in_state() {
	expect "health of $1's targets" "$(group_health "$1" | sort -u)" "$2 ${3:--}"
}

# ---- what the servers logged ------------------------------------------------------------

# The ENI, node IP and endpoint each consumer host's connections go through, by its address.
declare -A ENI_OF NODE_OF EP_OF

set_expectations() {
	ENI_OF=([${TB_IP[c1]}]=$ENI_AZ1 [${TB_IP[c2]}]=$ENI_AZ2 [${TB_IP[d1]}]=$D1_ENI
		[${TB_IP[onprem]}]=$ENI_AZ1)
	NODE_OF=([${TB_IP[c1]}]=$NODE_AZ1 [${TB_IP[c2]}]=$NODE_AZ2 [${TB_IP[d1]}]=$NODE_AZ1
		[${TB_IP[onprem]}]=$NODE_AZ1)
	EP_OF=([${TB_IP[c1]}]=$E2E_EP [${TB_IP[c2]}]=$E2E_EP [${TB_IP[d1]}]=$D1_EP
		[${TB_IP[onprem]}]=$E2E_EP)
}

# consumer_table: "ADDRESS ENI NODE ENDPOINT" per consumer host, for awk and jq.
consumer_table() {
	local a
	for a in "${!ENI_OF[@]}"; do
		echo "$a ${ENI_OF[$a]} ${NODE_OF[$a]} ${EP_OF[$a]}"
	done
}

# web_log_problems KIND LOG...: the lines of nginx (KIND nginx) or HAProxy (haproxy) access
# logs for /from/ADDRESS/PORT whose header said otherwise than the path (the truth): the
# consumer's address and port, its ENI and the listener's port, a node IP as the source.
web_log_problems() {
	local kind=$1 listener
	shift
	[[ $kind == nginx ]] && listener=$LISTEN_NGINX || listener=$LISTEN_HAPROXY
	consumer_table | awk -v kind="$kind" -v listener="$listener" '
		NR == FNR { eni[$1] = $2; node[$1] = $3; next } # the table, then the logs
		{
			# nginx: addr port server_addr server_port remote method uri status
			# HAProxy: src src_port dst dst_port rcvd_proxy method path status
			if (kind == "nginx") { uri = $7; source = $5; proxied = 1 }
			else { uri = $7; source = "-"; proxied = $5 }
			if (uri !~ /^\/from\//) next
			split(uri, part, "/")
			want = part[3] " " part[4] " " eni[part[3]] " " listener
			if ($1 " " $2 " " $3 " " $4 != want || proxied != 1 || $8 != 200 ||
			    (kind == "nginx" && source != node[part[3]]))
				print "      " FILENAME ": " $0 " (want " want ")"
		}' - "$@"
}

# web_log_count ADDRESS LOG...: requests for /from/ADDRESS/ in the logs.
web_log_count() {
	local address=$1
	shift
	cat "$@" | awk -v a="$address" '$7 ~ "^/from/" a "/" { n++ } END { print n + 0 }'
}

# parser_problems LOG...: the parser's entries for /from/ADDRESS/PORT connections that
# are not a flawless header saying ADDRESS, PORT, the ENI, the listener and the endpoint.
parser_problems() {
	consumer_table | jq -rRn --argjson listener "$LISTEN_PARSER" --slurpfile entries <(cat "$@") '
		([inputs | split(" ") | {(.[0]): {eni: .[1], ep: .[3]}}] | add) as $c |
		$entries[] | select(.request // "" | startswith("GET /from/")) |
		(.request | split("/")) as $p |
		select(.kind != "proxy" or .errors != [] or .src != $p[2] or (.sport | tostring) != $p[3] or
		       .dst != $c[$p[2]].eni or .dport != $listener or .vpce != $c[$p[2]].ep) |
		"      \(.)"'
}

parser_count() {
	cat "${@:2}" | jq -s --arg a "$1" '[.[] | select(.request // "" | startswith("GET /from/\($a)/"))] | length'
}

# none PROBLEMS...: the problems listed are none (or say the first few).
none() {
	[[ -z $1 ]] && return 0
	printf '    %s\n%s\n' "$(grep -c . <<<"$1") problems, the first:" "$(head -n 5 <<<"$1")" >&2
	return 1
}

logs_of() {
	local file=$1 t
	shift
	for t in "$@"; do
		echo "$WORK/$t/$file"
	done
}

# ---- the checks -------------------------------------------------------------------------

check_health() {
	local t logs
	note "health checks over HTTP every 5 s, from the node IPs"
	check "pp-nginx: nginx (proxy_protocol) takes the LOCAL header: healthy" \
		wait_until 30 all_in_state pp-nginx healthy
	check "pp-haproxy: HAProxy (accept-proxy) takes the LOCAL header: healthy" \
		wait_until 30 all_in_state pp-haproxy healthy
	check "pp-parser: the parser takes it: healthy" wait_until 30 all_in_state pp-parser healthy
	check "no-header (proxy protocol off) to the same nginx: unhealthy" \
		wait_until 30 all_in_state no-header unhealthy Target.FailedHealthChecks
	mapfile -t logs < <(logs_of parser.log "${TB_TARGETS[@]}")
	check "every check's header at the parser: AWS's LOCAL header, byte for byte" \
		expect "health checks' headers at the parser (flawless LOCAL, other)" \
		"$(jq -cs '[(map(select(.kind == "local" and .errors == [])) | length > 0),
			(map(select(.kind != "proxy" and (.kind != "local" or .errors != []))) | length)]' \
			"${logs[@]}")" "[true,0]"
	for t in "${NGINX_TARGETS[@]}"; do
		check "nginx in xl-$t refused the checks without a header (broken header)" \
			grep -q 'broken header' "$WORK/$t/error.log"
	done
}

# clients_of HOST ENI: every connection of HOST through ENI reaches nginx, HAProxy and the
# parser and is answered; the parser's answer repeats the header, which must be the truth.
clients_of() {
	local host=$1 eni=$2 endpoint=${EP_OF[${TB_IP[$1]}]} report
	report=$(tb_exec "$host" python3 "$PROXY_CLIENT" "$eni" "$LISTEN_NGINX" "$PER_SERVER")
	check "$host -> $eni:$LISTEN_NGINX (nginx): $PER_SERVER connections answered" \
		expect "report" "$(jq -c '[.answered, .failed, .problems]' <<<"$report")" "[$PER_SERVER,0,[]]"
	report=$(tb_exec "$host" python3 "$PROXY_CLIENT" "$eni" "$LISTEN_HAPROXY" "$PER_SERVER")
	check "$host -> $eni:$LISTEN_HAPROXY (HAProxy): $PER_SERVER connections answered" \
		expect "report" "$(jq -c '[.answered, .failed, .problems]' <<<"$report")" "[$PER_SERVER,0,[]]"
	report=$(tb_exec "$host" python3 "$PROXY_CLIENT" "$eni" "$LISTEN_PARSER" "$PER_PARSER" \
		--echo "$endpoint")
	check "$host -> $eni:$LISTEN_PARSER (parser): $PER_PARSER answered, each with its own address, port and $endpoint" \
		expect "report" "$(jq -c '[.answered, .failed, .mismatched, .problems]' <<<"$report")" \
		"[$PER_PARSER,0,0,[]]"
}

check_connections() {
	local host logs address
	note "connections from c1, c2 (VPC 222222222222), d1 (VPC 333333333333), onprem (over the router)"
	clients_of c1 "$ENI_AZ1"
	clients_of c2 "$ENI_AZ2"
	clients_of d1 "$D1_ENI"
	clients_of onprem "$ENI_AZ1"

	mapfile -t logs < <(logs_of access.log "${NGINX_TARGETS[@]}")
	check "nginx logged, for every connection, the consumer's address and port, its ENI and listener" \
		none "$(web_log_problems nginx "${logs[@]}")"
	for host in c1 c2 d1 onprem; do
		address=${TB_IP[$host]}
		check "... $PER_SERVER of them from $host ($address)" \
			expect "nginx lines from $address" "$(web_log_count "$address" "${logs[@]}")" "$PER_SERVER"
	done
	mapfile -t logs < <(logs_of access.log "${HAPROXY_TARGETS[@]}")
	check "HAProxy logged, for every connection, the consumer's address and port, its ENI and listener" \
		none "$(web_log_problems haproxy "${logs[@]}")"
	for host in c1 c2 d1 onprem; do
		address=${TB_IP[$host]}
		check "... $PER_SERVER of them from $host ($address)" \
			expect "HAProxy lines from $address" "$(web_log_count "$address" "${logs[@]}")" "$PER_SERVER"
	done
	mapfile -t logs < <(logs_of parser.log "${TB_TARGETS[@]}")
	check "the parser found every header flawless: AWS's layout, CRC32C, address, port, ENI, listener, vpce- id" \
		none "$(parser_problems "${logs[@]}")"
	for host in c1 c2 d1 onprem; do
		address=${TB_IP[$host]}
		check "... $PER_PARSER of them from $host ($address), endpoint ${EP_OF[$address]}" \
			expect "parser entries from $address" "$(parser_count "$address" "${logs[@]}")" "$PER_PARSER"
	done
}

# closed_cleanly HOST IP:PORT N: HOST closed its N connections to IP:PORT first and both
# ends agreed: N sockets wait in TIME-WAIT (a FIN acknowledged, the peer's FIN answered), none
# is still closing, none was reset. (HOST's other connections there were closed by the server
# first, which leaves no TIME-WAIT on HOST.)
closed_cleanly() {
	local closing waiting
	closing=$(tb_exec "$1" ss -Htn state fin-wait-1 state closing state last-ack dst "$2")
	waiting=$(tb_exec "$1" ss -Htn state time-wait dst "$2" | grep -c . || true)
	expect "sockets to $2 in TIME-WAIT, and still closing" "$waiting ${closing:-none}" "$3 none"
}

# silent_entries_are ADDRESS N LOG...: N flawless headers from ADDRESS with nothing after.
silent_entries_are() {
	expect "flawless headers from $1 without data" "$(cat "${@:3}" | jq -s --arg a "$1" \
		'[.[] | select(.kind == "proxy" and .errors == [] and .src == $a and .request == null and
			.bytes == 0)] | length')" "$2"
}

check_silent() {
	local report logs
	note "$SILENT connections from c1 that close without sending a byte"
	report=$(tb_exec c1 python3 "$PROXY_CLIENT" "$ENI_AZ1" "$LISTEN_PARSER" "$SILENT" --silent)
	check "$SILENT connected and closed" expect "failed" "$(jq .failed <<<"$report")" 0
	check "... each closed cleanly on both ends: FIN acknowledged, TIME-WAIT, no reset" \
		wait_until 5 closed_cleanly c1 "$ENI_AZ1:$LISTEN_PARSER" "$SILENT"
	mapfile -t logs < <(logs_of parser.log "${TB_TARGETS[@]}")
	check "... the parser got a flawless header from each, then the end of the connection" \
		wait_until 3 silent_entries_are "${TB_IP[c1]}" "$SILENT" "${logs[@]}"
}

sha_of() {
	sha256sum "$1" | cut -d ' ' -f 1
}

check_transfers() {
	local up down got answer
	up=$(sha_of "$WORK/up.bin")
	down=$(sha_of "$WORK/down.bin")
	note "$BIG_MB MB each way between c1 and the use1-az1 targets (sha256 $up up, $down down)"
	check "upload to nginx (PUT): 201 Created" expect "HTTP status" \
		"$(tb_exec c1 curl -sS -o /dev/null -w '%{http_code}' -H 'Expect:' -T "$WORK/up.bin" \
			"http://$ENI_AZ1:$LISTEN_NGINX/files/up.bin")" 201
	check "... the file nginx wrote has the same sha256" expect "sha256 at t1" \
		"$(sha_of "$WORK/t1/files/up.bin")" "$up"
	got=$(tb_exec c1 curl -sS "http://$ENI_AZ1:$LISTEN_NGINX/files/down.bin" | sha256sum | cut -d ' ' -f 1)
	check "download from nginx: the same sha256 at c1" expect "sha256 at c1" "$got" "$down"
	answer=$(tb_exec c1 curl -sS -H 'Expect:' -T "$WORK/up.bin" "http://$ENI_AZ1:$LISTEN_PARSER/upload")
	check "upload to the parser: it read the same sha256 after the header" expect "parser's answer" \
		"${answer#t[12] }" "sha256:$up bytes:$((BIG_MB << 20))"
	got=$(tb_exec c1 curl -sS "http://$ENI_AZ1:$LISTEN_PARSER/download" | sha256sum | cut -d ' ' -f 1)
	check "download from the parser: the same sha256 at c1" expect "sha256 at c1" "$got" "$down"
}

# one_write_upload HOST IP PORT BYTES: one PUT to the parser whose request and body go in one
# write, so that the first segment is as big as the client's MSS lets it be. Prints the
# client's MSS, the parser's answer and the body's sha256.
one_write_upload() {
	tb_exec "$1" python3 -c '
import hashlib, socket, sys
ip, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
body = bytes(i * 7 % 251 for i in range(n))
s = socket.create_connection((ip, port), 10)
mss = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG)
s.sendall(b"PUT /one-write HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % n + body)
answer = b""
while chunk := s.recv(65536):
    answer += chunk
print(mss, answer.partition(b"\r\n\r\n")[2].decode().strip(), hashlib.sha256(body).hexdigest())
' "$2" "$3" "$4"
}

# A first segment that fills the MSS: the MSS the target announced reached the client less
# the header's length, so the header fits in front of it, and nothing is cut.
check_full_first_segment() {
	local mss name sum bytes sent
	note "a first segment as full as the MSS allows, with the header in front"
	read -r mss name sum bytes sent < <(one_write_upload c1 "$ENI_AZ1" "$LISTEN_PARSER" 200000)
	check "the client's MSS leaves room for the header on a 1500-byte path" \
		expect_within "MSS" "$mss" 536 $((1500 - 40 - 100))
	check "... its 200,000 bytes reached the parser intact" expect "sha256 and length" \
		"${name%[12]} $sum $bytes" "t sha256:$sent bytes:200000"
	check "... and no first payload had to be cut for the header" expect "fwd_proxy_cut" \
		"$(reason_count fwd_proxy_cut)" 0
}

check_without_header() {
	local rc=0
	note "a server that requires the header, behind a group that sends none"
	tb_exec c1 curl -sS --max-time 3 -o /dev/null "http://$ENI_AZ1:$LISTEN_NO_HEADER/" 2>/dev/null || rc=$?
	check "c1 -> $ENI_AZ1:$LISTEN_NO_HEADER: nginx closes without an answer (curl: empty reply)" \
		expect "curl's exit status" "$rc" 52
}

check_counters() {
	local logs
	mapfile -t logs < <(logs_of parser.log "${TB_TARGETS[@]}")
	check "the parser found no flaw in any header it read, of any connection" expect "flawed headers" \
		"$(cat "${logs[@]}" | jq -s '[.[] | select(.errors != [])] | length')" 0
	check "the data path dropped and reset nothing" expect "drop and reset reasons" \
		"$(drop_and_reset_reasons)" "{}"
	check "headers sent: at least one per connection" expect_within "fwd_proxy_header" \
		"$(reason_count fwd_proxy_header)" $((4 * (2 * PER_SERVER + PER_PARSER) + SILENT + 4)) 100000000
}

e2e_up
start_servers
setup_service
setup_second_account
setup_groups
set_expectations
check_health
check_connections
check_silent
check_transfers
check_full_first_segment
check_without_header
check_counters
finish
