#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# install.sh BUILD: `make install` puts xdplinkd, xdplink, the CLI's bash completion and the
# licenses under DESTDIR/PREFIX, where they run; `make uninstall` takes every one away.
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

version_runs() {
	"$installed/sbin/xdplinkd" --version >/dev/null
}

help_runs() {
	"$installed/bin/xdplink" help >/dev/null
}

nothing_left() {
	[[ -z $(find "$root" -type f) ]]
}

check "make install DESTDIR=... PREFIX=$PREFIX" make_quietly install
check "sbin/xdplinkd runs" version_runs
check "bin/xdplink runs" help_runs
check "the bash completion loads and completes xdplink" completion_loads
check "the licenses are there" test -s "$installed/share/doc/xdplink/LICENSES/GPL-2.0"
check "make uninstall leaves no file" make_quietly uninstall
check "nothing is left" nothing_left
finish
