# SPDX-License-Identifier: MIT
# testbed/lib.sh: the testbed's address plan and the helpers that end-to-end tests source
# (run a command in a host, curl, poll with a deadline, read a target's log, up/down).
# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this
#
# Sourcing this file defines variables and functions only; it sets no shell options and
# runs nothing. A test reads like:
#
#   source "$(dirname "$0")/../../testbed/lib.sh"
#   with_testbed --xdp-mode generic        # up now, down when the test exits
#   wait_until 5 tb_curl c1 http://10.1.1.50/
#
# Every namespace is "xl-" + a short host name (t1, c1, lb, ...). Nothing is ever put in
# the root network namespace.

TB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TB_SCRIPT=$TB_ROOT/testbed/testbed

# Paths of one running testbed. The testbed prints the same values with `testbed env`.
TB_RUN_DIR=/run/xl-testbed
TB_BPF_DIR=$TB_RUN_DIR/bpf              # a bpffs of its own: `ip netns exec` hides /sys/fs/bpf
TB_PIN_DIR=$TB_BPF_DIR/xdplink
TB_SOCKET=$TB_RUN_DIR/xdplink.sock
TB_STATE_DB=$TB_RUN_DIR/state.db
TB_AGENT_LOG=$TB_RUN_DIR/xdplinkd.log
TB_NGINX_DIR=$TB_RUN_DIR/nginx
XDPLINK_BUILD=${XDPLINK_BUILD:-$TB_ROOT/build}

# ---- the address plan (DESIGN.md §1 and §6, seeds 000 and 004) ----------------------

TB_SWITCHES=(pvpc cvpc cvpc2)           # each a namespace holding bridge br0: a "VPC"
TB_TARGETS=(t1 t2 t3 t4)                # provider targets running nginx
TB_CLIENTS=(c1 c2 d1 onprem)            # hosts that open connections to endpoints
TB_HOSTS=("${TB_TARGETS[@]}" c1 c2 d1 router onprem lb dns)

# The address each host is known by (the LB node has more: see TB_LB_* below).
declare -gA TB_IP=(
	[t1]=10.0.1.21 [t2]=10.0.1.22 [t3]=10.0.2.21 [t4]=10.0.2.22
	[c1]=10.1.1.11 [c2]=10.1.2.11 [d1]=10.2.1.11
	[router]=10.1.0.1 [onprem]=192.168.10.11 [lb]=10.0.0.5
)
# Availability zones follow the subnet: 10.x.1.0/24 is use1-az1, 10.x.2.0/24 use1-az2.
declare -gA TB_AZ=(
	[t1]=use1-az1 [t2]=use1-az1 [t3]=use1-az2 [t4]=use1-az2
	[c1]=use1-az1 [c2]=use1-az2 [d1]=use1-az1
)
TB_ACCOUNT_CONSUMER=222222222222        # owns xl-cvpc (c1, c2, and onprem behind it)
TB_ACCOUNT_CONSUMER2=333333333333       # owns xl-cvpc2 (d1)

TB_LB_PROV_IP=10.0.0.5                  # xl-lb prov0, primary
TB_LB_CONS_IP=10.1.0.5                  # xl-lb cons0
TB_LB_CONS2_IP=10.2.0.5                 # xl-lb cons1
# NLB node IPs (secondary on prov0): two load balancers, one IP per AZ each.
declare -gA TB_NODE_IPS=([use1-az1]="10.0.1.10 10.0.1.11" [use1-az2]="10.0.2.10 10.0.2.11")

# The internet's DNS: xl-dns runs nsd, authoritative for the provider's public domain, on a
# link of its own to xl-lb (inet0), where the agent's resolvers ask what is not theirs.
TB_DNS_IP=198.51.100.53                 # xl-dns eth0 (TEST-NET-2: never routed anywhere)
TB_LB_INET_IP=198.51.100.1              # xl-lb inet0
TB_DNS_DOMAIN=example.com               # the provider's domain, served by xl-dns
TB_NSD_DIR=$TB_RUN_DIR/nsd
# Each consumer VPC's resolver, the VPC's base + 2 (AWS's Amazon-provided DNS).
declare -gA TB_VPC_RESOLVER=([c1]=10.1.0.2 [c2]=10.1.0.2 [onprem]=10.1.0.2 [d1]=10.2.0.2)

# ---- helpers for tests --------------------------------------------------------------

# tb_exec HOST CMD [ARGS...]: run CMD inside xl-HOST.
tb_exec() {
	local host=$1
	shift
	ip netns exec "xl-$host" "$@"
}

# tb_curl HOST URL [CURL ARGS...]: fetch URL from HOST with short timeouts; prints the
# body, fails (curl's exit code) when there is no answer within 5 s.
tb_curl() {
	local host=$1 url=$2
	shift 2
	tb_exec "$host" curl --silent --show-error --connect-timeout 2 --max-time 5 "$@" "$url"
}

# tb_xdplink ARGS...: the xdplink CLI, run in xl-lb (interface names live there).
tb_xdplink() {
	tb_exec lb env XDPLINK_SOCKET="$TB_SOCKET" "$XDPLINK_BUILD/xdplink" "$@"
}

# tb_create_vpcs: the consumer VPCs, as their owners' operator makes them, through
# tb_xdplink: cvpc on cons0 is account 222222222222's 10.1.0.0/16, cvpc2 on cons1 account
# 333333333333's 10.2.0.0/16, each with a subnet per zone (10.x.1.0/24 use1-az1, 10.x.2.0/24
# use1-az2). Says on stderr what failed.
tb_create_vpcs() {
	local spec iface account net vpc zone
	for spec in cons0:$TB_ACCOUNT_CONSUMER:1 cons1:$TB_ACCOUNT_CONSUMER2:2; do
		IFS=: read -r iface account net <<<"$spec"
		vpc=$(tb_xdplink --principal "arn:aws:iam::$account:root" --json vpc create \
			--interface "$iface" --cidr "10.$net.0.0/16" | jq -er .Vpc.VpcId) ||
			{ echo "xdplink vpc create on $iface failed" >&2 && return 1; }
		for zone in 1 2; do
			tb_xdplink --principal "arn:aws:iam::$account:root" subnet create --vpc "$vpc" \
				--az "use1-az$zone" --cidr "10.$net.$zone.0/24" >/dev/null ||
				{ echo "xdplink subnet create in $vpc failed" >&2 && return 1; }
		done
	done
}

# target_log HOST: path of a target's nginx access log. One line per request:
# "$remote_addr $remote_port $request", e.g. "10.0.1.10 1024 GET / HTTP/1.1".
target_log() {
	printf '%s/%s/access.log\n' "$TB_NGINX_DIR" "$1"
}

# Microseconds since the epoch, from bash's own clock (no fork).
_tb_now_us() {
	local t=$EPOCHREALTIME
	printf '%s\n' "${t/./}"
}

# "2.5" -> 2500000: seconds (integer or decimal) as microseconds, in pure bash.
_tb_seconds_to_us() {
	local whole=${1%%.*} frac=
	[[ $1 == *.* ]] && frac=${1#*.}
	frac=${frac}000000
	printf '%s\n' $((10#${whole:-0} * 1000000 + 10#${frac:0:6}))
}

# wait_until DEADLINE_SECONDS CMD [ARGS...]: run CMD every 50 ms until it succeeds.
# Fails after the deadline, printing the command and what it printed on its last try.
# The command's output is swallowed while polling. Tests must use this, never a bare
# sleep: a condition is either met in time or the test says which one was not.
wait_until() {
	local deadline_us out rc=0
	deadline_us=$(($(_tb_now_us) + $(_tb_seconds_to_us "$1")))
	shift
	while :; do
		rc=0
		out=$("$@" 2>&1) || rc=$?
		((rc == 0)) && return 0
		(($(_tb_now_us) >= deadline_us)) && break
		sleep 0.05
	done
	printf 'wait_until: gave up: "%s" still fails (exit %d); its last output:\n%s\n' \
		"$*" "$rc" "$out" >&2
	return 1
}

# tb_use_resolver HOST [ADDRESS]: HOST's /etc/resolv.conf (per namespace, under /etc/netns)
# names its VPC's resolver, or ADDRESS; `testbed down` removes it.
tb_use_resolver() {
	local host=$1 address=${2:-${TB_VPC_RESOLVER[$1]}}
	mkdir -p "/etc/netns/xl-$host"
	printf 'nameserver %s\noptions timeout:1 attempts:2\n' "$address" \
		>"/etc/netns/xl-$host/resolv.conf"
}

# tb_forget_resolver HOST: HOST's resolv.conf is the machine's again.
tb_forget_resolver() {
	rm -rf "/etc/netns/xl-$1"
}

# tb_dns_publish NAME TYPE DATA: the provider publishes a record in its public domain
# (xl-dns's nsd); returns once nsd answers it. tb_dns_unpublish NAME: all of NAME's go.
tb_dns_publish() {
	printf '%s. 60 IN %s %s\n' "$1" "$2" "$3" >>"$TB_NSD_DIR/published"
	_tb_nsd_reload && wait_until 5 _tb_nsd_has "$1" "$2"
}

tb_dns_unpublish() {
	local kept
	kept=$(grep -v "^$1\. " "$TB_NSD_DIR/published" || true)
	printf '%s\n' "$kept" >"$TB_NSD_DIR/published"
	_tb_nsd_reload && wait_until 5 _tb_nsd_lacks "$1"
}

_tb_nsd_has() {
	[[ -n $(tb_exec lb dig +short +norecurse "@$TB_DNS_IP" "$1" "$2") ]]
}

_tb_nsd_lacks() {
	[[ -z $(tb_exec lb dig +short +norecurse "@$TB_DNS_IP" "$1" ANY) ]]
}

# The zone file again, with a new serial and what was published, and nsd told (SIGHUP).
_tb_nsd_reload() {
	tb_write_zone && kill -HUP "$(<"$TB_NSD_DIR/nsd.pid")"
}

# tb_write_zone: the provider's public zone as nsd serves it: its own names (www, and big
# with 40 addresses: more than a 512-byte UDP answer holds), then what was published.
tb_write_zone() {
	local serial=1 i zone=$TB_NSD_DIR/$TB_DNS_DOMAIN.zone
	[[ -f $TB_NSD_DIR/serial ]] && serial=$(($(<"$TB_NSD_DIR/serial") + 1))
	echo "$serial" >"$TB_NSD_DIR/serial"
	touch "$TB_NSD_DIR/published"
	{
		# shellcheck disable=SC2016 # $ORIGIN and $TTL are the zone file's own words
		printf '$ORIGIN %s.\n$TTL 60\n' "$TB_DNS_DOMAIN"
		printf '@ IN SOA ns1 hostmaster %d 3600 900 604800 60\n' "$serial"
		printf '@ IN NS ns1\nns1 IN A %s\nwww IN A 192.0.2.80\n' "$TB_DNS_IP"
		for ((i = 1; i <= 40; i++)); do
			printf 'big IN A 192.0.2.%d\n' "$i"
		done
		cat "$TB_NSD_DIR/published"
	} >"$zone.new"
	mv "$zone.new" "$zone"
}

# tb_up [ARGS...] / tb_down: the testbed itself (see `testbed/testbed help`).
tb_up() {
	"$TB_SCRIPT" up "$@"
}

tb_down() {
	"$TB_SCRIPT" down
}

# tb_agent start|stop|restart [--kill]: stop (SIGTERM, or SIGKILL to play a crash) and/or
# start xdplinkd in the running testbed; returns once a started agent answers.
tb_agent() {
	"$TB_SCRIPT" agent "$@"
}

# with_testbed [UP ARGS...]: bring the testbed up and make sure it goes down when the
# calling script exits, however it exits. The trap is set only once `up` succeeded: an
# `up` that failed has already cleaned up after itself, and one that failed because a
# testbed was already running must not tear down somebody else's. This replaces any EXIT
# trap the caller had.
with_testbed() {
	tb_up "$@" || return
	trap tb_down EXIT
	# bash runs the EXIT trap on a plain exit; make signals go through exit too.
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
