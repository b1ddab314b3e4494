"""Start the dashboard for browser tests: a real server process on a free local port, stopped by PID.

Streamlit is started as ``streamlit run app.py`` on purpose: the pages'
``state.require_app()`` must make a bookmark's first visit work there too.
"""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scripts.headless import free_port, streamlit_command

ROOT = Path(__file__).resolve().parents[2]


def wait_healthy(base: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Until /_stcore/health answers; fail with the server's log if it exits or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"streamlit did not answer /_stcore/health in {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


@contextmanager
def running_app(env: dict[str, str], log: Path, base_path: str = "") -> Iterator[str]:
    """The app on a free port with ``env`` (under ``base_path``, if given); yields its base URL and stops it afterwards."""
    port = free_port()
    base = f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else "")
    command = streamlit_command("app.py", port, *(["--server.baseUrlPath", base_path] if base_path else []))
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
