#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""next_seq.py IFACE SRC SPORT DST DPORT: prints "listening" once it captures on IFACE,
then waits (up to 10 s) for one TCP segment from SRC:SPORT to DST:DPORT and prints the
sequence number the sender will use next (the segment's number plus its length): what a
blind attacker does not know, and a test needs to stay out of the window on purpose."""
import socket
import struct
import sys

ETH_P_ALL = 0x0003  # outgoing frames reach only taps of every protocol
ETH_P_IP = 0x0800


def main():
    iface, src, sport, dst, dport = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((iface, 0))
    sock.settimeout(10)
    print("listening", flush=True)
    want = (socket.inet_aton(src), socket.inet_aton(dst))
    while True:
        frame = sock.recv(65535)
        ip = frame[14:]
        if struct.unpack("!H", frame[12:14])[0] != ETH_P_IP or len(ip) < 20 or ip[9] != socket.IPPROTO_TCP or (ip[12:16], ip[16:20]) != want:
            continue
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        tcp = ip[ihl:]
        if struct.unpack("!HH", tcp[:4]) != (sport, dport):
            continue
        seq = struct.unpack("!I", tcp[4:8])[0]
        data_offset = (tcp[12] >> 4) * 4
        print((seq + total - ihl - data_offset) % 2**32)
        return


if __name__ == "__main__":
    main()
