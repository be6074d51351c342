#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/aws.sh: the seed lab walked with Debian's aws CLI against xdplinkd's AWS
# endpoint (NLB, target group, targets, listener, endpoint service, permissions, endpoint,
# acceptance), with real traffic through the endpoint; then everything deleted with the aws
# CLI, the same walk done again with the socket CLI, and the two resulting states compared.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

readonly AWS_PORT=18777
readonly KEYS=$TB_RUN_DIR/aws-keys # goes with the testbed
declare -A KEY SECRET

# shellcheck source=../agent/aws_runner.sh
source "$E2E_DIR/../agent/aws_runner.sh"
AWS_OUT=$TB_RUN_DIR/aws-out AWS_ERR=$TB_RUN_DIR/aws-err

# aws_as PRINCIPAL ARGS...: the aws CLI in the LB node (aws_runner.sh), with the key of
# PRINCIPAL's account and none of the user's configuration; its output and exit status.
aws_as() {
	local account=${1#arn:aws:iam::}
	account=${account%:root}
	shift
	aws_runner_run aws "$AWS_OUT" "$AWS_ERR" AWS_ACCESS_KEY_ID="${KEY[$account]}" \
		AWS_SECRET_ACCESS_KEY="${SECRET[$account]}" -- \
		--endpoint-url "http://127.0.0.1:$AWS_PORT" --output json "$@" || return
	cat "$AWS_OUT"
	cat "$AWS_ERR" >&2
	return "$AWS_RUNNER_STATUS"
}

# aws_ok PRINCIPAL ARGS...: the CLI succeeds (its answer is not shown).
aws_ok() {
	aws_as "$@" >/dev/null
}

# aws_json VARIABLE PRINCIPAL ARGS...: the CLI's JSON answer into VARIABLE; shows what it
# said when it fails.
# shellcheck disable=SC2034 # `into` names the caller's variable, which is set
aws_json() {
	local -n into=$1
	local err
	shift
	err=$(mktemp)
	if ! into=$(aws_as "$@" 2>"$err"); then
		printf '    aws %s: %s\n' "${*:2}" "$(cat "$err")" >&2
		rm -f "$err"
		return 1
	fi
	rm -f "$err"
}

# json_is JSON JQ_FILTER: the filter holds of the JSON (jq -e).
json_is() {
	jq -e "$2" <<<"$1" >/dev/null && return 0
	printf '    not true: %s\n    of: %s\n' "$2" "$(jq -c . <<<"$1" | head -c 600)" >&2
	return 1
}

# refused_by_aws CODE PRINCIPAL ARGS...: the CLI exits 254 with AWS's error CODE.
refused_by_aws() {
	local code=$1 rc=0 err
	shift
	err=$(aws_as "$@" 2>&1 >/dev/null) || rc=$?
	expect "exit status of aws ${*:2}" "$rc" 254 && [[ $err == *"An error occurred ($code)"* ]] &&
		return 0
	printf '    want AWS error %s, got: %s\n' "$code" "$err" >&2
	return 1
}

add_key() {
	local out
	out=$(tb_xdplink --json account add "$1" --credentials "$KEYS")
	KEY[$1]=$(jq -er .AccessKey.AccessKeyId <<<"$out")
	SECRET[$1]=$(jq -er .AccessKey.SecretAccessKey <<<"$out")
}

targets_healthy_for_aws() {
	local health
	aws_json health "$PROVIDER" elbv2 describe-target-health --target-group-arn "$TG" &&
		json_is "$health" '[.TargetHealthDescriptions[].TargetHealth.State] == ["healthy","healthy","healthy","healthy"]'
}

targets_healthy_for_socket() {
	expect "target states" "$(xl_as "$PROVIDER" --json tg health web-tg |
		jq -c '[.TargetHealthDescriptions[].TargetHealth.State]')" \
		'["healthy","healthy","healthy","healthy"]'
}

# state SERVICE_ID: what the provider and the consumer have, through the socket API, with
# the random parts of ids, names and times replaced, live flows left out, and deleted
# endpoints (kept for DescribeVpcEndpoints) left out.
state() {
	{
		xl_as "$PROVIDER" --json lb list
		xl_as "$PROVIDER" --json tg list
		xl_as "$PROVIDER" --json tg health web-tg
		xl_as "$PROVIDER" --json listener list
		xl_as "$PROVIDER" --json service list
		xl_as "$PROVIDER" --json service principals "$1"
		xl_as "$PROVIDER" --json service connections "$1"
		xl_as "$CONSUMER" --json endpoint list
	} | jq -S 'del(.. | .ActiveFlowCount?)
		| if .VpcEndpoints then .VpcEndpoints |= map(select(.State != "deleted")) else . end
		| walk(if type == "string" then
			gsub("vpce-svc-perm-[0-9a-f]{17}"; "PERMISSION")
			| gsub("vpce-svc-[0-9a-f]{17}"; "SERVICE")
			| gsub("vpce-[0-9a-f]{17}-[a-z0-9]{8}"; "ENDPOINT-DNS")
			| gsub("vpce-[0-9a-f]{17}"; "ENDPOINT")
			| gsub("/[0-9a-f]{16}"; "/HEX")
			| gsub("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$"; "TIME")
		  else . end)'
}

e2e_up --agent-args "--aws-listen $AWS_PORT --aws-credentials $KEYS"
aws_runner_start xl-lb HOME=/tmp AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
	AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=''
E2E_PIDS+=("$AWS_RUNNER_PID") # ended before the testbed goes down
for account in 111111111111 222222222222 333333333333; do
	add_key "$account"
done
check "xdplink account add: a keys file of mode 600" expect "mode of $KEYS" "$(stat -c %a "$KEYS")" 600

# ---- The walk with the aws CLI ------------------------------------------------------------------

note "provider 111111111111: a network load balancer, a target group of four, a listener"
aws_json out "$PROVIDER" elbv2 create-load-balancer --name web --type network --scheme internal \
	--subnets "use1-az1=$NODE_AZ1" "use1-az2=$NODE_AZ2"
check "elbv2 create-load-balancer: web, active, a node per zone" json_is "$out" \
	'.LoadBalancers[0] | .LoadBalancerName == "web" and .State.Code == "active" and .Type == "network"
	 and ([.AvailabilityZones[] | [.ZoneName, .LoadBalancerAddresses[0].PrivateIPv4Address]]
	      == [["us-east-1a","10.0.1.10"],["us-east-1b","10.0.2.10"]])'
LB=$(jq -r '.LoadBalancers[0].LoadBalancerArn' <<<"$out")
aws_json out "$PROVIDER" elbv2 create-target-group --name web-tg --protocol TCP --port 80 \
	--target-type ip --vpc-id vpc-111111111111 --health-check-interval-seconds 5 \
	--health-check-timeout-seconds 2 --healthy-threshold-count 2
check "elbv2 create-target-group: web-tg, TCP 80, checked every 5 s" json_is "$out" \
	'.TargetGroups[0] | .TargetGroupName == "web-tg" and .Port == 80 and .HealthCheckIntervalSeconds == 5'
TG=$(jq -r '.TargetGroups[0].TargetGroupArn' <<<"$out")
check "elbv2 register-targets: t1..t4 in their zones" aws_ok "$PROVIDER" elbv2 register-targets \
	--target-group-arn "$TG" --targets "Id=${TB_IP[t1]},AvailabilityZone=us-east-1a" \
	"Id=${TB_IP[t2]},AvailabilityZone=us-east-1a" "Id=${TB_IP[t3]},AvailabilityZone=us-east-1b" \
	"Id=${TB_IP[t4]},AvailabilityZone=us-east-1b"
aws_json out "$PROVIDER" elbv2 create-listener --load-balancer-arn "$LB" --protocol TCP --port 80 \
	--default-actions "Type=forward,TargetGroupArn=$TG"
check "elbv2 create-listener: TCP 80 forwards to web-tg" json_is "$out" \
	".Listeners[0] | .Port == 80 and .DefaultActions[0].TargetGroupArn == \"$TG\""
LISTENER=$(jq -r '.Listeners[0].ListenerArn' <<<"$out")

note "... published as an endpoint service that requires acceptance, 222222222222 allowed"
aws_json out "$PROVIDER" ec2 create-vpc-endpoint-service-configuration \
	--network-load-balancer-arns "$LB" --acceptance-required
SVC=$(jq -r '.ServiceConfiguration.ServiceId' <<<"$out")
SVC_NAME=com.amazonaws.vpce.us-east-1.$SVC
check "ec2 create-vpc-endpoint-service-configuration: Available in both zones" json_is "$out" \
	'.ServiceConfiguration | .ServiceState == "Available" and .AcceptanceRequired
	 and .AvailabilityZones == ["us-east-1a","us-east-1b"]'
check "ec2 modify-vpc-endpoint-service-permissions: 222222222222 allowed" aws_ok "$PROVIDER" ec2 \
	modify-vpc-endpoint-service-permissions --service-id "$SVC" --add-allowed-principals "$CONSUMER"

note "consumer 222222222222: finds the service, and makes an endpoint with an ENI per zone"
# The VPCs the testbed's operator made: the consumer's and its subnets, and 333333333333's.
VPC=$(tb_xdplink --principal "$CONSUMER" --json vpc list | jq -r '.Vpcs[0].VpcId')
VPC2=$(tb_xdplink --principal "$CONSUMER2" --json vpc list | jq -r '.Vpcs[0].VpcId')
SUBNETS=$(tb_xdplink --principal "$CONSUMER" --json subnet list |
	jq -c '[.Subnets | sort_by(.AvailabilityZoneId)[] | .SubnetId]')
aws_json out "$CONSUMER" ec2 describe-vpc-endpoint-services
check "ec2 describe-vpc-endpoint-services: the consumer sees it" json_is "$out" \
	".ServiceNames == [\"$SVC_NAME\"]"
aws_json out "$CONSUMER" ec2 create-vpc-endpoint --vpc-endpoint-type Interface \
	--vpc-id "$VPC" --service-name "$SVC_NAME" --subnet-ids "use1-az1=$ENI_AZ1" \
	"use1-az2=$ENI_AZ2"
check "ec2 create-vpc-endpoint: pendingAcceptance, with a regional and two zonal names" json_is "$out" \
	'.VpcEndpoint | .State == "pendingAcceptance" and (.DnsEntries | length) == 3
	 and .VpcId == "'"$VPC"'" and .SubnetIds == '"$SUBNETS"
EP=$(jq -r '.VpcEndpoint.VpcEndpointId' <<<"$out")
check "pending: c1 -> az1 ENI gets nothing" curl_gets_nothing c1 "http://$ENI_AZ1/"
check "333333333333, not allowed: InvalidServiceName" refused_by_aws InvalidServiceName "$CONSUMER2" \
	ec2 create-vpc-endpoint --vpc-endpoint-type Interface --vpc-id "$VPC2" \
	--service-name "$SVC_NAME" --subnet-ids use1-az1=10.2.1.50

note "the provider accepts"
aws_json out "$PROVIDER" ec2 describe-vpc-endpoint-connections --filters "Name=service-id,Values=$SVC"
check "ec2 describe-vpc-endpoint-connections: the request waits" json_is "$out" \
	"[.VpcEndpointConnections[] | [.VpcEndpointId, .VpcEndpointState]] == [[\"$EP\", \"pendingAcceptance\"]]"
aws_json out "$PROVIDER" ec2 accept-vpc-endpoint-connections --service-id "$SVC" --vpc-endpoint-ids "$EP"
check "ec2 accept-vpc-endpoint-connections: no Unsuccessful" json_is "$out" '.Unsuccessful == []'
aws_json out "$CONSUMER" ec2 describe-vpc-endpoints
check "ec2 describe-vpc-endpoints: available" json_is "$out" \
	"[.VpcEndpoints[] | [.VpcEndpointId, .State]] == [[\"$EP\", \"available\"]]"
check "c1 -> az1 ENI answered by t1/t2 (cross-zone off)" curl_answers c1 "http://$ENI_AZ1/" 't[12]'
check "c2 -> az2 ENI answered by t3/t4" curl_answers c2 "http://$ENI_AZ2/" 't[34]'
check "the targets saw the node IP of their zone" sources_are / "$NODE_AZ1" t1 t2

note "the consumer moves its use1-az1 ENI to another address: the same endpoint, the same names"
names=$(jq -c '[.VpcEndpoints[0].DnsEntries[].DnsName]' <<<"$out")
aws_json out "$CONSUMER" ec2 modify-vpc-endpoint --vpc-endpoint-id "$EP" \
	--remove-subnet-ids "use1-az1=$ENI_AZ1" --add-subnet-ids use1-az1=10.1.1.51
check "ec2 modify-vpc-endpoint: Return" json_is "$out" '.Return'
check "moved: the old address gets nothing" curl_gets_nothing c1 "http://$ENI_AZ1/"
check "moved: the new address is answered by t1/t2" curl_answers c1 http://10.1.1.51/ 't[12]'
aws_json out "$CONSUMER" ec2 describe-vpc-endpoints
check "moved: the same endpoint, available, with the same DNS names" json_is "$out" \
	"[.VpcEndpoints[] | [.VpcEndpointId, .State, .SubnetIds, [.DnsEntries[].DnsName]]]
	 == [[\"$EP\", \"available\", $SUBNETS, $names]]"
check "... and back" aws_ok "$CONSUMER" ec2 modify-vpc-endpoint --vpc-endpoint-id "$EP" \
	--remove-subnet-ids use1-az1=10.1.1.51 --add-subnet-ids "use1-az1=$ENI_AZ1"
check "back: c1 -> az1 ENI answered" curl_answers c1 "http://$ENI_AZ1/" 't[12]'
check "elbv2 describe-target-health: the four healthy within 30 s" wait_until 30 targets_healthy_for_aws
check "elbv2 modify-load-balancer-attributes: cross-zone on" aws_ok "$PROVIDER" elbv2 \
	modify-load-balancer-attributes --load-balancer-arn "$LB" \
	--attributes Key=load_balancing.cross_zone.enabled,Value=true
AWS_STATE=$(state "$SVC")

# ---- Everything deleted with the aws CLI ------------------------------------------------------

note "the consumer deletes its endpoint; the provider its service, listener, target group, NLB"
aws_json out "$CONSUMER" ec2 delete-vpc-endpoints --vpc-endpoint-ids "$EP"
check "ec2 delete-vpc-endpoints" json_is "$out" '.Unsuccessful == []'
check "deleted: c1 -> az1 ENI gets nothing" curl_gets_nothing c1 "http://$ENI_AZ1/"
aws_json out "$PROVIDER" ec2 delete-vpc-endpoint-service-configurations --service-ids "$SVC"
check "ec2 delete-vpc-endpoint-service-configurations" json_is "$out" '.Unsuccessful == []'
check "elbv2 delete-listener" aws_ok "$PROVIDER" elbv2 delete-listener --listener-arn "$LISTENER"
check "elbv2 delete-target-group" aws_ok "$PROVIDER" elbv2 delete-target-group --target-group-arn "$TG"
check "elbv2 delete-load-balancer" aws_ok "$PROVIDER" elbv2 delete-load-balancer --load-balancer-arn "$LB"
check "elbv2 describe-load-balancers --load-balancer-arns: LoadBalancerNotFound" \
	refused_by_aws LoadBalancerNotFound "$PROVIDER" elbv2 describe-load-balancers --load-balancer-arns "$LB"

# ---- The same walk with the socket CLI, and the two states -----------------------------------

note "the same walk with xdplink"
xl_quiet "$PROVIDER" lb create web --az "use1-az1=$NODE_AZ1" --az "use1-az2=$NODE_AZ2"
xl_quiet "$PROVIDER" tg create web-tg --port 80 --interval 5 --timeout 2 --healthy-threshold 2
xl_quiet "$PROVIDER" tg register web-tg "${TB_IP[t1]}" "${TB_IP[t2]}" --az use1-az1
xl_quiet "$PROVIDER" tg register web-tg "${TB_IP[t3]}" "${TB_IP[t4]}" --az use1-az2
xl_quiet "$PROVIDER" listener add web --port 80 --tg web-tg
SVC=$(xl_as "$PROVIDER" --json service create --lb web --acceptance-required |
	jq -er .ServiceConfiguration.ServiceId)
xl_quiet "$PROVIDER" service allow "$SVC" "$CONSUMER"
EP=$(create_endpoint "$CONSUMER" "com.amazonaws.vpce.us-east-1.$SVC" "use1-az1=$ENI_AZ1" "use1-az2=$ENI_AZ2")
xl_quiet "$PROVIDER" endpoint accept "$SVC" "$EP"
check "c1 -> az1 ENI answered again" curl_answers c1 "http://$ENI_AZ1/" 't[12]'
check "the four targets healthy within 30 s" wait_until 30 targets_healthy_for_socket
xl_quiet "$PROVIDER" lb set web --cross-zone on
SOCKET_STATE=$(state "$SVC")
if [[ $SOCKET_STATE == "$AWS_STATE" ]]; then
	check "the aws CLI's walk and the socket CLI's leave the same state" true
else
	diff <(echo "$AWS_STATE") <(echo "$SOCKET_STATE") | head -n 20 >&2 || true
	check "the aws CLI's walk and the socket CLI's leave the same state" false
fi
check "... the state compared is the whole lab" json_is "$(jq -s . <<<"$SOCKET_STATE")" \
	'(.[0].LoadBalancers | length) == 1 and (.[2].TargetHealthDescriptions | length) == 4
	 and (.[7].VpcEndpoints | length) == 1 and .[7].VpcEndpoints[0].State == "available"
	 and .[0].LoadBalancers[0].CrossZoneEnabled'
finish
