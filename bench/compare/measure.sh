# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Measurements of bench/compare/run: connections/s (wrk), throughput (iperf3) and packets/s
# (pktgen); each appends one JSON sample to $WORK/samples.jsonl and prints a progress line.

# add_sample JSON: also notes the 1-minute load average, to show what else ran meanwhile.
add_sample() {
	jq -c --argjson load "$(cut -d' ' -f1 /proc/loadavg)" '. + {load1: $load}' <<<"$1" \
		>>"$WORK/samples.jsonl"
}

# measure_connps PATH ROUND HOST
measure_connps() {
	local path=$1 round=$2 host=$3 logf out rps errors non2xx
	logf=$WORK/log/wrk-$path-r$round.log
	# wrk's first connect has no timeout of its own: a broken path would block for minutes.
	in_ns "$NS_CLIENT" timeout $((BENCH_SECONDS + 10)) wrk -t1 -c32 -d"${BENCH_SECONDS}s" \
		--timeout 2s -H 'Connection: close' "http://$host/index.html" >"$logf" 2>&1 || true
	out=$(<"$logf")
	rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
	# "Socket errors: connect 0, read 0, write 0, timeout 0" only appears when one is non-zero.
	errors=$(awk -F'[ ,]+' '/Socket errors:/ { print $5 + $7 + $9 + $11 }' <<<"$out")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
	if [[ -z $rps ]]; then
		log "round $round/$ROUNDS: $path conn/s FAILED (see $logf)"
		add_sample "$(jq -nc --arg p "$path" --argjson r "$round" \
			'{path: $p, round: $r, metric: "connps", value: null, failed: true}')"
		return 0
	fi
	log "round $round/$ROUNDS: $path conn/s $(printf '%.0f' "$rps")" \
		"(socket errors ${errors:-0}, non-2xx ${non2xx:-0})"
	add_sample "$(jq -nc --arg p "$path" --argjson r "$round" --argjson v "$rps" \
		--argjson e "${errors:-0}" --argjson n "${non2xx:-0}" \
		'{path: $p, round: $r, metric: "connps", value: $v, socket_errors: $e, non2xx: $n}')"
}

# measure_gbps PATH ROUND HOST
measure_gbps() {
	local path=$1 round=$2 host=$3 logf gbps retr
	logf=$WORK/log/iperf3-$path-r$round.json
	in_ns "$NS_CLIENT" timeout $((BENCH_SECONDS + 10)) iperf3 -c "$host" -t "$BENCH_SECONDS" \
		--connect-timeout 3000 -J >"$logf" 2>&1 || true
	gbps=$(jq -r '.end.sum_received.bits_per_second // empty | . / 1e9' "$logf" 2>/dev/null || true)
	retr=$(jq -r '.end.sum_sent.retransmits // 0' "$logf" 2>/dev/null || echo 0)
	if [[ -z $gbps ]]; then
		log "round $round/$ROUNDS: $path Gbit/s FAILED (see $logf)"
		add_sample "$(jq -nc --arg p "$path" --argjson r "$round" \
			'{path: $p, round: $r, metric: "gbps", value: null, failed: true}')"
		# A failed client can leave the server waiting for the test it started.
		stop_bg backend-iperf3
		start_bg backend-iperf3 "$NS_SERVER" iperf3 -s
		wait_listen "$NS_SERVER" 5201 backend-iperf3
		return 0
	fi
	log "round $round/$ROUNDS: $path Gbit/s $(printf '%.2f' "$gbps") (retransmits $retr)"
	add_sample "$(jq -nc --arg p "$path" --argjson r "$round" --argjson v "$gbps" \
		--argjson t "$retr" '{path: $p, round: $r, metric: "gbps", value: $v, retransmits: $t}')"
}

# ethtool -S counters of one veth as a JSON object.
veth_stats() {
	in_ns "$1" ethtool -S "$2" | awk -F': *' 'NR > 1 { gsub(/^ +/, "", $1); print $1 "\t" $2 }' |
		jq -Rnc '[inputs | split("\t") | {(.[0]): (.[1] | tonumber)}] | add'
}

# What the counters of c0 (transmit) and l0 (receive) did during the pps test.
veth_deltas() {
	jq -nc --argjson a "$1" --argjson b "$2" \
		'$b | with_entries(.value -= ($a[.key] // 0)) | with_entries(select(.value != 0))'
}

pps_defaults() {
	PPS_SKIP='' PPS_FRAME='' PPS_DEV=c0 PPS_SRC_IP=$IP_CLIENT PPS_DST_MAC=$MAC_L0
	PPS_DST_IP=$PATH_HOST PPS_SPORT=40000 PPS_DPORT=80
	PPS_EXPECT_DADDR='' PPS_EXPECT_TTL='' PPS_EXPECT_DPORT=''
}

pktgen_args() {
	local -n out=$1
	out=(--client-ns "$NS_CLIENT" --dev "$PPS_DEV" --server-ns "$NS_SERVER" --count-dev s0
		--seconds "$PPS_SECONDS" --threads "$PPS_THREADS")
	if [[ -n $PPS_FRAME ]]; then
		out+=(--frame "$PPS_FRAME")
	else
		out+=(--dst-mac "$PPS_DST_MAC" --src-ip "$PPS_SRC_IP" --dst-ip "$PPS_DST_IP"
			--sport "$PPS_SPORT" --dport "$PPS_DPORT")
	fi
	[[ -n $PPS_EXPECT_DADDR ]] && out+=(--expect-daddr "$PPS_EXPECT_DADDR")
	[[ -n $PPS_EXPECT_TTL ]] && out+=(--expect-ttl "$PPS_EXPECT_TTL")
	[[ -n $PPS_EXPECT_DPORT ]] && out+=(--expect-dport "$PPS_EXPECT_DPORT")
	return 0
}

# measure_pps PATH ROUND: only for paths with a path_<name>_pps_setup.
measure_pps() {
	local path=$1 round=$2 fn=path_${1//-/_}_pps logf c0_before l0_before out c0 l0 gen_args
	pps_defaults
	"${fn}_setup"
	if [[ -n $PPS_SKIP ]]; then
		log "round $round/$ROUNDS: $path Mpps skipped: $PPS_SKIP"
		return 0
	fi
	pktgen_args gen_args
	logf=$WORK/log/pktgen-$path-r$round.log
	c0_before=$(veth_stats "$NS_CLIENT" c0)
	l0_before=$(veth_stats "$NS_LB" l0)
	if ! out=$("$BIN/pktgen" "${gen_args[@]}" 2>"$logf"); then
		log "round $round/$ROUNDS: $path Mpps FAILED (see $logf)"
		add_sample "$(jq -nc --arg p "$path" --argjson r "$round" \
			'{path: $p, round: $r, metric: "mpps", value: null, failed: true}')"
		return 0
	fi
	c0=$(veth_deltas "$c0_before" "$(veth_stats "$NS_CLIENT" c0)")
	l0=$(veth_deltas "$l0_before" "$(veth_stats "$NS_LB" l0)")
	printf '%s\nc0 %s\nl0 %s\n' "$out" "$c0" "$l0" >>"$logf"
	add_sample "$(jq -c --arg p "$path" --argjson r "$round" --argjson c0 "$c0" \
		--argjson l0 "$l0" --arg a "${gen_args[*]}" \
		'{path: $p, round: $r, metric: "mpps", value: .mpps, pktgen: ., pktgen_args: $a,
		  c0_counters: $c0, l0_counters: $l0}' <<<"$out")"
	jq -r --arg p "$path" --arg r "$round/$ROUNDS" \
		'"round \($r): \($p) Mpps \(.mpps * 100 | round / 100) (sent \(.sent), received at s0 " +
		 "\(.received), as intended \(.received_as_intended) = \(.delivered * 1000 | round / 10)%; " +
		 "generator on CPU \(.generator_cpu_share * 100 | round)% of the time)"' \
		<<<"$out" >&2
	if declare -F "${fn}_teardown" >/dev/null; then
		"${fn}_teardown"
	fi
}
