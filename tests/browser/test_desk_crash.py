"""SIGKILL of the app server in the middle of a desk commit, on SQLite and PostgreSQL.

An editor uploads 300,000 new activities through the Data desk and presses
commit; the test kills ``streamlit run serve.py`` with SIGKILL while that commit
writes its rows. When is "while": on PostgreSQL, once the COPY into
activities has sent rows (``pg_stat_progress_copy``); on SQLite, once the write
lock has been held without a break for 0.3 s — a sign-in or an audit record
holds it for milliseconds, only the big insert holds it that long (the same
probes as the command line's kill test, tests/test_import_flow.py). Nothing in
the product is slowed down or hooked for the test.

Then the database must hold either the version before or the whole new one,
never a mix: the history, the active rows and the raw row count all agree
with one of the two. A restarted server on the same database must serve every
page without an error element.
"""

from __future__ import annotations

import io
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from appserver import wait_healthy
from harness import ARTIFACTS, ROOT, app_env, require_chromium, visiting
from sqlalchemy import create_engine, text
from test_import_flow import COMMUNITIES, rows_streaming, writer_is_inside

from dashboard.cli.main import main
from dashboard.ingest import sample
from dashboard.storage import store
from scripts.headless import SERVER_SCRIPT, free_port, stop, streamlit_command

pytestmark = [pytest.mark.browser, pytest.mark.crash]

PASSWORD = "Crash-test-pass-1"
# SQLite's kill waits until the write lock has been held HELD_FOR seconds, so its insert must take longer than that on a
# fast machine; PostgreSQL's COPY shows its progress from the first rows, so a smaller upload (less for the server to
# validate before the commit) still dies mid-COPY.
ROWS = {"sqlite": 300_000, "postgresql": 100_000}
HELD_FOR = 0.3  # SQLite: seconds the write lock must stay held before the kill (the big insert, not a small write)
PAGES = [
    "/?lang=en",
    "/map?lang=en",
    "/progress?lang=en",
    "/profile?community={c}&lang=en",
    "/history?lang=en",
    "/present?lang=en",
]


def big_activities(rows: int) -> bytes:
    """New activities (ids not in the sample): an append with no removals to confirm."""
    rng = np.random.default_rng(7)
    days = pd.date_range("2024-01-01", "2025-12-31").strftime("%Y-%m-%d").to_numpy()
    frame = pd.DataFrame(
        {
            "activity_id": [f"KILL{i:07d}" for i in range(rows)],
            "community_id": COMMUNITIES[rng.integers(0, len(COMMUNITIES), rows)],
            "date": days[rng.integers(0, len(days), rows)],
            "category": "patrol",
            "title": "夜间巡逻",
            "participants": rng.integers(0, 100, rows),
        }
    )
    return frame.to_csv(index=False).encode()


def start_server(url: str, log: Path) -> tuple[subprocess.Popen, str]:
    """``streamlit run serve.py`` on a free port over ``url``; the process (for its PID) and the base URL."""
    port = free_port()
    env = {**app_env(Path("unused.db"), "en"), "DASHBOARD_DATABASE_URL": url}
    command = streamlit_command(SERVER_SCRIPT, port)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_healthy(base, child, log, timeout=120)
    return child, base


def state_of(url: str) -> tuple[list[dict], int, int]:
    """(history, active activities, raw rows in the activities table) as a fresh connection sees them."""
    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            raw = conn.execute(text("SELECT count(*) FROM activities")).scalar_one()
        return store.list_versions(eng), len(store.load_table(eng, "activities")), raw
    finally:
        eng.dispose()


def kill_mid_commit(server: subprocess.Popen, engine, limit: float = 180) -> float:
    """SIGKILL ``server`` while its commit writes rows; return how long after the click that was."""
    postgres = engine.dialect.name == "postgresql"
    started = time.monotonic()
    held_since = None
    while True:
        assert server.poll() is None, "the server ended before it could be killed"
        assert time.monotonic() - started < limit, "the commit never reached its write transaction"
        if postgres and rows_streaming(engine):
            break
        if not postgres:
            if writer_is_inside(engine):
                held_since = held_since or time.monotonic()
                if time.monotonic() - held_since >= HELD_FOR:
                    break
            else:
                held_since = None
        time.sleep(0.01)
    server.send_signal(signal.SIGKILL)
    server.wait(10)
    return time.monotonic() - started


def test_kill_9_during_a_desk_commit_leaves_one_whole_version_and_a_restart_serves_every_page(
    engine, browser, request, tmp_path, monkeypatch
):
    require_chromium()
    url = engine.url.render_as_string(hide_password=False)
    sample.ensure_data(engine)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "ed", "--role", "editor"]) == 0
    before = state_of(url)
    kind = engine.dialect.name
    rows = ROWS[kind]
    data = big_activities(rows)

    server, base = start_server(url, ARTIFACTS / f"crash-{kind}-server.log")
    try:
        with visiting(browser, base, request.node, locale=None, fresh=True) as visit:  # its context dies with the server
            visit.context.set_default_timeout(240_000)
            page = visit.open("/desk?lang=en")
            page.get_by_label("Account", exact=True).fill("ed")
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            visit.settle()
            page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(
                files=[{"name": "many-activities.csv", "mimeType": "text/csv", "buffer": data}]
            )
            visit.settle()
            commit = page.get_by_role("button", name="Commit as a new version")
            commit.wait_for()
            visit.shot(f"crash-{kind}-before-commit")
            commit.click()
            after = kill_mid_commit(server, engine)
            visit.context.close()  # its page lost its server; nothing more to check there
    finally:
        stop(server)
    assert server.returncode == -signal.SIGKILL
    engine.dispose()  # connections from before the kill

    history, active, raw = state_of(url)
    old_history, old_active, old_raw = before
    if history == old_history:  # the commit did not land: exactly the old version
        assert (active, raw) == (old_active, old_raw), f"old history but {active} active / {raw} raw rows: a mix"
        outcome = "old"
    else:  # the commit landed whole before the kill
        assert history[1:] == old_history or len(history) == len(old_history) + 1, history[:2]
        assert (active, raw) == (old_active + rows, old_raw + rows), f"new history but {active} / {raw} rows: a mix"
        outcome = "new"
    print(f"{kind}: killed {after:.2f} s after the click; the database holds the {outcome} version")

    server, base = start_server(url, ARTIFACTS / f"crash-{kind}-restart.log")
    try:
        community = store.load_table(engine, "communities")["community_id"].iloc[0]
        with visiting(browser, base, request.node, locale=None) as visit:
            visit.set_default_timeout(120_000)
            for path in PAGES:
                visit.open(path.format(c=community))
            visit.shot(f"crash-{kind}-after-restart")
            assert visit.page.locator('[data-testid="stMain"] h1').count() >= 1
        with visiting(browser, base, request.node, locale=None) as visit:  # the desk, signed in, still works
            page = visit.open("/desk?lang=en")
            page.get_by_label("Account", exact=True).fill("ed")
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            visit.settle()
            page.get_by_text("Signed in as ed").wait_for()
    finally:
        stop(server)
