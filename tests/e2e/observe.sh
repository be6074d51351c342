#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/observe.sh: what an operator sees of traffic. `xdplink flow list|show` finds the
# held connections by endpoint, target and client. The Prometheus endpoint: its exposition passes
# Prometheus's own `promtool check metrics`; the PrivateLink families count what was sent
# (connections per endpoint and service, open ones, endpoints per service), the saturation
# gauges say how full the flow table is, a target's health is one state; and a real
# Prometheus server scrapes it and answers a query with the same numbers.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

readonly MAX_FLOWS=131072
readonly HELD=10
readonly OPENED=200
readonly PROMETHEUS_PORT=9090 # on 127.0.0.1 in xl-lb
# In lib.sh's scratch folder, which goes once the background processes (Prometheus) ended.
STORM_DIR=$(mktemp -d /tmp/xl-storms.XXXXXX)
readonly PROM_DIR=$STORM_DIR/prometheus

exposition() {
	tb_exec lb curl -sf "http://127.0.0.1:$E2E_METRICS_PORT/metrics"
}

# promtool checks the format and Prometheus's naming conventions (counters end in _total,
# base units, no camelCase); it prints what it finds and fails on it.
promtool_passes() {
	local page findings
	page=$(exposition) || return 1
	findings=$(promtool check metrics <<<"$page" 2>&1) ||
		{ printf '    promtool:\n%s\n' "$(head -n 20 <<<"$findings")" >&2 && return 1; }
	[[ -z $findings ]] || { printf '    promtool:\n%s\n' "$(head -n 20 <<<"$findings")" >&2 && return 1; }
}

# Every family is named xdplink_ and snake_case, with a HELP naming it.
names_conventional() {
	local bad
	bad=$(exposition | awk '/^# TYPE/ && $3 !~ /^xdplink_[a-z0-9_]+$/ { print $3 }')
	expect "families not snake_case" "$bad" ""
}

cloudwatch_names_in_help() {
	local page name missing=()
	page=$(exposition) || return 1
	for name in ActiveConnections NewConnections BytesProcessed PacketsDropped \
		RstPacketsReceived EndpointsCount RstPacketsSent ActiveFlowCount NewFlowCount \
		ProcessedBytes TCP_ELB_Reset_Count PortAllocationErrorCount HealthyHostCount; do
		grep -q "^# HELP xdplink_.*(CloudWatch $name)" <<<"$page" || missing+=("$name")
	done
	expect "CloudWatch names without a family" "${missing[*]}" ""
}

# Every family the agent serves is in docs/METRICS.md and in xdplinkd(8)'s METRICS.
families_documented() {
	local family missing=()
	for family in $(exposition | awk '/^# TYPE/ { print $3 }'); do
		grep -qw -- "$family" "$E2E_DIR/../../docs/METRICS.md" || missing+=("$family (docs)")
		grep -qw -- "$family" "$XDPLINK_BUILD/man/xdplinkd.8" || missing+=("$family (man)")
	done
	expect "families not documented" "${missing[*]}" ""
}

# sample NAME LABEL=VALUE...: as lib.sh's metric, or the one unlabelled sample of NAME.
sample() {
	if (($# > 1)); then
		metric "$@"
	else
		exposition | awk -v n="xdplink_$1" '$1 == n { print $2 }'
	fi
}

endpoint_counts_are() {
	expect "active, new connections of $E2E_EP" \
		"$(sample endpoint_active_connections "endpoint=$E2E_EP") $(sample endpoint_new_connections_total "endpoint=$E2E_EP")" \
		"$1 $2"
}

service_counts_are() {
	expect "endpoints, active, new connections of $E2E_SVC" \
		"$(sample service_endpoints "service=$E2E_SVC") $(sample service_active_connections "service=$E2E_SVC") $(sample service_new_connections_total "service=$E2E_SVC")" \
		"$1 $2 $3"
}

bytes_agree() {
	local endpoint service stats
	endpoint=$(sample endpoint_processed_bytes_total "endpoint=$E2E_EP") || return 1
	service=$(sample service_processed_bytes_total "service=$E2E_SVC") || return 1
	stats=$(endpoint_count "$E2E_EP" ProcessedBytes) || return 1
	expect_within "endpoint bytes" "$endpoint" 1 999999999999 &&
		expect "endpoint, service, stats bytes" "$endpoint $service" "$stats $stats"
}

flow_table_gauges() {
	local tracked
	tracked=$(sample flow_table_flows)
	expect "capacity" "$(sample flow_table_capacity_flows)" "$MAX_FLOWS" &&
		expect "a target's connection limit, SNAT ports per pool" \
			"$(sample target_connection_limit_flows) $(sample snat_pool_ports)" "55000 55000" &&
		expect_within "flows in the table" "$tracked" "$HELD" "$((HELD + OPENED))" &&
		expect "active flows" "$(sample active_flows)" "$HELD" &&
		expect_within "held SNAT ports" "$(sample snat_ports_held)" 0 "$OPENED"
}

# A target is in exactly one health state.
one_health_state_each() {
	local t
	for t in t1 t2 t3 t4; do
		expect "health states of $t at 1" "$(exposition | grep -c "^xdplink_target_health{.*target=\"${TB_IP[$t]}:80\".*} 1$")" 1 ||
			return 1
	done
}

build_info() {
	expect "build_info" "$(exposition | grep -c '^xdplink_build_info{version="[0-9][^"]*"} 1$')" 1
}

# ---- flows -----------------------------------------------------------------------------

# The held connections, each as "CLIENT_PORT TARGET_NAME", sorted.
held_connections() {
	local i
	for i in "${!HELD_PORTS[@]}"; do
		printf '%s %s\n' "${HELD_PORTS[i]}" "${HELD_BODIES[i]}"
	done | sort
}

# flow list's established flows from c1 as "CLIENT_PORT TARGET_NAME", sorted.
listed_connections() {
	local json
	json=$(tb_xdplink --json flow list "$@") || return 1
	jq -r --arg c "${TB_IP[c1]}" '.Flows[] | select(.ClientAddress == $c and .State == "established")
		| "\(.ClientPort) \(.TargetAddress)"' <<<"$json" | while read -r port ip; do
		printf '%s %s\n' "$port" "$(target_named "$ip")"
	done | sort
}

held_flows_listed() {
	expect "held connections in flow list --endpoint" "$(listed_connections --endpoint "$E2E_EP")" \
		"$(held_connections)"
}

flows_of_target() {
	local ip=${TB_IP[$1]} others
	others=$(tb_xdplink --json flow list --target "$ip:80" |
		jq -r --arg ip "$ip" '[.Flows[] | select(.TargetAddress != $ip)] | length') || return 1
	expect "flows of other targets in flow list --target $ip:80" "$others" 0 &&
		expect "held connections to $1" "$(listed_connections --target "$ip")" \
			"$(held_connections | awk -v t="$1" '$2 == t')"
}

flow_of_client() {
	local port=${HELD_PORTS[0]} json
	json=$(tb_xdplink --json flow list --client "${TB_IP[c1]}:$port") || return 1
	expect "flows from c1:$port" "$(jq -c '[.FlowCount, .Flows[0].VpcEndpointId, .Flows[0].EniAddress,
		.Flows[0].EniPort, .Flows[0].ServiceId, .Flows[0].TargetGroupName, .Flows[0].SnatPort > 0]' <<<"$json")" \
		"[1,\"$E2E_EP\",\"$ENI_AZ1\",80,\"$E2E_SVC\",\"web-tg\",true]"
}

flow_show_reads() {
	local out
	out=$(tb_xdplink flow show "${TB_IP[c1]}:${HELD_PORTS[0]}") || return 1
	grep -qE "^Target: +${TB_IP[${HELD_BODIES[0]}]//./\\.}:80\$" <<<"$out" &&
		grep -qE "^State: +established\$" <<<"$out" ||
		{ printf '    flow show printed:\n%s\n' "$out" >&2 && return 1; }
}

flow_list_limited() {
	expect "[shown, matched, truncated]" "$(tb_xdplink --json flow list --endpoint "$E2E_EP" --max 3 |
		jq -c '[(.Flows | length), (.FlowCount >= '"$HELD"'), .Truncated]')" '[3,true,true]'
}

# ---- a real Prometheus ---------------------------------------------------------------

start_prometheus() {
	mkdir -p "$PROM_DIR"
	cat >"$PROM_DIR/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: xdplink
    static_configs:
      - targets: ["127.0.0.1:$E2E_METRICS_PORT"]
EOF
	in_background lb prometheus --config.file "$PROM_DIR/prometheus.yml" \
		--storage.tsdb.path "$PROM_DIR/data" --web.listen-address "127.0.0.1:$PROMETHEUS_PORT"
}

# query EXPR: the one value Prometheus answers for the instant query.
query() {
	tb_exec lb curl -sf --get "http://127.0.0.1:$PROMETHEUS_PORT/api/v1/query" \
		--data-urlencode "query=$1" | jq -er '.data.result | if length == 1 then .[0].value[1] else error("\(length) series") end'
}

prometheus_says() {
	expect "Prometheus: $1" "$(query "$1")" "$2"
}

e2e_up --agent-args "--metrics $E2E_METRICS_PORT --max-flows $MAX_FLOWS"
# Prometheus takes seconds to start: it does while the flows are checked, and the checks of
# what it scraped wait for a scrape made after the traffic.
start_prometheus
setup_service
note "$HELD held connections and $OPENED more through $E2E_EP"
holder_start c1 "$ENI_AZ1" 80 "$HELD"
check "$HELD held connections answered" held_all_opened "$HELD"
check "$OPENED connections answered" all_answered "$(storm c1 "$ENI_AZ1:80" "$OPENED" /metrics-test)" "$OPENED"

note "the flows, as the agent reads them from the flow table"
check "flow list --endpoint: every held connection, established, with its target" held_flows_listed
check "flow list --target: only that target's flows" flows_of_target t1
check "flow list --client IP:PORT: that one flow, its endpoint, ENI, service, group, SNAT port" \
	flow_of_client
check "flow show CLIENT_IP:PORT" flow_show_reads
check "flow list --max 3: 3 shown, the count of all, truncated" flow_list_limited
check "flow list --endpoint of no endpoint: InvalidVpcEndpointId.NotFound" \
	refused_with InvalidVpcEndpointId.NotFound tb_xdplink flow list --endpoint vpce-00000000000000000
check "flow list --target that is not an address: InvalidParameterValue" \
	refused_with InvalidParameterValue tb_xdplink flow list --target 10.0.1.300
check "flow show of a connection nobody has: exit 1" \
	expect "exit" "$(tb_xdplink flow show 10.9.9.9:1 >/dev/null 2>&1; echo $?)" 1

note "Prometheus's exposition"
check "promtool check metrics: no finding" promtool_passes
check "every family is xdplink_ and snake_case" names_conventional
check "each CloudWatch name is in a family's help" cloudwatch_names_in_help
check "every family is in docs/METRICS.md and xdplinkd(8)" families_documented
check "per endpoint: $HELD open (ActiveConnections), $((HELD + OPENED)) opened (NewConnections)" \
	wait_until 10 endpoint_counts_are "$HELD" "$((HELD + OPENED))"
check "per service: 1 endpoint (EndpointsCount), the same connections" \
	service_counts_are 1 "$HELD" "$((HELD + OPENED))"
check "bytes: the endpoint's = the service's = xdplink stats'" bytes_agree
check "saturation: table capacity = --max-flows, flows in it, active flows, held ports, limits" \
	wait_until 10 flow_table_gauges
check "each target is in one health state" one_health_state_each
check "xdplink_build_info carries the version" build_info

note "Prometheus scrapes the agent"
check "Prometheus reports the target up" wait_until 30 prometheus_says 'up{job="xdplink"}' 1
check "... and the endpoint's new connections" wait_until 5 prometheus_says \
	"xdplink_endpoint_new_connections_total{endpoint=\"$E2E_EP\"}" "$((HELD + OPENED))"
check "... and its open ones" wait_until 5 prometheus_says \
	"xdplink_endpoint_active_connections{endpoint=\"$E2E_EP\"}" "$HELD"
check "... and the flow-table alert of docs/METRICS.md, which does not fire" prometheus_says \
	"xdplink_flow_table_flows / xdplink_flow_table_capacity_flows > bool 0.8" 0
holder_stop
finish
