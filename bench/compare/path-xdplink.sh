# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034 # sets variables the driver reads
# The xdplink path of bench/compare/run, sourced by it: xdplinkd in the LB namespace, XDP on
# l0 (consumers) and l1 (provider), one interface endpoint whose ENI, $IP_ENI, is on the
# client-facing link beside the VIP of the other paths (an ENI is none of the node's addresses).
#
# The service: a load balancer with its node IP on l1 (use1-az1), listeners 80 (nginx) and
# 5201 (iperf3) to target groups on the server, an auto-accepted endpoint with its ENI at
# $IP_ENI. Health checks go to port 80 only, so that iperf3 never sees them.
#
# Everything runs as in production, AWS's limits included: a target takes about 55,000 new
# connections per minute (a SNAT port rests 60 s after a FIN, so that a server in TIME_WAIT
# never sees a new SYN on it). One target would cap this benchmark at ~917 connections/s,
# so, as AWS advises, the web target group has more targets: the same nginx, on port 80 and
# on the 16 ports of BACKEND_EXTRA_PORTS.

XDPLINK_RUN=
XDPLINK_PPS_FLOW=

xdplink() {
	in_ns "$NS_LB" env XDPLINK_SOCKET="$XDPLINK_RUN/xdplink.sock" "$ROOT/build/xdplink" "$@"
}

xdplink_answers() {
	local i
	for ((i = 0; i < 100; i++)); do
		xdplink agent status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$WORK/log/xdplinkd.log" >&2 || true
	die "xdplinkd does not answer"
}

xdplink_forwards() {
	local i
	for ((i = 0; i < 100; i++)); do
		in_ns "$NS_CLIENT" curl -s --max-time 1 -o /dev/null "http://$IP_ENI/index.html" && return 0
		sleep 0.1
	done
	die "xdplink does not forward to the server"
}

xdplink_service() {
	local service vpc
	xdplink lb create bench --az "use1-az1=$IP_LB_SERVER_SIDE" >/dev/null
	xdplink tg create web --port 80 >/dev/null
	xdplink tg create iperf --port 5201 --health-check-port 80 >/dev/null
	local port
	xdplink tg register web "$IP_SERVER" --az use1-az1 >/dev/null
	for port in $BACKEND_EXTRA_PORTS; do
		xdplink tg register web "$IP_SERVER:$port" --az use1-az1 >/dev/null
	done
	xdplink tg register iperf "$IP_SERVER" --az use1-az1 >/dev/null
	xdplink listener add bench --port 80 --tg web >/dev/null
	xdplink listener add bench --port 5201 --tg iperf >/dev/null
	service=$(xdplink --json service create --lb bench --auto-accept |
		jq -er .ServiceConfiguration.ServiceId)
	vpc=$(xdplink --json vpc create --interface l0 --cidr "${IP_ENI%.*}.0/24" | jq -er .Vpc.VpcId)
	xdplink subnet create --vpc "$vpc" --az use1-az1 --cidr "${IP_ENI%.*}.0/24" >/dev/null
	xdplink endpoint create --service "com.amazonaws.vpce.us-east-1.$service" \
		--subnet "use1-az1=$IP_ENI" >/dev/null
}

# The agent's state and pinned maps stay from one round to the next, as they do when a
# real agent restarts: it keeps resting the ports its last round used, which the server may
# still hold in TIME_WAIT (and nftables' conntrack likewise remembers its tuples).
path_xdplink_setup() {
	PATH_HOST=$IP_ENI
	XDPLINK_RUN=$WORK/xdplink
	if ! mountpoint -q "$XDPLINK_RUN/bpf"; then
		mkdir -p "$XDPLINK_RUN/bpf"
		mount -t bpf bpf "$XDPLINK_RUN/bpf"
	fi
	log "xdplink: 17 targets (one nginx on 17 ports), AWS's port reuse delay on (see path-xdplink.sh)"
	start_bg xdplinkd "$NS_LB" "$ROOT/build/xdplinkd" --socket "$XDPLINK_RUN/xdplink.sock" \
		--state "$XDPLINK_RUN/state.db" --pin-dir "$XDPLINK_RUN/bpf/xdplink"
	xdplink_answers
	xdplink iface attach l0 --role consumer >/dev/null
	xdplink iface attach l1 --role provider >/dev/null
	[[ $(xdplink --json lb list | jq '.LoadBalancers | length') == 1 ]] || xdplink_service
	xdplink_forwards
}

path_xdplink_teardown() {
	xdplink stats >"$WORK/log/xdplink-stats.log"
	xdplink iface detach l0 >/dev/null
	xdplink iface detach l1 >/dev/null
	stop_bg xdplinkd
}

# At the end of the run (the driver's cleanup).
path_xdplink_cleanup() {
	if [[ -n $XDPLINK_RUN ]] && mountpoint -q "$XDPLINK_RUN/bpf"; then
		umount "$XDPLINK_RUN/bpf"
	fi
	[[ -n $XDPLINK_RUN ]] && rm -rf "$XDPLINK_RUN"
}

# The generator's frames must belong to a flow xdplink tracks: a real connection, held open
# until pps_teardown. Its port is the kernel's choice: a fixed one may still be in TIME_WAIT
# from the wrk run before (connect() then fails with EADDRINUSE).
path_xdplink_pps_setup() {
	local i port=''
	start_bg xdplink-flow "$NS_CLIENT" python3 -c '
import socket, sys, time
s = socket.socket()
s.bind((sys.argv[1], 0))
s.connect((sys.argv[2], 80))
print(s.getsockname()[1], flush=True)
time.sleep(3600)' "$IP_CLIENT" "$IP_ENI"
	XDPLINK_PPS_FLOW=1
	for ((i = 0; i < 50; i++)); do
		port=$(grep -Exm1 '[0-9]+' "$WORK/log/xdplink-flow.log" || true)
		[[ -n $port ]] && break
		sleep 0.1
	done
	[[ -n $port ]] || die "the generator's flow did not open: $(cat "$WORK/log/xdplink-flow.log")"
	PPS_DST_MAC=$MAC_L0
	PPS_DST_IP=$IP_ENI
	PPS_SPORT=$port
	PPS_DPORT=80
	PPS_EXPECT_DADDR=$IP_SERVER
	PPS_EXPECT_DPORT= # whichever of the targets' ports the flow took
	PPS_EXPECT_TTL=
}

path_xdplink_pps_teardown() {
	[[ -n $XDPLINK_PPS_FLOW ]] && stop_bg xdplink-flow
	XDPLINK_PPS_FLOW=
}
