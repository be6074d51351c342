#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# install.sh BUILD: `make install` puts xdplinkd, xdplink, the manual pages, the systemd unit,
# the settings files, the CLI's bash completion and the licenses under DESTDIR/PREFIX, where
# they run; `make uninstall` takes every one away, but an admin's own settings. `make deb`
# packs the same (installing it under systemd is tests/system/debian.sh's, `make systemtest`).
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh" # check, finish

build=$(cd "${1:-build}" && pwd)
cd "$E2E_DIR/../.."
root=$(mktemp -d /tmp/xl-install.XXXXXX)
trap 'rm -rf "$root"' EXIT
readonly PREFIX=/opt/xdplink
installed=$root$PREFIX

make_quietly() {
	make --no-print-directory -s "$@" BUILD="$build" DESTDIR="$root" PREFIX="$PREFIX" >/dev/null
}

# The completion, sourced, completes xdplink.
completion_loads() {
	# shellcheck source=tools/xdplink.bash-completion
	source "$installed/share/bash-completion/completions/xdplink" && complete -p xdplink >/dev/null
}

# complete WORD...: what the completion offers for the last WORD after `xdplink WORD...`.
complete_words() {
	local COMP_WORDS=("$installed/bin/xdplink" "$@") COMP_CWORD=$# COMPREPLY=()
	_xdplink "$installed/bin/xdplink"
	printf '%s\n' "${COMPREPLY[*]}"
}

# Nouns, verbs and options come from the installed CLI's help, the new nouns too.
completion_completes() {
	expect "xdplink su<TAB>" "$(complete_words su)" subnet &&
		expect "xdplink vpc <TAB>" "$(complete_words vpc '')" "create list delete help" &&
		expect "xdplink subnet create --<TAB>" "$(complete_words subnet create --)" \
			"--vpc --az --cidr --json --pretty --principal --socket --help --version" &&
		expect "xdplink stats show --watch 1 --c<TAB>" "$(complete_words stats show --watch 1 --c)" --count
}

# make deb: the package holds what the unit needs, its conffiles, and depends on the
# libraries the programs link (dpkg-shlibdeps), without the build's.
deb_built() {
	local deb
	make --no-print-directory -s deb BUILD="$build" >/dev/null && deb=$(ls "$build"/xdplink_*.deb) &&
		DEB=$deb
}

deb_contents() {
	local listing missing=() f
	listing=$(dpkg-deb -c "$DEB" | awk '{ print $6 }')
	for f in ./usr/sbin/xdplinkd ./usr/bin/xdplink ./lib/systemd/system/xdplinkd.service \
		./etc/xdplink/xdplinkd.conf ./etc/default/xdplinkd \
		./usr/share/bash-completion/completions/xdplink ./usr/share/man/man8/xdplink.8.gz \
		./usr/share/man/man8/xdplinkd.8.gz ./usr/share/doc/xdplink/copyright; do
		grep -qx -- "$f" <<<"$listing" || missing+=("$f")
	done
	expect "missing from the package" "${missing[*]}" "" &&
		expect "conffiles" "$(dpkg-deb -I "$DEB" conffiles | tr '\n' ' ')" \
			"/etc/xdplink/xdplinkd.conf /etc/default/xdplinkd "
}

deb_depends() {
	local depends lib missing=()
	depends=$(dpkg-deb -f "$DEB" Depends)
	for lib in libbpf1 libsystemd0 libnl-route-3-200 libsqlite3-0 libmicrohttpd12 libjson-c5; do
		[[ $depends == *"$lib "* || $depends == *"$lib,"* || $depends == *"$lib" ]] || missing+=("$lib")
	done
	expect "libraries not in Depends ($depends)" "${missing[*]}" "" &&
		expect "-dev packages in Depends" "$(grep -o '[a-z0-9.+-]*-dev' <<<"$depends" || true)" ""
}

version_runs() {
	"$installed/sbin/xdplinkd" --version >/dev/null
}

help_runs() {
	"$installed/bin/xdplink" help >/dev/null
}

nothing_left() {
	[[ -z $(find "$root" -type f) ]]
}

unit_runs_the_installed_agent() {
	grep -qx "ExecStart=$PREFIX/sbin/xdplinkd --config /etc/xdplink/xdplinkd.conf \$XDPLINKD_ARGS" \
		"$installed/lib/systemd/system/xdplinkd.service" &&
		grep -qx 'Type=notify' "$installed/lib/systemd/system/xdplinkd.service"
}

# xdplink(8) has a section per noun and an entry per verb of `xdplink help NOUN`.
man_page_lists_every_verb() {
	local page=$installed/share/man/man8/xdplink.8 noun verb missing=() verbs=0
	for noun in $("$installed/bin/xdplink" help | awk '/^Nouns:/ { on = 1; next } on && /^  / { print $1 } /^$/ && on { exit }'); do
		grep -q "^\.SH ${noun^^}\$" "$page" || missing+=("$noun")
		for verb in $("$installed/bin/xdplink" help "$noun" | awk '/^  [a-z]/ { print $1 }'); do
			grep -q "^\.B xdplink $noun $verb\b" "$page" || missing+=("$noun $verb")
			verbs=$((verbs + 1))
		done
	done
	expect_within "verbs looked for" "$verbs" 30 200 && expect "missing from xdplink(8)" "${missing[*]}" ""
}

# xdplinkd(8) has an entry per option of `xdplinkd --help`.
man_page_lists_every_option() {
	local page=$installed/share/man/man8/xdplinkd.8 option missing=() option_count=0
	for option in $("$installed/sbin/xdplinkd" --help | grep -oE '^  --[a-z0-9-]+'); do
		grep -q "^\.B ${option//-/\\\\-}\b" "$page" || missing+=("$option")
		option_count=$((option_count + 1))
	done
	expect_within "options looked for" "$option_count" 30 100 && expect "missing from xdplinkd(8)" "${missing[*]}" "" &&
		expect "option entries with their help on the same line" "$(grep -c '^\.B \\-\\-.*  ' "$page")" 0
}

conf_file_read() {
	local out status=0
	printf 'max-flows 12\n' >"$root/bad.conf"
	out=$("$installed/sbin/xdplinkd" --config "$root/bad.conf" 2>&1) || status=$?
	rm -f "$root/bad.conf"
	expect "exit status" "$status" 2 && [[ $out == *'--max-flows takes a whole number'* ]]
}

conf_names_checked() {
	local out status=0
	printf '# a comment\n\nregion us-east-1\nmax-flow 2048\n' >"$root/bad.conf"
	out=$("$installed/sbin/xdplinkd" --config "$root/bad.conf" 2>&1) || status=$?
	rm -f "$root/bad.conf"
	expect "exit status" "$status" 2 &&
		expect "message" "$out" "xdplinkd: $root/bad.conf:4: no setting is named \"max-flow\" (see --help)"
}

admin_settings_kept() {
	make_quietly install && echo "region eu-west-1" >>"$root/etc/xdplink/xdplinkd.conf" &&
		make_quietly uninstall && [[ -f $root/etc/xdplink/xdplinkd.conf ]] &&
		rm -r "$root/etc/xdplink"
}

check "make install DESTDIR=... PREFIX=$PREFIX" make_quietly install
check "sbin/xdplinkd runs" version_runs
check "bin/xdplink runs" help_runs
check "the bash completion loads and completes xdplink" completion_loads
check "... nouns, verbs and options from the CLI's help (subnet, vpc, stats --count)" \
	completion_completes
check "the licenses are there" test -s "$installed/share/doc/xdplink/LICENSES/GPL-2.0"
check "the systemd unit runs PREFIX/sbin/xdplinkd with the settings file, Type=notify" \
	unit_runs_the_installed_agent
check "the settings and defaults files are in DESTDIR/etc" \
	test -s "$root/etc/xdplink/xdplinkd.conf" -a -s "$root/etc/default/xdplinkd"
check "xdplink(8) lists every noun and verb of xdplink help" man_page_lists_every_verb
check "xdplinkd(8) lists every option of xdplinkd --help" man_page_lists_every_option
check "a settings file's value is checked as the option's" conf_file_read
check "a settings file's unknown name is refused with its line" conf_names_checked
check "make uninstall leaves no file" make_quietly uninstall
check "nothing is left" nothing_left
check "an admin's changed settings file stays after make uninstall" admin_settings_kept
check "make deb builds build/xdplink_VERSION_ARCH.deb" deb_built
check "... with the programs, unit, settings, completion, man pages, copyright; conffiles" \
	deb_contents
check "... depending on the libraries the programs link, no -dev package" deb_depends
finish
