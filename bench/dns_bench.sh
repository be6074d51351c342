#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/dns_bench.sh OUT.json [--quick]: queries per second answered by a consumer VPC's
# resolver (xdplinkd, at 10.1.0.2) against nsd answering the same records (a zone file of the
# endpoint's names, at 10.1.0.3 in the same namespace, one server process as the agent has
# one thread; its response rate limiting off, as a resolver has none), side by side in
# interleaved rounds, from dnsperf in a consumer host.
set -euo pipefail
source "$(dirname "$0")/../tests/e2e/lib.sh"

OUT=$1
SECONDS_PER_RUN=5
ROUNDS=3
[[ ${2-} == --quick ]] && SECONDS_PER_RUN=2 ROUNDS=1
readonly NSD_IP=10.1.0.3
readonly CLIENTS=4 OUTSTANDING=200
BENCH_DIR=$(mktemp -d /tmp/xl-dns-bench.XXXXXX)
readonly BENCH_DIR

# The endpoint's names as the records of a zone file (TTL 60, as the resolver answers).
write_zone() {
	local names=$1 zone=us-east-1.vpce.amazonaws.com
	{
		# shellcheck disable=SC2016 # $ORIGIN and $TTL are the zone file's own words
		printf '$ORIGIN %s.\n$TTL 60\n' "$zone"
		printf '@ IN SOA %s. hostmaster.%s. 1 7200 900 1209600 60\n' "$zone" "$zone"
		printf '@ IN NS ns.%s.\nns IN A %s\n' "$zone" "$NSD_IP"
		jq -r '.VpcEndpoints[0] | .DnsEntries[0].DnsName as $r
			| "\($r). IN A 10.1.1.50", "\($r). IN A 10.1.2.50",
			  "\(.DnsEntries[1].DnsName). IN A 10.1.1.50",
			  "\(.DnsEntries[2].DnsName). IN A 10.1.2.50"' <<<"$names"
	} >"$BENCH_DIR/vpce.zone"
}

start_nsd() {
	cat >"$BENCH_DIR/nsd.conf" <<EOF
server:
  ip-address: $NSD_IP
  port: 53
  username: ""
  chroot: ""
  zonesdir: "$BENCH_DIR"
  database: ""
  zonelistfile: "$BENCH_DIR/zone.list"
  xfrdfile: "$BENCH_DIR/xfrd.state"
  xfrdir: "$BENCH_DIR"
  pidfile: "$BENCH_DIR/nsd.pid"
  logfile: "$BENCH_DIR/nsd.log"
  server-count: 1
  hide-version: yes
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: us-east-1.vpce.amazonaws.com
  zonefile: "vpce.zone"
EOF
	tb_exec lb ip addr add "$NSD_IP/32" dev cons0
	tb_exec lb nsd -c "$BENCH_DIR/nsd.conf" </dev/null 9<&-
}

# The same queries for both: the Regional name and the two zonal names, in turn.
write_queries() {
	jq -r '.VpcEndpoints[0].DnsEntries[0:3][] | "\(.DnsName) A"' <<<"$1" >"$BENCH_DIR/queries"
}

# qps SERVER: dnsperf from c1 for SECONDS_PER_RUN; prints "QPS LOST".
qps() {
	local out
	out=$(tb_exec c1 dnsperf -s "$1" -d "$BENCH_DIR/queries" -l "$SECONDS_PER_RUN" \
		-c "$CLIENTS" -q "$OUTSTANDING" -t 2 2>&1) ||
		{ echo "dns_bench: dnsperf against $1 failed: $out" >&2 && return 1; }
	awk '/Queries per second:/ { q = $4 } /Queries lost:/ { l = $3 } END { print q, l }' <<<"$out"
}

answers() {
	[[ $(tb_exec c1 dig +short +time=1 "@$1" "$(head -n 1 "$BENCH_DIR/queries" | cut -d' ' -f1)") == 10.1.* ]]
}

nsd_gone() {
	! kill -0 "$1" 2>/dev/null
}

# nsd goes first (it writes its state files as it stops: the folder goes after it), then
# the testbed, with the script's exit status kept.
on_exit() {
	local rc=$? pid
	if [[ -s $BENCH_DIR/nsd.pid ]]; then
		pid=$(<"$BENCH_DIR/nsd.pid")
		kill "$pid" 2>/dev/null || true
		wait_until 10 nsd_gone "$pid" || true
	fi
	rm -rf "$BENCH_DIR" || true # the testbed must go down whatever happens here
	(exit "$rc")
	e2e_on_exit
}

e2e_up
trap on_exit EXIT
setup_service
names=$(xl_as "$CONSUMER" --json endpoint show "$E2E_EP")
write_zone "$names"
write_queries "$names"
start_nsd
wait_until 10 answers "${TB_VPC_RESOLVER[c1]}"
wait_until 10 answers "$NSD_IP"

declare -a ours=() theirs=()
for ((round = 1; round <= ROUNDS; round++)); do
	read -r q lost < <(qps "${TB_VPC_RESOLVER[c1]}")
	note "round $round: xdplink's resolver $q queries/s ($lost lost)"
	ours+=("$q")
	read -r q lost < <(qps "$NSD_IP")
	note "round $round: nsd $q queries/s ($lost lost)"
	theirs+=("$q")
done

python3 - "$OUT" "${ours[*]}" "${theirs[*]}" <<'EOF'
import json, statistics, sys
out, ours, theirs = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
result = {"xdplink_qps": ours, "nsd_qps": theirs,
          "xdplink_median": statistics.median(ours), "nsd_median": statistics.median(theirs)}
result["ratio"] = result["xdplink_median"] / result["nsd_median"]
json.dump(result, open(out, "w"), indent=1)
print("%-28s %12s" % ("server (same zone, same host)", "queries/s"))
print("%-28s %12.0f" % ("xdplink VPC resolver", result["xdplink_median"]))
print("%-28s %12.0f" % ("nsd 4.6 (1 server process)", result["nsd_median"]))
print("xdplink / nsd: %.2fx" % result["ratio"])
EOF
