"""How every browser run of this repository starts its browser and its app server.

The browser tests (tests/browser/), the benchmarks (benchmarks/) and the proxy check (scripts/proxy_check.py) all
drive Debian's Chromium (``playwright install`` is never run: no download at test time) against a local
``streamlit run``; declaring both once keeps them measuring and testing the same thing.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
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


# What serves the dashboard: app.py's pages inside st.App, which loads the data as the server starts (serve.py says why).
SERVER_SCRIPT = "serve.py"


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


class ServerDown(RuntimeError):
    """The app server exited, or never answered its health check; the message ends with its log's tail."""


def wait_healthy(base: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    """Return once ``BASE/_stcore/health`` answers 200; raise ServerDown if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerDown(f"streamlit exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise ServerDown(f"streamlit did not answer /_stcore/health in {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen, grace: float = 15) -> None:
    """Terminate a server and wait for it; kill it if it has not gone within ``grace`` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
