#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# xdplinkd's AWS endpoint against Debian's aws CLI and the CLI's own SigV4 signer: the
# access keys file, the seed lab's resources made with `aws elbv2` and `aws ec2`, the usual
# mistakes answered with AWS's errors, one account unable to see or touch another's,
# signatures that are wrong, stale or missing, malformed requests that change nothing, and
# HTTPS; tags, and connection notifications delivered to a webhook (python3's http.server)
# and to a command. The agent runs in a namespace of its own; no traffic flows
# (tests/e2e/aws.sh walks the lab with traffic).
set -Eeuo pipefail

build=$(realpath "${1:-build}")
here=$(cd "$(dirname "$0")" && pwd)
xl="$build/xdplink"
work=$(mktemp -d /tmp/xl-aws-test.XXXXXX)
: >"$work/out"
: >"$work/err"
sock="$work/agent.sock"
keys="$work/aws-keys"
pins="$work/bpf"
netns=xl-aws-$$
port=18777
endpoint=http://127.0.0.1:$port
hooks_port=18779
hooks=http://127.0.0.1:$hooks_port/hooks
agent_pid=""
receiver_pid=""
passed=0
failed=0
finished=false
early_end=""
declare -A account=([provider]=111111111111 [consumer]=222222222222 [stranger]=333333333333)
declare -A key_id secret

cleanup() {
	local status=$?
	if ! $finished; then
		fail "${early_end:-the script ended early (exit status $status)}"
		printf '%d passed, %d failed\n' "$passed" "$failed"
	fi
	stop_agent
	aws_runner_stop
	[ -z "$receiver_pid" ] || kill "$receiver_pid" 2>/dev/null || true
	if mountpoint -q "$pins"; then
		umount "$pins"
	fi
	ip netns delete "$netns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap ': "${early_end:=the script stopped at line $LINENO: $BASH_COMMAND}"' ERR

ok() {
	printf 'ok %s\n' "$1"
	passed=$((passed + 1))
}

fail() {
	printf 'FAIL %s\n' "$1"
	shift
	[ $# -gt 0 ] && printf '    %s\n' "$@"
	sed 's/^/    stdout: /' "$work/out" | head -n 8
	sed 's/^/    stderr: /' "$work/err" | head -n 5
	failed=$((failed + 1))
}

# ---- The agent ----------------------------------------------------------------------------

start_agent() {
	ip netns exec "$netns" "$build/xdplinkd" --socket "$sock" --state "$work/state.db" \
		--pin-dir "$pins/xdplink" --aws-listen "$port" --aws-credentials "$keys" \
		--notify-allow "$hooks/" --notify-allow "exec:record=$work/record" --notify-timeout 2 "$@" \
		>>"$work/agent.log" 2>&1 &
	agent_pid=$!
	for _ in $(seq 100); do
		"$xl" --socket "$sock" agent status >/dev/null 2>&1 && return 0
		kill -0 "$agent_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

stop_agent() {
	[ -n "$agent_pid" ] || return 0
	kill "$agent_pid" 2>/dev/null || true
	wait "$agent_pid" 2>/dev/null || true
	agent_pid=""
}

# ---- The aws CLI and the signer -------------------------------------------------------------

# shellcheck source=aws_runner.sh
source "$here/aws_runner.sh"

# in_runner KIND NAME=VALUE... -- ARGS...: the aws CLI (KIND aws) or aws_request.py (KIND
# request) in the agent's namespace; stdout in $work/out, stderr in $work/err, the exit
# status in $rc.
in_runner() {
	aws_runner_run "$1" "$work/out" "$work/err" "${@:2}" || {
		early_end="aws_runner.py stopped"
		exit 1
	}
	rc=$AWS_RUNNER_STATUS
}

# aws_as WHO ARGS...: the aws CLI with WHO's key.
aws_as() {
	local who=$1
	shift
	in_runner aws AWS_ACCESS_KEY_ID="${key_id[$who]-AKIANOBODY0000000000}" \
		AWS_SECRET_ACCESS_KEY="${secret[$who]-nosecret}" -- \
		--endpoint-url "${aws_url:-$endpoint}" --output json "$@"
}

# aws_process WHO ARGS...: the aws program itself, a process of its own as users run it,
# with what aws_as gives the runner; stdout in $work/process.out, stderr in
# $work/process.err, the exit status in $rc.
aws_process() {
	local who=$1
	shift
	local -x HOME=$work AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
		AWS_ACCESS_KEY_ID=${key_id[$who]-AKIANOBODY0000000000} \
		AWS_SECRET_ACCESS_KEY=${secret[$who]-nosecret} AWS_DEFAULT_REGION=us-east-1 AWS_PAGER='' \
		AWS_MAX_ATTEMPTS=1
	rc=0
	ip netns exec "$netns" env PATH=/usr/bin:/bin aws --endpoint-url "$endpoint" --output json \
		"$@" >"$work/process.out" 2>"$work/process.err" || rc=$?
}

# same_as_process NAME WHO ARGS...: the runner and the aws program answer alike: the same
# exit status, stdout and stderr.
same_as_process() {
	local name=$1 runner_rc
	shift
	aws_as "$@"
	runner_rc=$rc
	aws_process "$@"
	if [ "$rc" = "$runner_rc" ] && cmp -s "$work/out" "$work/process.out" &&
		cmp -s "$work/err" "$work/process.err"; then
		ok "$name"
	else
		fail "$name" "exit status $runner_rc in the runner, $rc as a process" \
			"$(diff "$work/out" "$work/process.out" | head -n 5)" \
			"$(diff "$work/err" "$work/process.err" | head -n 5)"
	fi
}

# acheck NAME CODE WHO ARGS...: the CLI succeeds (CODE "-") or is refused with AWS's CODE
# (exit status 254, "An error occurred (CODE)").
acheck() {
	local name=$1 code=$2
	shift 2
	aws_as "$@"
	if [ "$code" = - ] && [ "$rc" -eq 0 ]; then
		ok "$name"
	elif [ "$code" != - ] && [ "$rc" -eq 254 ] && grep -q "An error occurred ($code)" "$work/err"; then
		ok "$name"
	else
		fail "$name" "exit status $rc, expected $([ "$code" = - ] && echo 0 || echo "254 and $code")"
	fi
}

# jcheck NAME EXPR: a Python expression over r, the JSON the last command printed.
jcheck() {
	if python3 -c 'import json, re, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$work/out" "$2" 2>"$work/pyerr"; then
		ok "$1"
	else
		fail "$1" "not true of the JSON: $2" "$(cat "$work/pyerr")"
	fi
}

jget() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$work/out" "$1"
}

# signed SERVICE BODY [aws_request.py OPTIONS...]: one request signed by the CLI's botocore
# with the provider's key; the status in $status, the body in $work/out.
signed() {
	local service=$1 body=$2
	shift 2
	in_runner request -- "$endpoint/" "$service" "$body" --key "${key_id[provider]}" \
		--secret "${secret[provider]}" "$@"
	status=$(head -n 1 "$work/out")
}

# rcheck NAME STATUS CODE SERVICE BODY [OPTIONS...]: a signed request answered with HTTP
# STATUS and AWS's error CODE in the service's XML (or CODE "-": no error).
rcheck() {
	local name=$1 want=$2 code=$3
	shift 3
	signed "$@"
	if [ "$status" != "$want" ]; then
		fail "$name" "HTTP $status, expected $want"
	elif [ "$code" != - ] && ! grep -q "<Code>$code</Code>" "$work/out"; then
		fail "$name" "no <Code>$code</Code>"
	else
		ok "$name"
	fi
}

# state: what every account has, through the socket API, as one line of JSON per listing.
state() {
	local who
	for who in provider consumer stranger; do
		XDPLINK_PRINCIPAL="arn:aws:iam::${account[$who]}:root" "$xl" --socket "$sock" --json lb list
		XDPLINK_PRINCIPAL="arn:aws:iam::${account[$who]}:root" "$xl" --socket "$sock" --json tg list
		XDPLINK_PRINCIPAL="arn:aws:iam::${account[$who]}:root" "$xl" --socket "$sock" --json service list
		XDPLINK_PRINCIPAL="arn:aws:iam::${account[$who]}:root" "$xl" --socket "$sock" --json endpoint list
	done
}

# unchanged NAME STATUS CODE SERVICE BODY [OPTIONS...]: rcheck, and nothing changed.
unchanged() {
	local name=$1 before after
	before=$(state)
	rcheck "$@"
	after=$(state)
	if [ "$before" != "$after" ]; then
		fail "$name: and nothing changed" "the state differs"
	else
		ok "$name: and nothing changed"
	fi
}

# ---- Start ---------------------------------------------------------------------------------

mkdir -p "$pins"
mount -t bpf bpf "$pins"
ip netns add "$netns"
ip -n "$netns" link set lo up
ip -n "$netns" link add xla0 type veth peer name xla1 # the consumers' interface
ip -n "$netns" link set xla0 up
ip -n "$netns" link set xla1 up
aws_runner_start "$netns" HOME="$work" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
	AWS_DEFAULT_REGION=us-east-1 AWS_PAGER='' AWS_MAX_ATTEMPTS=1

# The access keys file: made by `xdplink account add`, root's alone.
for who in provider consumer stranger; do
	"$xl" --json account add "${account[$who]}" --credentials "$keys" >"$work/out" 2>"$work/err"
	key_id[$who]=$(jget 'r["AccessKey"]["AccessKeyId"]')
	secret[$who]=$(jget 'r["AccessKey"]["SecretAccessKey"]')
done
if [ "$(stat -c %a "$keys")" = 600 ] && [ "$("$xl" account list --credentials "$keys" | grep -c '^AKIA')" -eq 3 ]; then
	ok "xdplink account add: three keys in a file of mode 600"
else
	fail "xdplink account add: three keys in a file of mode 600" "$(stat -c %a "$keys")"
fi
# The connection notifications' receivers: a webhook that writes "PATH BODY" a line (and
# answers 500 on /hooks/broken), and a command that writes "EVENT BODY" a line.
ip netns exec "$netns" python3 -c 'import http.server, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(sys.argv[1], "ab") as out:
            out.write(self.path.encode() + b" " + body + b"\n")
        self.send_response(500 if self.path.endswith("/broken") else 200)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[2])), Hook).serve_forever()' "$work/hooks" "$hooks_port" &
receiver_pid=$!
printf '#!/bin/sh\n{ printf "%%s " "$1"; cat; echo; } >>%s\n' "$work/commands" >"$work/record"
chmod 755 "$work/record"
: >"$work/hooks"
: >"$work/commands"

start_agent || {
	early_end="the agent did not start: $(cat "$work/agent.log")"
	exit 1
}
export XDPLINK_SOCKET=$sock

# The consumers' VPCs, made by the host's operator: 222222222222's 10.1.0.0/16 with a
# subnet in use1-az1..3, 333333333333's 10.2.0.0/16 with one in use1-az1.
"$xl" iface attach xla0 --role consumer --mode generic >/dev/null
declare -A vpc subnet
make_vpc() {
	local who=$1 net=$2 zones=$3 zone
	vpc[$who]=$("$xl" --principal "arn:aws:iam::${account[$who]}:root" --json vpc create \
		--interface xla0 --cidr "10.$net.0.0/16" | jq -r .Vpc.VpcId)
	for zone in $(seq "$zones"); do
		subnet[$who$zone]=$("$xl" --principal "arn:aws:iam::${account[$who]}:root" --json \
			subnet create --vpc "${vpc[$who]}" --az "use1-az$zone" --cidr "10.$net.$zone.0/24" |
			jq -r .Subnet.SubnetId)
	done
}
make_vpc consumer 1 3
make_vpc stranger 2 1

# ---- The provider's side, with aws elbv2 and aws ec2 ----------------------------------------

acheck "elbv2 create-load-balancer (with --tags)" - provider elbv2 create-load-balancer --name web \
	--type network --scheme internal --subnets use1-az1=10.0.1.10 us-east-1b=10.0.2.10 \
	--tags Key=env,Value=prod
jcheck "the load balancer in ELBv2's shape" 'len(r["LoadBalancers"]) == 1
	and (lb := r["LoadBalancers"][0])["LoadBalancerName"] == "web"
	and re.fullmatch(r"arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/web/[0-9a-f]{16}", lb["LoadBalancerArn"])
	and lb["Type"] == "network" and lb["Scheme"] == "internal" and lb["State"] == {"Code": "active"}
	and lb["VpcId"] == "vpc-111111111111"
	and [(z["ZoneName"], z["SubnetId"], z["LoadBalancerAddresses"]) for z in lb["AvailabilityZones"]]
	    == [("us-east-1a", "use1-az1=10.0.1.10", [{"PrivateIPv4Address": "10.0.1.10"}]),
	        ("us-east-1b", "use1-az2=10.0.2.10", [{"PrivateIPv4Address": "10.0.2.10"}])]'
lb=$(jget 'r["LoadBalancers"][0]["LoadBalancerArn"]')
same_as_process "aws_runner.py answers as the aws program does: a load balancer described" \
	provider elbv2 describe-load-balancers --names web
same_as_process "... and a refusal (exit status 254, the same message)" provider \
	elbv2 describe-load-balancers --names nothing-by-this-name
acheck "the same name again: DuplicateLoadBalancerName" DuplicateLoadBalancerName provider \
	elbv2 create-load-balancer --name web --type network --scheme internal --subnets use1-az3=10.0.3.10
acheck "no --type network: AWS would make an application load balancer, refused" \
	InvalidConfigurationRequest provider elbv2 create-load-balancer --name alb --scheme internal \
	--subnets use1-az3=10.0.3.10
acheck "a subnet given without its address: SubnetNotFound, saying the form" SubnetNotFound provider \
	elbv2 create-load-balancer --name api --type network --scheme internal --subnets subnet-0abc
grep -q 'ZONE=ADDRESS' "$work/err" && ok "... the error says ZONE=ADDRESS" || fail "... the error says ZONE=ADDRESS"
acheck "security groups on a load balancer: refused, not ignored" InvalidConfigurationRequest provider \
	elbv2 create-load-balancer --name api --type network --scheme internal \
	--subnet-mappings SubnetId=use1-az1,PrivateIPv4Address=10.0.1.11 --security-groups sg-1

acheck "elbv2 create-target-group" - provider elbv2 create-target-group --name web-tg --protocol TCP \
	--port 80 --target-type ip --vpc-id vpc-111111111111 --health-check-interval-seconds 5 \
	--health-check-timeout-seconds 2 --healthy-threshold-count 2
jcheck "the target group in ELBv2's shape" '(tg := r["TargetGroups"][0])["TargetGroupName"] == "web-tg"
	and tg["Protocol"] == "TCP" and tg["Port"] == 80 and tg["TargetType"] == "ip"
	and tg["HealthCheckIntervalSeconds"] == 5 and tg["HealthCheckTimeoutSeconds"] == 2
	and tg["HealthyThresholdCount"] == 2 and tg["UnhealthyThresholdCount"] == 2
	and tg["HealthCheckPort"] == "traffic-port" and tg["HealthCheckEnabled"] is True
	and tg["VpcId"] == "vpc-111111111111" and tg["LoadBalancerArns"] == []'
tg=$(jget 'r["TargetGroups"][0]["TargetGroupArn"]')
acheck "a UDP target group: UnsupportedProtocol, the socket API's code" UnsupportedProtocol provider \
	elbv2 create-target-group --name udp-tg --protocol UDP --port 53 --target-type ip
acheck "elbv2 register-targets (zone names and ids)" - provider elbv2 register-targets \
	--target-group-arn "$tg" --targets Id=10.0.1.21,AvailabilityZone=us-east-1a \
	Id=10.0.2.21,Port=80,AvailabilityZone=use1-az2
acheck "elbv2 create-listener" - provider elbv2 create-listener --load-balancer-arn "$lb" \
	--protocol TCP --port 80 --default-actions "Type=forward,TargetGroupArn=$tg"
jcheck "the listener forwards to the group" '(l := r["Listeners"][0])["Port"] == 80
	and l["Protocol"] == "TCP" and l["LoadBalancerArn"] == "'"$lb"'"
	and l["DefaultActions"] == [{"Type": "forward", "TargetGroupArn": "'"$tg"'"}]'
acheck "elbv2 describe-target-health" - provider elbv2 describe-target-health --target-group-arn "$tg" \
	--targets Id=10.0.2.21 Id=10.0.9.9
jcheck "asked targets: registered ones with their zone, another one Target.NotRegistered" \
	'[(d["Target"]["Id"], d["Target"].get("AvailabilityZone"), d["TargetHealth"]["State"] in ("initial", "healthy", "unhealthy"),
	   d["TargetHealth"].get("Reason"))
	  for d in r["TargetHealthDescriptions"]][1] == ("10.0.9.9", None, False, "Target.NotRegistered")
	 and r["TargetHealthDescriptions"][0]["Target"]["AvailabilityZone"] == "us-east-1b"
	 and r["TargetHealthDescriptions"][0]["HealthCheckPort"] == "80"'
acheck "elbv2 modify-load-balancer-attributes: cross-zone on" - provider elbv2 \
	modify-load-balancer-attributes --load-balancer-arn "$lb" \
	--attributes Key=load_balancing.cross_zone.enabled,Value=true
jcheck "the attribute as ELBv2 answers it" 'r["Attributes"] == [{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}]'
acheck "an attribute xdplink does not have: refused" InvalidConfigurationRequest provider elbv2 \
	modify-load-balancer-attributes --load-balancer-arn "$lb" \
	--attributes Key=deletion_protection.enabled,Value=true

acheck "ec2 create-vpc-endpoint-service-configuration (with --tag-specifications)" - provider ec2 \
	create-vpc-endpoint-service-configuration --network-load-balancer-arns "$lb" --acceptance-required \
	--tag-specifications 'ResourceType=vpc-endpoint-service,Tags=[{Key=team,Value=web}]'
jcheck "the configuration in EC2's shape" '(s := r["ServiceConfiguration"])["ServiceState"] == "Available"
	and re.fullmatch(r"vpce-svc-[0-9a-f]{17}", s["ServiceId"])
	and s["ServiceName"] == "com.amazonaws.vpce.us-east-1." + s["ServiceId"]
	and s["AvailabilityZones"] == ["us-east-1a", "us-east-1b"] and s["AcceptanceRequired"] is True
	and s["NetworkLoadBalancerArns"] == ["'"$lb"'"] and s["ServiceType"] == [{"ServiceType": "Interface"}]
	and s["Tags"] == [{"Key": "team", "Value": "web"}]'
svc=$(jget 'r["ServiceConfiguration"]["ServiceId"]')
svc_name=com.amazonaws.vpce.us-east-1.$svc
acheck "ec2 modify-vpc-endpoint-service-permissions" - provider ec2 \
	modify-vpc-endpoint-service-permissions --service-id "$svc" \
	--add-allowed-principals "arn:aws:iam::${account[consumer]}:root"
jcheck "the principal was added" 'r["ReturnValue"] is True and
	[(p["PrincipalType"], p["Principal"]) for p in r["AddedPrincipals"]] == [("Account", "arn:aws:iam::222222222222:root")]'

# ---- The consumer's side -----------------------------------------------------------------------

acheck "ec2 describe-vpc-endpoint-services as the consumer" - consumer ec2 describe-vpc-endpoint-services
jcheck "the consumer sees the service, not its owner's tags" 'r["ServiceNames"] == ["'"$svc_name"'"]
	and r["ServiceDetails"][0]["Owner"] == "111111111111" and r["ServiceDetails"][0]["Tags"] == []'
acheck "ec2 describe-vpcs: the consumer's own" - consumer ec2 describe-vpcs
jcheck "... one VPC, in EC2's shape" '[(v["VpcId"], v["CidrBlock"], v["OwnerId"], v["State"], v["IsDefault"])
	for v in r["Vpcs"]] == [("'"${vpc[consumer]}"'", "10.1.0.0/16", "222222222222", "available", False)]'
"$xl" --principal "arn:aws:iam::${account[consumer]}:root" tag add "${subnet[consumer2]}" tier=app >/dev/null
"$xl" --principal "arn:aws:iam::${account[consumer]}:root" tag add "${subnet[consumer3]}" tier=db >/dev/null
acheck "ec2 describe-subnets --filters availability-zone-id tag:tier" - consumer ec2 describe-subnets \
	--filters Name=availability-zone-id,Values=use1-az2,use1-az3 Name=tag:tier,Values=ap?
jcheck "... the one in use1-az2, tagged by xdplink tag add" '[(n["SubnetId"], n["VpcId"], n["CidrBlock"], n["AvailabilityZone"], n["AvailableIpAddressCount"], n["Tags"])
	for n in r["Subnets"]] == [("'"${subnet[consumer2]}"'", "'"${vpc[consumer]}"'", "10.1.2.0/24", "us-east-1b", 251, [{"Key": "tier", "Value": "app"}])]'
acheck "another account's subnet: InvalidSubnetID.NotFound" InvalidSubnetID.NotFound stranger ec2 \
	describe-subnets --subnet-ids "${subnet[consumer1]}"
acheck "ec2 create-vpc: the host's operator makes VPCs" UnsupportedOperation consumer ec2 create-vpc \
	--cidr-block 10.7.0.0/16
acheck "an endpoint in another account's subnet: InvalidSubnetID.NotFound" InvalidSubnetID.NotFound \
	consumer ec2 create-vpc-endpoint --vpc-endpoint-type Interface --vpc-id "${vpc[consumer]}" \
	--service-name "$svc_name" --subnet-ids "${subnet[stranger1]}"
acheck "no --vpc-endpoint-type: AWS would make a Gateway endpoint, refused" InvalidVpcEndpointType \
	consumer ec2 create-vpc-endpoint --vpc-id "${vpc[consumer]}" --service-name "$svc_name" \
	--subnet-ids use1-az1=10.1.1.50
acheck "another account's VPC: InvalidVpcID.NotFound" InvalidVpcID.NotFound consumer ec2 \
	create-vpc-endpoint --vpc-endpoint-type Interface --vpc-id "${vpc[stranger]}" \
	--service-name "$svc_name" --subnet-ids use1-az1=10.1.1.50
acheck "ec2 create-security-group" - consumer ec2 create-security-group --group-name web-clients \
	--description "hosts that may call the service" --vpc-id "${vpc[consumer]}"
sg=$(jget 'r["GroupId"]')
acheck "ec2 authorize-security-group-ingress --protocol tcp --port 80 --cidr" - consumer ec2 \
	authorize-security-group-ingress --group-id "$sg" --protocol tcp --port 80 --cidr 10.1.1.0/24
jcheck "... the rule, in EC2's shape" '[(g["GroupId"], g["IpProtocol"], g["FromPort"], g["ToPort"], g["CidrIpv4"], g["IsEgress"])
	for g in r["SecurityGroupRules"]] == [("'"$sg"'", "tcp", 80, 80, "10.1.1.0/24", False)]'
acheck "the same rule again: InvalidPermission.Duplicate" InvalidPermission.Duplicate consumer ec2 \
	authorize-security-group-ingress --group-id "$sg" --protocol tcp --port 80 --cidr 10.1.1.0/24
acheck "a UDP rule: InvalidParameterValue (endpoints carry TCP only)" InvalidParameterValue consumer \
	ec2 authorize-security-group-ingress --group-id "$sg" --protocol udp --port 53 --cidr 10.1.0.0/16
acheck "another account's group: InvalidGroup.NotFound" InvalidGroup.NotFound stranger ec2 \
	describe-security-groups --group-ids "$sg"
acheck "an endpoint with an unknown group: InvalidGroup.NotFound" InvalidGroup.NotFound consumer ec2 \
	create-vpc-endpoint --vpc-endpoint-type Interface --vpc-id "${vpc[consumer]}" \
	--service-name "$svc_name" --subnet-ids use1-az1=10.1.1.50 --security-group-ids sg-0123456789abcdef0
acheck "--dry-run of a good endpoint: DryRunOperation" DryRunOperation consumer ec2 \
	create-vpc-endpoint --vpc-endpoint-type Interface --vpc-id "${vpc[consumer]}" \
	--service-name "$svc_name" --subnet-ids use1-az1=10.1.1.50 --dry-run
acheck "ec2 create-vpc-endpoint (with --security-group-ids and --tag-specifications)" - consumer \
	ec2 create-vpc-endpoint --vpc-endpoint-type Interface --vpc-id "${vpc[consumer]}" \
	--service-name "$svc_name" --subnet-ids use1-az1=10.1.1.50 use1-az2=10.1.2.50 \
	--security-group-ids "$sg" \
	--tag-specifications 'ResourceType=vpc-endpoint,Tags=[{Key=Name,Value=my ep}]'
jcheck "the endpoint in EC2's shape, only one (the dry run made none)" '(e := r["VpcEndpoint"])["State"] == "pendingAcceptance"
	and re.fullmatch(r"vpce-[0-9a-f]{17}", e["VpcEndpointId"]) and e["VpcEndpointType"] == "Interface"
	and e["VpcId"] == "'"${vpc[consumer]}"'" and e["OwnerId"] == "222222222222"
	and e["SubnetIds"] == ["'"${subnet[consumer1]}"'", "'"${subnet[consumer2]}"'"] and e["ServiceName"] == "'"$svc_name"'"
	and len(e["DnsEntries"]) == 3 and e["DnsEntries"][0]["DnsName"].startswith(e["VpcEndpointId"] + "-")
	and e["Tags"] == [{"Key": "Name", "Value": "my ep"}]
	and e["Groups"] == [{"GroupId": "'"$sg"'", "GroupName": "web-clients"}]'
ep=$(jget 'r["VpcEndpoint"]["VpcEndpointId"]')
if [ "$(XDPLINK_PRINCIPAL="arn:aws:iam::${account[consumer]}:root" "$xl" --json endpoint list | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["VpcEndpoints"]))')" = 1 ]; then
	ok "the socket API sees the one endpoint the aws CLI made"
else
	fail "the socket API sees the one endpoint the aws CLI made"
fi
acheck "the same ENI address again: DuplicateEndpointAddress" DuplicateEndpointAddress consumer ec2 \
	create-vpc-endpoint --vpc-endpoint-type Interface --vpc-id "${vpc[consumer]}" \
	--service-name "$svc_name" --subnet-ids use1-az1=10.1.1.50

# Private DNS: enabled only with the service's verified name; verification through the same
# handler (this agent has no upstream DNS server: a name asked for fails).
acheck "--private-dns-enabled without the service's private DNS name: InvalidParameter" \
	InvalidParameter consumer ec2 create-vpc-endpoint --vpc-endpoint-type Interface \
	--vpc-id "${vpc[consumer]}" --service-name "$svc_name" --subnet-ids use1-az1=10.1.1.51 \
	--private-dns-enabled
acheck "verifying a service without a private DNS name: InvalidParameter" InvalidParameter \
	provider ec2 start-vpc-endpoint-service-private-dns-verification --service-id "$svc"
acheck "ec2 modify-vpc-endpoint-service-configuration --private-dns-name" - provider ec2 \
	modify-vpc-endpoint-service-configuration --service-id "$svc" --private-dns-name api.example.com
acheck "ec2 start-vpc-endpoint-service-private-dns-verification" - provider ec2 \
	start-vpc-endpoint-service-private-dns-verification --service-id "$svc"
jcheck "it answers ReturnValue true" 'r["ReturnValue"] is True'
acheck "another account cannot verify it" InvalidVpcEndpointServiceId.NotFound consumer ec2 \
	start-vpc-endpoint-service-private-dns-verification --service-id "$svc"
acheck "--private-dns-enabled with a name not verified: InvalidParameter" InvalidParameter \
	consumer ec2 modify-vpc-endpoint --vpc-endpoint-id "$ep" --private-dns-enabled
acheck "the name goes again" - provider ec2 modify-vpc-endpoint-service-configuration \
	--service-id "$svc" --remove-private-dns-name

acheck "ec2 describe-vpc-endpoint-connections --filters" - provider ec2 \
	describe-vpc-endpoint-connections --filters "Name=service-id,Values=$svc" \
	Name=vpc-endpoint-state,Values=pending*
jcheck "the provider sees the connection pending" '[(c["VpcEndpointId"], c["VpcEndpointState"], c["VpcEndpointOwner"])
	for c in r["VpcEndpointConnections"]] == [("'"$ep"'", "pendingAcceptance", "222222222222")]'
acheck "ec2 accept-vpc-endpoint-connections" - provider ec2 accept-vpc-endpoint-connections \
	--service-id "$svc" --vpc-endpoint-ids "$ep" vpce-0123456789abcdef0
jcheck "accepted, and an unknown id is Unsuccessful" '[(u["ResourceId"], u["Error"]["Code"]) for u in r["Unsuccessful"]]
	== [("vpce-0123456789abcdef0", "InvalidVpcEndpointId.NotFound")]'
acheck "ec2 describe-vpc-endpoints" - consumer ec2 describe-vpc-endpoints --vpc-endpoint-ids "$ep"
jcheck "the endpoint is available" 'r["VpcEndpoints"][0]["State"] == "available"'
acheck "ec2 modify-vpc-endpoint: an ENI in use1-az3 refused (not a zone of the service)" \
	InvalidParameter consumer ec2 modify-vpc-endpoint --vpc-endpoint-id "$ep" \
	--add-subnet-ids use1-az3=10.1.3.50
acheck "a group in use: DependencyViolation" DependencyViolation consumer ec2 delete-security-group \
	--group-id "$sg"
acheck "the endpoint's last group stays: InvalidParameter" InvalidParameter consumer ec2 \
	modify-vpc-endpoint --vpc-endpoint-id "$ep" --remove-security-group-ids "$sg"
acheck "ec2 revoke-security-group-ingress" - consumer ec2 revoke-security-group-ingress \
	--group-id "$sg" --protocol tcp --port 80 --cidr 10.1.1.0/24
acheck "ec2 describe-security-groups --filters vpc-id" - consumer ec2 describe-security-groups \
	--filters "Name=vpc-id,Values=${vpc[consumer]}"
jcheck "... the group, its rule gone" '[(g["GroupId"], g["GroupName"], g["Description"], g["IpPermissions"])
	for g in r["SecurityGroups"]] == [("'"$sg"'", "web-clients", "hosts that may call the service", [])]'
acheck "an unknown filter: InvalidParameterValue" InvalidParameterValue consumer ec2 \
	describe-vpc-endpoints --filters Name=colour,Values=blue

# ---- One account cannot see or touch another's ------------------------------------------------

acheck "the consumer lists no load balancer" - consumer elbv2 describe-load-balancers
jcheck "... none" 'r["LoadBalancers"] == []'
acheck "the provider's load balancer by ARN: LoadBalancerNotFound to the consumer" LoadBalancerNotFound \
	consumer elbv2 describe-load-balancers --load-balancer-arns "$lb"
acheck "the consumer cannot delete the provider's target group" TargetGroupNotFound consumer elbv2 \
	delete-target-group --target-group-arn "$tg"
acheck "the consumer cannot change the service's permissions" InvalidVpcEndpointServiceId.NotFound \
	consumer ec2 modify-vpc-endpoint-service-permissions --service-id "$svc" \
	--add-allowed-principals "arn:aws:iam::${account[stranger]}:root"
acheck "a stranger does not see the service" - stranger ec2 describe-vpc-endpoint-services
jcheck "... none" 'r["ServiceDetails"] == [] and r["ServiceNames"] == []'
acheck "a stranger cannot create an endpoint: InvalidServiceName" InvalidServiceName stranger ec2 \
	create-vpc-endpoint --vpc-endpoint-type Interface --vpc-id "${vpc[stranger]}" \
	--service-name "$svc_name" --subnet-ids use1-az1=10.2.1.50
acheck "the provider cannot delete the consumer's endpoint" - provider ec2 delete-vpc-endpoints \
	--vpc-endpoint-ids "$ep"
jcheck "... Unsuccessful: InvalidVpcEndpointId.NotFound" '[(u["ResourceId"], u["Error"]["Code"]) for u in r["Unsuccessful"]]
	== [("'"$ep"'", "InvalidVpcEndpointId.NotFound")]'
acheck "a service with a live endpoint is not deleted" - provider ec2 \
	delete-vpc-endpoint-service-configurations --service-ids "$svc"
jcheck "... Unsuccessful: ExistingVpcEndpointConnections" '[u["Error"]["Code"] for u in r["Unsuccessful"]] == ["ExistingVpcEndpointConnections"]'

# ---- Tags --------------------------------------------------------------------------------------

# tags_of WHO RESOURCE: "KEY=VALUE ..." of the resource, through the socket CLI.
tags_of() {
	"$xl" --principal "arn:aws:iam::${account[$1]}:root" --json tag list ${2:+"$2"} |
		jq -r '[.Tags[] | "\(.Key)=\(.Value)"] | join(" ")'
}

acheck "ec2 create-tags on the service" - provider ec2 create-tags --resources "$svc" \
	--tags Key=stage,Value=blue Key=owner,Value=
acheck "ec2 describe-vpc-endpoint-service-configurations --filters tag:stage tag-key" - provider \
	ec2 describe-vpc-endpoint-service-configurations --filters Name=tag:stage,Values=blu* \
	Name=tag-key,Values=owner
jcheck "... the tagged service alone, with its tags in tagSet" '[(s["ServiceId"], s["Tags"]) for s in r["ServiceConfigurations"]]
	== [("'"$svc"'", [{"Key": "owner", "Value": ""}, {"Key": "stage", "Value": "blue"}, {"Key": "team", "Value": "web"}])]'
acheck "ec2 describe-tags --filters resource-type key" - provider ec2 describe-tags \
	--filters Name=resource-type,Values=vpc-endpoint-service Name=key,Values=stage,team
jcheck "... the two tags, each with its resource" '[(t["ResourceId"], t["ResourceType"], t["Key"], t["Value"]) for t in r["Tags"]]
	== [("'"$svc"'", "vpc-endpoint-service", "stage", "blue"), ("'"$svc"'", "vpc-endpoint-service", "team", "web")]'
before=$(tags_of provider "$svc")
acheck "a key starting with aws:: InvalidParameterValue" InvalidParameterValue provider ec2 create-tags \
	--resources "$svc" --tags Key=fine,Value=1 Key=aws:cloudformation,Value=1
mapfile -t many < <(printf 'Key=k%d,Value=v\n' $(seq 48))
acheck "a 51st tag: TagLimitExceeded" TagLimitExceeded provider ec2 create-tags --resources "$svc" \
	--tags "${many[@]}"
acheck "another account's service: InvalidVpcEndpointServiceId.NotFound" \
	InvalidVpcEndpointServiceId.NotFound consumer ec2 create-tags --resources "$svc" --tags Key=x,Value=y
status=0
"$xl" tag add "$svc" "$(printf 'k%.0s' $(seq 129))=v" 2>"$work/err" || status=$?
[ "$status" = 1 ] && grep -q '^InvalidTagKey.Malformed' "$work/err" &&
	ok "xdplink tag add: a key of 129 characters, InvalidTagKey.Malformed" ||
	fail "xdplink tag add: a key of 129 characters, InvalidTagKey.Malformed" "exit status $status"
status=0
"$xl" tag add i-0123456789abcdef0 k=v 2>"$work/err" || status=$?
[ "$status" = 1 ] && grep -q '^InvalidID' "$work/err" && ok "xdplink tag add: an id of nothing xdplink has, InvalidID" ||
	fail "xdplink tag add: an id of nothing xdplink has, InvalidID" "exit status $status"
[ "$(tags_of provider "$svc")" = "$before" ] && ok "... and the refusals changed no tag" ||
	fail "... and the refusals changed no tag" "$(tags_of provider "$svc")"
acheck "ec2 delete-tags: a key, and a key only with its value" - provider ec2 delete-tags \
	--resources "$svc" --tags Key=stage Key=team,Value=other
[ "$(tags_of provider "$svc")" = "owner= team=web" ] && ok "... stage went, team (another value) stayed" ||
	fail "... stage went, team (another value) stayed" "$(tags_of provider "$svc")"
consumer_tags=$("$xl" --principal "arn:aws:iam::${account[consumer]}:root" --json tag list |
	jq -r '[.Tags[] | "\(.Key)=\(.Value)"] | sort | join(",")')
[ "$consumer_tags" = "Name=my ep,tier=app,tier=db" ] && ok "xdplink tag list: the consumer sees its own tags only" ||
	fail "xdplink tag list: the consumer sees its own tags only" "$consumer_tags"

acheck "elbv2 add-tags with a key twice: DuplicateTagKeys" DuplicateTagKeys provider elbv2 add-tags \
	--resource-arns "$lb" "$tg" --tags Key=a,Value=1 Key=a,Value=2
acheck "elbv2 add-tags" - provider elbv2 add-tags --resource-arns "$tg" --tags Key=tier,Value=web
acheck "elbv2 remove-tags" - provider elbv2 remove-tags --resource-arns "$lb" --tag-keys nothing
acheck "elbv2 describe-tags" - provider elbv2 describe-tags --resource-arns "$lb" "$tg"
jcheck "... each ARN asked with its tags" '[(d["ResourceArn"], d["Tags"]) for d in r["TagDescriptions"]]
	== [("'"$lb"'", [{"Key": "env", "Value": "prod"}]), ("'"$tg"'", [{"Key": "tier", "Value": "web"}])]'
acheck "another account's load balancer: LoadBalancerNotFound" LoadBalancerNotFound consumer elbv2 \
	describe-tags --resource-arns "$lb"

# ---- Connection notifications ------------------------------------------------------------------

acheck "a webhook outside the operator's prefixes: refused (no SSRF)" InvalidParameterValue provider \
	ec2 create-vpc-endpoint-connection-notification --service-id "$svc" \
	--connection-notification-arn http://169.254.169.254/latest/meta-data/ --connection-events Connect
acheck "ec2 create-vpc-endpoint-connection-notification: a webhook for the service" - provider ec2 \
	create-vpc-endpoint-connection-notification --service-id "$svc" \
	--connection-notification-arn "$hooks/provider" --connection-events Connect Accept Reject Delete
jcheck "... in EC2's shape" '(n := r["ConnectionNotification"])["ServiceId"] == "'"$svc"'"
	and re.fullmatch(r"vpce-nfn-[0-9a-f]{17}", n["ConnectionNotificationId"])
	and n["ConnectionNotificationType"] == "Topic" and n["ConnectionNotificationArn"] == "'"$hooks/provider"'"
	and n["ConnectionEvents"] == ["Accept", "Connect", "Delete", "Reject"]
	and n["ConnectionNotificationState"] == "Enabled" and "VpcEndpointId" not in n'
nfn=$(jget 'r["ConnectionNotification"]["ConnectionNotificationId"]')
acheck "a second endpoint: Connect" - consumer ec2 create-vpc-endpoint --vpc-endpoint-type Interface \
	--vpc-id "${vpc[consumer]}" --service-name "$svc_name" --subnet-ids use1-az1=10.1.1.60
ep2=$(jget 'r["VpcEndpoint"]["VpcEndpointId"]')
acheck "the consumer's own notification: a command the operator named" - consumer ec2 \
	create-vpc-endpoint-connection-notification --vpc-endpoint-id "$ep2" \
	--connection-notification-arn exec:record --connection-events Accept Reject Delete
acheck "accepted: Accept" - provider ec2 accept-vpc-endpoint-connections --service-id "$svc" \
	--vpc-endpoint-ids "$ep2"
acheck "rejected: Reject" - provider ec2 reject-vpc-endpoint-connections --service-id "$svc" \
	--vpc-endpoint-ids "$ep2"
acheck "deleted: Delete" - consumer ec2 delete-vpc-endpoints --vpc-endpoint-ids "$ep2"
for _ in $(seq 100); do
	[ "$(wc -l <"$work/hooks")" -ge 4 ] && [ "$(wc -l <"$work/commands")" -ge 3 ] && break
	sleep 0.1
done
if python3 - "$work/hooks" "$work/commands" "$svc" "$ep2" "$nfn" "$hooks/provider" <<'PY'; then
import json, re, sys
hooks, commands, svc, ep, nfn, url = sys.argv[1:]
def events(path, first):
    out = []
    for line in open(path):
        head, body = line.rstrip("\n").split(" ", 1)
        m = json.loads(body)
        assert m["Type"] == "Notification" and re.fullmatch(r"[0-9a-f-]{36}", m["MessageId"]), m
        e = json.loads(m["Message"])
        assert e["ServiceId"] == svc and e["VpcEndpointId"] == ep and e["VpcEndpointOwner"] == "222222222222"
        assert e["EventTime"] == m["Timestamp"] and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["EventTime"])
        out.append((head, m["TopicArn"], e["ConnectionNotificationId"] == nfn, e["ConnectionEvent"], e["VpcEndpointState"]))
    return out
got = events(hooks, True)
want = [("/hooks/provider", url, True, "Connect", "pendingAcceptance"), ("/hooks/provider", url, True, "Accept", "available"),
        ("/hooks/provider", url, True, "Reject", "rejected"), ("/hooks/provider", url, True, "Delete", "deleted")]
assert got == want, got
got = [(h, arn, ev, st) for h, arn, _, ev, st in events(commands, False)]
assert got == [("Accept", "exec:record", "Accept", "available"), ("Reject", "exec:record", "Reject", "rejected"),
               ("Delete", "exec:record", "Delete", "deleted")], got
PY
	ok "the webhook got Connect, Accept, Reject, Delete and the command Accept, Reject, Delete, each once"
else
	fail "the webhook got Connect, Accept, Reject, Delete and the command Accept, Reject, Delete, each once" \
		"$(cat "$work/hooks" "$work/commands")"
fi
acheck "ec2 modify-vpc-endpoint-connection-notification: Accept only, to a broken receiver" - \
	provider ec2 modify-vpc-endpoint-connection-notification --connection-notification-id "$nfn" \
	--connection-notification-arn "$hooks/broken" --connection-events Accept
acheck "ec2 describe-vpc-endpoint-connection-notifications" - provider ec2 \
	describe-vpc-endpoint-connection-notifications
jcheck "... the provider's one, modified" '[(n["ConnectionNotificationId"], n["ConnectionNotificationArn"], n["ConnectionEvents"])
	for n in r["ConnectionNotificationSet"]] == [("'"$nfn"'", "'"$hooks/broken"'", ["Accept"])]'
ep3=$("$xl" --principal "arn:aws:iam::${account[consumer]}:root" --json endpoint create \
	--service "$svc_name" --subnet use1-az1=10.1.1.61 | jq -r .VpcEndpoint.VpcEndpointId)
"$xl" endpoint accept "$svc" "$ep3" >/dev/null
for _ in $(seq 100); do
	grep -q "to $hooks/broken failed: HTTP status 500" "$work/agent.log" && break
	sleep 0.1
done
grep -q "notification $nfn (Accept) to $hooks/broken failed: HTTP status 500 (1 failed so far; not retried)" \
	"$work/agent.log" && [ "$(grep -c "^/hooks/broken " "$work/hooks")" = 1 ] &&
	[ "$("$xl" --json agent status | jq -c .ConnectionNotifications)" = '{"Delivered":7,"Failed":1,"Dropped":0}' ] &&
	ok "a receiver that answers 500: tried once, logged and counted" ||
	fail "a receiver that answers 500: tried once, logged and counted" "$(tail -n 3 "$work/agent.log")"
acheck "ec2 delete-vpc-endpoint-connection-notifications" - provider ec2 \
	delete-vpc-endpoint-connection-notifications --connection-notification-ids "$nfn" vpce-nfn-0123456789abcdef0
jcheck "... an unknown one Unsuccessful" '[(u["ResourceId"], u["Error"]["Code"]) for u in r["Unsuccessful"]]
	== [("vpce-nfn-0123456789abcdef0", "InvalidConnectionNotification")]'

# ---- ClientToken, paging -------------------------------------------------------------------

acheck "elbv2 create-load-balancer api (a second one)" - provider elbv2 create-load-balancer --name api \
	--type network --scheme internal --subnet-mappings SubnetId=use1-az1,PrivateIPv4Address=10.0.1.11
api_lb=$(jget 'r["LoadBalancers"][0]["LoadBalancerArn"]')
acheck "elbv2 --page-size 1: one load balancer and a NextMarker" - provider elbv2 describe-load-balancers \
	--page-size 1
jcheck "... the first of two" 'len(r["LoadBalancers"]) == 1 and r["NextMarker"]'
first_lb=$(jget 'r["LoadBalancers"][0]["LoadBalancerName"]')
marker=$(jget 'r["NextMarker"]')
acheck "... --marker: the next page" - provider elbv2 describe-load-balancers --page-size 1 --marker "$marker"
jcheck "... the other one, and no more" 'len(r["LoadBalancers"]) == 1 and "NextMarker" not in r
	and sorted([r["LoadBalancers"][0]["LoadBalancerName"], "'"$first_lb"'"]) == ["api", "web"]'
acheck "a service with --client-token" - provider ec2 create-vpc-endpoint-service-configuration \
	--network-load-balancer-arns "$api_lb" --client-token tok-1
first=$(jget 'r["ServiceConfiguration"]["ServiceId"]')
acheck "the same token again: the same answer" - provider ec2 create-vpc-endpoint-service-configuration \
	--network-load-balancer-arns "$api_lb" --client-token tok-1
jcheck "... the same service, and its ClientToken" 'r["ServiceConfiguration"]["ServiceId"] == "'"$first"'" and r["ClientToken"] == "tok-1"'
acheck "the same token with other parameters: IdempotentParameterMismatch" IdempotentParameterMismatch \
	provider ec2 create-vpc-endpoint-service-configuration --network-load-balancer-arns "$api_lb" \
	--client-token tok-1 --no-acceptance-required
acheck "ec2 --page-size 1: the CLI follows NextToken through every page" - provider ec2 \
	describe-vpc-endpoint-service-configurations --page-size 1
jcheck "... both services, each once" 'sorted(s["ServiceId"] for s in r["ServiceConfigurations"])
	== sorted(["'"$svc"'", "'"$first"'"])'

# ---- Signatures, dates and requests the CLI never sends -------------------------------------

secret[wrong]=${secret[provider]}x
key_id[wrong]=${key_id[provider]}
acheck "a wrong secret (EC2): AuthFailure" AuthFailure wrong ec2 describe-vpc-endpoints
acheck "a wrong secret (ELBv2): SignatureDoesNotMatch" SignatureDoesNotMatch wrong elbv2 describe-load-balancers
acheck "an unknown key (ELBv2): InvalidClientTokenId" InvalidClientTokenId nobody elbv2 describe-load-balancers
grep -q "aws: SignatureDoesNotMatch from 127.0.0.1" "$work/agent.log" && ok "the agent logs refused signatures" ||
	fail "the agent logs refused signatures"

rcheck "signed now: answered" 200 - ec2 'Action=DescribeVpcEndpoints&Version=2016-11-15'
rcheck "signed 14 minutes ago: answered" 200 - ec2 'Action=DescribeVpcEndpoints&Version=2016-11-15' --skew -840
rcheck "signed 16 minutes ago: RequestExpired" 400 RequestExpired ec2 \
	'Action=DescribeVpcEndpoints&Version=2016-11-15' --skew -960
rcheck "signed 16 minutes ahead (ELBv2): RequestExpired" 400 RequestExpired elasticloadbalancing \
	'Action=DescribeLoadBalancers&Version=2015-12-01' --skew 960
grep -q "<ErrorResponse" "$work/out" && ok "... in ELBv2's error envelope" || fail "... in ELBv2's error envelope"
rcheck "unsigned: MissingAuthenticationToken" 403 MissingAuthenticationToken ec2 \
	'Action=DescribeVpcEndpoints&Version=2016-11-15' --unsigned
rcheck "signed for another region: AuthFailure" 401 AuthFailure ec2 \
	'Action=DescribeVpcEndpoints&Version=2016-11-15' --region eu-west-1
rcheck "signed for another service: AuthFailure" 401 AuthFailure sts 'Action=GetCallerIdentity&Version=2011-06-15'
rcheck "a temporary credential's token: refused" 401 AuthFailure ec2 \
	'Action=DescribeVpcEndpoints&Version=2016-11-15' --header X-Amz-Security-Token:abc
unchanged "a body changed after signing: AuthFailure" 401 AuthFailure ec2 \
	'Action=DescribeVpcEndpoints&Version=2016-11-15' \
	--tamper-body "Action=DeleteVpcEndpointServiceConfigurations&Version=2016-11-15&ServiceId.1=$first"
unchanged "a malformed escape: MalformedQueryString" 404 MalformedQueryString elasticloadbalancing \
	'Action=CreateTargetGroup&Version=2015-12-01&Name=x%G1&Protocol=TCP&Port=80&TargetType=ip'
unchanged "a parameter given twice: MalformedQueryString" 404 MalformedQueryString elasticloadbalancing \
	'Action=CreateTargetGroup&Version=2015-12-01&Name=a&Name=b&Protocol=TCP&Port=80&TargetType=ip'
unchanged "EC2's action with ELBv2's version: NoSuchVersion" 400 NoSuchVersion ec2 \
	"Action=DeleteVpcEndpointServiceConfigurations&Version=2015-12-01&ServiceId.1=$first"
unchanged "an action xdplink does not have: InvalidAction" 400 InvalidAction ec2 \
	'Action=RunInstances&Version=2016-11-15&ImageId=ami-1&MinCount=1&MaxCount=1'
unchanged "no Action: MissingAction" 400 MissingAction ec2 "Version=2016-11-15&ServiceId.1=$first"
unchanged "an unknown parameter: UnknownParameter" 400 UnknownParameter ec2 \
	"Action=DeleteVpcEndpointServiceConfigurations&Version=2016-11-15&ServiceId.1=$first&Force=true"
unchanged "a body of 70000 bytes: RequestEntityTooLarge" 413 RequestEntityTooLarge ec2 @70000
unchanged "a GET: MethodNotAllowed" 405 MethodNotAllowed ec2 '' --method GET

# ---- The access keys file is the one truth ------------------------------------------------------

chmod 644 "$keys"
acheck "a keys file others can read: every key refused" AuthFailure provider ec2 describe-vpc-endpoints
grep -q "refusing every access key until $keys is mended" "$work/agent.log" &&
	ok "... and the agent says why" || fail "... and the agent says why"
chmod 600 "$keys"
acheck "mended: the keys work again" - provider ec2 describe-vpc-endpoints
"$xl" account remove "${key_id[stranger]}" --credentials "$keys" >/dev/null
acheck "a removed key is refused at once" AuthFailure stranger ec2 describe-vpc-endpoints

# logged NAME REGEX: a line of the agent's log matches within 5 s (it looks at the keys file
# once a second).
logged() {
	local deadline=$((SECONDS + 5))
	until grep -Eq -- "$2" "$work/agent.log"; do
		if ((SECONDS >= deadline)); then
			fail "$1" "no line of the agent's log matches /$2/"
			return
		fi
		sleep 0.1
	done
	ok "$1"
}
logged "audit: a key removed from the file, with its account" \
	"notice audit action=DeleteAccessKey principal=root ids=${key_id[stranger]},${account[stranger]} result=ok\$"
"$xl" --json account add 444444444444 --credentials "$keys" >"$work/out" 2>"$work/err"
logged "audit: a key added to the file, once" \
	"notice audit action=CreateAccessKey principal=root ids=$(jget 'r["AccessKey"]["AccessKeyId"]'),444444444444 result=ok\$"
[ "$(grep -c 'audit action=CreateAccessKey' "$work/agent.log")" -eq 1 ] &&
	ok "... and the keys the agent started with, or read again after a repair, are not" ||
	fail "... and the keys the agent started with, or read again after a repair, are not"

# ---- xdplinkd's options, and HTTPS -------------------------------------------------------------

# daemon_refused NAME STATUS MESSAGE OPTIONS...: xdplinkd stops at once, as it should.
daemon_refused() {
	local name=$1 want=$2 message=$3 status=0
	shift 3
	timeout 10 ip netns exec "$netns" "$build/xdplinkd" --socket "$work/never.sock" \
		--state "$work/never.db" --pin-dir "$pins/never" "$@" >"$work/out" 2>"$work/err" || status=$?
	if [ "$status" -ne "$want" ] || ! grep -qF -- "$message" "$work/err"; then
		fail "$name" "exit status $status, expected $want and '$message'"
	else
		ok "$name"
	fi
}
daemon_refused "--aws-credentials without --aws-listen: a usage error" 2 "need --aws-listen" \
	--aws-credentials "$keys"
daemon_refused "--notify-allow of a prefix that does not end its host: a usage error" 2 \
	"takes a webhook prefix with its host and a path" --notify-allow http://127.0.0.1
daemon_refused "--notify-allow exec: of a relative program: a usage error" 2 \
	"exec:NAME=/absolute/program" --notify-allow exec:x=bin/sh
daemon_refused "--aws-tls-cert without its key: a usage error" 2 "go together" \
	--aws-listen 18778 --aws-tls-cert "$work/cert.pem"
chmod 644 "$keys"
daemon_refused "a keys file others can read, at start: the agent stops and says why" 1 \
	"must be owned by uid 0 and closed to everyone else" --aws-listen 18778 --aws-credentials "$keys"
chmod 600 "$keys"

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
stop_agent
start_agent --aws-tls-cert "$work/cert.pem" --aws-tls-key "$work/key.pem" || {
	early_end="the agent did not start with TLS: $(tail -n 3 "$work/agent.log")"
	exit 1
}
aws_url=https://127.0.0.1:$port
acheck "HTTPS: the CLI trusts the certificate given, and is answered" - provider elbv2 \
	describe-load-balancers --names web --ca-bundle "$work/cert.pem"
jcheck "... the same state after the restart" 'r["LoadBalancers"][0]["LoadBalancerArn"] == "'"$lb"'"'
aws_url=http://127.0.0.1:$port
aws_as provider elbv2 describe-load-balancers
[ "$rc" -ne 0 ] && ok "plain HTTP to the HTTPS endpoint: no answer" ||
	fail "plain HTTP to the HTTPS endpoint: no answer"

finished=true
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
