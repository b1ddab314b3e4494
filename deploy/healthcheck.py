"""The health check of one replica: does ``/juping/_stcore/health`` answer ``ok``? Exit 0 if so, 1 if not.

Standard library only, so the systemd units run it with the app's Python and
nothing else installed. ``--wait`` retries until the replica answers (after a
start); without it one try within ``--timeout`` seconds (the periodic check).
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request


def healthy(url: str, timeout: float) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - a URL of our own
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--base", default="juping", help="server.baseUrlPath of the replica (empty: none)")
    parser.add_argument("--timeout", type=float, default=5, help="seconds for one try")
    parser.add_argument("--wait", type=float, default=0, help="keep trying for this many seconds")
    args = parser.parse_args(argv)
    prefix = f"/{args.base.strip('/')}" if args.base.strip("/") else ""
    url = f"http://{args.host}:{args.port}{prefix}/_stcore/health"
    deadline = time.monotonic() + args.wait
    while True:
        if healthy(url, args.timeout):
            return 0
        if time.monotonic() >= deadline:
            print(f"{url} did not answer ok", file=sys.stderr)
            return 1
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
