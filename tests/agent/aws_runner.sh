# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2034 # AWS_RUNNER_STATUS is for the scripts that source this
# tests/agent/aws_runner.sh: the shell's half of aws_runner.py, for scripts that run many aws
# CLI commands: one Python process in a namespace (a coprocess) runs them all, each through
# the CLI's own entry point as /usr/bin/aws runs it, Debian's aws CLI (a pip one may come
# first in PATH). Python's start-up, paid once, was most of such a script's time.

AWS_RUNNER_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/aws_runner.py
AWS_RUNNER_PID=""

# aws_runner_start NETNS NAME=VALUE...: the runner in NETNS, with these settings added to
# the environment of every command.
aws_runner_start() {
	local netns=$1 settings=("${@:2}")
	coproc AWS_RUNNER {
		exec ip netns exec "$netns" env PATH=/usr/bin:/bin "${settings[@]}" /usr/bin/python3 \
			"$AWS_RUNNER_PY"
	}
	AWS_RUNNER_PID=$!
}

# aws_runner_stop: the runner ends with its requests.
aws_runner_stop() {
	local requests=${AWS_RUNNER[1]-}
	[ -n "$AWS_RUNNER_PID" ] || return 0
	[ -z "$requests" ] || exec {requests}>&-
	wait "$AWS_RUNNER_PID" 2>/dev/null || true
	AWS_RUNNER_PID=""
}

# aws_runner_run KIND OUT ERR NAME=VALUE... -- ARGS...: one command, KIND "aws" (the CLI) or
# "request" (aws_request.py), its stdout in the file OUT and its stderr in ERR, with these
# settings added to the environment; its exit status in AWS_RUNNER_STATUS. Fails only when
# the runner is gone.
aws_runner_run() {
	printf '%s\0' $# "$@" >&"${AWS_RUNNER[1]}" &&
		read -r AWS_RUNNER_STATUS <&"${AWS_RUNNER[0]}"
}
