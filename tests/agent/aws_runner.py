#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""aws_runner.py: runs aws CLI commands, and aws_request.py's requests, one after another
in one Python process, for a shell script that would otherwise start Python (half a
second) for each. Each command goes through the CLI's own entry point with a new driver
and session, as /usr/bin/aws runs it; nothing but the imported modules outlives it.

Requests come on stdin, each as NUL-terminated fields: their count, then KIND ("aws" or
"request"), the stdout file, the stderr file, NAME=VALUE settings of the environment,
"--", and the command's arguments. The answer is the exit status, a line on stdout.
"""
import os
import sys
import traceback

import awscli.clidriver

import aws_request


def fields(fd):
    """Yields each request's fields, until the requests end."""
    buffered = b""

    def fill(terminators):
        nonlocal buffered
        while buffered.count(b"\0") < terminators:
            chunk = os.read(fd, 65536)
            if not chunk:
                return False
            buffered += chunk
        return True

    while fill(1):
        wanted = 1 + int(buffered.partition(b"\0")[0])
        if not fill(wanted):
            return
        parts = buffered.split(b"\0", wanted)
        buffered = parts.pop()
        yield [os.fsdecode(part) for part in parts[1:]]


def run(kind, args):
    """The exit status a process running this command would have."""
    try:
        if kind == "aws":
            return awscli.clidriver.AWSCLIEntryPoint().main(args)
        aws_request.main(args)
        return 0
    except SystemExit as e:
        if e.code is None or isinstance(e.code, int):
            return e.code or 0
        print(e.code, file=sys.stderr)
        return 1
    except Exception:  # what the interpreter would print before exiting with 1
        traceback.print_exc()
        return 1


def main():
    requests, answers = os.dup(0), os.fdopen(os.dup(1), "w")
    with open(os.devnull, "rb") as nothing:  # the commands' stdin, as the script's was
        os.dup2(nothing.fileno(), 0)
    environment = dict(os.environ)
    for request in fields(requests):
        kind, out, err = request[:3]
        split = request.index("--")
        os.environ.clear()
        os.environ.update(environment)
        os.environ.update(item.split("=", 1) for item in request[3:split])
        sys.stdout.flush()
        sys.stderr.flush()
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            os.dup2(stdout.fileno(), 1)
            os.dup2(stderr.fileno(), 2)
            status = run(kind, request[split + 1:])
            sys.stdout.flush()
            sys.stderr.flush()
        answers.write("%d\n" % status)
        answers.flush()


if __name__ == "__main__":
    main()
