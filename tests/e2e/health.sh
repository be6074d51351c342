#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/health.sh: health checks with AWS's semantics and real connections: unhealthy
# targets leave the tables, fail-open, connection termination, deregistration draining.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

readonly INTERVAL=5         # AWS's shortest health-check interval
readonly THRESHOLD=2        # healthy and unhealthy thresholds
readonly DELAY=6            # deregistration delay, seconds
readonly HELD=20
# A state change takes at most (threshold + 1) intervals.
readonly TRANSITION=$(((THRESHOLD + 1) * INTERVAL + 2))

# ---- targets ------------------------------------------------------------------------------

target_state() {
	tb_xdplink --json tg health web-tg | jq -r --arg id "${TB_IP[$1]}" \
		'[.TargetHealthDescriptions[] | select(.Target.Id == $id) | .TargetHealth.State][0] // "gone"'
}

state_is() {
	expect "state of $1" "$(target_state "$1")" "$2"
}

all_healthy() {
	local t
	for t in "$@"; do
		state_is "$t" healthy || return 1
	done
}

# fail_checks TARGET: TARGET drops the load balancer's health checks (they come from the
# node IPs' ports 56024-65535) and still serves the SNAT ports (1024-56023) of real flows.
fail_checks() {
	tb_exec "$1" nft -f - <<'EOF'
table inet xl_health {
	chain input {
		type filter hook input priority 0;
		tcp dport 80 tcp sport 56024-65535 drop
	}
}
EOF
}

pass_checks() {
	tb_exec "$1" nft delete table inet xl_health
}

nginx_dir() {
	echo "$TB_NGINX_DIR/$1"
}

stop_server() {
	tb_exec "$1" nginx -p "$(nginx_dir "$1")/" -c "$(nginx_dir "$1")/nginx.conf" -s stop 2>/dev/null
}

start_server() {
	tb_exec "$1" nginx -q -p "$(nginx_dir "$1")/" -e "$(nginx_dir "$1")/error.log" \
		-c "$(nginx_dir "$1")/nginx.conf" </dev/null 9<&-
}

# ---- held connections ---------------------------------------------------------------------

held_count_on() {
	printf '%s\n' "${HELD_BODIES[@]}" | grep -cx "$1" || true
}

# held_on_answer TARGET WANT: the held connections first answered by TARGET now got WANT
# ("same": their target again; "reset": an error); every other one got its target again.
held_on_answer() {
	local target=$1 want=$2 i wrong=0
	(($(held_count_on "$target") > 0)) || { echo "    no held connection on $target" >&2 && return 1; }
	for i in "${!HELD_BODIES[@]}"; do
		local first=${HELD_BODIES[i]} now=${HELD_ANSWERS[i]-none}
		if [[ $first == "$target" && $want == reset ]]; then
			[[ $now == ERROR:* ]] && continue
		elif [[ $now == "$first" ]]; then
			continue
		fi
		((wrong < 5)) && printf '    held %d (first %s): now %s\n' "$i" "$first" "$now" >&2
		wrong=$((wrong + 1))
	done
	expect "held connections answered as expected" "$wrong" 0
}

hold() {
	holder_stop
	holder_start c1 "$ENI_AZ1" 80 "$HELD" && held_all_opened "$HELD"
}

# ---- scenario -------------------------------------------------------------------------

setup() {
	xl_quiet "$PROVIDER" lb create web --az "use1-az1=$NODE_AZ1" --az "use1-az2=$NODE_AZ2"
	xl_quiet "$PROVIDER" tg create web-tg --port 80 --interval "$INTERVAL" --timeout 2 \
		--healthy-threshold "$THRESHOLD" --unhealthy-threshold "$THRESHOLD" \
		--deregistration-delay "$DELAY" --deregistration-termination on
	xl_quiet "$PROVIDER" tg register web-tg "${TB_IP[t1]}" "${TB_IP[t2]}" --az use1-az1
	xl_quiet "$PROVIDER" tg register web-tg "${TB_IP[t3]}" "${TB_IP[t4]}" --az use1-az2
	xl_quiet "$PROVIDER" listener add web --port 80 --tg web-tg
	publish_web_to_az1
}

# host_counts_are ZONE HEALTHY UNHEALTHY: web-tg's HealthyHostCount and UnHealthyHostCount
# in the zone, the same in `xdplink stats` (JSON and table) and in the Prometheus metrics.
host_counts_are() {
	local zone=$1 want="$2 $3" json row metrics
	json=$(stats_json | jq -r --arg z "$zone" '.HostCounts[]
		| select(.TargetGroupName == "web-tg" and .AvailabilityZone == $z)
		| "\(.HealthyHostCount) \(.UnHealthyHostCount)"')
	row=$(tb_xdplink stats | awk -v z="$zone" '$1 == "web-tg" && $2 == z && NF == 4 { print $3, $4 }')
	metrics="$(metric target_group_healthy_hosts target_group=web-tg "zone=$zone")"
	metrics+=" $(metric target_group_unhealthy_hosts target_group=web-tg "zone=$zone")"
	expect "stats --json, $zone" "$json" "$want" && expect "stats table, $zone" "$row" "$want" &&
		expect "metrics, $zone" "$metrics" "$want"
}

e2e_up --agent-args "--metrics $E2E_METRICS_PORT"
setup
check "every target turns healthy: tg health --wait healthy returns then" \
	xl_quiet "$PROVIDER" tg health web-tg --wait healthy --timeout $((2 * TRANSITION))
check "... and they are" all_healthy t1 t2 t3 t4
check "use1-az1 counts 2 healthy hosts (stats --json, its table, the metrics)" \
	host_counts_are use1-az1 2 0
check "use1-az2 counts 2 healthy hosts" host_counts_are use1-az2 2 0

note "a target's server stops"
hold
stop_server t1
check "t1 is unhealthy within (threshold + 1) x interval" wait_until "$TRANSITION" state_is t1 unhealthy
check "use1-az1 counts 1 healthy and 1 unhealthy host" host_counts_are use1-az1 1 1
check "... with AWS's reason" expect reason "$(tb_xdplink --json tg health web-tg | jq -r --arg id "${TB_IP[t1]}" \
	'.TargetHealthDescriptions[] | select(.Target.Id == $id) | .TargetHealth.Reason')" Target.FailedHealthChecks
report=$(storm c1 "$ENI_AZ1:80" 1000 /while-t1-is-down)
check "1,000 new connections all avoid it" answered_only_by "$report" t2
check "... and are all answered" all_answered "$report" 1000
holder_request /after-t1-stopped
check "connections to the healthy target carry on" held_on_answer t1 reset
start_server t1
check "t1 is healthy again after the threshold" wait_until "$TRANSITION" state_is t1 healthy
report=$(storm c1 "$ENI_AZ1:80" 1000 /t1-back)
check "traffic returns to it" expect answers "$(report_bodies "$report" | grep -o 't[12]=' | tr -d '\n')" "t1=t2="

note "unhealthy connection termination (on by default, as on AWS)"
hold
fail_checks t1
check "t1 fails its checks while serving" wait_until "$TRANSITION" state_is t1 unhealthy
holder_request /t1-unhealthy
check "its established flows are reset; the others' carry on" held_on_answer t1 reset
pass_checks t1
check "t1 recovers" wait_until "$TRANSITION" state_is t1 healthy

xl_quiet "$PROVIDER" tg set web-tg --unhealthy-termination off
hold
fail_checks t1
check "t1 fails its checks again" wait_until "$TRANSITION" state_is t1 unhealthy
holder_request /termination-off
check "with termination off, its flows keep going" held_on_answer t1 same

note "every target of the zone unhealthy: fail-open"
fail_checks t2
check "t2 fails its checks too" wait_until "$TRANSITION" state_is t2 unhealthy
report=$(storm c1 "$ENI_AZ1:80" 1000 /fail-open)
check "new connections go to every registered target of the zone" answered_only_by "$report" t1 t2
check "... both of them, all answered" all_answered "$report" 1000
pass_checks t1
pass_checks t2
check "both recover" wait_until "$TRANSITION" all_healthy t1 t2

note "deregistration: draining for $DELAY s, connection termination on"
hold
xl_quiet "$PROVIDER" tg deregister web-tg "${TB_IP[t1]}"
check "t1 is draining" state_is t1 draining
report=$(storm c1 "$ENI_AZ1:80" 500 /while-draining)
check "new connections never reach it" answered_only_by "$report" t2
holder_request /draining
check "its established flows keep working while it drains" held_on_answer t1 same
check "after the delay it is gone" wait_until $((DELAY + 5)) state_is t1 gone
holder_request /after-delay
check "... and its remaining flows are reset" held_on_answer t1 reset

note "deregistration with connection termination off"
xl_quiet "$PROVIDER" tg set web-tg --deregistration-termination off
check "t1 registered again with --wait in-service: back when healthy" \
	xl_quiet "$PROVIDER" tg register web-tg "${TB_IP[t1]}" --az use1-az1 --wait in-service \
	--timeout "$TRANSITION"
check "... and it is" state_is t1 healthy
hold
check "deregistered with --wait deregistered: back when it drained and left" \
	xl_quiet "$PROVIDER" tg deregister web-tg "${TB_IP[t1]}" --wait deregistered --timeout $((DELAY + 5))
check "... gone after the delay" state_is t1 gone
holder_request /termination-off-after-delay
check "its flows are left to finish" held_on_answer t1 same
holder_stop
check "once closed, every count is back to 0" wait_until 10 no_active_flows

finish
