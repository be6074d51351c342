# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034 # sets variables the driver reads
# Topology and process bookkeeping for bench/compare/run: three namespaces joined by veths,
# the target server (nginx + iperf3), and start/stop/cleanup of every process the run starts.

NS_CLIENT=xl-bc
NS_LB=xl-bl
NS_SERVER=xl-bs
ALL_NS=("$NS_CLIENT" "$NS_LB" "$NS_SERVER")

IP_CLIENT=10.200.1.1
IP_LB_CLIENT_SIDE=10.200.1.2 # also the VIP the proxies and nftables listen on
IP_ENI=10.200.1.10           # xdplink's endpoint: on the same link, no address of the node's
                             # (and past the subnet's first four, which are AWS's)
IP_LB_SERVER_SIDE=10.200.2.1
IP_SERVER=10.200.2.2
VIP=$IP_LB_CLIENT_SIDE

# Fixed MACs so that the packet generator and static neighbour entries can name them.
MAC_C0=02:00:00:00:01:01
MAC_L0=02:00:00:00:01:02
MAC_L1=02:00:00:00:02:01
MAC_S0=02:00:00:00:02:02

log() {
	printf '%s\n' "$*" >&2
}

die() {
	log "run: $*"
	exit 1
}

in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# start_bg NAME NS CMD...: start CMD in NS in the background, logging to $WORK/log/NAME.log.
start_bg() {
	local name=$1 ns=$2
	shift 2
	ip netns exec "$ns" "$@" >"$WORK/log/$name.log" 2>&1 &
	echo $! >"$WORK/pid/$name"
}

stop_bg() {
	local name=$1 pid i
	[[ -f $WORK/pid/$name ]] || return 0
	pid=$(<"$WORK/pid/$name")
	rm -f "$WORK/pid/$name"
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# wait_listen NS PORT NAME: wait until something listens on PORT in NS, or fail with its log.
wait_listen() {
	local ns=$1 port=$2 name=$3 i
	for ((i = 0; i < 50; i++)); do
		if [[ -n $(in_ns "$ns" ss -Hltn "sport = :$port") ]]; then
			return 0
		fi
		sleep 0.1
	done
	cat "$WORK/log/$name.log" >&2 || true
	die "$name does not listen on port $port in $ns"
}

ns_sysctls() {
	local ns=$1
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	in_ns "$ns" sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
	in_ns "$ns" sysctl -qw net.ipv4.tcp_tw_reuse=1 net.core.somaxconn=4096
}

# iface_up NS DEV MAC ADDR/LEN
iface_up() {
	local ns=$1 dev=$2 mac=$3 addr=$4
	in_ns "$ns" ip link set dev "$dev" address "$mac" mtu "$MTU"
	in_ns "$ns" ip addr add "$addr" dev "$dev"
	in_ns "$ns" ip link set dev "$dev" up
}

topology_up() {
	local ns
	for ns in "${ALL_NS[@]}"; do
		ip netns add "$ns"
		in_ns "$ns" ip link set dev lo up
		ns_sysctls "$ns"
	done
	in_ns "$NS_LB" sysctl -qw net.ipv4.ip_forward=1

	ip -n "$NS_CLIENT" link add c0 type veth peer name l0 netns "$NS_LB"
	ip -n "$NS_LB" link add l1 type veth peer name s0 netns "$NS_SERVER"
	iface_up "$NS_CLIENT" c0 "$MAC_C0" "$IP_CLIENT/24"
	iface_up "$NS_LB" l0 "$MAC_L0" "$IP_LB_CLIENT_SIDE/24"
	iface_up "$NS_LB" l1 "$MAC_L1" "$IP_LB_SERVER_SIDE/24"
	iface_up "$NS_SERVER" s0 "$MAC_S0" "$IP_SERVER/24"
	in_ns "$NS_CLIENT" ip route add 10.200.2.0/24 via "$IP_LB_CLIENT_SIDE"
	in_ns "$NS_SERVER" ip route add 10.200.1.0/24 via "$IP_LB_SERVER_SIDE"

	# Static neighbours: no ARP in any measurement, and bpf_fib_lookup always finds a MAC.
	in_ns "$NS_CLIENT" ip neigh replace "$IP_LB_CLIENT_SIDE" lladdr "$MAC_L0" dev c0 nud permanent
	in_ns "$NS_CLIENT" ip neigh replace "$IP_ENI" lladdr "$MAC_L0" dev c0 nud permanent
	in_ns "$NS_LB" ip neigh replace "$IP_CLIENT" lladdr "$MAC_C0" dev l0 nud permanent
	in_ns "$NS_LB" ip neigh replace "$IP_SERVER" lladdr "$MAC_S0" dev l1 nud permanent
	in_ns "$NS_SERVER" ip neigh replace "$IP_LB_SERVER_SIDE" lladdr "$MAC_L1" dev s0 nud permanent

	# A veth only accepts XDP-redirected frames if its receiver has NAPI: GRO gives it one.
	# On for every path, so that XDP paths can redirect without an XDP program on c0/s0.
	in_ns "$NS_CLIENT" ethtool -K c0 gro on
	in_ns "$NS_SERVER" ethtool -K s0 gro on
}

# A veth hands its peer TCP segments with only a partial checksum (CHECKSUM_PARTIAL). XDP on
# l0/l1 turns them into raw frames, which would reach the other side with wrong checksums:
# so for XDP paths the client and server compute checksums themselves, like a NIC would.
xdp_peers_prepare() {
	in_ns "$NS_CLIENT" ethtool -K c0 tx-checksum-ip-generic off >/dev/null
	in_ns "$NS_SERVER" ethtool -K s0 tx-checksum-ip-generic off >/dev/null
}

xdp_peers_restore() {
	in_ns "$NS_CLIENT" ethtool -K c0 tx-checksum-ip-generic on >/dev/null
	in_ns "$NS_SERVER" ethtool -K s0 tx-checksum-ip-generic on >/dev/null
}

# After each teardown: the next path must find the plain routed topology again.
assert_plain_topology() {
	local path=$1 ns_dev ns dev
	for ns_dev in "$NS_CLIENT:c0" "$NS_LB:l0" "$NS_LB:l1" "$NS_SERVER:s0"; do
		ns=${ns_dev%%:*} dev=${ns_dev#*:}
		if in_ns "$ns" ip link show dev "$dev" | grep -q ' prog/xdp'; then
			die "$path teardown left an XDP program on $dev"
		fi
	done
	[[ -z $(in_ns "$NS_LB" nft list ruleset) ]] || die "$path teardown left nftables rules"
	[[ -z $(ip netns pids "$NS_LB") ]] || die "$path teardown left processes in $NS_LB"
}

# The same nginx also listens on these ports: xdplink registers each as a target of its own
# (see path-xdplink.sh); the other paths use port 80 only.
BACKEND_EXTRA_PORTS=$(seq 8001 8016)

server_up() {
	local dir=$WORK/backend port listen_extra=""
	mkdir -p "$dir/tmp"
	# The page is read by nginx's worker, an unprivileged user, which may not enter the
	# tree (a clone under /root): it lives in a directory of its own that anyone may read.
	WWW=$(mktemp -d /tmp/xl-bench-www.XXXXXX)
	chmod 755 "$WWW"
	for port in $BACKEND_EXTRA_PORTS; do
		listen_extra+="listen $port;"
	done
	# 100 bytes: 99 characters and a newline.
	printf '%099d\n' 0 >"$WWW/index.html"
	cat >"$dir/nginx.conf" <<-EOF
		worker_processes 1;
		pid $dir/nginx.pid;
		error_log $dir/error.log warn;
		events { worker_connections 16384; }
		http {
			access_log off;
			client_body_temp_path $dir/tmp/body;
			proxy_temp_path $dir/tmp/proxy;
			fastcgi_temp_path $dir/tmp/fastcgi;
			uwsgi_temp_path $dir/tmp/uwsgi;
			scgi_temp_path $dir/tmp/scgi;
			server {
				listen 80 default_server;
				$listen_extra
				root $WWW;
			}
		}
	EOF
	start_bg backend-nginx "$NS_SERVER" nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" \
		-g 'daemon off;'
	start_bg backend-iperf3 "$NS_SERVER" iperf3 -s
	wait_listen "$NS_SERVER" 80 backend-nginx
	wait_listen "$NS_SERVER" 5201 backend-iperf3
}

# Kills every process started here or still living in our namespaces, then the namespaces.
# Pid files are only trusted when this run wrote them (OWN_PIDS): old ones may be reused ids.
cleanup() {
	local f ns pid
	if [[ ${OWN_PIDS:-} == 1 && -d $WORK/pid ]]; then
		for f in "$WORK"/pid/*; do
			[[ -e $f ]] || continue
			stop_bg "${f##*/}"
		done
	fi
	path_xdplink_cleanup
	[[ -n ${WWW:-} ]] && rm -rf "$WWW"
	for ns in "${ALL_NS[@]}"; do
		[[ -e /run/netns/$ns ]] || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null || true
	done
}

leftover_namespaces() {
	local ns
	for ns in "${ALL_NS[@]}"; do
		[[ -e /run/netns/$ns ]] && printf '%s ' "$ns"
	done
	return 0
}
