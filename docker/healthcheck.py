"""Docker HEALTHCHECK for the web container: exit 0 when /healthz answers 200.

The probe runs inside the container and connects to 127.0.0.1, but Django answers
400 (DisallowedHost) to a Host header outside ALLOWED_HOSTS, and a real deployment
lists only its public name there. So the probe presents the first allowed host,
with a leading "." or "*" wildcard stripped. Standard library only: the
python:3.13-slim image has no curl.
"""

import http.client
import os
import sys


def probe_host(allowed_hosts: str) -> str:
    """The Host header to send: one that ALLOWED_HOSTS accepts."""
    first = allowed_hosts.split(",")[0].strip()
    return first.lstrip("*.") or "localhost"


def main() -> int:
    host = probe_host(os.environ.get("ALLOWED_HOSTS", ""))
    connection = http.client.HTTPConnection("127.0.0.1", 8000, timeout=4)
    try:
        connection.request("GET", "/healthz", headers={"Host": host})
        status = connection.getresponse().status
    except OSError as error:  # refused or timed out
        print(f"healthz: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"healthz: HTTP {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
