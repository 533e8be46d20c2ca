#!/usr/bin/env python3
"""Revert latency of watch mode: scale one owned service the way `docker service scale` does (inspect, then
POST its spec with another replica count, through the engine's unix socket), then poll until swarmop has put
the count back (at most 30 s per trial). Prints p50/p99/max in milliseconds.

    watch_mode_revert.py SOCKET SERVICE_PREFIX COUNT TRIALS
"""
import http.client
import json
import socket
import sys
import time

TIMEOUT_S = 30


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=10)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def call(conn, method, path, body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    conn.request(method, "/v1.41" + path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
    return json.loads(data) if data else None


def main():
    sock, prefix, count, trials = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    conn = UnixConnection(sock)
    latencies = []
    timeouts = 0
    for trial in range(trials):
        name = f"{prefix}{(trial * 37) % count + 1}-cloud"
        service = call(conn, "GET", f"/services/{name}")
        spec = service["Spec"]
        before = spec["Mode"]["Replicated"]["Replicas"]
        spec["Mode"]["Replicated"]["Replicas"] = before + 1
        start = time.monotonic()
        call(conn, "POST", f"/services/{service['ID']}/update?version={service['Version']['Index']}", spec)
        while True:
            now = call(conn, "GET", f"/services/{service['ID']}")
            if now["Spec"]["Mode"]["Replicated"]["Replicas"] == before:
                break
            if time.monotonic() - start > TIMEOUT_S:
                timeouts += 1  # counted at the timeout: the percentiles are then lower bounds
                break
            time.sleep(0.002)
        latencies.append((time.monotonic() - start) * 1000)
        time.sleep(0.3)
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    note = f" ({timeouts} not reverted within {TIMEOUT_S} s)" if timeouts else ""
    print(f"revert_ms p50={p50:.0f} p99={p99:.0f} max={latencies[-1]:.0f} trials={len(latencies)}{note}")


if __name__ == "__main__":
    main()
