#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""testbed/proxy_target.py: a target that reads the proxy protocol v2 header in front of
every connection, checks each of its bytes against what PrivateLink sends, and logs what
it says. It shares no code with xdplink: its own parser, its own CRC32C.

usage: proxy_target.py --name NAME --port PORT --log FILE [--serve FILE] [--bind ADDR]

Each connection must begin with a header. Before it starts, the parser checks itself on
the two real AWS headers below (a connection's and a health check's): both must parse
and their CRC32C must match, or it refuses to start.

  A connection's header (command PROXY) must be 100 bytes laid out as AWS's sample, byte
  for byte except where the sample holds its own connection: the addresses and ports, the
  CRC32C and the endpoint id. The CRC32C must be that of the header with the field
  zeroed, the endpoint id "vpce-" and 17 hex digits, the NOOP padding zeros.
  A health check's header (command LOCAL) must be AWS's capture, byte for byte.

After the header comes one HTTP/1.1 request (the connection closes after the answer):
  GET /download        the --serve FILE, with its length
  PUT or POST (any)    the body is read (Content-Length) and answered with
                       "NAME sha256:HEX bytes:N"
  GET (any other)      "NAME SRC SPORT DST DPORT VPCE", what the header said
A connection whose header is wrong gets no answer. One JSON line per connection goes to
--log when it ends:
  {"kind": "proxy"|"local"|"invalid", "src", "sport", "dst", "dport", "vpce",
   "errors": [...], "request": "GET /x" or null, "sha256", "bytes"}
"""

import argparse
import asyncio
import hashlib
import ipaddress
import json
import re
import sys

SIGNATURE = bytes.fromhex("0d0a0d0a000d0a515549540a")

# A real PrivateLink connection's header (the proprot crate's test capture): PROXY, TCP
# over IPv4, 172.31.7.113:51442 -> 172.31.10.31:80, CRC32C e8d6892d, endpoint
# vpce-08d2bf15fac5001c9, 36 bytes of NOOP.
AWS_PROXY_SAMPLE = bytes.fromhex(
    "0d0a0d0a000d0a515549540a" "21110054" "ac1f0771" "ac1f0a1f" "c8f2" "0050"
    "030004e8d6892d" "ea001701" + b"vpce-08d2bf15fac5001c9".hex() + "040024" + "00" * 36)
# What varies from one connection to another: the addresses and ports, the CRC32C's value,
# the endpoint id. Every other byte of a header must be the sample's.
VARYING = set(range(16, 28)) | set(range(31, 35)) | set(range(39, 61))

# A real health check's header (kubernetes/kubernetes#57250): LOCAL, TCP over IPv4, no
# addresses, CRC32C bce5951f, 74 bytes of NOOP.
AWS_LOCAL_SAMPLE = bytes.fromhex(
    "0d0a0d0a000d0a515549540a" "20110054" "030004bce5951f" "04004a" + "00" * 74)

ENDPOINT_ID = re.compile(r"vpce-[0-9a-f]{17}")
TLV_CRC32C, TLV_NOOP, TLV_AWS, AWS_VPCE_ID = 0x03, 0x04, 0xEA, 0x01


def crc32c(data):
    """CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def parse(header):
    """Parses a whole header (16 bytes and what its length says follows). Returns a dict:
    kind, the fields found, and the errors (empty when it is what AWS sends)."""
    out = {"kind": "invalid", "errors": []}
    errors = out["errors"]
    if header[:12] != SIGNATURE:
        errors.append("signature")
        return out
    command, family = header[12], header[13]
    length = int.from_bytes(header[14:16], "big")
    if len(header) != 16 + length:
        errors.append(f"length {length} for {len(header) - 16} bytes")
        return out
    if family != 0x11:
        errors.append(f"family 0x{family:02x}, want 0x11 (TCP over IPv4)")
    if command == 0x20:
        out["kind"] = "local"
        tlvs_at = 16
    elif command == 0x21:
        out["kind"] = "proxy"
        if length < 12:
            errors.append("no room for the addresses")
            return out
        out["src"] = str(ipaddress.IPv4Address(header[16:20]))
        out["dst"] = str(ipaddress.IPv4Address(header[20:24]))
        out["sport"] = int.from_bytes(header[24:26], "big")
        out["dport"] = int.from_bytes(header[26:28], "big")
        tlvs_at = 28
    else:
        errors.append(f"version/command 0x{command:02x}")
        return out
    crc_at, types = None, []
    at = tlvs_at
    while at < len(header):
        if at + 3 > len(header):
            errors.append(f"TLV cut at {at}")
            break
        kind, size = header[at], int.from_bytes(header[at + 1:at + 3], "big")
        value = header[at + 3:at + 3 + size]
        if len(value) != size:
            errors.append(f"TLV 0x{kind:02x} runs past the header")
            break
        types.append(kind)
        if kind == TLV_CRC32C:
            if size != 4:
                errors.append(f"CRC32C of {size} bytes")
            crc_at = at + 3
        elif kind == TLV_AWS:
            if size < 1 or value[0] != AWS_VPCE_ID:
                errors.append("AWS TLV without the VPC endpoint id subtype")
            else:
                out["vpce"] = value[1:].decode("ascii", "replace")
                if not ENDPOINT_ID.fullmatch(out["vpce"]):
                    errors.append(f"endpoint id {out['vpce']!r}")
        elif kind == TLV_NOOP:
            if any(value):
                errors.append("NOOP padding not zero")
        else:
            errors.append(f"TLV type 0x{kind:02x}")
        at += 3 + size
    if crc_at is None:
        errors.append("no CRC32C")
    else:
        zeroed = header[:crc_at] + bytes(4) + header[crc_at + 4:]
        if crc32c(zeroed) != int.from_bytes(header[crc_at:crc_at + 4], "big"):
            errors.append("CRC32C mismatch")
    if out["kind"] == "proxy":
        if types != [TLV_CRC32C, TLV_AWS, TLV_NOOP]:
            errors.append(f"TLVs {[hex(t) for t in types]}, want CRC32C, AWS, NOOP")
        if len(header) != len(AWS_PROXY_SAMPLE) or any(
                header[i] != AWS_PROXY_SAMPLE[i] for i in range(len(header)) if i not in VARYING):
            errors.append("not laid out as AWS's header")
    elif header != AWS_LOCAL_SAMPLE:
        errors.append("not AWS's LOCAL header")
    return out


def self_check():
    """The parser agrees with AWS's own headers, CRCs included."""
    sample = parse(AWS_PROXY_SAMPLE)
    local = parse(AWS_LOCAL_SAMPLE)
    want = {"kind": "proxy", "errors": [], "src": "172.31.7.113", "dst": "172.31.10.31",
            "sport": 51442, "dport": 80, "vpce": "vpce-08d2bf15fac5001c9"}
    if sample != want or local != {"kind": "local", "errors": []}:
        sys.exit(f"proxy_target.py: the parser disagrees with AWS's headers: {sample} {local}")


async def read_header(reader):
    head = await reader.readexactly(16)
    if head[:12] != SIGNATURE:
        return head
    return head + await reader.readexactly(int.from_bytes(head[14:16], "big"))


def answer(writer, body):
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body) + body)


class Target:
    def __init__(self, name, log, serve):
        self.name, self.log, self.serve = name, log, serve

    async def request(self, reader, writer, seen):
        """Reads one request after the header and answers it."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as e:
            seen["bytes"] = len(e.partial)  # a client that sent nothing (or little)
            return
        lines = head.decode("latin-1").split("\r\n")
        method, path = (lines[0].split(" ") + ["", ""])[:2]
        seen["request"] = f"{method} {path}"
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if method in ("PUT", "POST"):
            digest, left = hashlib.sha256(), length
            while left:
                chunk = await reader.read(min(left, 1 << 20))
                if not chunk:
                    raise ConnectionError("body cut short")
                digest.update(chunk)
                left -= len(chunk)
            seen["sha256"], seen["bytes"] = digest.hexdigest(), length
            answer(writer, f"{self.name} sha256:{seen['sha256']} bytes:{length}\n".encode())
        elif path == "/download" and self.serve:
            with open(self.serve, "rb") as f:
                data = f.read()
            answer(writer, data)
        else:
            said = " ".join(str(seen.get(k, "-")) for k in ("src", "sport", "dst", "dport", "vpce"))
            answer(writer, f"{self.name} {said}\n".encode())
        await writer.drain()

    async def serve_connection(self, reader, writer):
        seen = {"kind": "invalid", "errors": [], "request": None}
        try:
            header = await read_header(reader)
            seen.update(parse(header))
            if not seen["errors"]:
                await self.request(reader, writer, seen)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError) as e:
            seen["errors"].append(f"connection: {e}")
        finally:
            self.log.write(json.dumps(seen) + "\n")
            self.log.flush()
            writer.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--serve")
    parser.add_argument("--bind", default="0.0.0.0")
    args = parser.parse_args()
    self_check()
    with open(args.log, "a", encoding="utf-8") as log:
        target = Target(args.name, log, args.serve)
        server = await asyncio.start_server(target.serve_connection, args.bind, args.port,
                                            backlog=4096, reuse_address=True)
        async with server:
            await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
