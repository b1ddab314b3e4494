"""Two replicas on one PostgreSQL behind nginx under /juping/: ``scripts/proxy_check.py``, run whole.

The script starts the stack from ``deploy/`` (the shipped nginx site and the
systemd unit's command line) and checks it in headless Chromium; see its
docstring for the list. Skipped, with the reason, where nginx, Chromium or
PostgreSQL is missing (``make test`` installs nginx and Chromium).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from postgres_server import POSTGRES_SKIP, POSTGRES_URL

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ("sticky cookie", "every page under /juping/", "chart downloads", "import on A, seen on B", "upload limits")

pytestmark = [pytest.mark.proxy, pytest.mark.browser, pytest.mark.postgres]


def test_two_replicas_behind_nginx_under_a_base_path_pass_every_check():
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("nginx is not installed (Debian package nginx; make test installs it)")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    if POSTGRES_SKIP:
        pytest.skip(POSTGRES_SKIP)
    done = subprocess.run(
        [sys.executable, "scripts/proxy_check.py", "--postgres", POSTGRES_URL],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-6000:]
    for name in CHECKS:
        assert f"PASS  {name}:" in report, report[-3000:]
    assert "0 failed" in report
