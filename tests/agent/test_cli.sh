#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The xdplink CLI against a real agent on a private socket, state file and bpffs: the seed
# lab end to end, --json fields, prefix matching, help, exit codes, and garbage on the socket.
set -Eeuo pipefail

build=$(realpath "${1:-build}")
xl="$build/xdplink"
work=$(mktemp -d /tmp/xl-cli-test.XXXXXX)
: >"$work/out"
: >"$work/err"
sock="$work/agent.sock"
pins="$work/bpf"
netns=xl-cli-$$
agent_pid=""
passed=0
failed=0
finished=false
early_end="" # why the script ended before its last check, if it did
consumer=arn:aws:iam::222222222222:root
stranger=arn:aws:iam::333333333333:root

cleanup() {
	local status=$?
	# A script that ended early counts that as one failure, and still says what it counted.
	if ! $finished; then
		fail "${early_end:-the script ended early (exit status $status)}"
		printf '%d passed, %d failed\n' "$passed" "$failed"
	fi
	if [ -n "$agent_pid" ]; then
		kill "$agent_pid" 2>/dev/null || true
		wait "$agent_pid" 2>/dev/null || true
	fi
	if mountpoint -q "$pins"; then
		umount "$pins"
	fi
	ip netns delete "$netns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

ok() {
	printf 'ok %s\n' "$1"
	passed=$((passed + 1))
}

fail() {
	printf 'FAIL %s\n' "$1"
	shift
	[ $# -gt 0 ] && printf '    %s\n' "$@"
	sed 's/^/    stdout: /' "$work/out" | head -n 5
	sed 's/^/    stderr: /' "$work/err" | head -n 5
	failed=$((failed + 1))
}

# A command outside a check that fails stops the script (set -e): remember which and where.
trap ': "${early_end:=the script stopped at line $LINENO: $BASH_COMMAND}"' ERR

# run ARGS...: runs the CLI; its output lands in $work/out and $work/err, its status in $rc.
run() {
	rc=0
	"$xl" "$@" >"$work/out" 2>"$work/err" || rc=$?
}

# check NAME STATUS [STDOUT_REGEX [STDERR_REGEX]] -- ARGS...: the status and output of one run.
check() {
	local name=$1 want=$2 out_re="" err_re=""
	shift 2
	if [ "$1" != "--" ]; then
		out_re=$1
		shift
	fi
	if [ "$1" != "--" ]; then
		err_re=$1
		shift
	fi
	shift
	run "$@"
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit status $rc, expected $want: xdplink $*"
	elif [ -n "$out_re" ] && ! grep -Eq -- "$out_re" "$work/out"; then
		fail "$name" "stdout does not match /$out_re/"
	elif [ -n "$err_re" ] && ! grep -Eq -- "$err_re" "$work/err"; then
		fail "$name" "stderr does not match /$err_re/"
	else
		ok "$name"
	fi
}

# grep_check NAME REGEX FILE: a line of FILE (the last run's stdout or stderr) matches.
grep_check() {
	if grep -Eq -- "$2" "$3"; then
		ok "$1"
	else
		fail "$1" "no line matches /$2/"
	fi
}

# jcheck NAME EXPR: a Python expression over r, the JSON the last run printed.
jcheck() {
	if python3 -c 'import json, re, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$work/out" "$2" 2>"$work/pyerr"; then
		ok "$1"
	else
		fail "$1" "not true of the JSON: $2" "$(cat "$work/pyerr")"
	fi
}

# jget EXPR: prints a value of the JSON the last run printed.
jget() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$work/out" "$1"
}

# unchanged NAME COMMAND... -- REFUSED_ARGS...: the refused command leaves the listing as it was.
unchanged() {
	local name=$1 before after
	shift
	local -a listing=()
	while [ "$1" != "--" ]; do
		listing+=("$1")
		shift
	done
	shift
	before=$("$xl" --json "${listing[@]}")
	run "$@"
	after=$("$xl" --json "${listing[@]}")
	if [ "$rc" -ne 1 ]; then
		fail "$name" "exit status $rc, expected 1"
	elif [ "$before" != "$after" ]; then
		fail "$name" "xdplink ${listing[*]} changed"
	else
		ok "$name"
	fi
}

# The agent runs in a namespace of its own, with a veth pair to attach to; its socket
# and pins are files, reachable from here.
start_agent() {
	mkdir -p "$pins"
	mount -t bpf bpf "$pins"
	# What an agent of an older map layout left: a map this agent does not have.
	mkdir -p "$pins/xdplink"
	bpftool map create "$pins/xdplink/xdplink_flows_v1" type hash key 12 value 8 entries 16 \
		name xdplink_flows_v1
	ip netns add "$netns"
	ip -n "$netns" link add xlc0 type veth peer name xlc1
	ip -n "$netns" link set xlc0 up
	ip -n "$netns" link set xlc1 up
	ip -n "$netns" addr add 10.1.1.5/16 dev xlc0 # the node's own consumer-side address
	run_agent || {
		early_end="the agent did not start: $(cat "$work/agent.log")"
		exit 1
	}
}

# run_agent [XDPLINKD-OPTIONS...]: the agent in its namespace, on the test's socket, state
# and pins; fails unless it answers within 10 s.
run_agent() {
	ip netns exec "$netns" "$build/xdplinkd" --socket "$sock" --state "$work/state.db" \
		--pin-dir "$pins/xdplink" "$@" >"$work/agent.log" 2>&1 &
	agent_pid=$!
	for _ in $(seq 100); do
		"$xl" --socket "$sock" agent status >/dev/null 2>&1 && return 0
		kill -0 "$agent_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# ---- The agent ------------------------------------------------------------------

start_agent
export XDPLINK_SOCKET=$sock
unset XDPLINK_PRINCIPAL

check "agent status" 0 '^Region: +us-east-1' -- agent status
: >"$work/out"
: >"$work/err"
if [ ! -e "$pins/xdplink/xdplink_flows_v1" ] && [ -e "$pins/xdplink/xdplink_flows_v4" ] &&
	grep -q 'removed .*xdplink_flows_v1, a map of an older layout' "$work/agent.log"; then
	ok "the pin of an older map layout is removed at start, the current one made"
else
	fail "the pin of an older map layout is removed at start, the current one made" \
		"$(ls "$pins/xdplink")"
fi
run --json agent status
jcheck "agent status --json" 'r["Region"] == "us-east-1" and "Version" in r'

# second_agent NAME MESSAGE XDPLINKD-OPTIONS...: another agent sharing the state or the
# pins is refused before it touches anything, and the first one carries on.
second_agent() {
	local name=$1 message=$2 status=0
	shift 2
	timeout 10 "$build/xdplinkd" "$@" >"$work/out" 2>"$work/err" || status=$?
	if [ "$status" -ne 1 ] || ! grep -q -- "$message" "$work/err"; then
		fail "$name" "exit status $status, expected 1 and '$message'"
	elif ! "$xl" agent status >/dev/null 2>&1; then
		fail "$name" "the first agent no longer answers"
	else
		ok "$name"
	fi
}
second_agent "a second agent on the same state file is refused" \
	"state.db is in use by another xdplinkd: one agent per state file" \
	--socket "$work/second.sock" --state "$work/state.db" --pin-dir "$pins/second"
second_agent "a second agent on the same pin directory is refused" \
	"in use by another xdplinkd: one agent per --pin-dir" \
	--socket "$work/second.sock" --state "$work/second.db" --pin-dir "$pins/xdplink"

# Bad options: a usage error (status 2) that names the option, before anything starts.
daemon_option_refused() {
	local name=$1 message=$2 status=0
	shift 2
	timeout 10 "$build/xdplinkd" --socket "$work/never.sock" --state "$work/never.db" \
		--pin-dir "$pins/never" "$@" >"$work/out" 2>"$work/err" || status=$?
	if [ "$status" -ne 2 ] || ! grep -qF -- "$message" "$work/err" || [ -e "$work/never.db" ]; then
		fail "$name" "exit status $status, expected 2, '$message' and no state file"
	else
		ok "$name"
	fi
}
daemon_option_refused "xdplinkd --metrics with junk after the port" \
	'--metrics takes [ADDR:]PORT, an IPv4 address and a port from 1 to 65535, not "127.0.0.1:9100x"' \
	--metrics 127.0.0.1:9100x
daemon_option_refused "xdplinkd --snat-ports backwards" \
	'--snat-ports takes FIRST-LAST' --snat-ports 2000-1000
daemon_option_refused "xdplinkd --maglev-size not a prime" \
	'--maglev-size must be a prime, not 100' --maglev-size 100
daemon_option_refused "xdplinkd --deleted-retention 0" \
	'--deleted-retention takes a whole number from 1 to 604800, not "0"' --deleted-retention 0

# A metrics port that is taken: the agent says so, in libmicrohttpd's words, and stops.
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(60)' >"$work/taken" &
taken_pid=$!
for _ in $(seq 100); do
	[ -s "$work/taken" ] && break
	sleep 0.1
done
taken_port=$(cat "$work/taken")
second_agent "a metrics port in use stops the agent with the reason" \
	"cannot serve metrics on 127.0.0.1:$taken_port: Failed to bind to port $taken_port: Address already in use" \
	--socket "$work/third.sock" --state "$work/third.db" --pin-dir "$pins/third" \
	--metrics "$taken_port"
kill "$taken_pid" 2>/dev/null || true
wait "$taken_pid" 2>/dev/null || true
check "unreachable agent" 1 '' 'cannot reach the agent at /nonexistent/x.sock: .* is xdplinkd running\?' \
	-- --socket /nonexistent/x.sock agent status

# ---- The seed lab: provider side --------------------------------------------------

run --json lb create web --az use1-az1=10.0.1.10 --az use1-az2=10.0.2.10 --wait available
jcheck "lb create --json" 'r["LoadBalancer"]["LoadBalancerName"] == "web"
	and r["LoadBalancer"]["Type"] == "network" and r["LoadBalancer"]["CrossZoneEnabled"] is False
	and [(z["ZoneId"], z["ZoneName"], z["LoadBalancerAddresses"][0]["PrivateIPv4Address"])
	     for z in r["LoadBalancer"]["AvailabilityZones"]]
	    == [("use1-az1", "us-east-1a", "10.0.1.10"), ("use1-az2", "us-east-1b", "10.0.2.10")]
	and re.fullmatch(r"arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/web/[0-9a-f]{16}",
	                 r["LoadBalancer"]["LoadBalancerArn"])'
check "lb list" 0 '^web +active +off +use1-az1=10.0.1.10,use1-az2=10.0.2.10 ' -- lb list
check "lb show" 0 '^Cross-zone: +off' -- lb show web

check "tg create" 0 '^created target group web-tg: port 80, health check TCP' -- tg create web-tg --port 80
run --json tg show web-tg
jcheck "tg defaults as AWS" 'r["TargetGroups"][0]["HealthCheckProtocol"] == "TCP"
	and r["TargetGroups"][0]["HealthCheckIntervalSeconds"] == 30
	and r["TargetGroups"][0]["HealthCheckTimeoutSeconds"] == 10
	and r["TargetGroups"][0]["HealthyThresholdCount"] == 5
	and r["TargetGroups"][0]["UnhealthyThresholdCount"] == 2
	and r["TargetGroups"][0]["DeregistrationDelaySeconds"] == 300'
check "tg set" 0 '^updated target group web-tg' -- tg set web-tg --deregistration-delay 10 --proxy-protocol off
run --json tg show web-tg
jcheck "tg set took effect" 'r["TargetGroups"][0]["DeregistrationDelaySeconds"] == 10'

check "tg register az1" 0 '^registered 1 target in web-tg' -- tg register web-tg 10.0.1.21:80 --az use1-az1
check "tg register az2" 0 '' -- tg register web-tg 10.0.2.21:80 --az use1-az2
run --json tg health web-tg
jcheck "tg health --json" 'sorted((d["Target"]["Id"], d["Target"]["Port"], d["Target"]["AvailabilityZone"])
	for d in r["TargetHealthDescriptions"])
	== [("10.0.1.21", 80, "use1-az1"), ("10.0.2.21", 80, "use1-az2")]'
check "tg health table" 0 '^TARGET +PORT +ZONE +STATE +REASON +ACTIVE$' -- tg health web-tg
run --json tg health web-tg --filter Name=availability-zone,Values=use1-az2
jcheck "tg health --filter availability-zone" '[d["Target"]["Id"] for d in r["TargetHealthDescriptions"]] == ["10.0.2.21"]'
check "lb list --filter of no match: an empty table" 0 '^NAME +STATE ' -- \
	lb list --filter Name=load-balancer-name,Values=nope
[ "$(wc -l <"$work/out")" -eq 1 ] && ok "... only its heading" || fail "... only its heading"
check "tg health --wait healthy with no target answering: exit 3 after --timeout" 3 '' \
	'^WaiterTimeout: target 10\.0\.1\.21:80 is still (initial|unused) after 1 s, not healthy$' -- \
	tg health web-tg --wait healthy --timeout 1

check "listener add" 0 '^added listener web:80 -> web-tg' -- listener add web --port 80 --tg web-tg
run --json listener list web
jcheck "listener list --json" 'len(r["Listeners"]) == 1 and r["Listeners"][0]["Port"] == 80
	and r["Listeners"][0]["DefaultActions"][0]["Type"] == "forward"'

run --json service create --lb web --acceptance-required
jcheck "service create --json" 're.fullmatch(r"vpce-svc-[0-9a-f]{17}", r["ServiceConfiguration"]["ServiceId"])
	and r["ServiceConfiguration"]["ServiceName"]
	    == "com.amazonaws.vpce.us-east-1." + r["ServiceConfiguration"]["ServiceId"]
	and r["ServiceConfiguration"]["AcceptanceRequired"] is True
	and r["ServiceConfiguration"]["AvailabilityZoneIds"] == ["use1-az1", "use1-az2"]
	and r["ServiceConfiguration"]["BaseEndpointDnsNames"]
	    == [r["ServiceConfiguration"]["ServiceId"] + ".us-east-1.vpce.amazonaws.com"]'
svc=$(jget 'r["ServiceConfiguration"]["ServiceId"]')
svc_name=com.amazonaws.vpce.us-east-1.$svc
check "service list" 0 "^$svc +Available +required +use1-az1,use1-az2 +web " -- service list
check "service show by name" 0 "^ID: +$svc\$" -- service show "$svc_name"

# ---- Consumer VPCs ------------------------------------------------------------------

check "iface attach" 0 '^attached xlc0 as both \(generic\)$' -- iface attach xlc0 --role both --mode generic
unchanged "a VPC on an interface not attached is refused" --principal "$consumer" vpc list -- \
	--principal "$consumer" vpc create --interface xlc9 --cidr 10.1.0.0/16
grep_check "... as InvalidParameterValue" '^InvalidParameterValue: interface xlc9 is not attached' "$work/err"
unchanged "a range that is no CIDR block is refused" --principal "$consumer" vpc list -- \
	--principal "$consumer" vpc create --interface xlc0 --cidr 10.1.0.1/16
check "vpc create" 0 '^created VPC vpc-[0-9a-f]{17} \(10\.1\.0\.0/16 on xlc0\)$' -- \
	--principal "$consumer" vpc create --interface xlc0 --cidr 10.1.0.0/16
vpc=$(awk '{ print $3 }' "$work/out")
check "vpc list" 0 "^$vpc +10\.1\.0\.0/16 +xlc0 +222222222222\$" -- --principal "$consumer" vpc list
unchanged "another account's VPC overlapping it on the same interface is refused" \
	--principal "$stranger" vpc list -- \
	--principal "$stranger" vpc create --interface xlc0 --cidr 10.1.1.0/24
grep_check "... as InvalidVpc.Range" '^InvalidVpc\.Range: ' "$work/err"
unchanged "a subnet in another account's VPC is refused" --principal "$consumer" subnet list -- \
	--principal "$stranger" subnet create --vpc "$vpc" --az use1-az1 --cidr 10.1.1.0/24
grep_check "... as InvalidVpcID.NotFound" "^InvalidVpcID\.NotFound: The vpc ID '$vpc' does not exist" "$work/err"
for zone in 1 2; do
	check "subnet create in use1-az$zone" 0 "^created subnet subnet-[0-9a-f]{17} \(10\.1\.$zone\.0/24 in use1-az$zone of $vpc\)\$" -- \
		--principal "$consumer" subnet create --vpc "$vpc" --az "use1-az$zone" --cidr "10.1.$zone.0/24"
done
subnet1=$("$xl" --principal "$consumer" --json subnet list | jq -r '.Subnets[] | select(.AvailabilityZoneId == "use1-az1") | .SubnetId')
check "subnet list" 0 "^$subnet1 +$vpc +10\.1\.1\.0/24 +use1-az1 +251\$" -- --principal "$consumer" subnet list
unchanged "a subnet overlapping another is refused" --principal "$consumer" subnet list -- \
	--principal "$consumer" subnet create --vpc "$vpc" --az use1-az2 --cidr 10.1.1.128/25
grep_check "... as InvalidSubnet.Conflict" '^InvalidSubnet\.Conflict: ' "$work/err"
unchanged "a VPC with subnets is not deleted" --principal "$consumer" vpc list -- \
	--principal "$consumer" vpc delete "$vpc"
grep_check "... DependencyViolation" '^DependencyViolation: ' "$work/err"

# ---- Consumer side ----------------------------------------------------------------

unchanged "endpoint of a principal not allowed: InvalidServiceName" \
	--principal "$consumer" endpoint list -- \
	--principal "$consumer" endpoint create --service "$svc_name" --subnet use1-az1=10.1.1.50
grep_check "InvalidServiceName on stderr" '^InvalidServiceName: ' "$work/err"

run --json service allow "$svc" "$consumer"
jcheck "service allow --json" 'r["AddedPrincipals"][0]["Principal"] == "arn:aws:iam::222222222222:root"
	and re.fullmatch(r"vpce-svc-perm-[0-9a-f]{17}", r["AddedPrincipals"][0]["ServicePermissionId"])'
check "service principals" 0 '^arn:aws:iam::222222222222:root +Account ' -- service principals "$svc"
check "service available to the consumer" 0 "^$svc_name +111111111111 " -- \
	--principal "$consumer" service available

export XDPLINK_PRINCIPAL=$consumer
run --json endpoint create --service "$svc_name" --subnet use1-az1=10.1.1.50 --subnet use1-az2=10.1.2.50
jcheck "endpoint create: pendingAcceptance, consumer-owned" 'r["VpcEndpoint"]["State"] == "pendingAcceptance"
	and r["VpcEndpoint"]["OwnerId"] == "222222222222"
	and re.fullmatch(r"vpce-[0-9a-f]{17}", r["VpcEndpoint"]["VpcEndpointId"])
	and [(n["AvailabilityZoneId"], n["PrivateIpAddress"]) for n in r["VpcEndpoint"]["NetworkInterfaces"]]
	    == [("use1-az1", "10.1.1.50"), ("use1-az2", "10.1.2.50")]'
ep=$(jget 'r["VpcEndpoint"]["VpcEndpointId"]')
jcheck "endpoint DNS names in AWS formats" 'all(e["HostedZoneId"] == "Z7HUB22UULQXV" for e in r["VpcEndpoint"]["DnsEntries"])
	and [re.sub(r"^vpce-[0-9a-f]{17}-[a-z0-9]{8}", "EP", e["DnsName"]) for e in r["VpcEndpoint"]["DnsEntries"]]
	    == ["EP.'"$svc"'.us-east-1.vpce.amazonaws.com", "EP-us-east-1a.'"$svc"'.us-east-1.vpce.amazonaws.com",
	        "EP-us-east-1b.'"$svc"'.us-east-1.vpce.amazonaws.com"]'
check "endpoint list" 0 "^$ep +$svc +pendingAcceptance +use1-az1=10.1.1.50,use1-az2=10.1.2.50 +222222222222\$" \
	-- endpoint list
unchanged "an ENI on the node's own address is refused" endpoint list -- \
	endpoint create --service "$svc_name" --subnet use1-az1=10.1.1.5
grep_check "... as InvalidParameterValue" \
	'^InvalidParameterValue: 10.1.1.5 is an address of the load balancer node itself' "$work/err"
unchanged "an ENI outside the caller's subnets is refused" endpoint list -- \
	endpoint create --service "$svc_name" --subnet use1-az1=10.9.1.50
grep_check "... as InvalidParameterValue" '^InvalidParameterValue: Address 10\.9\.1\.50 is in none of your subnets' "$work/err"
unchanged "an ENI on a reserved address is refused" endpoint list -- \
	endpoint create --service "$svc_name" --subnet "$subnet1=10.1.1.1"
grep_check "... as InvalidParameterValue" '^InvalidParameterValue: Address 10\.1\.1\.1 is reserved' "$work/err"
check "endpoint create, human, in a subnet without an address" 0 '^created endpoint vpce-[0-9a-f]{17} \(pendingAcceptance\)$' -- \
	endpoint create --service "$svc_name" --subnet "$subnet1"
ep2=$(awk 'NR == 1 { print $3 }' "$work/out")
grep_check "endpoint create prints its DNS names" \
	"^  $ep2-[a-z0-9]{8}-us-east-1a\\.$svc\\.us-east-1\\.vpce\\.amazonaws\\.com\$" "$work/out"
check "endpoint delete" 0 "^deleted endpoint $ep2\$" -- endpoint delete "$ep2"

# --wait: a consumer's endpoint waits for the provider, who rejects it.
"$xl" endpoint create --service "$svc_name" --subnet "$subnet1" --wait available --timeout 30 \
	>"$work/wait.out" 2>"$work/wait.err" &
waiter=$!
deadline=$((SECONDS + 10))
until grep -q '^created endpoint' "$work/wait.out" || ((SECONDS >= deadline)); do sleep 0.1; done
ep3=$(awk '/^created endpoint/ { print $3 }' "$work/wait.out")
check "a provider rejects an endpoint its consumer waits on" 0 "^rejected endpoint $ep3\$" -- \
	--principal arn:aws:iam::111111111111:root endpoint reject "$svc" "$ep3"
status=0
wait "$waiter" || status=$?
if [ "$status" -eq 4 ] &&
	grep -qx "WaiterFailed: endpoint $ep3 is rejected: it can never be available" "$work/wait.err"; then
	ok "endpoint create --wait available: rejected, exit 4 at once with why"
else
	fail "endpoint create --wait available: rejected, exit 4 at once with why" "exit status $status" \
		"$(cat "$work/wait.err")"
fi
check "endpoint delete --wait deleted" 0 "^endpoint $ep3 is deleted\$" -- endpoint delete "$ep3" --wait deleted
before=$("$xl" --json endpoint list)
check "an unknown --wait state is refused before anything is done" 2 '' \
	"^xdplink: endpoint create: --wait takes available\|pendingAcceptance, not 'ready'\$" -- \
	endpoint create --service "$svc_name" --subnet "$subnet1" --wait ready
if [ "$before" = "$("$xl" --json endpoint list)" ]; then
	ok "... no endpoint made"
else
	fail "... no endpoint made"
fi
check "--timeout without --wait is bad usage" 2 '' '--timeout goes with --wait' -- \
	endpoint delete "$ep3" --timeout 5

# --filter, as AWS's: names of the Describe call, values ORed, filters ANDed, * as a wildcard.
run --json endpoint list --filter "Name=vpc-endpoint-state,Values=available,pendingAcceptance"
jcheck "endpoint list --filter vpc-endpoint-state: the live one only" \
	'[e["VpcEndpointId"] for e in r["VpcEndpoints"]] == ["'"$ep"'"]'
run --json endpoint list --filter "Name=vpc-endpoint-state,Values=deleted" \
	--filter "Name=vpc-endpoint-id,Values=${ep3:0:16}*"
jcheck "two filters are ANDed; * matches" '[e["VpcEndpointId"] for e in r["VpcEndpoints"]] == ["'"$ep3"'"]'
check "an unknown filter name: AWS's InvalidParameterValue" 1 '' \
	"^InvalidParameterValue: The filter 'state' is invalid\$" -- endpoint list --filter Name=state,Values=available
check "a filter without values: bad usage" 2 '' "--filter takes Name=NAME,Values=V" -- \
	endpoint list --filter Name=vpc-id
check "endpoint modify moves an ENI" 0 "^modified endpoint $ep\$" -- endpoint modify "$ep" \
	--remove-subnet use1-az1=10.1.1.50 --add-subnet use1-az1=10.1.1.51
run --json endpoint show "$ep"
jcheck "... the same endpoint, with its new address" '[(n["AvailabilityZoneId"], n["PrivateIpAddress"])
	for n in r["VpcEndpoints"][0]["NetworkInterfaces"]] == [("use1-az1", "10.1.1.51"), ("use1-az2", "10.1.2.50")]'
check "... and back" 0 '' -- endpoint modify "$ep" --remove-subnet use1-az1=10.1.1.51 \
	--add-subnet use1-az1=10.1.1.50
check "endpoint modify of no ENI: InvalidParameter" 1 '' '^InvalidParameter: endpoint .* has no ENI' -- \
	endpoint modify "$ep" --remove-subnet use1-az3=10.1.3.50
check "sg create" 0 '^created security group sg-[0-9a-f]{17}$' -- sg create web-clients --vpc "$vpc" \
	--description "hosts that may call the service"
sg=$(awk '{ print $4 }' "$work/out")
check "sg authorize" 0 "^authorized inbound rules of $sg\$" -- sg authorize "$sg" --port 80 \
	--cidr 10.1.1.0/24 --cidr 10.1.2.0/24
check "sg authorize without --port: bad usage" 2 '' 'a TCP rule needs --port' -- \
	sg authorize "$sg" --cidr 10.1.0.0/16
check "sg show" 0 '^Inbound: +tcp 80 from 10\.1\.1\.0/24$' -- sg show "$sg"
check "sg list" 0 "^$sg +web-clients +$vpc +2 +222222222222\$" -- sg list
check "endpoint modify --add-security-group" 0 "^modified endpoint $ep\$" -- \
	endpoint modify "$ep" --add-security-group "$sg"
check "endpoint show names the group" 0 "^Security groups: +$sg \(web-clients\)\$" -- \
	endpoint show "$ep"
unchanged "sg delete of a group in use" sg list -- sg delete "$sg"
grep_check "... DependencyViolation" '^DependencyViolation: ' "$work/err"
check "sg revoke" 0 "^revoked inbound rules of $sg\$" -- sg revoke "$sg" --port 80 --cidr 10.1.2.0/24
check "sg revoke of a rule not there: InvalidPermission.NotFound" 1 '' \
	'^InvalidPermission\.NotFound: ' -- sg revoke "$sg" --port 80 --cidr 10.1.2.0/24
# The node's views name every tenant's endpoints and clients: they are the node's account's.
check "a tenant reads no flows: UnauthorizedOperation" 1 '' '^UnauthorizedOperation: ' -- flow list
check "... no node counters" 1 '' '^UnauthorizedOperation: ' -- stats
check "... no agent status" 1 '' '^UnauthorizedOperation: ' -- agent status
unset XDPLINK_PRINCIPAL

check "service connections" 0 "^$ep +$svc +222222222222 +pendingAcceptance " -- service connections "$svc"
"$xl" --principal "$consumer" endpoint show "$ep" --wait available --timeout 30 \
	>"$work/wait.out" 2>"$work/wait.err" &
waiter=$!
check "endpoint accept" 0 "^accepted endpoint $ep\$" -- endpoint accept "$svc_name" "$ep"
status=0
wait "$waiter" || status=$?
if [ "$status" -eq 0 ] && [ "$(head -n 1 "$work/wait.out")" = "endpoint $ep is available" ] &&
	grep -Eq '^State: +available$' "$work/wait.out"; then
	ok "endpoint show --wait available: the consumer waits for the acceptance, then sees it"
else
	fail "endpoint show --wait available: the consumer waits for the acceptance, then sees it" \
		"exit status $status" "$(cat "$work/wait.out" "$work/wait.err")"
fi
check "--wait for a state it can never be in again: exit 4" 4 '' \
	"^WaiterFailed: endpoint $ep is available: it can never be pendingAcceptance\$" -- \
	--principal "$consumer" endpoint show "$ep" --wait pendingAcceptance
check "--wait past its --timeout: exit 3" 3 '' \
	"^WaiterTimeout: endpoint $ep is still available after 1 s, not rejected\$" -- \
	--principal "$consumer" -j endpoint show "$ep" --wait rejected --timeout 1
jcheck "... and under -j the error on stdout" 'r["Error"]["Code"] == "WaiterTimeout"'
run --principal "$consumer" --json endpoint show "$ep"
jcheck "accepted endpoint is available" 'r["VpcEndpoints"][0]["State"] == "available"'
check "accepting it twice is not an error of the CLI" 0 '' -- endpoint accept "$svc" "$ep"
check "accept of an unknown endpoint: ID: Code: message" 1 '' \
	"^vpce-00000000000000000: InvalidVpcEndpointId.NotFound: " -- \
	endpoint accept "$svc" vpce-00000000000000000

# ---- Prefix matching and aliases ---------------------------------------------------

"$xl" --principal "$consumer" endpoint show "$ep" >"$work/full"
check "ep sh == endpoint show" 0 '' -- --principal "$consumer" ep sh "$ep"
if cmp -s "$work/full" "$work/out"; then
	ok "ep sh prints what endpoint show does"
else
	fail "ep sh prints what endpoint show does"
fi
check "svc l == service list" 0 "^$svc " -- svc l
check "li l == listener list" 0 '^web +80 +TCP +web-tg ' -- li l
check "ambiguous noun" 2 '' "ambiguous noun 'l' \\(could be lb, listener\\)" -- l
check "ambiguous verb" 2 '' "ambiguous verb 'de' \\(could be delete, deregister\\)" -- tg de web-tg
check "noun alone runs its default verb" 0 '^NAME +STATE ' -- lb
check "--json after the verb" 0 '^\{' -- lb list --json
run -j lb list
if [ "$(wc -l <"$work/out")" -eq 1 ]; then ok "-j prints one line"; else fail "-j prints one line"; fi
run -p lb list
jcheck "-p prints the same JSON, indented" 'len(r["LoadBalancers"]) == 1'
if [ "$(wc -l <"$work/out")" -gt 3 ]; then ok "... over lines"; else fail "... over lines"; fi
check "a refusal under -j: exit 1, Code: message on stderr" 1 '' '^LoadBalancerNotFound: ' -- -j lb show nope
jcheck "... and {Error: {Code, Message}} on stdout" 'r["Error"]["Code"] == "LoadBalancerNotFound"
	and "nope" in r["Error"]["Message"]'
check "xdplink --version" 0 '^xdplink [0-9]+\.[0-9]+\.[0-9]+$' -- --version
"$xl" stats --watch 1 --count 2 | cat >"$work/out"
redraws=$(grep -Ec '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}  every 1 s$' "$work/out" || true)
if [ "$redraws" -eq 2 ] && ! grep -q $'\033' "$work/out"; then
	ok "stats --watch 1 --count 2 into a pipe: 2 stamped rounds, no terminal escapes"
else
	fail "stats --watch 1 --count 2 into a pipe: 2 stamped rounds, no terminal escapes" \
		"$redraws rounds"
fi
check "--count without --watch is bad usage" 2 '' '--count goes with --watch' -- stats --count 2

# ---- Help ---------------------------------------------------------------------------

check "help" 0 '^Usage: xdplink ' -- help
check "--help" 0 '^Usage: xdplink ' -- --help
for noun in lb tg listener service endpoint iface agent stats account flow; do
	check "help $noun" 0 "^Usage: xdplink $noun " -- help "$noun"
	check "$noun help" 0 "^Usage: xdplink $noun " -- "$noun" help
	check "$noun --help" 0 "^Usage: xdplink $noun " -- "$noun" --help
done
check "verb --help" 0 '^  --az ZONE=NODE_IP ' -- lb create --help
check "help NOUN VERB" 0 '^Usage: xdplink tg register NAME IP\[:PORT\]\.\.\. --az ZONE$' -- help tg register

# ---- Usage errors: status 2, one sentence, the usage line ----------------------------

check "unknown noun" 2 '' "^xdplink: unknown noun 'frob'" -- frob
check "unknown verb" 2 '' "^xdplink: lb: unknown verb 'frob'" -- lb frob
check "unknown option" 2 '' '^xdplink: lb list: unknown option --frob' -- lb list --frob
check "missing argument" 2 '' '^xdplink: lb show: missing NAME' -- lb show
check "missing option" 2 '' '^xdplink: listener add: missing --port N' -- listener add web --tg web-tg
check "usage line follows" 2 '' '^Usage: xdplink listener add LB --port N --tg TG \[--protocol TCP\]$' -- listener add web --tg web-tg
check "ZONE=IP without =IP" 2 '' "^xdplink: lb create: --az takes ZONE=NODE_IP, not 'use1-az1'" -- \
	lb create web2 --az use1-az1
check "port not a number" 2 '' "^xdplink: tg create: --port: 'http' is not a port" -- tg create x --port http
check "port out of range" 2 '' "is not a port" -- tg create x --port 65536
check "bad target port" 2 '' "'10.0.1.21:x' is not IP\\[:PORT\\]" -- tg register web-tg 10.0.1.21:x --az use1-az1
check "on|off" 2 '' "--cross-zone takes on or off, not 'yes'" -- lb set web --cross-zone yes
check "exclusive options" 2 '' 'exclude each other' -- service create --lb web --auto-accept --acceptance-required
check "option given twice" 2 '' '--port is given twice' -- tg create x --port 1 --port 2
check "extra argument" 2 '' "unexpected argument 'extra'" -- lb list extra
check "global option without value" 2 '' '--principal needs a value' -- --principal

# ---- Refusals: status 1, "Code: message", nothing changed -----------------------------

check "unknown load balancer" 1 '' '^LoadBalancerNotFound: ' -- lb show nope
check "unknown target group" 1 '' '^TargetGroupNotFound: ' -- tg health nope
check "unknown service" 1 '' '^InvalidVpcEndpointServiceId.NotFound: ' -- service show vpce-svc-00000000000000000
check "unknown endpoint" 1 '' '^InvalidVpcEndpointId.NotFound: ' -- endpoint show vpce-00000000000000000
unchanged "duplicate load balancer refused, nothing changed" lb list -- \
	lb create web --az use1-az3=10.0.3.10
grep_check "DuplicateLoadBalancerName on stderr" '^DuplicateLoadBalancerName: ' "$work/err"
unchanged "semantic check left to the agent (bad zone)" lb list -- lb create web3 --az use9-az9=10.0.9.10
unchanged "service with an endpoint is not deleted" service list -- service delete "$svc"
grep_check "ExistingVpcEndpointConnections as ID: Code: message" \
	"^$svc: ExistingVpcEndpointConnections: " "$work/err"
unchanged "target group in use is not deleted" tg list -- tg delete web-tg

# ---- The audit trail: a line per change in the agent's log, none for a read ----------

grep_check "audit: the provider's accept, with the service and the endpoint, ok" \
	"^[^ ]+ notice audit action=AcceptVpcEndpointConnections principal=arn:aws:iam::111111111111:root ids=($svc,$ep|$ep,$svc) result=ok\$" \
	"$work/agent.log"
grep_check "audit: the consumer's endpoint create names the endpoint it made" \
	"notice audit action=CreateVpcEndpoint principal=$consumer ids=.*$ep.* result=ok\$" "$work/agent.log"
grep_check "audit: a refusal with its code and message" \
	'notice audit action=CreateLoadBalancer principal=arn:aws:iam::111111111111:root ids=web result=refused code=DuplicateLoadBalancerName message="' \
	"$work/agent.log"
grep_check "audit: a batch's refused items, each with its code" \
	"notice audit action=DeleteVpcEndpointServiceConfigurations .*ids=$svc result=refused unsuccessful=$svc:ExistingVpcEndpointConnections\$" \
	"$work/agent.log"
grep_check "audit: an accept of an unknown endpoint is refused, not ok" \
	"notice audit action=AcceptVpcEndpointConnections .* result=refused unsuccessful=vpce-00000000000000000:InvalidVpcEndpointId.NotFound\$" \
	"$work/agent.log"
if grep -q 'action=Describe' "$work/agent.log"; then
	fail "audit: reads are not audited" "$(grep 'action=Describe' "$work/agent.log" | head -n 1)"
else
	ok "audit: reads are not audited"
fi
# Under systemd the journal reads stderr ($JOURNAL_STREAM names it): priorities as "<N>".
: >"$work/journal"
journal_stream=$(stat -c '%d:%i' "$work/journal")
JOURNAL_STREAM=$journal_stream timeout 10 "$build/xdplinkd" --socket "$work/second.sock" \
	--state "$work/state.db" --pin-dir "$pins/second" 2>>"$work/journal" || true
grep_check "to the journal, an error is priority 3, without a time" \
	'^<3>.*state.db is in use by another xdplinkd' "$work/journal"
unchanged "a UDP listener is refused" listener list web -- listener add web --port 53 --tg web-tg --protocol UDP
grep_check "UnsupportedProtocol on stderr" '^UnsupportedProtocol: .* TCP only, not UDP$' "$work/err"
unchanged "a TLS target group is refused" tg list -- tg create tls-tg --port 443 --protocol TLS

# ---- Interfaces ------------------------------------------------------------------------

run --json iface list
jcheck "iface list --json" 'r["Interfaces"] == [{"Name": "xlc0", "Role": "both", "Mode": "generic",
	"Attached": True, "Ifindex": r["Interfaces"][0]["Ifindex"]}] and r["Interfaces"][0]["Ifindex"] > 0'
check "iface list" 0 '^xlc0 +[0-9]+ +both +generic +yes$' -- iface list

# frontend_ifindex ADDRESS: the interface an ENI's own entry serves, as the map holds it.
frontend_ifindex() {
	bpftool -j map dump pinned "$pins/xdplink/xdplink_frontends_v3" | jq -r --arg a "$1" '
		($a | split(".") | map(tonumber)) as $b | ($b[0] + $b[1] * 256 + $b[2] * 65536 +
		$b[3] * 16777216) as $key |
		.[] | .formatted | select(.key.port == 0 and .key.addr == $key) | .value.ifindex'
}

# An ENI serves its VPC's interface, and no other.
xlc0=$("$xl" --json iface list | jq '.Interfaces[0].Ifindex')
if [ "$(frontend_ifindex 10.1.1.50)" = "$xlc0" ]; then
	ok "an ENI serves its VPC's interface"
else
	fail "an ENI serves its VPC's interface" "ifindex $(frontend_ifindex 10.1.1.50), xlc0 $xlc0"
fi
check "iface attach of no interface" 1 '' '^InterfaceNotFound: ' -- iface attach nope0 --role consumer
check "iface detach" 0 '^detached xlc0$' -- iface detach xlc0
if [ "$(frontend_ifindex 10.1.1.50)" = 0 ]; then
	ok "the ENIs of a detached interface's VPCs serve nothing"
else
	fail "the ENIs of a detached interface's VPCs serve nothing" "ifindex $(frontend_ifindex 10.1.1.50)"
fi
check "iface detach twice" 1 '' '^InterfaceNotFound: ' -- iface detach xlc0
check "iface attach again" 0 '' -- iface attach xlc0 --role both --mode generic
xlc0=$("$xl" --json iface list | jq '.Interfaces[0].Ifindex')
if [ "$(frontend_ifindex 10.1.1.50)" = "$xlc0" ]; then
	ok "... and serve it again once it is attached again"
else
	fail "... and serve it again once it is attached again" "ifindex $(frontend_ifindex 10.1.1.50)"
fi

# ---- Stats ---------------------------------------------------------------------------

check "stats tables" 0 '^TARGET GROUP +TARGET +ZONE +STATE +ACTIVE +NEW +PACKETS +BYTES +RESETS +PORT ALLOC ERR$' -- stats
grep_check "stats totals" '^Total: ' "$work/out"
grep_check "stats per target group and zone" '^TARGET GROUP +ZONE +HEALTHY +UNHEALTHY$' "$work/out"
grep_check "stats per endpoint" "^$ep +$svc +available " "$work/out"
run stats --watch 1 --count 3
redraws=$(grep -Ec '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}  every 1 s$' "$work/out" || true)
if [ "$rc" -eq 0 ] && [ "$redraws" -eq 3 ] && ! grep -q $'\e' "$work/out" &&
	[ "$(grep -c '^Total: ' "$work/out")" -eq 3 ]; then
	ok "stats --watch 1 --count 3 into a file: 3 stamped rounds of tables, no terminal escapes"
else
	fail "stats --watch 1 --count 3 into a file: 3 stamped rounds of tables, no terminal escapes" \
		"status $rc, $redraws rounds"
fi
run -j stats --watch 1 --count 2
if [ "$rc" -eq 0 ] && [ "$(jq -c '.Targets | length' "$work/out" | tr '\n' ' ')" = "2 2 " ]; then
	ok "stats -j --watch --count 2: two JSON documents, a line each"
else
	fail "stats -j --watch --count 2: two JSON documents, a line each" "status $rc"
fi
run --json stats
jcheck "stats --json" 'len(r["Targets"]) == 2 and isinstance(r["Reasons"], dict)
	and all(set(h) == {"TargetGroupName", "AvailabilityZone", "HealthyHostCount",
		"UnHealthyHostCount"} for h in r["HostCounts"]) and len(r["HostCounts"]) >= 1
	and any(e["VpcEndpointId"] == "'"$ep"'" for e in r["Endpoints"])'

# ---- The socket survives garbage ------------------------------------------------------

if python3 - "$sock" >"$work/out" 2>"$work/err" <<'EOF'; then
import json, socket, sys

def ask(payload, close_write=True):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sys.argv[1])
    try:
        s.sendall(payload)
        if close_write:
            s.shutdown(socket.SHUT_WR)
    except (BrokenPipeError, ConnectionResetError):
        pass
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return json.loads(data)

cases = [
    (b"this is not json\n", "MalformedRequest"),
    (b"[]\n", "MalformedRequest"),
    (b'{"Action": "DescribeAgent", "Args": {}, "Pad": "' + b"x" * 70 * 1024 + b'"}\n', "RequestTooLarge"),
    (b'{"Action":', "MalformedRequest"),
    (b'{"Action": "FrobnicateEverything"}\n', "InvalidAction"),
    (b'{"Action": "DescribeAgent", "Extra": 1}\n', "MalformedRequest"),
]
bad = 0
for payload, code in cases:
    answer = ask(payload)
    got = answer.get("Error", {}).get("Code")
    if answer.get("Ok") is not False or got != code:
        print(f"{payload[:40]!r}: expected {code}, got {answer}")
        bad += 1
sys.exit(bad)
EOF
	ok "garbage gets the documented errors"
else
	fail "garbage gets the documented errors"
fi
check "the agent still serves after garbage" 0 '^Region:' -- agent status

# ---- The configuration as a file: export, apply, a fresh node rebuilt ----------------------

"$xl" config export >"$work/node.json"
run --json config export
jcheck "config export: the node's objects with their ids" '[s["ServiceId"] for s in r["Services"]] == ["'"$svc"'"]
	and [e["VpcEndpointId"] for e in r["Endpoints"]] == ["'"$ep"'"]
	and r["LoadBalancers"][0]["Listeners"][0]["TargetGroupName"] == "web-tg"'
"$xl" config export --yaml >"$work/node.yaml"
check "config export --yaml, applied to its node, is a no-op" 0 '^0 changes planned; nothing was changed' -- \
	config apply -f "$work/node.yaml" --dry-run
check "config export (JSON), applied to its node, is a no-op" 0 '^0 changes applied$' -- \
	config apply --file "$work/node.json"
sed 's/"CrossZone": false/"CrossZone": true/' "$work/node.json" >"$work/changed.json"
check "a changed file's plan" 0 '^modify +LoadBalancer +web +111111111111 +ModifyLoadBalancerAttributes$' -- \
	config apply -f "$work/changed.json" --dry-run
check "... changes nothing" 0 '^web +active +off ' -- lb list
printf '{\n  "XdplinkConfiguration": 1,\n  "Region": "us-east-1",\n  "Vpcs": [,]\n}\n' >"$work/bad.json"
check "a JSON syntax error is a usage error with its line and column" 2 '' \
	"^xdplink: config apply: $work/bad.json:4:12: not JSON: unexpected character" -- \
	config apply -f "$work/bad.json"
printf 'XdplinkConfiguration: 1\nRegion: us-east-1\nVpcs:\n  - VpcId: [\n' >"$work/bad.yaml"
check "a YAML syntax error is a usage error with its line" 2 '' "^xdplink: config apply: $work/bad.yaml:5:" -- \
	config apply -f "$work/bad.yaml"
printf 'XdplinkConfiguration: 1\nRegion: us-east-1\nLoadBalancer: []\n' >"$work/unknown.yaml"
unchanged "an unknown key changes nothing" config export -- config apply -f "$work/unknown.yaml"
grep_check "... ValidationError naming it" '^ValidationError: LoadBalancer: unknown key$' "$work/err"
unchanged "a consumer cannot apply (or read) every tenant's configuration" config export -- \
	--principal "$consumer" config apply -f "$work/node.json"

# A fresh node (another state file) with the interface attached rebuilds the same
# configuration, ids included, from the file.
kill "$agent_pid" && wait "$agent_pid" 2>/dev/null
agent_pid=""
mv "$work/state.db" "$work/kept.db"
rm -f "$work/state.db-wal" "$work/state.db-shm"
if run_agent; then
	"$xl" iface attach xlc0 --role both --mode generic >/dev/null
	check "config apply to a fresh node" 0 'changes applied$' -- config apply -f "$work/node.yaml"
	"$xl" config export >"$work/rebuilt.json"
	if cmp -s "$work/node.json" "$work/rebuilt.json"; then
		ok "its export is the same, ids and ARNs included"
	else
		fail "its export is the same, ids and ARNs included" "$(diff "$work/node.json" "$work/rebuilt.json" | head -5)"
	fi
	check "the rebuilt endpoint is listed by its owner" 0 "^$ep +$svc +" -- --principal "$consumer" endpoint list
	kill "$agent_pid" && wait "$agent_pid" 2>/dev/null
else
	fail "a fresh agent starts" "$(cat "$work/agent.log")"
fi
agent_pid=""
rm -f "$work/state.db" "$work/state.db-wal" "$work/state.db-shm"
mv "$work/kept.db" "$work/state.db"
run_agent || {
	early_end="the agent did not start again on its state: $(cat "$work/agent.log")"
	exit 1
}

# ---- A state file of the previous schema version, migrated by the agent ---------------------

# tests/unit/store/v3.sql: version 3's schema from git history, with the seed lab's rows (its
# interfaces are this namespace's xlc0 and xlc1).
kill "$agent_pid" && wait "$agent_pid" 2>/dev/null
agent_pid=""
mv "$work/state.db" "$work/kept.db"
rm -f "$work/state.db-wal" "$work/state.db-shm"
python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.executescript(open(sys.argv[1]).read())' tests/unit/store/v3.sql "$work/state.db"
if run_agent && grep -q 'schema 3 -> 4: ' "$work/agent.log" &&
	grep -q 'schema 4 -> 5: ' "$work/agent.log"; then
	ok "an agent opens a state file of version 3 and migrates it, a log line per step"
	check "... its endpoint is there" 0 '^vpce-07c87a40564585e2f +vpce-svc-01f7e8b3ccc13dc8f +available ' -- \
		--principal "$consumer" endpoint list
	check "... and a new one can be made in its subnets" 0 '^created endpoint vpce-[0-9a-f]{17} \(pendingAcceptance\)' -- \
		--principal "$consumer" endpoint create --service com.amazonaws.vpce.us-east-1.vpce-svc-01f7e8b3ccc13dc8f \
		--subnet subnet-01111111111111111=10.1.1.60
	kill "$agent_pid" && wait "$agent_pid" 2>/dev/null
else
	fail "an agent opens a state file of version 3 and migrates it, a log line per step" "$(cat "$work/agent.log")"
fi
agent_pid=""
python3 -c 'import sqlite3, sys
sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version = 6")' "$work/state.db"
status=0
timeout 10 "$build/xdplinkd" --socket "$sock" --state "$work/state.db" --pin-dir "$pins/xdplink" \
	>"$work/out" 2>"$work/err" || status=$?
if [ "$status" -eq 1 ] && grep -q 'has schema version 6, newer than this xdplink knows (1 to 5)' "$work/err"; then
	ok "a state file of a newer version is refused"
else
	fail "a state file of a newer version is refused" "exit status $status"
fi
rm -f "$work/state.db" "$work/state.db-wal" "$work/state.db-shm"
mv "$work/kept.db" "$work/state.db"
run_agent || {
	early_end="the agent did not start again on its state: $(cat "$work/agent.log")"
	exit 1
}

# ---- Tear down through the CLI ---------------------------------------------------------

check "endpoint delete by its owner" 0 "^deleted endpoint $ep\$" -- --principal "$consumer" endpoint delete "$ep"
check "a deleted endpoint is still listed, as deleted (for --deleted-retention)" 0 "^$ep +$svc +deleted " -- \
	--principal "$consumer" endpoint list
check "service delete" 0 "^deleted endpoint service $svc\$" -- service delete "$svc"
check "listener remove" 0 '^removed listener web:80$' -- listener remove web --port 80
check "tg deregister" 0 '^deregistered 2 targets from web-tg' -- tg deregister web-tg 10.0.1.21:80 10.0.2.21
check "tg delete" 0 '^deleted target group web-tg$' -- tg delete web-tg
check "lb delete --wait deleted" 0 '^load balancer web is deleted$' -- lb delete web --wait deleted
run --json lb list
jcheck "nothing left" 'r["LoadBalancers"] == []'

# ---- Pinned flows keep their SNAT port range ----------------------------------------------

# A flow's port is an index into its pool from the range's first port: a restart with
# another range while flows remain is refused; with none left, it is welcome.
kill "$agent_pid" && wait "$agent_pid" 2>/dev/null
agent_pid=""
flows_map=$pins/xdplink/xdplink_flows_v4
pages_map=$pins/xdplink/xdplink_flow_pages_v1
# A flow in slot 0 (its state word says FLOW), and the bit of its page.
# shellcheck disable=SC2046 # a 64-byte slot, byte by byte
bpftool map update pinned "$flows_map" key hex 00 00 00 00 \
	value hex 00 00 00 00 02 00 00 00 $(printf '00 %.0s' $(seq 56))
bpftool map update pinned "$pages_map" key hex 00 00 00 00 value hex 01 00 00 00 00 00 00 00
status=0
timeout 10 "$build/xdplinkd" --socket "$sock" --state "$work/state.db" --pin-dir "$pins/xdplink" \
	--snat-ports 2000-3000 >"$work/out" 2>"$work/err" || status=$?
if [ "$status" -eq 1 ] && grep -q "use SNAT ports 1024-56023: start with --snat-ports 1024-56023" "$work/err"; then
	ok "a restart with another SNAT port range while flows are pinned is refused"
else
	fail "a restart with another SNAT port range while flows are pinned is refused" "exit status $status"
fi
# shellcheck disable=SC2046
bpftool map update pinned "$flows_map" key hex 00 00 00 00 value hex $(printf '00 %.0s' $(seq 64))
if run_agent --snat-ports 2000-3000; then
	ok "with no flow left, the range may change"
else
	fail "with no flow left, the range may change" "$(cat "$work/agent.log")"
fi

# ---- What the systemd unit relies on: the settings file and sd_notify -------------------

# notify_listener PATH: receives the agent's sd_notify datagrams at PATH, one a line
# ("READY=1 | STATUS=..."), until it has two (ready, then stopping) or 30 s passed.
notify_listener() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
for _ in range(2):
    print(s.recv(4096).decode().strip().replace("\n", " | "), flush=True)' "$1"
}

# wait_for_line FILE REGEX: polls FILE for a matching line, for 10 s at most.
wait_for_line() {
	for _ in $(seq 100); do
		grep -Eq -- "$2" "$1" && return 0
		sleep 0.1
	done
	return 1
}

kill "$agent_pid" && wait "$agent_pid" 2>/dev/null
agent_pid=""
printf '# as /etc/xdplink/xdplinkd.conf\nidle-timeout 120\n\nsyn-timeout = 7  # a comment\nsnat-ports 2000-3000\ndeleted-retention 2\n' \
	>"$work/xdplinkd.conf"
notify_listener "$work/notify" >"$work/notify.log" 2>&1 &
listener_pid=$!
for _ in $(seq 100); do [ -S "$work/notify" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$work/notify ip netns exec "$netns" "$build/xdplinkd" --socket "$sock" \
	--state "$work/state.db" --pin-dir "$pins/xdplink" --config "$work/xdplinkd.conf" \
	--syn-timeout 9 >"$work/agent.log" 2>&1 &
agent_pid=$!
if wait_for_line "$work/notify.log" "^READY=1 \| STATUS=serving $sock\$" &&
	"$xl" agent status >/dev/null 2>&1; then
	ok "sd_notify: READY=1 with its status once the socket answers"
else
	fail "sd_notify: READY=1 with its status once the socket answers" "$(cat "$work/notify.log")"
fi
run --json agent status
jcheck "settings from --config; the command line wins (syn-timeout 9 over 7)" \
	'[r["Config"][k] for k in ("IdleTimeoutSeconds", "SynTimeoutSeconds", "SnatPortRange",
	   "DeletedRetentionSeconds")] == [120, 9, "2000-3000", 2]'
# The endpoints deleted at the tear-down were listed, as deleted, for the default hour; with
# a retention of 2 s the agent purges them on its own, and says so.
purged() {
	[ "$("$xl" --principal "$consumer" --json endpoint list)" = '{"VpcEndpoints":[]}' ] &&
		grep -Eq "notice audit action=PurgeDeletedVpcEndpoints principal=xdplinkd ids=([^ ]*,)?$1(,[^ ]*)? result=ok message=\"[0-9]+ deleted endpoints? purged after 2 s\"" \
			"$work/agent.log"
}
deadline=$((SECONDS + 10))
until purged "$ep" || ((SECONDS >= deadline)); do sleep 0.2; done
if purged "$ep"; then
	ok "deleted endpoints are purged after --deleted-retention, with an audit line"
else
	fail "deleted endpoints are purged after --deleted-retention, with an audit line" \
		"$("$xl" --principal "$consumer" endpoint list)" "$(grep Purge "$work/agent.log")"
fi
kill "$agent_pid" && wait "$agent_pid" 2>/dev/null
agent_pid=""
wait "$listener_pid" || true
if grep -q '^STOPPING=1 | ' "$work/notify.log"; then
	ok "sd_notify: STOPPING=1 on SIGTERM"
else
	fail "sd_notify: STOPPING=1 on SIGTERM" "$(cat "$work/notify.log")"
fi

finished=true
printf '%d passed, %d failed\n' "$passed" "$failed"
exit $((failed > 0))
