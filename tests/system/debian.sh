#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/system/debian.sh BUILD: xdplink as an operator runs it. `make deb`; a fresh Debian 12
# made by debootstrap; `apt install ./xdplink_*.deb` there; that Debian booted under
# systemd-nspawn (systemd as PID 1, a real journal) in the testbed's LB namespace; the unit
# started by systemd (Type=notify) with settings from /etc/xdplink/xdplinkd.conf; the seed
# lab configured with the installed CLI; the journal's priorities and audit lines;
# `systemctl restart` under traffic with 0 connections lost, and a crash restarted by
# systemd; `apt purge` inside the running system leaving nothing of xdplink.
set -euo pipefail

XDPLINK_BUILD=$(cd "${1:-build}" && pwd)
export XDPLINK_BUILD
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh"

readonly MIRROR=${XL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly MAX_FLOWS=65536 # set in xdplinkd.conf: the agent must say it uses it
readonly HELD=20
readonly CHURN=30000 # new connections while the agent restarts
WORK=$(mktemp -d /var/tmp/xl-system.XXXXXX)
readonly WORK ROOT=$WORK/root BPF=$WORK/bpf
NSPAWN_PID=
LEADER=

# ---- the container ------------------------------------------------------------------

# in_container CMD [ARGS...]: CMD inside the booted Debian, as its own root would run it.
in_container() {
	nsenter --target "$LEADER" --mount --uts --ipc --net --pid --cgroup -- \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}

# The e2e helpers call the CLI through tb_xdplink: here it is the installed one.
tb_xdplink() {
	in_container xdplink "$@"
}

container_leader() {
	local pid
	pid=$(pgrep -P "$NSPAWN_PID" -x systemd) || return 1
	LEADER=$pid
}

# boot: Debian's systemd as PID 1 in xl-lb's network namespace, its own BPF filesystem
# at /sys/fs/bpf (as a host has one), every capability and the bpf() system call (it loads
# XDP programs). nsenter, not `ip netns exec`, which would hide the cgroups nspawn needs.
boot() {
	# /proc/sys/net writable, as on a host: the agent turns forwarding on where it attaches.
	SYSTEMD_NSPAWN_API_VFS_WRITABLE=network nsenter --net=/run/netns/xl-lb systemd-nspawn --directory "$ROOT" --boot --machine xl-debian12 \
		--register=no --keep-unit --capability=all --system-call-filter=bpf --console=read-only \
		--bind "$BPF:/sys/fs/bpf" </dev/null >"$WORK/console.log" 2>&1 &
	NSPAWN_PID=$!
	# wait_until runs its command in a subshell: ask again here to keep LEADER.
	wait_until 30 container_leader && container_leader ||
		{ cat "$WORK/console.log" >&2 && return 1; }
}

# The container's systemd answers once its bus is up; then it says how the boot goes.
system_state_is() {
	expect "systemctl is-system-running" "$(in_container systemctl is-system-running 2>&1)" "$1"
}

system_running() {
	wait_until 60 system_state_is running ||
		{ in_container systemctl --failed --no-legend >&2 && return 1; }
}

stop_container() {
	[[ -n $NSPAWN_PID ]] || return 0
	# nspawn passes SIGTERM on as a clean poweroff of the container.
	kill -TERM "$NSPAWN_PID" 2>/dev/null || true
	if ! wait_until 30 process_gone "$NSPAWN_PID" 2>/dev/null; then
		kill -KILL "$NSPAWN_PID" 2>/dev/null || true
	fi
	wait "$NSPAWN_PID" 2>/dev/null || true
	NSPAWN_PID=
}

process_gone() {
	! kill -0 "$1" 2>/dev/null
}

# On exit, before the testbed goes: the container lives in its LB namespace. Nothing here
# may fail the trap (the testbed's teardown comes after it).
cleanup() {
	trap - ERR
	stop_container
	if mountpoint -q "$BPF"; then umount "$BPF" || true; fi
	if mountpoint -q "$ROOT/proc"; then umount "$ROOT/proc" || true; fi
	rm -rf --one-file-system "$WORK" || true
}

# The exit status goes on to e2e_on_exit, which takes the testbed down and exits with it.
cleanup_then_testbed_down() {
	local rc=$?
	cleanup
	set +e
	(exit "$rc")
	e2e_on_exit
}

# ---- the package and a fresh Debian 12 -------------------------------------------------

in_root() {
	chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

quietly() {
	local out
	out=$("$@" 2>&1) || { printf '%s failed:\n%s\n' "$*" "$(tail -n 20 <<<"$out")" >&2 && return 1; }
}

deb_is_built() {
	quietly make -C "$E2E_DIR/../.." --no-print-directory -s deb BUILD="$XDPLINK_BUILD" &&
		DEB=$(ls "$XDPLINK_BUILD"/xdplink_*.deb) &&
		[[ $(dpkg-deb -f "$DEB" Package) == xdplink ]]
}

fresh_debian() {
	quietly debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus bookworm \
		"$ROOT" "$MIRROR" && cp /etc/resolv.conf "$ROOT/etc/resolv.conf" &&
		mount -t proc proc "$ROOT/proc"
}

apt_install() {
	cp "$DEB" "$ROOT/tmp/"
	quietly in_root apt-get update && quietly in_root sh -c "cd /tmp && apt install -y ./${DEB##*/}"
}

package_files_there() {
	local f missing=()
	for f in /usr/sbin/xdplinkd /usr/bin/xdplink /lib/systemd/system/xdplinkd.service \
		/etc/xdplink/xdplinkd.conf /etc/default/xdplinkd \
		/usr/share/bash-completion/completions/xdplink /usr/share/man/man8/xdplink.8.gz \
		/usr/share/man/man8/xdplinkd.8.gz /usr/share/doc/xdplink/copyright; do
		[[ -s $ROOT$f ]] || missing+=("$f")
	done
	expect "files missing" "${missing[*]}" ""
}

# ---- the running service ---------------------------------------------------------------

unit_property() {
	in_container systemctl show -p "$1" --value xdplinkd.service
}

unit_is() {
	expect "xdplinkd.service $1" "$(unit_property "$1")" "$2"
}

agent_max_flows_from_conf() {
	expect "Config.MaxFlows" "$(tb_xdplink --json agent status | jq -r .Config.MaxFlows)" "$MAX_FLOWS"
}

attach_interfaces() {
	local -a mode=()
	[[ $E2E_XDP_MODE == generic ]] && mode=(--mode generic)
	quietly tb_xdplink iface attach cons0 --role consumer "${mode[@]}" &&
		quietly tb_xdplink iface attach cons1 --role consumer "${mode[@]}" &&
		quietly tb_xdplink iface attach prov0 --role provider "${mode[@]}"
}

# journal PRIORITY: the agent's journal at PRIORITY and above, as the message lines.
journal() {
	in_container journalctl -u xdplinkd.service -p "$1" -o cat --no-pager
}

audit_in_journal() {
	journal notice | grep -qE "^audit action=CreateVpcEndpoint principal=$CONSUMER ids=.*$E2E_EP.* result=ok$" ||
		{ echo "    no audit line of the endpoint's creation at notice" >&2 && return 1; }
	[[ $(in_container journalctl -u xdplinkd.service -g '^audit action=CreateVpcEndpoint' \
		-o json --no-pager | jq -rs 'map(.PRIORITY) | unique | join(",")') == 5 ]] ||
		{ echo "    audit lines are not priority 5 (notice)" >&2 && return 1; }
}

info_only_at_info() {
	journal info | grep -q '^serving /run/xdplink/xdplink.sock' &&
		! journal notice | grep -q '^serving '
}

# A request refused is audited with its code; `journalctl -p warning` stays for trouble.
refusal_audited() {
	refused_with LoadBalancerNotFound tb_xdplink lb delete nope &&
		journal notice | grep -q '^audit action=DeleteLoadBalancer .*ids=nope result=refused code=LoadBalancerNotFound'
}

main_pid() {
	unit_property MainPID
}

churn_in_background() {
	tb_exec c2 "$STORM" churn -t "$ENI_AZ2:80" -n "$CHURN" -c 50 -r /during-restart -w 5000 \
		--json >"$WORK/churn.json" 2>&1 &
	CHURN_PID=$!
	E2E_PIDS+=("$CHURN_PID") # ended with the script, whatever happens
}

churn_under_way() {
	[[ $(logged_count /during-restart t3 t4) -ge 500 ]]
}

churn_still_running() {
	kill -0 "$CHURN_PID" 2>/dev/null ||
		{ echo "    the churn had ended: raise CHURN so that it spans the restart" >&2 && return 1; }
}

churn_all_answered() {
	local report
	wait "$CHURN_PID" || return 1
	report=$(<"$WORK/churn.json")
	expect "[opened, established, reset, timeout, error, answers]" \
		"$(jq -c '[.opened, .established, .reset, .timeout, .error, ([.bodies[]] | add // 0)]' \
			<<<"$report")" "[$CHURN,$CHURN,0,0,0,$CHURN]" || { echo "    $report" >&2 && return 1; }
}

restarted_by_systemd() {
	[[ $(unit_property NRestarts) == 1 && $(unit_property ActiveState) == active ]]
}

# ---- removal ---------------------------------------------------------------------------

apt_purge() {
	quietly in_container apt-get purge -y --auto-remove xdplink
}

no_xdp_on() {
	! ip -n xl-lb link show "$1" | grep -q ' xdp'
}

# The agent's isolation rules (pref 100 iif IFACE blackhole) go with the interfaces.
no_isolation_rules() {
	expect "ip rules at pref 100" "$(ip -n xl-lb -4 rule show pref 100; ip -n xl-lb -6 rule show pref 100)" ""
}

isolation_rules_there() {
	local rules
	rules=$(ip -n xl-lb -4 rule show pref 100; ip -n xl-lb -6 rule show pref 100)
	expect "ip rules at pref 100" "$(grep -cE 'iif (cons[01]|prov0) .*blackhole' <<<"$rules")" 6
}

nothing_of_xdplink_left() {
	local left
	left=$(find "$ROOT" -xdev -iname '*xdplink*' -printf '%P\n' | grep -v '^tmp/' || true)
	left+=$(in_container find /sys/fs/bpf /run -iname '*xdplink*')
	expect "files left" "$left" "" && package_gone xdplink && package_gone libbpf1
}

# package_gone NAME: dpkg knows nothing of it any more, or only that it is not installed.
package_gone() {
	local status
	status=$(in_root dpkg-query -W -f '${db:Status-Status}' "$1" 2>/dev/null) || true
	[[ -z $status || $status == not-installed ]] ||
		{ echo "    $1 is still $status" >&2 && return 1; }
}

# ---- the script ------------------------------------------------------------------------

trap cleanup EXIT
note "packaging, and a fresh Debian 12 to install it on"
check "make deb builds xdplink_*.deb" deb_is_built
check "debootstrap: a fresh Debian 12 (bookworm, minbase, systemd)" fresh_debian
check "apt install ./xdplink_*.deb pulls its libraries and installs" apt_install
check "binaries, unit, settings, defaults, completion, man pages, copyright are there" \
	package_files_there
check "the unit is enabled by the package" \
	expect "is-enabled" "$(in_root systemctl is-enabled xdplinkd.service)" enabled
check "xdplink --version runs" expect "version" "$(in_root xdplink --version)" "xdplink $(
	sed -n 's/^#define XDPLINK_VERSION "\(.*\)"/\1/p' "$E2E_DIR/../../common/version.h")"
printf 'max-flows %s\n' "$MAX_FLOWS" >>"$ROOT/etc/xdplink/xdplinkd.conf"
umount "$ROOT/proc"

e2e_up --no-agent
trap cleanup_then_testbed_down EXIT
mkdir -p "$BPF"
mount -t bpf bpf "$BPF"
note "the Debian booted with systemd-nspawn in xl-lb"
check "systemd-nspawn boots it" boot
check "the container boots to a running system" system_running
check "systemd started xdplinkd (Type=notify: active once ready)" unit_is ActiveState active
check "... as Type=notify" unit_is Type notify
check "... with its status from sd_notify" unit_is StatusText "serving /run/xdplink/xdplink.sock"
check "StateDirectory holds the state" in_container test -s /var/lib/xdplink/state.db
check "RuntimeDirectory holds the socket" in_container test -S /run/xdplink/xdplink.sock
check "the setting from /etc/xdplink/xdplinkd.conf is in force" agent_max_flows_from_conf

note "the seed lab through the installed CLI"
check "the interfaces attach" attach_interfaces
check "... and the agent keeps the node from routing them (ip rules, IPv4 and IPv6)" \
	isolation_rules_there
check "the consumer VPCs and their subnets are made" quietly tb_create_vpcs
setup_service
service_answers() {
	[[ $(tb_curl c1 "http://$ENI_AZ1/") == t[12] ]]
}

check "c1 reaches the service" service_answers
# Without a working service, traffic across a restart cannot be judged: stop here.
((e2e_failed == 0)) || finish
check "journal: the endpoint's creation audited at notice (PRIORITY=5)" audit_in_journal
check "journal: info lines are priority 6, not shown at -p notice" info_only_at_info
check "journal: a refusal audited with its code" refusal_audited
check "journal: no warning or error from xdplinkd (-p warning)" expect "warnings" "$(journal warning)" ""

note "$HELD held connections, and $CHURN new ones from c2 while systemd restarts the agent"
holder_start c1 "$ENI_AZ1" 80 "$HELD"
check "$HELD held connections answered" held_all_opened "$HELD"
pid_before=$(main_pid)
churn_in_background
check "the churn is under way" wait_until 30 churn_under_way
check "systemctl restart xdplinkd" in_container systemctl restart xdplinkd.service
check "... a new agent (another MainPID), active" \
	test "$(main_pid)" != "$pid_before" -a "$(unit_property ActiveState)" = active
check "... while the churn still ran" churn_still_running
check "every churned connection was answered (0 lost)" churn_all_answered
holder_request /after-restart
check "all $HELD held connections answered after the restart, by their first target" \
	held_answers_same_targets

note "a crash: systemd restarts the agent (Restart=on-failure)"
check "systemctl kill -s KILL xdplinkd" in_container systemctl kill -s KILL xdplinkd.service
check "systemd restarted it" wait_until 20 restarted_by_systemd
holder_request /after-crash
check "all $HELD held connections answered after the crash" held_answers_same_targets
holder_stop

note "apt purge on the running system"
check "apt-get purge --auto-remove xdplink" apt_purge
check "the program is off cons0, cons1, prov0" eval 'no_xdp_on cons0 && no_xdp_on cons1 && no_xdp_on prov0'
check "the isolation rules are gone" no_isolation_rules
check "the service is gone" expect "LoadState" "$(unit_property LoadState)" not-found
check "nothing of xdplink is left (files, pins, the package, its library libbpf1)" \
	nothing_of_xdplink_left
stop_container
finish
