#!/usr/bin/env python3
"""Deletes the JetStream streams that earlier test and benchmark runs left behind.

Every test run makes streams of its own (VIZPRO_TEST_*, VIZPRO_BENCH_*) so that runs never see each other's
events. This speaks the NATS text protocol directly so that no client library needs installing; it only
runs before the tests start, when no test stream is in use.
"""

import json
import socket
import sys

PREFIXES = ("VIZPRO_TEST_", "VIZPRO_BENCH_")


def main(host: str = "127.0.0.1", port: int = 4222) -> int:
    try:
        connection = socket.create_connection((host, port), timeout=5)
    except OSError as error:
        print(f"NATS is not reachable, no streams dropped: {error}", file=sys.stderr)
        return 0
    reader = connection.makefile("rb")
    reader.readline()  # INFO
    connection.sendall(b'CONNECT {"verbose":false,"pedantic":false}\r\nSUB _INBOX.vizpro.cleanup 1\r\n')

    def request(subject: str, payload: bytes) -> dict:
        connection.sendall(b"PUB %s _INBOX.vizpro.cleanup %d\r\n%s\r\n" % (subject.encode(), len(payload), payload))
        connection.sendall(b"PING\r\n")
        while True:
            line = reader.readline()
            if not line:
                raise ConnectionError("NATS closed the connection")
            if line.startswith(b"MSG"):
                size = int(line.split()[-1])
                body = reader.read(size + 2)[:size]
                return json.loads(body or b"{}")
            if line.startswith(b"-ERR"):
                raise ConnectionError(line.decode().strip())

    names = []
    offset = 0
    while True:
        page = request("$JS.API.STREAM.NAMES", json.dumps({"offset": offset}).encode())
        batch = page.get("streams") or []
        names.extend(batch)
        offset += len(batch)
        if not batch or offset >= page.get("total", 0):
            break
    dropped = 0
    for name in names:
        if name.startswith(PREFIXES):
            request(f"$JS.API.STREAM.DELETE.{name}", b"")
            dropped += 1
    print(f"dropped {dropped} JetStream streams left by earlier test runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
