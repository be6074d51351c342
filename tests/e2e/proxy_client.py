#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/e2e/proxy_client.py: connections that say who they are, for targets behind a proxy
protocol target group to check the header against.

usage: proxy_client.py IP PORT COUNT [--concurrency K] [--echo VPCE_ID] [--silent]

Opens COUNT connections to IP:PORT, K at a time (default 50). On each it sends
"GET /from/ADDRESS/PORT" where ADDRESS and PORT are its own (getsockname), so that a
target's log says on every line both what the header claimed and what is true, and reads
the answer to its end. With --echo, the answer's body must be what testbed/proxy_target.py
read from the header, "NAME SRC SPORT DST DPORT VPCE": the connection's own address and
port, IP:PORT, and VPCE_ID. With --silent, each connection is closed (FIN) without a byte
sent, and nothing is read.

Prints one JSON object: connections, answered (HTTP 200), failed (no answer), mismatched
(--echo: a field was wrong), names (how many answers each target NAME gave), problems
(the first few, described).
"""

import argparse
import asyncio
import json

PROBLEMS_KEPT = 5


class Tally:
    def __init__(self):
        self.answered = self.failed = self.mismatched = 0
        self.names = {}
        self.problems = []

    def problem(self, text):
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(text)


def check_echo(body, me, target, vpce):
    """The differences between what the target read in the header and the truth."""
    fields = body.split()
    want = [str(me[0]), str(me[1]), target[0], str(target[1]), vpce]
    if len(fields) != 6 or fields[1:] != want:
        return f"header said {fields[1:]}, want {want}"
    return None


async def one(args, tally):
    reader, writer = await asyncio.wait_for(asyncio.open_connection(args.ip, args.port), 10)
    me = writer.get_extra_info("sockname")
    try:
        if args.silent:
            return
        writer.write(f"GET /from/{me[0]}/{me[1]} HTTP/1.1\r\nHost: x\r\n"
                     "Connection: close\r\n\r\n".encode())
        answer = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    head, _, body = answer.decode("latin-1").partition("\r\n\r\n")
    if not head.startswith("HTTP/1.1 200 "):
        tally.failed += 1
        tally.problem(f"{me[0]}:{me[1]}: answer {head[:40]!r}")
        return
    tally.answered += 1
    name = body.split()[0] if body.split() else "(empty)"
    tally.names[name] = tally.names.get(name, 0) + 1
    if args.echo:
        wrong = check_echo(body, me, (args.ip, args.port), args.echo)
        if wrong:
            tally.mismatched += 1
            tally.problem(f"{me[0]}:{me[1]}: {wrong}")


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ip")
    parser.add_argument("port", type=int)
    parser.add_argument("count", type=int)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--echo", metavar="VPCE_ID")
    parser.add_argument("--silent", action="store_true")
    args = parser.parse_args()
    tally = Tally()
    slots = asyncio.Semaphore(args.concurrency)

    async def guarded():
        async with slots:
            try:
                await one(args, tally)
            except (OSError, asyncio.TimeoutError) as e:
                tally.failed += 1
                tally.problem(f"connection: {e!r}")

    await asyncio.gather(*(guarded() for _ in range(args.count)))
    print(json.dumps({"connections": args.count, "answered": tally.answered,
                      "failed": tally.failed, "mismatched": tally.mismatched,
                      "names": tally.names, "problems": tally.problems}))


if __name__ == "__main__":
    asyncio.run(main())
