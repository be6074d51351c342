#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/storm_bench.sh OUT.json: in the veth testbed, how long 55,000 connections take to
# open through xdplink versus straight to the target, and what a tracked flow costs in memory.
set -euo pipefail
source "$(dirname "$0")/../tests/e2e/lib.sh"

readonly OUT=$1
readonly COUNT=55000
readonly DIRECT_SOURCES=(10.0.9.11 10.0.9.12 10.0.9.13 10.0.9.14)

setup_single_target() {
	xl_quiet "$PROVIDER" lb create web --az "use1-az1=$NODE_AZ1"
	xl_quiet "$PROVIDER" tg create web-tg --port 80
	xl_quiet "$PROVIDER" tg register web-tg "${TB_IP[t1]}" --az use1-az1
	xl_quiet "$PROVIDER" listener add web --port 80 --tg web-tg
	publish_web_to_az1
}

# A client on the provider's VPC reaches the target without the load balancer.
add_direct_client() {
	local ip
	extra_host pc "${DIRECT_SOURCES[0]}/16" pvpc
	for ip in "${DIRECT_SOURCES[@]:1}"; do
		ip -n xl-pc addr add "$ip/16" dev eth0
	done
}

# opening_time HOST IP:PORT SOURCES: "SECONDS RESENT": seconds to open COUNT connections
# (held, then closed), and how many SYNs the clients had to send again.
opening_time() {
	local seconds resent
	storm_open "$COUNT" "$3" "$1" "$2"
	[[ $(storm_total established) == "$COUNT" ]] ||
		{ echo "storm_bench: only $(storm_total established) of $COUNT opened via $2" >&2 && return 1; }
	seconds=$(storm_seconds)
	resent=$(storm_total syn_retransmits)
	storm_close
	echo "$seconds $resent"
}

# map_info NAME FIELD: a field of a pinned map, NAME without its version (xdplink_flows).
map_info() {
	bpftool -j map show pinned "$TB_PIN_DIR/$1"_v* | jq ".$2"
}

e2e_up --target-workers 4 --agent-args "--port-reuse-delay 1 --close-grace-ms 200 --collect-interval-ms 200"
add_client_sources
add_direct_client
setup_single_target
wait_until 30 curl_answers c1 "http://$ENI_AZ1/" t1
wait_until 10 maps_empty

note "opening $COUNT connections straight to the target"
read -r direct direct_resent < <(opening_time pc "${TB_IP[t1]}:80" "$(IFS=,; echo "${DIRECT_SOURCES[*]}")")
note "opening $COUNT connections through xdplink"
read -r through through_resent < <(opening_time c1 "$ENI_AZ1:80" "$(sources 4)")
note "what the load balancer dropped or refused: $(drop_and_reset_reasons)"

# Kernel memory of the flow table, from the maps' own sizes: its slots and page bits, and
# the port index of every pool (an inner array per pool, found through the outer map).
flows_bytes=$(($(map_info xdplink_flows bytes_memlock) + $(map_info xdplink_flow_pages bytes_memlock)))
index_bytes=0
for id in $(bpftool -j map dump pinned "$TB_PIN_DIR"/xdplink_pool_flows_v* | jq -r '.[].formatted.value // .[].value | select(type == "number")'); do
	index_bytes=$((index_bytes + $(bpftool -j map show id "$id" | jq .bytes_memlock)))
done
capacity=$(tb_xdplink --json agent status | jq .Config.MaxFlows)
per_flow=$(((flows_bytes + index_bytes) / capacity))

printf '\n55,000 connections opened and held, %s\n' "$(uname -r)"
printf '  straight to the target   %6.2f s   %6.0f connections/s   %d SYNs sent again\n' \
	"$direct" "$(jq -n "$COUNT / $direct")" "$direct_resent"
printf '  through xdplink          %6.2f s   %6.0f connections/s   %d SYNs sent again\n' \
	"$through" "$(jq -n "$COUNT / $through")" "$through_resent"
printf '  ratio (xdplink / direct) %6.2f\n' "$(jq -n "$through / $direct")"
printf '  (a SYN lost on a veth is sent again after 1 s, then 3 s: the time is the last\n'
printf '   connection'"'"'s, so a few SYNs sent again add whole seconds)\n'
printf '\nmemory per tracked flow: %d bytes (flow table %d + port index %d bytes, %d flows, preallocated)\n' \
	"$per_flow" "$flows_bytes" "$index_bytes" "$capacity"
jq -n --argjson direct "$direct" --argjson through "$through" --argjson per_flow "$per_flow" \
	--argjson flows "$flows_bytes" --argjson index "$index_bytes" --argjson capacity "$capacity" \
	--argjson direct_resent "$direct_resent" --argjson through_resent "$through_resent" \
	'{connections: 55000, direct_seconds: $direct, xdplink_seconds: $through,
	  ratio: ($through / $direct), direct_syn_retransmits: $direct_resent,
	  xdplink_syn_retransmits: $through_resent, bytes_per_flow: $per_flow,
	  flow_table_bytes: $flows, port_index_bytes: $index, flow_capacity: $capacity}' >"$OUT"
echo "wrote $OUT"
