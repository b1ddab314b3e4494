"""Imports as separate processes do them: killed mid-way, racing each other, replicas starting together.

Each test runs ``python -m dashboard`` (or a short script) in subprocesses
against the test database of the ``engine`` fixture, on SQLite and
PostgreSQL, so the write lock and the transaction are tested across real
process boundaries and a real SIGKILL.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from dashboard import config
from dashboard.ingest import importing
from dashboard.schema import TABLES
from dashboard.storage import database, store, tables, write_lock

ROOT = Path(__file__).resolve().parent.parent
COMMUNITIES = pd.read_csv(config.SAMPLE_DIR / "communities.csv", dtype=str)["community_id"].to_numpy()


def write_activities(path: Path, rows: int, prefix: str = "K", seed: int = 1) -> Path:
    """A valid activities CSV of ``rows`` rows for the sample communities."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", "2025-12-31").strftime("%Y-%m-%d").to_numpy()
    pd.DataFrame(
        {
            "activity_id": [f"{prefix}{i:07d}" for i in range(rows)],
            "community_id": COMMUNITIES[rng.integers(0, len(COMMUNITIES), rows)],
            "date": days[rng.integers(0, len(days), rows)],
            "category": "patrol",
            "title": "夜间巡逻",
            "participants": rng.integers(0, 100, rows),
        }
    ).to_csv(path, index=False)
    return path


def start_cli(*args: str) -> subprocess.Popen:
    """``python -m dashboard ARGS`` against the configured (test) database."""
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard", *args],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def with_sample_communities(engine):
    result = importing.import_path(engine, config.SAMPLE_DIR / "communities.csv", table="communities")
    assert result.version == 1
    return engine


def writer_is_inside(engine) -> bool:
    """True while some process holds the write lock, i.e. is inside an import's transaction."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :key AND granted"),
                    {"key": write_lock.WRITE_LOCK_KEY},
                ).scalar()
            )
    probe = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:  # database is locked: the writer holds it
        return True
    finally:
        probe.close()


def rows_streaming(engine) -> bool:
    """PostgreSQL: True once a COPY into activities has sent some rows (pg_stat_progress_copy)."""
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_progress_copy WHERE datname = current_database() "
                    "AND relid = 'activities'::regclass AND tuples_processed > 0"
                )
            ).scalar()
        )


def kill_when_writing(child: subprocess.Popen, engine, limit: float = 60) -> None:
    """SIGKILL ``child`` in the middle of writing the rows of its import.

    PostgreSQL shows how far a COPY is; SQLite shows only that the write lock
    is held, so the kill comes 0.05 s later: the lock is taken once the rows
    are an Arrow table, and ADBC's ingest of 300,000 rows then takes about
    0.3 s on 2 cores (they stay in the page cache until the commit writes them).
    """
    postgres = engine.dialect.name == "postgresql"
    inside = rows_streaming if postgres else writer_is_inside
    deadline = time.monotonic() + limit
    while not inside(engine):
        assert child.poll() is None, f"the import ended before it could be killed: {child.stdout.read()!r}"
        assert time.monotonic() < deadline, "the import never reached its write transaction"
        time.sleep(0.005)
    time.sleep(0 if postgres else 0.05)
    assert child.poll() is None, "the import committed before the kill: make the file bigger"
    child.send_signal(signal.SIGKILL)
    child.wait(10)


def test_an_import_killed_mid_way_leaves_the_previous_version_intact(with_sample_communities, tmp_path):
    engine = with_sample_communities
    small = write_activities(tmp_path / "small.csv", 200, prefix="S")
    assert importing.import_path(engine, small, table="activities").version == 1
    before, history = store.load_table(engine, "activities"), store.list_versions(engine)
    big = write_activities(tmp_path / "big.csv", 300_000)
    child = start_cli("import", str(big), "--table", "activities", "--mode", "replace", "--confirm-removals", "200")
    kill_when_writing(child, engine)
    assert child.returncode == -signal.SIGKILL
    engine.dispose()  # connections from before the kill
    assert store.load_table(engine, "activities").equals(before)
    assert store.list_versions(engine) == history
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM activities")).scalar() == 200  # no stray rows
    again = importing.import_path(engine, write_activities(tmp_path / "next.csv", 50, prefix="N"), table="activities")
    assert again.version == 2 and len(store.load_table(engine, "activities")) == 250


def test_two_processes_importing_into_one_table_at_once_leave_one_whole_file(with_sample_communities, tmp_path):
    """Both check against an empty table; the first to commit wins, whole. The other's commit is refused as
    stale, checked again, and would now remove every row the first brought: the removal guard stops it."""
    engine = with_sample_communities
    files = [write_activities(tmp_path / f"f{i}.csv", 20_000 + i, prefix=f"P{i}", seed=i) for i in range(2)]
    children = [start_cli("import", str(f), "--table", "activities", "--mode", "replace") for f in files]
    outputs = [child.communicate(timeout=120)[0].decode() for child in children]
    assert sorted(child.returncode for child in children) == [0, 1], outputs
    assert "--confirm-removals" in outputs[[c.returncode for c in children].index(1)]
    history = store.list_versions(engine, "activities")
    assert [v["version"] for v in history] == [1]
    winner = next(f for f in files if f.name == history[0]["file"])
    frame = store.load_table(engine, "activities")
    expected = pd.read_csv(winner, dtype=str)
    assert frame["activity_id"].tolist() == expected["activity_id"].tolist()


def test_replicas_starting_together_on_an_empty_database_create_it_and_load_the_sample_once(engine, tmp_path, monkeypatch):
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            tables.metadata.drop_all(conn)  # nothing at all, not even tables
    else:
        url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine.dispose()
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    script = (
        "from dashboard.ingest import sample; from dashboard.storage import database; "
        "print(sample.ensure_data(database.get_engine()))"
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script], cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(3)
    ]
    results = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0, 0, 0], [err.decode()[-2000:] for _, err in results]
    assert sorted(out.decode().strip() for out, _ in results) == ["False", "False", "True"]
    fresh = create_engine(database.engine_for(url).url)
    history = store.list_versions(fresh)
    assert sorted(v["table"] for v in history) == sorted(TABLES)
    fresh.dispose()
