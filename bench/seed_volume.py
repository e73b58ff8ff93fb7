#!/usr/bin/env python3
"""Seeds the volume API of a benchmark server (one keep-alive connection):
CGS_PER_PROJECT consistency groups of the default volume type in each of
PROJECTS projects (hex ids, as Cinder's router wants them), one volume in
the first project's first group (so it can be the source of
create_from_src), and waits until the job workers have made them all
`available`.

Prints the first project's id, then every CG id, the first project's first
(the one with the volume).

usage: seed_volume.py PORT [PROJECTS [CGS_PER_PROJECT]]
"""

import http.client
import json
import sys
import time

HEADERS = {"OpenStack-API-Version": "volume 3.71", "Content-Type": "application/json"}


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
            sys.exit(f"seed_volume: {method} {path} answered {response.status}: {data[:300]!r}")
        return json.loads(data) if data else None


def wait_available(api, project, kind, ids):
    deadline = time.monotonic() + 300
    for item in ids:
        while True:
            shown = api.call("GET", f"/v3/{project}/{kind}/{item}", f"admin:{project}")
            status = next(iter(shown.values()))["status"]
            if status == "available":
                break
            if status == "error" or time.monotonic() > deadline:
                sys.exit(f"seed_volume: {kind} {item} is {status}")
            time.sleep(0.05)


def main():
    port = int(sys.argv[1])
    projects = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    per_project = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    api = Api(port)
    ids = []
    for p in range(projects):
        project = f"{0xb0000000 + p:08x}"
        made = []
        for i in range(per_project):
            body = {"consistencygroup": {"name": f"cg{i}", "volume_types": "__DEFAULT__"}}
            made.append(api.call("POST", f"/v3/{project}/consistencygroups", f"admin:{project}", body)["consistencygroup"]["id"])
        wait_available(api, project, "consistencygroups", made)
        ids += [(project, cg) for cg in made]
    first_project, first_cg = ids[0]
    volume = api.call(
        "POST", f"/v3/{first_project}/volumes", f"admin:{first_project}",
        {"volume": {"size": 1, "volume_type": "__DEFAULT__", "consistencygroup_id": first_cg}},
    )["volume"]["id"]
    wait_available(api, first_project, "volumes", [volume])
    print(first_project)
    print("\n".join(cg for _, cg in ids))


if __name__ == "__main__":
    main()
