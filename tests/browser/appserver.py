"""Start the dashboard for browser tests: a real server process on a free local port, stopped by PID.

Streamlit is started as the deployment starts it, ``streamlit run serve.py`` (app.py's pages inside ``st.App``,
with the data loaded as the server starts): the pages' ``state.require_app()`` must make a bookmark's first visit
work there too.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scripts import headless
from scripts.headless import SERVER_SCRIPT, free_port, streamlit_command

ROOT = Path(__file__).resolve().parents[2]


def wait_healthy(base: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Until /_stcore/health answers; fail the test with the server's log if it exits or never answers."""
    try:
        headless.wait_healthy(base, process, log, timeout)
    except headless.ServerDown as down:
        pytest.fail(str(down))


@contextmanager
def running_app(env: dict[str, str], log: Path, base_path: str = "") -> Iterator[str]:
    """The app on a free port with ``env`` (under ``base_path``, if given); yields its base URL and stops it afterwards."""
    port = free_port()
    base = f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else "")
    command = streamlit_command(SERVER_SCRIPT, port, *(["--server.baseUrlPath", base_path] if base_path else []))
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(base, process, log)
        yield base
    finally:
        headless.stop(process, grace=10)
