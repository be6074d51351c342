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

# The completion, sourced, offers the nouns of the installed CLI.
completes_nouns() {
	# shellcheck source=tools/xdplink.bash-completion
	source "$installed/share/bash-completion/completions/xdplink"
	_xdplink_nouns "$installed/bin/xdplink" | grep -qx endpoint
}

runs() {
	"$@" >/dev/null
}

nothing_left() {
	[[ -z $(find "$root" -type f) ]]
}

check "make install DESTDIR=... PREFIX=$PREFIX" make_quietly install
check "sbin/xdplinkd runs" runs "$installed/sbin/xdplinkd" --version
check "bin/xdplink runs" runs "$installed/bin/xdplink" help
check "the bash completion offers the CLI's nouns" completes_nouns
check "the licenses are there" test -s "$installed/share/doc/xdplink/LICENSES/GPL-2.0"
check "make uninstall leaves no file" make_quietly uninstall
check "nothing is left" nothing_left
finish
