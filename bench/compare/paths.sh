# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034 # sets variables the driver reads
# The paths bench/compare/run measures, except xdplink (path-xdplink.sh): each has
# path_<name>_setup, which sets PATH_HOST (what the client connects to), and path_<name>_teardown.

# ---- direct: the kernel routes through the LB namespace, no NAT -------------------------

path_direct_setup() {
	PATH_HOST=$IP_SERVER
}

path_direct_teardown() {
	:
}

# ---- nftables: DNAT to the server and masquerade, in the LB namespace -------------------

path_nftables_setup() {
	PATH_HOST=$VIP
	in_ns "$NS_LB" nft -f - <<-EOF
		table ip xlbench {
			chain pre {
				type nat hook prerouting priority dstnat; policy accept;
				ip daddr $VIP tcp dport { 80, 5201 } dnat to $IP_SERVER
			}
			chain post {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "l1" masquerade
			}
		}
	EOF
}

path_nftables_teardown() {
	in_ns "$NS_LB" nft delete table ip xlbench
}

# ---- haproxy: TCP mode, one thread ------------------------------------------------------

# HAProxy needs two descriptors per connection plus a few of its own.
haproxy_maxconn() {
	echo $((($(ulimit -Hn) - 100) / 2))
}

path_haproxy_setup() {
	PATH_HOST=$VIP
	cat >"$WORK/haproxy.cfg" <<-EOF
		global
			nbthread 1
			maxconn $(haproxy_maxconn)
		defaults
			mode tcp
			timeout connect 5s
			timeout client 60s
			timeout server 60s
		listen http
			bind $VIP:80
			server target $IP_SERVER:80
		listen iperf
			bind $VIP:5201
			server target $IP_SERVER:5201
	EOF
	start_bg haproxy "$NS_LB" haproxy -db -f "$WORK/haproxy.cfg"
	wait_listen "$NS_LB" 80 haproxy
	wait_listen "$NS_LB" 5201 haproxy
}

path_haproxy_teardown() {
	stop_bg haproxy
}

# ---- nginx-stream: nginx's TCP proxy, one worker ----------------------------------------

path_nginx_stream_setup() {
	local dir=$WORK/nginx-stream
	PATH_HOST=$VIP
	mkdir -p "$dir"
	cat >"$dir/nginx.conf" <<-EOF
		load_module /usr/lib/nginx/modules/ngx_stream_module.so;
		worker_processes 1;
		pid $dir/nginx.pid;
		error_log $dir/error.log warn;
		events { worker_connections 9000; }
		stream {
			server {
				listen $VIP:80;
				proxy_pass $IP_SERVER:80;
			}
			server {
				listen $VIP:5201;
				proxy_pass $IP_SERVER:5201;
			}
		}
	EOF
	start_bg nginx-stream "$NS_LB" nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" \
		-g 'daemon off;'
	wait_listen "$NS_LB" 80 nginx-stream
	wait_listen "$NS_LB" 5201 nginx-stream
}

path_nginx_stream_teardown() {
	stop_bg nginx-stream
}

# ---- xdp-bare: the direct topology with a bare XDP router on both LB veths -------------

path_xdp_bare_setup() {
	PATH_HOST=$IP_SERVER
	in_ns "$NS_LB" "$BIN/xdp_fwd_load" attach l0 l1
}

path_xdp_bare_teardown() {
	in_ns "$NS_LB" "$BIN/xdp_fwd_load" detach l0 l1
}

# One established-looking flow client -> server, routed (TTL - 1) by xdp_fwd.
path_xdp_bare_pps_setup() {
	PPS_DST_MAC=$MAC_L0
	PPS_DST_IP=$IP_SERVER
	PPS_EXPECT_DADDR=$IP_SERVER
	PPS_EXPECT_TTL=63
}
