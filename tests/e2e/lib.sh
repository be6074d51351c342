# SPDX-License-Identifier: MIT
# tests/e2e/lib.sh: what the end-to-end scripts share: the testbed for the script's life,
# check/finish bookkeeping, the seed lab's service, traffic tools and the agent's counters.
# shellcheck shell=bash source-path=SCRIPTDIR
# shellcheck disable=SC2034 # the variables are for the scripts that source this
#
# A script reads like:
#   source "$(dirname "$0")/lib.sh"
#   e2e_up                      # the testbed, in $E2E_XDP_MODE; down however we exit
#   setup_service               # the seed lab: web, web-tg, a service, an accepted endpoint
#   check "c1 reaches the service" curl_answers c1 "http://$ENI_AZ1/"
#   finish                      # "N passed, N failed"; non-zero exit on failures

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../testbed/lib.sh
source "$E2E_DIR/../../testbed/lib.sh"

readonly PROVIDER=arn:aws:iam::111111111111:root
readonly CONSUMER=arn:aws:iam::222222222222:root
readonly CONSUMER2=arn:aws:iam::333333333333:root
readonly ENI_AZ1=10.1.1.50 ENI_AZ2=10.1.2.50
readonly NODE_AZ1=10.0.1.10 NODE_AZ2=10.0.2.10
readonly API_NODE_AZ1=10.0.1.11 API_NODE_AZ2=10.0.2.11 API_ENI=10.1.1.60   # a second service
readonly SNAT_FIRST_PORT=1024 SNAT_LAST_PORT=56023
readonly STORM=$XDPLINK_BUILD/tools/xl-storm
readonly HOLDER=$E2E_DIR/holder.py

E2E_XDP_MODE=${E2E_XDP_MODE:-native}
e2e_passed=0
e2e_failed=0
e2e_started_us=$(_tb_now_us)
E2E_PIDS=()             # background processes of the script, ended on exit
E2E_EXTRA_HOSTS=()      # namespaces the script added to the testbed, deleted on exit
E2E_UP_LOG=

# ---- bookkeeping ----------------------------------------------------------------------

note() {
	printf '# %s\n' "$*"
}

# check NAME CMD [ARGS...]: one assertion. CMD explains a failure on stderr itself.
# CMD runs as an `if` condition, so `set -e` is off inside it: functions used as checks
# chain their steps with && or `|| return 1`.
check() {
	local name=$1
	shift
	if "$@"; then
		printf 'ok %s\n' "$name"
		e2e_passed=$((e2e_passed + 1))
	else
		printf 'FAIL %s\n' "$name"
		e2e_failed=$((e2e_failed + 1))
	fi
}

# finish: the closing line the runners add up, and the script's exit status.
finish() {
	local took_ms=$((($(_tb_now_us) - e2e_started_us) / 1000))
	printf '# %s: %d.%03d s (%s XDP)\n' "$(basename "$0")" $((took_ms / 1000)) \
		$((took_ms % 1000)) "$E2E_XDP_MODE"
	printf '%d passed, %d failed\n' "$e2e_passed" "$e2e_failed"
	exit $((e2e_failed > 0))
}

# In a script with set -e, a command outside a check that fails ends it: say which and
# where, and keep what was counted, with the stop as one more failure.
e2e_stopped() {
	trap - ERR
	printf 'FAIL %s stopped at line %d: %s\n' "$(basename "$0")" "$1" "$2"
	e2e_failed=$((e2e_failed + 1))
	finish
}
if [[ $- == *e* ]]; then
	trap 'e2e_stopped "$LINENO" "$BASH_COMMAND"' ERR
fi

# expect WHAT GOT WANT: equal, or say how not.
expect() {
	[[ $2 == "$3" ]] && return 0
	printf '    %s: got "%s", want "%s"\n' "$1" "$2" "$3" >&2
	return 1
}

# expect_within WHAT GOT LOW HIGH: an integer in [LOW, HIGH], or say how not.
expect_within() {
	[[ $2 =~ ^[0-9]+$ ]] && (($2 >= $3 && $2 <= $4)) && return 0
	printf '    %s: got "%s", want %s..%s\n' "$1" "$2" "$3" "$4" >&2
	return 1
}

# ---- the testbed ----------------------------------------------------------------------

# e2e_up [UP ARGS...]: the testbed in $E2E_XDP_MODE, quiet unless it fails, torn down (and
# our background processes ended) however the script exits.
# shellcheck disable=SC2120 # most scripts want the testbed as it comes
e2e_up() {
	[[ $E2E_XDP_MODE == native || $E2E_XDP_MODE == generic ]] ||
		{ echo "E2E_XDP_MODE must be native or generic, not '$E2E_XDP_MODE'" >&2 && return 1; }
	E2E_UP_LOG=$(mktemp /tmp/xl-e2e-up.XXXXXX)
	if ! with_testbed --xdp-mode "$E2E_XDP_MODE" "$@" >"$E2E_UP_LOG" 2>&1; then
		cat "$E2E_UP_LOG" >&2
		rm -f "$E2E_UP_LOG"
		return 1
	fi
	trap e2e_on_exit EXIT
	note "testbed up ($E2E_XDP_MODE XDP)"
}

e2e_on_exit() {
	local rc=$? pid
	holder_stop 2>/dev/null || true
	for pid in "${E2E_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	for pid in "${E2E_EXTRA_HOSTS[@]}"; do
		ip netns del "xl-$pid" 2>/dev/null || true
		rm -rf "/etc/netns/xl-$pid" # a resolv.conf tb_use_resolver gave it
	done
	if ! tb_down >>"$E2E_UP_LOG" 2>&1; then
		cat "$E2E_UP_LOG" >&2
	fi
	rm -f "$E2E_UP_LOG"
	[[ -n $STORM_DIR ]] && rm -rf "$STORM_DIR"
	exit "$rc"
}

# extra_host NAME CIDR SWITCH: one more host, xl-NAME, on SWITCH's bridge (pvpc, cvpc...),
# computing its own checksums like every testbed host; deleted when the script exits.
extra_host() {
	local name=$1 cidr=$2 switch=$3
	ip netns add "xl-$name"
	E2E_EXTRA_HOSTS+=("$name")
	ip -n "xl-$name" link set lo up
	ip -n "xl-$name" link add eth0 type veth peer name "$name" netns "xl-$switch"
	ip -n "xl-$switch" link set "$name" master br0 up
	ip -n "xl-$name" addr add "$cidr" dev eth0
	ip -n "xl-$name" link set eth0 up
	ip netns exec "xl-$name" ethtool -K eth0 tx off >/dev/null
	ip netns exec "xl-$name" sysctl -qw "net.ipv4.ip_local_port_range=1024 65535" \
		net.ipv4.tcp_tw_reuse=1
}

# in_background HOST CMD [ARGS...]: start CMD in xl-HOST, ended when the script exits.
in_background() {
	tb_exec "$@" </dev/null >/dev/null 2>&1 &
	E2E_PIDS+=($!)
}

# ---- the control plane ----------------------------------------------------------------

# xl_as PRINCIPAL ARGS...: the CLI as PRINCIPAL.
xl_as() {
	local principal=$1
	shift
	tb_xdplink --principal "$principal" "$@"
}

# xl_quiet PRINCIPAL ARGS...: a change that must succeed; its summary line is shown only
# when it fails (with the refusal).
xl_quiet() {
	local out
	out=$(xl_as "$@" 2>&1) || { printf 'xdplink %s failed:\n%s\n' "${*:2}" "$out" >&2 && return 1; }
}

# Build the seed lab's provider side: load balancer web (a node IP per zone), target group
# web-tg on port 80 with t1, t2 (use1-az1) and t3, t4 (use1-az2), listener :80, an endpoint
# service requiring acceptance, and CONSUMER allowed. Exports E2E_SVC and E2E_SVC_NAME.
setup_provider() {
	xl_quiet "$PROVIDER" lb create web --az "use1-az1=$NODE_AZ1" --az "use1-az2=$NODE_AZ2"
	xl_quiet "$PROVIDER" tg create web-tg --port 80
	xl_quiet "$PROVIDER" tg register web-tg "${TB_IP[t1]}" "${TB_IP[t2]}" --az use1-az1
	xl_quiet "$PROVIDER" tg register web-tg "${TB_IP[t3]}" "${TB_IP[t4]}" --az use1-az2
	xl_quiet "$PROVIDER" listener add web --port 80 --tg web-tg
	E2E_SVC=$(xl_as "$PROVIDER" --json service create --lb web --acceptance-required |
		jq -er .ServiceConfiguration.ServiceId)
	E2E_SVC_NAME=com.amazonaws.vpce.us-east-1.$E2E_SVC
	export E2E_SVC E2E_SVC_NAME
	xl_quiet "$PROVIDER" service allow "$E2E_SVC" "$CONSUMER"
}

# publish_web_to_az1: load balancer web (its listener already added) as an auto-accepting
# service, CONSUMER allowed, with CONSUMER's endpoint in use1-az1 (ENI_AZ1). Sets E2E_SVC.
publish_web_to_az1() {
	E2E_SVC=$(xl_as "$PROVIDER" --json service create --lb web --auto-accept |
		jq -er .ServiceConfiguration.ServiceId)
	xl_quiet "$PROVIDER" service allow "$E2E_SVC" "$CONSUMER"
	create_endpoint "$CONSUMER" "com.amazonaws.vpce.us-east-1.$E2E_SVC" "use1-az1=$ENI_AZ1" >/dev/null
}

# create_endpoint PRINCIPAL SERVICE_NAME ZONE=IP...: prints the new endpoint's id.
create_endpoint() {
	local principal=$1 service=$2 subnet
	shift 2
	local -a subnets=()
	for subnet in "$@"; do
		subnets+=(--subnet "$subnet")
	done
	xl_as "$principal" --json endpoint create --service "$service" "${subnets[@]}" |
		jq -er .VpcEndpoint.VpcEndpointId
}

# setup_service [--pending]: the seed lab: setup_provider, then CONSUMER's endpoint with
# ENIs $ENI_AZ1 (use1-az1) and $ENI_AZ2 (use1-az2), accepted unless --pending.
# Exports E2E_SVC, E2E_SVC_NAME and E2E_EP.
# shellcheck disable=SC2120 # most scripts want it accepted
setup_service() {
	setup_provider
	E2E_EP=$(create_endpoint "$CONSUMER" "$E2E_SVC_NAME" "use1-az1=$ENI_AZ1" "use1-az2=$ENI_AZ2")
	export E2E_EP
	[[ ${1-} == --pending ]] && return 0
	xl_quiet "$PROVIDER" endpoint accept "$E2E_SVC" "$E2E_EP"
}

# endpoint_state PRINCIPAL ENDPOINT_ID: its state as its owner sees it.
endpoint_state() {
	xl_as "$1" --json endpoint list |
		jq -er --arg id "$2" '.VpcEndpoints[] | select(.VpcEndpointId == $id) | .State'
}

# setup_api_provider [SERVICE CREATE OPTIONS...]: a second service beside web: load balancer
# api (node IPs 10.0.1.11, 10.0.2.11; cross-zone on, as its one target t4 is in use1-az2),
# target group api-tg on port 80 with t4 only, listener :80, CONSUMER allowed.
# Exports API_SVC and API_SVC_NAME.
# shellcheck disable=SC2120 # options only where a script wants them
setup_api_provider() {
	xl_quiet "$PROVIDER" lb create api --az "use1-az1=$API_NODE_AZ1" --az "use1-az2=$API_NODE_AZ2" \
		--cross-zone
	xl_quiet "$PROVIDER" tg create api-tg --port 80
	xl_quiet "$PROVIDER" tg register api-tg "${TB_IP[t4]}" --az use1-az2
	xl_quiet "$PROVIDER" listener add api --port 80 --tg api-tg
	API_SVC=$(xl_as "$PROVIDER" --json service create --lb api "$@" |
		jq -er .ServiceConfiguration.ServiceId)
	API_SVC_NAME=com.amazonaws.vpce.us-east-1.$API_SVC
	export API_SVC API_SVC_NAME
	xl_quiet "$PROVIDER" service allow "$API_SVC" "$CONSUMER"
}

# endpoint_is PRINCIPAL ENDPOINT_ID STATE
endpoint_is() {
	expect "state of $2" "$(endpoint_state "$1" "$2")" "$3"
}

# refused_with CODE CMD [ARGS...]: CMD (an xdplink call) exits 1 with "CODE: ..." on stderr.
refused_with() {
	local code=$1 rc=0 err
	shift
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	expect "exit status of $*" "$rc" 1 && [[ $err == "$code:"* ]] && return 0
	printf '    want a "%s: ..." refusal, stderr: %s\n' "$code" "$err" >&2
	return 1
}

# ---- the agent's counters (xdplink --json stats) --------------------------------------

stats_json() {
	tb_xdplink --json stats
}

# drop_and_reset_reasons: the data path's drop_* and rst_* reasons that counted something,
# as one line of JSON.
drop_and_reset_reasons() {
	stats_json | jq -c '.Reasons | with_entries(select(.value != 0 and (.key | test("^(drop|rst)_"))))'
}

# targets_sum FIELD [TG]: a counter summed over the targets (of TG, or of every group).
targets_sum() {
	stats_json | jq -er --arg f "$1" --arg tg "${2-}" \
		'[.Targets[] | select($tg == "" or .TargetGroupName == $tg) | .[$f]] | add // 0'
}

# endpoint_count ENDPOINT_ID FIELD
endpoint_count() {
	stats_json | jq -er --arg id "$1" --arg f "$2" \
		'.Endpoints[] | select(.VpcEndpointId == $id) | .[$f]'
}

# reason_count NAME: how many packets the data path counted for one reason.
reason_count() {
	stats_json | jq -er --arg r "$1" '.Reasons[$r]'
}

# no_active_flows: every target's ActiveFlowCount and the agent's total are 0.
no_active_flows() {
	local stats
	stats=$(stats_json) || return 1
	jq -e '.ActiveFlowCount == 0 and all(.Targets[]; .ActiveFlowCount == 0)' <<<"$stats" \
		>/dev/null && return 0
	printf '    active flows: %s\n' "$(jq -c '{total: .ActiveFlowCount, targets:
		[.Targets[] | "\(.TargetGroupName)/\(.Id)=\(.ActiveFlowCount)"]}' <<<"$stats")" >&2
	return 1
}

# active_flows_are N: the agent's total of active flows is N.
active_flows_are() {
	expect "total ActiveFlowCount" "$(stats_json | jq -r .ActiveFlowCount)" "$1"
}

# ---- many connections from c1 ---------------------------------------------------------

# c1's addresses for storms: past about 30,000 connections per source address and
# destination, the kernel's search for a free local port gets slow.
readonly CLIENT_SOURCES=(10.1.1.11 10.1.1.12 10.1.1.13 10.1.1.14 10.1.1.15 10.1.1.16 10.1.1.17 10.1.1.18)

# add_client_sources: c1 gets all of CLIENT_SOURCES, and reuses TIME_WAIT ports.
add_client_sources() {
	local ip
	for ip in "${CLIENT_SOURCES[@]:1}"; do
		tb_exec c1 ip addr add "$ip/16" dev eth0
	done
	tb_exec c1 sysctl -qw net.ipv4.tcp_tw_reuse=1
}

# sources N: the first N of CLIENT_SOURCES, comma-separated, as xl-storm -s wants them.
sources() {
	local IFS=,
	echo "${CLIENT_SOURCES[*]:0:$1}"
}

# One xl-storm holds at most this many: a process may not have 20,000 descriptors here.
readonly PER_PROCESS=15000
STORM_DIR=
STORM_WRITERS=()
STORM_PROCS=()

STORM_WRITERS=()
STORM_PROCS=()

# ---- connection storms held open --------------------------------------------------

# storm_open COUNT SOURCES [HOST [IP:PORT]]: COUNT connections from xl-HOST (c1) to
# IP:PORT (the use1-az1 ENI) from SOURCES (addresses, comma-separated: see `sources`),
# spread over xl-storm processes, held open until storm_close. Reports land in STORM_DIR.
storm_open() {
	[[ -n $STORM_DIR ]] || STORM_DIR=$(mktemp -d /tmp/xl-storms.XXXXXX)
	local count=$1 sources=$2 host=${3:-c1} target=${4:-$ENI_AZ1:80} processes i fifo
	processes=$(((count + PER_PROCESS - 1) / PER_PROCESS))
	rm -f "$STORM_DIR"/report.*
	for ((i = 0; i < processes; i++)); do
		fifo=$STORM_DIR/hold.$i
		rm -f "$fifo"
		mkfifo "$fifo"
		tb_exec "$host" "$STORM" open -t "$target" -n $((count / processes)) \
			-s "$sources" -c 1000 -w 10000 \
			--hold-until-stdin-closes --json <"$fifo" >"$STORM_DIR/report.$i" 2>&1 &
		STORM_PROCS+=($!)
		E2E_PIDS+=($!)
		exec {writer}>"$fifo"
		STORM_WRITERS+=("$writer")
	done
	wait_until 120 reports_complete "$processes"
}

# Every process printed its report: every attempt has settled.
reports_complete() {
	local i
	for ((i = 0; i < $1; i++)); do
		[[ -s $STORM_DIR/report.$i ]] || return 1
	done
}

# storm_total FIELD: a field of the reports, summed.
storm_total() {
	cat "$STORM_DIR"/report.* | jq -s --arg f "$1" 'map(.[$f]) | add'
}

# storm_seconds: how long the opening took (the processes run side by side).
storm_seconds() {
	cat "$STORM_DIR"/report.* | jq -s 'map(.open_seconds) | max'
}

storm_rate() {
	cat "$STORM_DIR"/report.* | jq -s 'map(.conn_per_sec) | add | floor'
}

# storm_close: the clients close every connection (FIN) and exit.
storm_close() {
	local fd pid
	for fd in "${STORM_WRITERS[@]}"; do
		exec {fd}>&-
	done
	for pid in "${STORM_PROCS[@]}"; do
		wait "$pid" || true
	done
	STORM_WRITERS=()
	STORM_PROCS=()
}


# ---- the agent's Prometheus endpoint (for scripts that start it with --metrics) ----------

readonly E2E_METRICS_PORT=9100 # on 127.0.0.1 in xl-lb

# metric NAME LABEL=VALUE...: the value of the one sample of xdplink_NAME whose labels
# include every LABEL=VALUE given; fails when there is not exactly one.
metric() {
	local name=$1 page
	shift
	page=$(tb_exec lb curl -sf "http://127.0.0.1:$E2E_METRICS_PORT/metrics") || return 1
	python3 -c 'import re, sys
name, wanted = sys.argv[1], set(sys.argv[2:])
found = []
for line in sys.stdin:
    m = re.fullmatch(r"xdplink_(\w+)\{(.*)\} (\S+)", line.strip())
    if not m or m[1] != name:
        continue
    labels = {k + "=" + v for k, v in re.findall(r"(\w+)=\"([^\"]*)\"", m[2])}
    if wanted <= labels:
        found.append(m[3])
if len(found) != 1:
    sys.exit("    %d samples of xdplink_%s with %s" % (len(found), name, sorted(wanted)))
print(found[0])' "$name" "$@" <<<"$page"
}

# ---- what the maps hold, read with bpftool (not through the agent) ------------------------

held_ports() {
	tb_xdplink --json agent status | jq -er .HeldPortCount
}

# Ports in use in every SNAT pool, read from the pinned maps (bpftool's "formatted" view:
# the map's BTF). Prints nothing and fails when a map cannot be read.
ports_in_use_in_maps() {
	local pin=$TB_PIN_DIR slots slot total=0 n key
	slots=$(bpftool -j map dump pinned "$pin"/xdplink_pool_index_v* |
		jq -r '.[].formatted.value.pool') || return 1
	for slot in $slots; do
		key=$(printf '0x%02x 0x%02x 0x%02x 0x%02x' $((slot & 255)) $((slot >> 8 & 255)) 0 0)
		# shellcheck disable=SC2086 # the key is four separate bytes
		n=$(bpftool -j map lookup pinned "$pin"/xdplink_pools_v* key $key | python3 -c \
			'import json, sys; print(sum(bin(w).count("1") for w in json.load(sys.stdin)["formatted"]["value"]["used"]))') ||
			return 1
		total=$((total + n))
	done
	echo "$total"
}

# The flows the agent's last pass over the flow table left there (closing ones too): the
# table is an array of a slot per flow and more, too large for bpftool to dump at each poll.
flows_in_maps() {
	tb_xdplink --json agent status | jq -er .TrackedFlowCount
}

# maps_hold N: N flows in the flow table, N SNAT ports in use.
maps_hold() {
	expect "flows in the maps" "$(flows_in_maps)" "$1" &&
		expect "ports in use in the maps" "$(ports_in_use_in_maps)" "$1"
}

# Nothing held, no port in use, no flow: the maps are back to empty.
maps_empty() {
	expect "held ports" "$(held_ports)" 0 &&
		expect "ports in use in the maps" "$(ports_in_use_in_maps)" 0 &&
		expect "flows in the maps" "$(flows_in_maps)" 0
}

# ---- traffic --------------------------------------------------------------------------

# curl_answers HOST URL [BODY_REGEX]: one request from HOST is answered (by a target whose
# name matches BODY_REGEX, default any target).
curl_answers() {
	local body
	body=$(tb_curl "$1" "$2" --connect-timeout 1 --max-time 3 2>&1) ||
		{ printf '    curl %s from xl-%s: %s\n' "$2" "$1" "$body" >&2 && return 1; }
	[[ $body =~ ^(${3:-t[1-4]})$ ]] ||
		{ printf '    curl %s from xl-%s: answered "%s"\n' "$2" "$1" "$body" >&2 && return 1; }
}

# http_ok HOST URL: HOST gets an HTTP 200 for URL (from any server, not just a target).
http_ok() {
	local code
	code=$(tb_curl "$1" "$2" --connect-timeout 1 --max-time 3 -o /dev/null -w '%{http_code}' 2>&1)
	expect "HTTP status of $2 from xl-$1" "$code" 200
}

# serve_http HOST ADDRESS PORT: a plain HTTP server (python3's) in xl-HOST, ended on exit;
# returns once it answers from xl-HOST itself.
serve_http() {
	in_background "$1" python3 -m http.server "$3" --bind "$2" --directory "$E2E_DIR"
	wait_until 5 http_ok "$1" "http://$2:$3/"
}

# curl_gets_nothing HOST URL: no answer at all within 1 s (curl's connect timeout, 28): the
# SYN was dropped, not refused.
curl_gets_nothing() {
	local rc=0 out
	out=$(tb_curl "$1" "$2" --connect-timeout 1 --max-time 2 2>&1) || rc=$?
	expect "curl $2 from xl-$1 (exit status; output '$out')" "$rc" 28
}

# curl_fails HOST URL: no HTTP answer, however it fails (timeout, refused, unreachable).
curl_fails() {
	local rc=0 out
	out=$(tb_curl "$1" "$2" --connect-timeout 1 --max-time 2 2>&1) || rc=$?
	((rc != 0)) && return 0
	printf '    curl %s from xl-%s was answered: %s\n' "$2" "$1" "$out" >&2
	return 1
}

# storm HOST IP:PORT N PATH [XL-STORM OPTIONS...]: N connections from HOST, one request
# for PATH on each; prints xl-storm's JSON report. Every caller wants all answered: the
# timeout leaves room for a SYN lost twice on a busy veth (sent again at 1 and 3 s).
storm() {
	local host=$1 target=$2 count=$3 path=$4
	shift 4
	tb_exec "$host" "$STORM" open -t "$target" -n "$count" -r "$path" -w 5000 --json "$@"
}

# report_bodies REPORT: "t1=480 t2=520": who answered how often, sorted by name.
report_bodies() {
	jq -r '.bodies | to_entries | sort_by(.key) | map("\(.key)=\(.value)") | join(" ")' <<<"$1"
}

# all_answered REPORT N: N connections established and N answers (of any target), no
# reset, timeout or error.
all_answered() {
	local got
	got=$(jq -c '[.established, .reset, .timeout, .error, ([.bodies[]] | add // 0)]' <<<"$1")
	expect "[established, reset, timeout, error, answers]" "$got" "[$2,0,0,0,$2]" ||
		{ printf '    report: %s\n' "$1" >&2 && return 1; }
}

# answered_only_by REPORT TARGET...: every answer came from one of TARGETs.
answered_only_by() {
	local report=$1 others
	shift
	others=$(jq -r --args '.bodies | keys - $ARGS.positional | join(" ")' "$@" <<<"$report")
	expect "targets that answered besides $*" "$others" "" ||
		{ printf '    answers: %s\n' "$(report_bodies "$report")" >&2 && return 1; }
}

# answers_from REPORT TARGET: how many answers TARGET gave.
answers_from() {
	jq -r --arg t "$2" '.bodies[$t] // 0' <<<"$1"
}

# ---- what the targets saw (their nginx access logs) -----------------------------------

# logged_requests PATH [TARGET...]: "TARGET ADDRESS PORT" for each request for PATH the
# targets (default all four) logged.
logged_requests() {
	local path=$1 t
	shift
	for t in "${@:-${TB_TARGETS[@]}}"; do
		awk -v t="$t" -v p="$path" '$4 == p { print t, $1, $2 }' "$(target_log "$t")"
	done
}

logged_count() {
	logged_requests "$@" | wc -l
}

# logged_count_is N PATH [TARGET...]: for wait_until, as nginx logs just after answering.
logged_count_is() {
	local want=$1 who=${*:3}
	shift
	expect "requests for $1 logged by ${who:-any target}" "$(logged_count "$@")" "$want"
}

# sources_are PATH ADDRESS [TARGET...]: each logged request for PATH came from ADDRESS and
# a port of the SNAT range, and there is at least one.
sources_are() {
	local path=$1 address=$2 bad
	shift 2
	bad=$(logged_requests "$path" "$@" | awk -v a="$address" -v lo="$SNAT_FIRST_PORT" \
		-v hi="$SNAT_LAST_PORT" '$2 != a || $3 < lo || $3 > hi')
	[[ -n $(logged_requests "$path" "$@") ]] ||
		{ printf '    no request for %s logged by %s\n' "$path" "${*:-any target}" >&2 && return 1; }
	[[ -z $bad ]] && return 0
	printf '    requests for %s not from %s:%s-%s (target source port):\n%s\n' "$path" "$address" \
		"$SNAT_FIRST_PORT" "$SNAT_LAST_PORT" "$(head -n 5 <<<"$bad" | sed 's/^/      /')" >&2
	return 1
}

# no_client_address_logged: no target ever logged a consumer (10.1/16, 10.2/16) or
# on-premises (192.168/16) source address.
no_client_address_logged() {
	local t hits=
	for t in "${TB_TARGETS[@]}"; do
		hits+=$(awk -v t="$t" '$1 ~ /^(10\.1\.|10\.2\.|192\.168\.)/ { print "      " t ": " $0 }' \
			"$(target_log "$t")")
	done
	[[ -z $hits ]] && return 0
	printf '    client addresses reached targets:\n%s\n' "$(head -n 5 <<<"$hits")" >&2
	return 1
}

# log_sizes: the line counts of the four access logs, "t1=3 t2=0 ...".
log_sizes() {
	local t
	for t in "${TB_TARGETS[@]}"; do
		printf '%s=%s ' "$t" "$(wc -l <"$(target_log "$t")")"
	done
}

# ---- held keep-alive connections (holder.py, as a coprocess) -------------------------

# holder_start HOST IP PORT N [TIMEOUT]: N connections from HOST to IP:PORT, one request
# answered on each. Sets HELD_PORTS and HELD_BODIES (per connection; "-" and "ERROR:..."
# for one that failed). One holder at a time.
holder_start() {
	local host=$1 ip=$2 port=$3 count=$4 timeout=${5:-2} word index lport body
	coproc E2E_HOLDER {
		exec ip netns exec "xl-$host" python3 "$HOLDER" "$ip" "$port" "$count" --timeout "$timeout"
	}
	HELD_PORTS=()
	HELD_BODIES=()
	while read -r -t 30 -u "${E2E_HOLDER[0]}" word index lport body; do
		[[ $word == ready ]] && return 0
		HELD_PORTS[index]=$lport
		HELD_BODIES[index]=$body
	done
	echo "holder.py in xl-$host did not get ready" >&2
	return 1
}

# holder_request PATH: one request on every held connection; sets HELD_ANSWERS.
holder_request() {
	local word index body
	HELD_ANSWERS=()
	echo "request $1" >&"${E2E_HOLDER[1]}"
	while read -r -t 60 -u "${E2E_HOLDER[0]}" word index body; do
		[[ $word == "done" ]] && return 0
		HELD_ANSWERS[index]=$body
	done
	echo "holder.py did not finish the requests" >&2
	return 1
}

holder_stop() {
	[[ -n ${E2E_HOLDER_PID-} ]] || return 0
	local pid=$E2E_HOLDER_PID to_holder=${E2E_HOLDER[1]-}
	[[ -n $to_holder ]] && exec {to_holder}>&-
	wait "$pid" 2>/dev/null || true
}

# held_all_opened N: every one of N held connections got its first answer.
held_all_opened() {
	local bad
	bad=$(printf '%s\n' "${HELD_BODIES[@]}" | grep -vcE '^t[1-4]$' || true)
	expect "held connections opened and answered" "$((${#HELD_BODIES[@]} - bad))/${#HELD_BODIES[@]}" \
		"$1/$1"
}

# held_answers_same_targets: the last request on every held connection was answered by the
# target that answered its first.
held_answers_same_targets() {
	local i lost=0
	for i in "${!HELD_BODIES[@]}"; do
		if [[ ${HELD_ANSWERS[i]-} != "${HELD_BODIES[i]}" ]]; then
			((lost < 5)) && printf '    connection %d (port %s): first %s, now %s\n' "$i" \
				"${HELD_PORTS[i]}" "${HELD_BODIES[i]}" "${HELD_ANSWERS[i]-none}" >&2
			lost=$((lost + 1))
		fi
	done
	expect "held connections answered by their first target" "$((${#HELD_BODIES[@]} - lost))" \
		"${#HELD_BODIES[@]}"
}

# active_flows_match_held TG: each target of TG has as many active flows as held
# connections were first answered by it (call when only the held connections are open).
active_flows_match_held() {
	local held active
	held=$(printf '%s\n' "${HELD_BODIES[@]}" | sort | uniq -c | awk '{ printf "%s=%s ", $2, $1 }')
	active=$(stats_json | jq -r --arg tg "$1" '.Targets[] | select(.TargetGroupName == $tg and
		.ActiveFlowCount > 0) | "\(.Id) \(.ActiveFlowCount)"' | sort | while read -r ip count; do
		printf '%s=%s ' "$(target_named "$ip")" "$count"
	done) || return 1
	expect "active flows per target of $1" "$active" "$held"
}

# target_named IP: t1 for 10.0.1.21, and so on.
target_named() {
	local t
	for t in "${TB_TARGETS[@]}"; do
		[[ ${TB_IP[$t]} == "$1" ]] && echo "$t" && return 0
	done
	echo "$1"
}

# held_answers_none: no held connection got an answer to its last request.
held_answers_none() {
	local answered
	answered=$(printf '%s\n' "${HELD_ANSWERS[@]}" | grep -cE '^t[1-4]$' || true)
	expect "held connections still answered" "$answered" 0
}
