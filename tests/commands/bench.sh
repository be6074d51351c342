#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench.sh: the side-by-side benchmark of `make bench` still runs: one quick round
# over every path, each of which must carry its connections and its iperf3 stream, and the
# XDP paths their packets, without an error; and the control-plane benchmark measures every
# size of a small run. No speed is judged here: `make bench` prints the numbers. Usage: tests/commands/bench.sh   (needs root; like `make bench`, it runs
# the programs of the tree's build/)
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh" # check, finish

cd "$E2E_DIR/../.."
json=build/bench/compare.json
log=$(mktemp /tmp/xl-bench-smoke.XXXXXX)
trap 'rm -f "$log"' EXIT

# measured PATH: every figure of PATH is there and above 0, and nothing failed.
measured() {
	jq -e --arg p "$1" '.paths[] | select(.path == $p) |
		.skipped == null and .failed == 0 and all(.socket_errors[]; . == 0) and
		all(.non2xx[]; . == 0) and
		.connps.min > 0 and .gbps.min > 0 and (.mpps == null or .mpps.min > 0)' \
		"$json" >/dev/null
}

xdp_paths_measured_packets() {
	jq -e '[.paths[] | select(.path == "xdplink" or .path == "xdp-bare") | .mpps.min > 0]
		== [true, true]' "$json" >/dev/null
}

# One quick round; what it printed last is shown if it fails.
quick_round() {
	bench/compare/run --quick --rounds 1 --seconds 1 >"$log" 2>&1 ||
		{ tail -n 20 "$log" | sed 's/^/    /' >&2 && return 1; }
}

# The control plane with 1 and 200 endpoints: every size gets its numbers.
control_json=build/bench/control-quick.json
control_round() {
	COUNTS="1 200" IDLE_SECONDS=2 bench/control_bench.sh build "$control_json" >"$log" 2>&1 ||
		{ tail -n 20 "$log" | sed 's/^/    /' >&2 && return 1; }
}

control_measured() {
	jq -e '.sizes | length == 2 and all(.[]; .idle_cpu_ms_per_s >= 0 and
		.register_targets_ms > 0 and .stats_cli_ms > 0 and .get_stats_ms > 0)' \
		"$control_json" >/dev/null
}

# The DNS bench, one short round: both servers answered.
dns_json=build/bench/dns-quick.json
dns_round() {
	XDPLINK_BUILD=$PWD/build bench/dns_bench.sh "$dns_json" --quick >"$log" 2>&1 ||
		{ tail -n 20 "$log" | sed 's/^/    /' >&2 && return 1; }
}

dns_measured() {
	jq -e '.xdplink_median > 0 and .nsd_median > 0' "$dns_json" >/dev/null
}

rm -f "$json" "$control_json" "$dns_json"
check "bench/dns_bench.sh --quick" dns_round
check "the DNS bench measured the resolver and nsd" dns_measured
check "bench/control_bench.sh with 1 and 200 endpoints" control_round
check "the control bench measured both sizes" control_measured
check "bench/compare/run --quick --rounds 1 --seconds 1" quick_round
if ((e2e_failed == 0)); then
	for path in direct xdplink nftables haproxy nginx-stream xdp-bare; do
		check "$path: connections, a stream (and packets) measured, no error" measured "$path"
	done
	check "xdplink and xdp-bare: packets measured" xdp_paths_measured_packets
fi
finish
