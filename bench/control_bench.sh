#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/control_bench.sh BUILD OUT.json: what the control plane costs as the configuration
# grows. One agent in a namespace of its own (xl-ctl: a consumer and a provider veth, both
# attached), one service, and N auto-accepted endpoints with one ENI each; at each N: the
# idle agent's CPU, one RegisterTargets and one `xdplink stats`, and GetStats through the
# API. The idle cost must not grow with N, and a single change must stay within 2x of its
# cost at the first N.
#   COUNTS="1 1000 10000 100000"   the sizes, in order (the agent keeps what it has)
#   AGENT_ARGS="--max-endpoints 100000 --max-frontends 262144"   (empty for an agent of
#   fixed sizes, such as one built before the capacities became options)
#   IDLE_SECONDS=10   how long the idle agent is watched at each size
set -euo pipefail

build=$(cd "${1:-build}" && pwd)
out=${2:-$build/bench/control.json}
read -r -a counts <<<"${COUNTS:-1 1000 10000 100000}"
read -r -a agent_args <<<"${AGENT_ARGS---max-endpoints 100000 --max-frontends 262144}"
readonly NS=xl-ctl RUN=/run/xl-ctlbench
readonly SOCK=$RUN/xdplink.sock ZONE=use1-az1
readonly IDLE_SECONDS=${IDLE_SECONDS:-10} ROUNDS=9 STATS_ROUNDS=5

cleanup() {
	[[ -f $RUN/agent.pid ]] && kill "$(cat "$RUN/agent.pid")" 2>/dev/null
	ip netns del "$NS" 2>/dev/null || true
	umount "$RUN/bpf" 2>/dev/null || true
	rm -rf "$RUN"
}
trap cleanup EXIT

xl() {
	XDPLINK_SOCKET=$SOCK "$build/xdplink" "$@"
}

# The agent's time on a CPU, in nanoseconds.
cpu_ns() {
	awk '{ print $1 }' "/proc/$(cat "$RUN/agent.pid")/schedstat"
}

# The median of the numbers on stdin.
median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

start_agent() {
	cleanup
	mkdir -p "$RUN/bpf"
	mount -t bpf bpf "$RUN/bpf" # `ip netns exec` hides /sys/fs/bpf
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" link add cons0 type veth peer name cons1
	ip -n "$NS" link add prov0 type veth peer name prov1
	ip -n "$NS" addr add 10.127.255.254/10 dev cons0 # the consumer VPC of every ENI
	ip -n "$NS" addr add 10.0.1.10/24 dev prov0 # the load balancer's node IP
	for dev in cons0 cons1 prov0 prov1; do
		ip -n "$NS" link set "$dev" up
	done
	ip netns exec "$NS" "$build/xdplinkd" --socket "$SOCK" --state "$RUN/state.db" \
		--pin-dir "$RUN/bpf/xdplink" "${agent_args[@]}" >"$RUN/agent.log" 2>&1 &
	echo $! >"$RUN/agent.pid"
	for _ in $(seq 100); do
		xl agent status >/dev/null 2>&1 && return
		sleep 0.1
	done
	echo "control_bench: the agent did not start:" >&2
	cat "$RUN/agent.log" >&2
	return 1
}

# The consumer's VPCs 10.64.0.0/16 to 10.67.0.0/16 on cons0, each one subnet in $ZONE:
# control_bench puts 65,000 ENIs in each (bench/control_bench.c).
consumer_vpcs() {
	local net vpc
	for net in 64 65 66 67; do
		vpc=$(xl --json vpc create --interface cons0 --cidr "10.$net.0.0/16" | jq -r .Vpc.VpcId)
		xl subnet create --vpc "$vpc" --az "$ZONE" --cidr "10.$net.0.0/16" >/dev/null
	done
}

# One service on one load balancer and target group; health checks rarely (a change each).
provide() {
	xl iface attach cons0 --role consumer --mode generic >/dev/null
	xl iface attach prov0 --role provider --mode generic >/dev/null
	consumer_vpcs
	xl lb create web --az "$ZONE=10.0.1.10" >/dev/null
	xl tg create web-tg --port 80 --interval 300 --deregistration-delay 0 >/dev/null
	xl tg register web-tg 10.0.1.21:80 --az "$ZONE" >/dev/null
	xl listener add web --port 80 --tg web-tg >/dev/null
	xl service create --lb web --auto-accept --json | jq -r .ServiceConfiguration.ServiceName
}

# Waits until a collector tick and a health tick have seen the last change.
settle() {
	sleep 3
}

idle_ms_per_s() {
	local before after
	before=$(cpu_ns)
	sleep "$IDLE_SECONDS"
	after=$(cpu_ns)
	jq -n "($after - $before) / 1e6 / $IDLE_SECONDS"
}

stats_ms() {
	local i start
	for ((i = 0; i < STATS_ROUNDS; i++)); do
		start=$(now_ms)
		xl stats >/dev/null
		echo $(($(now_ms) - start))
	done | median
}

start_agent
service=$(provide)
have=0
rows=()
printf '\nThe control plane as the configuration grows (one service, N endpoints)\n'
printf '%10s  %14s  %18s  %10s  %12s\n' endpoints "idle ms CPU/s" "RegisterTargets ms" "stats ms" \
	"GetStats ms"
for count in "${counts[@]}"; do
	if ((count > have)); then
		"$build/bench/control_bench" "$SOCK" create "$service" "$ZONE" $((have + 1)) \
			$((count - have)) >/dev/null
		have=$count
	fi
	settle
	idle=$(idle_ms_per_s)
	register=$("$build/bench/control_bench" "$SOCK" register web-tg "$ZONE" "$ROUNDS")
	settle
	stats=$(stats_ms)
	getstats=$("$build/bench/control_bench" "$SOCK" call GetStats "$STATS_ROUNDS")
	printf '%10d  %14.1f  %18.1f  %10d  %12.1f\n' "$count" "$idle" "$register" "$stats" "$getstats"
	rows+=("$(jq -n --argjson n "$count" --argjson idle "$idle" --argjson register "$register" \
		--argjson stats "$stats" --argjson getstats "$getstats" \
		'{endpoints: $n, idle_cpu_ms_per_s: $idle, register_targets_ms: $register,
		  stats_cli_ms: $stats, get_stats_ms: $getstats}')")
done
printf '%s\n' "${rows[@]}" | jq -s '{sizes: .,
	idle_growth: (.[-1].idle_cpu_ms_per_s - .[0].idle_cpu_ms_per_s),
	register_ratio: (.[-1].register_targets_ms / .[0].register_targets_ms)}' >"$out"
jq -r '"idle CPU from the first size to the last: \(.idle_growth | . * 10 | round / 10) ms/s more;" +
	" one RegisterTargets: \(.register_ratio | . * 100 | round / 100)x"' "$out"
echo "wrote $out"
