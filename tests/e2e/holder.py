#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/e2e/holder.py: holds N keep-alive HTTP connections and sends one request on each of
them whenever told to, so a test can act (restart, delete, switch) between two requests.

usage: holder.py IP PORT COUNT [--timeout SECONDS]

Opens COUNT connections to IP:PORT, sends "GET /held-open" on each and prints one line per
connection, then "ready":
    conn INDEX LOCAL_PORT BODY        (BODY is the first line of the answer: a target name)
    conn INDEX - ERROR:REASON         (the connection or its first request failed)
Then reads commands from stdin, one per line:
    request PATH   sends "GET PATH" on every connection that is still open, in turn, and
                   prints "answer INDEX BODY" or "answer INDEX ERROR:REASON" for each, then
                   "done"; a connection that failed once stays failed (ERROR:closed)
At end of input it closes every connection and exits 0.
"""

import socket
import sys


def read_answer(sock):
    """Reads one HTTP/1.1 response with a Content-Length; returns the body's first line."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed by peer")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length is None:
        raise ConnectionError("answer without Content-Length")
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed by peer")
        body += chunk
    return body.decode(errors="replace").splitlines()[0] if body else "(empty)"


def ask(sock, path):
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return read_answer(sock)


def reason(error):
    if isinstance(error, socket.timeout):
        return "timeout"
    name = type(error).__name__
    return name if not getattr(error, "strerror", None) else error.strerror.replace(" ", "_")


def open_all(address, count, timeout):
    conns = []
    for index in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
            body = ask(sock, "/held-open")
            conns.append(sock)
            print(f"conn {index} {sock.getsockname()[1]} {body}", flush=True)
        except OSError as error:
            sock.close()
            conns.append(None)
            print(f"conn {index} - ERROR:{reason(error)}", flush=True)
    return conns


def request_all(conns, path):
    for index, sock in enumerate(conns):
        if sock is None:
            print(f"answer {index} ERROR:closed", flush=True)
            continue
        try:
            print(f"answer {index} {ask(sock, path)}", flush=True)
        except OSError as error:
            sock.close()
            conns[index] = None
            print(f"answer {index} ERROR:{reason(error)}", flush=True)
    print("done", flush=True)


def main(argv):
    if len(argv) not in (4, 6) or (len(argv) == 6 and argv[4] != "--timeout"):
        sys.exit(__doc__)
    address = (argv[1], int(argv[2]))
    timeout = float(argv[5]) if len(argv) == 6 else 2.0
    conns = open_all(address, int(argv[3]), timeout)
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if len(words) == 2 and words[0] == "request":
            request_all(conns, words[1])
        else:
            print(f"unknown command: {line.strip()}", file=sys.stderr, flush=True)
    for sock in conns:
        if sock is not None:
            sock.close()


if __name__ == "__main__":
    main(sys.argv)
