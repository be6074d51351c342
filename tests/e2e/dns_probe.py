#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile DNS messages for a resolver, as no DNS tool would send them.

usage: dns_probe.py SERVER CASE
Prints the reply's rcode name (FORMERR, NOERROR...), or "none" when nothing came back within
a second. Cases:
  short      11 bytes: less than a header
  loop       a question whose name is a compression pointer to itself
  cut        a label that runs past the end of the message
  oversize   a question followed by 60,000 bytes of compression pointers (UDP)
  two        a header that says two questions
  tcp-huge   over TCP: a 65,535-byte message of garbage after a header
  tcp-split  over TCP: a good query sent one byte at a time
"""
import socket
import struct
import sys
import time

RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]
HEADER = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0)  # id, RD, one question
QUESTION = b"\x03www\x07example\x03com\x00" + struct.pack(">HH", 1, 1)


def udp(server, message):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1)
        s.sendto(message, (server, 53))
        try:
            return s.recv(65535)
        except socket.timeout:
            return None


def receive_exactly(s, count):
    data = b""
    while len(data) < count:
        chunk = s.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def tcp(server, message, split=False):
    with socket.create_connection((server, 53), timeout=2) as s:
        framed = struct.pack(">H", len(message)) + message
        if split:
            for i in range(len(framed)):
                s.sendall(framed[i:i + 1])
                time.sleep(0.01)
        else:
            s.sendall(framed)
        try:
            length = receive_exactly(s, 2)
            return receive_exactly(s, struct.unpack(">H", length)[0]) if length else None
        except (socket.timeout, ConnectionError):
            return None


def main():
    server, case = sys.argv[1], sys.argv[2]
    cases = {
        "short": lambda: udp(server, HEADER[:11]),
        "loop": lambda: udp(server, HEADER + b"\xc0\x0c" + struct.pack(">HH", 1, 1)),
        "cut": lambda: udp(server, HEADER + b"\x28abc"),
        "oversize": lambda: udp(server, HEADER + QUESTION + b"\xc0\x0c" * 30000),
        "two": lambda: udp(server, HEADER[:4] + struct.pack(">H", 2) + HEADER[6:] + QUESTION),
        "tcp-huge": lambda: tcp(server, HEADER + b"\xc0" * (65535 - len(HEADER))),
        "tcp-split": lambda: tcp(server, HEADER + QUESTION, split=True),
    }
    reply = cases[case]()
    if reply is None or len(reply) < 12:
        print("none")
    else:
        rcode = reply[3] & 0x0F
        print(RCODES[rcode] if rcode < len(RCODES) else str(rcode))


if __name__ == "__main__":
    main()
