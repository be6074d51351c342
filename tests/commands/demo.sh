#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# demo.sh: `make demo`, the README's first command, still walks the seed lab and shows what
# it says: runs testbed/demo (it brings its testbed up and down) and checks each step's
# outcome in what it printed. Usage: tests/commands/demo.sh BUILD   (needs root)
set -uo pipefail

export XDPLINK_BUILD
XDPLINK_BUILD=$(cd "${1:-build}" && pwd) # for testbed/demo too
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh" # check, finish

cd "$E2E_DIR/../.." || exit 1
out=$(mktemp /tmp/xl-demo.XXXXXX)
trap 'rm -f "$out"' EXIT

# section TITLE: the lines of the step whose title starts with TITLE, up to the next step.
section() {
	awk -v title="== $1" 'index($0, title) == 1 { on = 1; next } /^== / { on = 0 } on' "$out"
}

# answers TITLE: the targets that answered in that step, one per line.
answers() {
	section "$1" | sed -n 's/^ *answered by target: //p'
}

# answered_by TITLE COUNT TARGET_REGEX: COUNT answers in that step, each from a TARGET.
answered_by() {
	local got
	got=$(answers "$1")
	[[ $(grep -c . <<<"$got") -eq $2 ]] && ! grep -Evq "^($3)$" <<<"$got"
}

# lines_in TITLE REGEX COUNT: COUNT lines of that step match REGEX.
lines_in() {
	[[ $(section "$1" | grep -Ec -- "$2") -eq $3 ]]
}

# Every target saw only the node IP of its own zone, never a client's address.
targets_saw_node_ips() {
	local lines
	lines=$(section "The targets see" | grep 'saw:')
	[[ $(grep -c . <<<"$lines") -eq 4 ]] &&
		! grep -E '^ *t[12] ' <<<"$lines" | grep -Ev 'saw: ([0-9]+ requests? from 10\.0\.1\.10|no request)$' | grep -q . &&
		! grep -E '^ *t[34] ' <<<"$lines" | grep -Ev 'saw: ([0-9]+ requests? from 10\.0\.2\.10|no request)$' | grep -q .
}

status=0
testbed/demo >"$out" 2>&1 || status=$?
sed -i 's/\x1b\[[0-9;]*m//g; s/\x1b(B//g' "$out" # the demo's bold titles

check "the demo ends well (exit status $status)" test "$status" -eq 0
check "the endpoint is created pendingAcceptance" \
	grep -Eq '^created endpoint vpce-[0-9a-f]{17} \(pendingAcceptance\)$' "$out"
check "while it waits for acceptance, nothing answers" \
	lines_in "The endpoint waits" '^ *no answer: ' 1
check "accepted: use1-az1's name resolves to its ENI" lines_in "A consumer host in use1-az1" '^ *10\.1\.1\.50$' 1
check "... which is answered 4 times by use1-az1 targets" \
	answered_by "A consumer host in use1-az1" 4 't1|t2'
check "use1-az2's name is answered twice by use1-az2 targets" \
	answered_by "A consumer host in use1-az2" 2 't3|t4'
check "the Regional name resolves to ENIs of the endpoint" \
	lines_in "By the endpoint's Regional name" '^ *(10\.1\.1\.50|10\.1\.2\.50|10\.1\.1\.50 10\.1\.2\.50)$' 1
check "... and is answered twice" answered_by "By the endpoint's Regional name" 2 't1|t2|t3|t4'
check "on-premises resolves use1-az1's name" lines_in "An on-premises host" '^ *10\.1\.1\.50$' 1
check "... and reaches its ENI over the router" answered_by "An on-premises host" 1 't1|t2'
check "the targets saw their zone's node IP, never a client" targets_saw_node_ips
check "with cross-zone on, all 6 requests are answered" \
	answered_by "Turning cross-zone load balancing on" 6 't1|t2|t3|t4'
check "before verification the private DNS name reaches nothing" \
	lines_in "The provider gives the service a private DNS name" '^ *no answer: ' 1
check "the TXT record found: verified" lines_in "The provider publishes" '^ *private DNS name: verified$' 1
check "with private DNS on, myservice.example.com resolves to the ENIs and is answered twice" \
	answered_by "The consumer turns private DNS on" 2 't1|t2|t3|t4'
check "an account that is not allowed is refused with InvalidServiceName" \
	grep -q "^InvalidServiceName: The Vpc Endpoint Service '.*' does not exist$" "$out"
check "all 4 targets are healthy" \
	lines_in "Health of the targets" '^10\.0\.[12]\.2[12] +80 +use1-az[12] +healthy ' 4
check "the counters show 17 new flows, one per answered request" \
	grep -Eq '^Total: [0-9]+ active flows, 17 new, ' "$out"
# proxy_answers: each consumer's request answered with a header that told its own address,
# its ENI and listener, and the demo's endpoint.
proxy_answers() {
	local got endpoint
	endpoint=$(grep -Eo '^created endpoint vpce-[0-9a-f]{17}' "$out" | cut -d ' ' -f 3)
	got=$(answers "Proxy protocol v2")
	[[ $(grep -c . <<<"$got") -eq 3 ]] &&
		grep -Eq "^t[1-4] 10\.1\.1\.11 [0-9]+ 10\.1\.1\.50 9000 $endpoint\$" <<<"$got" &&
		grep -Eq "^t[1-4] 10\.1\.2\.11 [0-9]+ 10\.1\.2\.50 9000 $endpoint\$" <<<"$got" &&
		grep -Eq "^t[1-4] 192\.168\.10\.11 [0-9]+ 10\.1\.1\.50 9000 $endpoint\$" <<<"$got"
}

# The testbed's own namespaces: another run's xl- namespace (a CLI test's) is not the demo's.
testbed_down() {
	local ns left=()
	for ns in "${TB_SWITCHES[@]}" "${TB_HOSTS[@]}"; do
		[[ -e /run/netns/xl-$ns ]] && left+=("xl-$ns")
	done
	expect "namespaces left" "${left[*]}" ""
}

check "proxy protocol v2: each target read the consumer's address and port, the ENI, the listener and the endpoint from the header" \
	proxy_answers
check "the testbed is down again" testbed_down

if ((e2e_failed)); then
	sed 's/^/    demo: /' "$out"
fi
finish
