"""How every browser run of this repository starts its browser and its app server.

The browser tests (tests/browser/), the benchmarks (benchmarks/) and the proxy check (scripts/proxy_check.py) all
drive Debian's Chromium (``playwright install`` is never run: no download at test time) against a local
``streamlit run``; declaring both once keeps them measuring and testing the same thing.
"""

from __future__ import annotations

import socket
import sys
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",  # CI runs as root in a container, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # nothing may leave the machine: no update checks, no sync, no field trials
    "--disable-component-update",
    "--disable-sync",
]


def launch_options() -> dict[str, Any]:
    """Keyword arguments of ``playwright.chromium.launch`` (sync or async API) for Debian's headless Chromium."""
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


def free_port() -> int:
    """A local TCP port nobody listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_command(script: str, port: int, *extra: str) -> list[str]:
    """``streamlit run SCRIPT`` on 127.0.0.1:PORT, headless, without usage statistics or a file watcher."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *extra,
    ]
