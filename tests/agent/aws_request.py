#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""aws_request.py: one request to xdplinkd's AWS endpoint, signed (or not, or badly) by the
aws CLI's own SigV4 signer (the botocore that Debian's awscli ships), for the cases the CLI
never sends: stale or future dates, a wrong secret, another region or service, a malformed
body, a body too large. Prints the HTTP status on the first line, then the body.

usage: aws_request.py URL SERVICE BODY [--key ID --secret S] [--region R] [--skew SECONDS]
                      [--unsigned] [--tamper-body TEXT] [--header NAME:VALUE]... [--method M]
       BODY "@N" is N bytes of "a".
"""
import argparse
import datetime
import http.client
import sys
import urllib.parse
from unittest import mock

import awscli.clidriver  # noqa: F401  (puts the CLI's botocore in place)
from awscli.botocore.auth import SigV4Auth
from awscli.botocore.awsrequest import AWSRequest
from awscli.botocore.credentials import Credentials


def main(args=None):
    p = argparse.ArgumentParser(prog="aws_request.py")
    p.add_argument("url")
    p.add_argument("service")
    p.add_argument("body")
    p.add_argument("--key", default="AKIDEXAMPLE")
    p.add_argument("--secret", default="secret")
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--skew", type=int, default=0, help="seconds added to the signing time")
    p.add_argument("--unsigned", action="store_true")
    p.add_argument("--tamper-body", help="send this body instead of the one signed")
    p.add_argument("--header", action="append", default=[])
    p.add_argument("--method", default="POST")
    a = p.parse_args(args)

    body = "a" * int(a.body[1:]) if a.body.startswith("@") else a.body
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    for h in a.header:
        name, _, value = h.partition(":")
        headers[name] = value
    request = AWSRequest(method=a.method, url=a.url, data=body.encode(), headers=headers)
    if not a.unsigned:
        signer = SigV4Auth(Credentials(a.key, a.secret), a.service, a.region)
        when = datetime.datetime.utcnow() + datetime.timedelta(seconds=a.skew)
        with mock.patch("awscli.botocore.auth.datetime") as clock:
            clock.datetime.utcnow.return_value = when
            signer.add_auth(request)
    sent = (a.tamper_body if a.tamper_body is not None else body).encode()
    url = urllib.parse.urlsplit(a.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection.request(a.method, url.path or "/", body=sent, headers=dict(request.headers.items()))
    response = connection.getresponse()
    print(response.status)
    sys.stdout.write(response.read().decode())
    print()


if __name__ == "__main__":
    main()
