#!/usr/bin/env python3
"""Seeds a benchmark server through its API (one keep-alive connection):
a share type, then CGS_PER_PROJECT consistency groups in each of PROJECTS
projects (p00, p01, ...), and waits until the job workers have made every
one of them `available`, so the runs measure requests, not a backlog.

Prints the share type's id on the first line, then every CG id, p00's first.

usage: seed.py PORT [PROJECTS [CGS_PER_PROJECT]]
"""

import http.client
import json
import sys
import time

HEADERS = {
    "X-OpenStack-Manila-API-Version": "2.30",
    "X-OpenStack-Manila-API-Experimental": "True",
    "Content-Type": "application/json",
}


class Api:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method, path, token, body=None):
        headers = dict(HEADERS, **{"X-Auth-Token": token})
        payload = None if body is None else json.dumps(body)
        self.conn.request(method, path, body=payload, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status >= 300:
            sys.exit(f"seed: {method} {path} answered {response.status}: {data[:300]!r}")
        return json.loads(data) if data else None


def main():
    port = int(sys.argv[1])
    projects = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    per_project = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    api = Api(port)
    share_type = api.call(
        "POST",
        "/v2/bench/types",
        "admin:bench",
        {"share_type": {"name": "bench", "extra_specs": {"driver_handles_share_servers": False}}},
    )["share_type"]["id"]
    ids = []
    for p in range(projects):
        project = f"p{p:02d}"
        for i in range(per_project):
            body = {"consistency_group": {"name": f"cg{i}", "share_types": [share_type]}}
            created = api.call("POST", f"/v2/{project}/consistency-groups", f"admin:{project}", body)
            ids.append(created["consistency_group"]["id"])
    deadline = time.monotonic() + 300
    while True:
        pending = api.call(
            "GET", "/v2/bench/consistency-groups?all_tenants=1&status=creating&limit=1", "admin:bench"
        )["consistency_groups"]
        if not pending:
            break
        if time.monotonic() > deadline:
            sys.exit("seed: consistency groups still creating after 300 s")
        time.sleep(0.2)
    print(share_type)
    print("\n".join(ids))


if __name__ == "__main__":
    main()
