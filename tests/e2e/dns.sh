#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/dns.sh: the consumer VPCs' resolvers with real tools (dig, getent, curl) through
# /etc/resolv.conf: the Regional name follows zone health and fails open, zonal names, TTL 60,
# NXDOMAIN across VPCs, forwarding and TCP fallback, private DNS names proved by a TXT record
# in the testbed's internet DNS (nsd), names that go with their endpoint, on-premises clients
# over the router, and hostile messages that harm nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

readonly INTERVAL=5 THRESHOLD=2
readonly TRANSITION=$(((THRESHOLD + 1) * INTERVAL + 2))
readonly ENI2=10.2.1.50 # CONSUMER2's endpoint, in the other VPC
readonly RESOLVER=${TB_VPC_RESOLVER[c1]}
readonly PROBE=$E2E_DIR/dns_probe.py

# ---- asking ---------------------------------------------------------------------------

# addresses HOST NAME [DIG OPTIONS...]: the A records HOST's resolver gives, sorted, on one line.
addresses() {
	local host=$1 name=$2
	shift 2
	tb_exec "$host" dig +short +time=1 +tries=2 "$@" "$name" A | grep -E '^[0-9.]+$' | sort | xargs
}

# status HOST NAME [DIG OPTIONS...]: the rcode of HOST's resolver's answer (NOERROR, NXDOMAIN...).
status() {
	local host=$1 name=$2
	shift 2
	tb_exec "$host" dig +time=1 +tries=2 "$@" "$name" A | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}

resolves_to() {
	expect "$2 from xl-$1" "$(addresses "$1" "$2")" "$3"
}

status_is() {
	expect "status of $2 from xl-$1" "$(status "$1" "$2")" "$3"
}

# getent_is HOST NAME ADDRESS_REGEX: the C library's resolver (resolv.conf) finds it.
getent_is() {
	local got
	got=$(tb_exec "$1" getent hosts "$2" | awk '{print $1}' | head -n 1)
	[[ $got =~ ^($3)$ ]] && return 0
	printf '    getent hosts %s from xl-%s: "%s", want %s\n' "$2" "$1" "$got" "$3" >&2
	return 1
}

getent_fails() {
	if tb_exec "$1" getent hosts "$2" >/dev/null; then
		printf '    getent hosts %s from xl-%s found it\n' "$2" "$1" >&2
		return 1
	fi
}

ttl_is() {
	expect "TTL of $2" "$(tb_exec "$1" dig +noall +answer +time=1 "$2" A | awk '{print $2}' | sort -u)" "$3"
}

# truncated_without_records HOST NAME: over UDP without EDNS, TC set and no answer.
truncated_without_records() {
	local header
	header=$(tb_exec "$1" dig +noedns +ignore +time=1 "$2" A | grep '^;; flags:')
	[[ $header =~ flags:[a-z\ ]*\ tc[\ \;] && $header == *"ANSWER: 0,"* ]] && return 0
	printf '    %s from xl-%s: %s\n' "$2" "$1" "$header" >&2
	return 1
}

agent_answers() {
	tb_xdplink agent status >/dev/null
}

probe_is() {
	expect "$2 to $1's resolver" "$(tb_exec "$1" python3 "$PROBE" "${TB_VPC_RESOLVER[$1]}" "$2")" "$3"
}

# ---- the provider's targets ------------------------------------------------------------

# fail_checks TARGET...: they drop the health checks (from the node IPs' high ports).
fail_checks() {
	local t
	for t in "$@"; do
		tb_exec "$t" nft -f - <<'EOF'
table inet xl_dns_health {
	chain input {
		type filter hook input priority 0;
		tcp dport 80 tcp sport 56024-65535 drop
	}
}
EOF
	done
}

pass_checks() {
	local t
	for t in "$@"; do
		tb_exec "$t" nft delete table inet xl_dns_health
	done
}

target_state() {
	tb_xdplink --json tg health web-tg | jq -r --arg id "${TB_IP[$1]}" \
		'.TargetHealthDescriptions[] | select(.Target.Id == $id) | .TargetHealth.State'
}

all_are() {
	local state=$1 t
	shift
	for t in "$@"; do
		expect "state of $t" "$(target_state "$t")" "$state" || return 1
	done
}

private_dns_state() {
	xl_as "$PROVIDER" --json service show "$E2E_SVC" |
		jq -r '.ServiceConfigurations[0].PrivateDnsNameConfiguration.State'
}

private_dns_is() {
	expect "private DNS state" "$(private_dns_state)" "$1"
}

# ---- the lab ---------------------------------------------------------------------------

e2e_up --agent-args "--dns-verify-interval 2"
for host in c1 c2 d1 onprem; do
	tb_use_resolver "$host"
done
# Every target fails its checks until the test lets it pass: no zone is healthy before.
fail_checks t1 t2 t3 t4
xl_quiet "$PROVIDER" lb create web --az "use1-az1=$NODE_AZ1" --az "use1-az2=$NODE_AZ2"
xl_quiet "$PROVIDER" tg create web-tg --port 80 --interval "$INTERVAL" --timeout 2 \
	--healthy-threshold "$THRESHOLD" --unhealthy-threshold "$THRESHOLD"
xl_quiet "$PROVIDER" tg register web-tg "${TB_IP[t1]}" "${TB_IP[t2]}" --az use1-az1
xl_quiet "$PROVIDER" tg register web-tg "${TB_IP[t3]}" "${TB_IP[t4]}" --az use1-az2
xl_quiet "$PROVIDER" listener add web --port 80 --tg web-tg
E2E_SVC=$(xl_as "$PROVIDER" --json service create --lb web --acceptance-required |
	jq -er .ServiceConfiguration.ServiceId)
E2E_SVC_NAME=com.amazonaws.vpce.us-east-1.$E2E_SVC
xl_quiet "$PROVIDER" service allow "$E2E_SVC" "$CONSUMER" "$CONSUMER2"
E2E_EP=$(create_endpoint "$CONSUMER" "$E2E_SVC_NAME" "use1-az1=$ENI_AZ1" "use1-az2=$ENI_AZ2")
EP2=$(create_endpoint "$CONSUMER2" "$E2E_SVC_NAME" "use1-az1=$ENI2")
mapfile -t NAMES < <(xl_as "$CONSUMER" --json endpoint show "$E2E_EP" |
	jq -r '.VpcEndpoints[0].DnsEntries[].DnsName')
REGIONAL=${NAMES[0]} ZONAL1=${NAMES[1]} ZONAL2=${NAMES[2]}
REGIONAL2=$(xl_as "$CONSUMER2" --json endpoint show "$EP2" | jq -r '.VpcEndpoints[0].DnsEntries[0].DnsName')

note "names wait for acceptance"
check "a pendingAcceptance endpoint's name is NXDOMAIN" status_is c1 "$REGIONAL" NXDOMAIN
xl_quiet "$PROVIDER" endpoint accept "$E2E_SVC" "$E2E_EP" "$EP2"

note "the Regional and zonal names, as endpoint create printed them"
check "c1 resolves the Regional name at its VPC's base + 2 (no zone healthy yet: every ENI)" \
	wait_until 3 resolves_to c1 "$REGIONAL" "$ENI_AZ1 $ENI_AZ2"
check "... over TCP too" resolves_to c1 "$REGIONAL" "$ENI_AZ1 $ENI_AZ2" +tcp
check "... with TTL 60" ttl_is c1 "$REGIONAL" 60
check "the zonal names have their zone's ENI" resolves_to c1 "$ZONAL1" "$ENI_AZ1"
check "... the other zone's" resolves_to c2 "$ZONAL2" "$ENI_AZ2"
check "names are case-insensitive" resolves_to c1 "${ZONAL1^^}" "$ENI_AZ1"
check "getent (the C library through resolv.conf) finds the Regional name" \
	getent_is c1 "$REGIONAL" "$ENI_AZ1|$ENI_AZ2"
check "curl http://REGIONAL/ from c1 is answered by a target" curl_answers c1 "http://$REGIONAL/"

note "the Regional name follows health"
pass_checks t1 t2
check "use1-az1's targets turn healthy (use1-az2's fail their checks)" \
	wait_until $((2 * TRANSITION)) all_are healthy t1 t2
check "the Regional name has only the healthy zone's ENI" wait_until 3 resolves_to c1 "$REGIONAL" "$ENI_AZ1"
check "the unhealthy zone's zonal name still answers" resolves_to c1 "$ZONAL2" "$ENI_AZ2"
fail_checks t1 t2
check "use1-az1's targets turn unhealthy too" wait_until $((2 * TRANSITION)) all_are unhealthy t1 t2
check "no zone healthy: every ENI again (AWS fails open)" \
	wait_until 3 resolves_to c1 "$REGIONAL" "$ENI_AZ1 $ENI_AZ2"
pass_checks t3 t4
check "use1-az2's targets turn healthy" wait_until $((2 * TRANSITION)) all_are healthy t3 t4
check "the Regional name has use1-az2's ENI alone" wait_until 3 resolves_to c1 "$REGIONAL" "$ENI_AZ2"
pass_checks t1 t2

note "one VPC's names do not exist in another"
check "d1 resolves its own endpoint's name" resolves_to d1 "$REGIONAL2" "$ENI2"
check "d1 gets NXDOMAIN for c1's endpoint" status_is d1 "$REGIONAL" NXDOMAIN
check "... and for its zonal name" status_is d1 "$ZONAL1" NXDOMAIN
check "c1 gets NXDOMAIN for d1's endpoint" status_is c1 "$REGIONAL2" NXDOMAIN
check "getent finds nothing across VPCs" getent_fails d1 "$REGIONAL"
tb_exec d1 ip route add "$RESOLVER/32" dev eth0
check "d1 routing to c1's VPC resolver gets no answer (it serves its own interface only)" \
	expect "answer" "$(status d1 "$REGIONAL" "@$RESOLVER")" ""
tb_exec d1 ip route del "$RESOLVER/32" dev eth0
# The provider's side: a target sends its query to the node's provider interface, where the
# kernel would deliver anything for a local address; the resolver listens on cons0 alone.
tb_exec t1 ip route add "$RESOLVER/32" via "$TB_LB_PROV_IP"
check "a provider's target routing to c1's VPC resolver through the node gets no answer" \
	expect "answer" "$(status t1 www.example.com "@$RESOLVER")" ""
tb_exec t1 ip route del "$RESOLVER/32" via "$TB_LB_PROV_IP"
# A third VPC on c1's interface (VPCs of one interface share its network): its host reaches
# 10.1.0.2 on the same wire, and still gets nothing from it.
xl_quiet "$CONSUMER2" vpc create --interface cons0 --cidr 10.3.0.0/16
extra_host x1 10.3.1.11/16 cvpc
tb_use_resolver x1 10.3.0.2
check "a host of another VPC on the same interface has its own resolver, without c1's names" \
	wait_until 3 status_is x1 "$REGIONAL" NXDOMAIN
tb_exec x1 ip route add "$RESOLVER/32" dev eth0
check "... and asking c1's VPC resolver on the same wire, it gets no answer" \
	expect "answer" "$(status x1 "$REGIONAL" "@$RESOLVER")" ""

note "other names go to the upstream (the testbed's internet DNS)"
check "c1 resolves www.example.com through its resolver" resolves_to c1 www.example.com 192.0.2.80
check "... with getent" getent_is c1 www.example.com 192.0.2.80
check "a missing public name is NXDOMAIN from the upstream" status_is c1 nothing.example.com NXDOMAIN
check "a large answer over UDP without EDNS is truncated (TC, no records)" \
	truncated_without_records c1 big.example.com
check "... and dig's fallback to TCP gets all 40 records" \
	expect "records" "$(addresses c1 big.example.com +noedns | wc -w)" 40
check "... as does EDNS with room for them" expect "records" "$(addresses c1 big.example.com +bufsize=4096 +notcp)" \
	"$(addresses c1 big.example.com +tcp)"

note "a private DNS name, proved by a TXT record in public DNS"
xl_quiet "$PROVIDER" service set "$E2E_SVC" --private-dns myservice.example.com
read -r TXT_LABEL TXT_VALUE < <(xl_as "$PROVIDER" --json service show "$E2E_SVC" |
	jq -r '.ServiceConfigurations[0].PrivateDnsNameConfiguration | "\(.Name) \(.Value)"')
check "the name waits for verification" private_dns_is pendingVerification
check "the consumer cannot turn private DNS on yet: InvalidParameter" refused_with InvalidParameter \
	xl_as "$CONSUMER" endpoint modify "$E2E_EP" --private-dns on
check "the provider asks for verification" xl_quiet "$PROVIDER" service verify "$E2E_SVC"
check "... the TXT record is not there: failed" wait_until 5 private_dns_is failed
check "before verification the name is not the endpoint's" getent_fails c1 myservice.example.com
tb_dns_publish "$TXT_LABEL.myservice.example.com" TXT "\"$TXT_VALUE\""
check "once published, the agent finds it on its own (no verify): verified" wait_until 10 private_dns_is verified
check "audit: the failed look-up, by the agent itself" grep -Eq \
	"audit action=VerifyPrivateDnsName principal=xdplinkd ids=$E2E_SVC,myservice.example.com result=failed message=\"TXT record $TXT_LABEL.myservice.example.com not found: failed\"" \
	"$TB_AGENT_LOG"
check "... and the one that verified it" grep -Eq \
	"audit action=VerifyPrivateDnsName principal=xdplinkd ids=$E2E_SVC,myservice.example.com result=ok message=\"TXT record $TXT_LABEL.myservice.example.com found: verified\"" \
	"$TB_AGENT_LOG"
check "private DNS on for the consumer's endpoint" xl_quiet "$CONSUMER" endpoint modify "$E2E_EP" --private-dns on
check "c1 resolves myservice.example.com to the endpoint (getent)" \
	wait_until 3 getent_is c1 myservice.example.com "$ENI_AZ1|$ENI_AZ2"
check "... as a CNAME of the Regional name" expect "CNAME" \
	"$(tb_exec c1 dig +short +time=1 myservice.example.com CNAME)" "$REGIONAL."
check "curl http://myservice.example.com/ from c1 is answered by a target" \
	curl_answers c1 http://myservice.example.com/
check "d1's VPC did not enable it: the public answer (no address)" \
	expect "addresses" "$(addresses d1 myservice.example.com)" ""
xl_quiet "$PROVIDER" service set "$E2E_SVC" --private-dns api.example.com
check "a new name starts over: pendingVerification" private_dns_is pendingVerification
check "... and the old one stops resolving" wait_until 3 getent_fails c1 myservice.example.com

note "on-premises, through the router (seed 004)"
check "use1-az1's targets are healthy again" wait_until $((2 * TRANSITION)) all_are healthy t1 t2
check "onprem resolves the Regional name through the VPC's resolver (both zones healthy)" \
	wait_until 3 resolves_to onprem "$REGIONAL" "$ENI_AZ1 $ENI_AZ2"
check "... with getent" getent_is onprem "$ZONAL1" "$ENI_AZ1"
check "curl http://ZONAL/ from onprem is answered by a target" curl_answers onprem "http://$ZONAL1/"

note "hostile messages: FORMERR or nothing, and the resolver serves on"
check "fewer than 12 bytes: nothing" probe_is c1 short none
check "a compression loop: FORMERR" probe_is c1 loop FORMERR
check "a label past the end: FORMERR" probe_is c1 cut FORMERR
check "two questions: FORMERR" probe_is c1 two FORMERR
check "a question and 60,000 bytes of pointers: the question is answered" probe_is c1 oversize NOERROR
check "65,535 bytes of garbage over TCP: FORMERR" probe_is c1 tcp-huge FORMERR
check "a query one byte at a time over TCP is answered" probe_is c1 tcp-split NOERROR
check "the resolver still answers" resolves_to c1 "$ZONAL1" "$ENI_AZ1"
check "the agent still serves its API" agent_answers

note "names go with their endpoint"
xl_quiet "$PROVIDER" endpoint reject "$E2E_SVC" "$E2E_EP"
check "a rejected endpoint's Regional name is NXDOMAIN" wait_until 3 status_is c1 "$REGIONAL" NXDOMAIN
check "... and its zonal names" status_is c1 "$ZONAL1" NXDOMAIN
xl_quiet "$CONSUMER2" endpoint delete "$EP2"
check "a deleted endpoint's name is NXDOMAIN" wait_until 3 status_is d1 "$REGIONAL2" NXDOMAIN

finish
