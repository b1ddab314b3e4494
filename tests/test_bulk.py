"""The bulk paths: frames to Arrow and back, ADBC's transaction, the two SQLite libraries taking turns, preloading.

The storage rules themselves (versions, modes, restore, concurrency, kill -9)
are tested in test_store.py and test_import_flow.py, which run over these
paths on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import exc, text

from dashboard import config
from dashboard.dataset import Dataset, typed_frame
from dashboard.schema import TABLES
from dashboard.storage import arrow_frames, bulk, sqlite_guard, store
from dashboard.storage.preload import Preloader
from dashboard.storage.tables import STORED_COLUMNS

META = store.ImportMeta("tester", "file.csv", "")
ROOT = Path(__file__).resolve().parent.parent


def communities(count: int = 3) -> pd.DataFrame:
    raw = {
        "community_id": [f"63010400100{i}" for i in range(count)],
        "name_zh": [f"社区{i}" for i in range(count)],
        "district": ["chengxi"] * count,
        "characteristic": ["caring"] * count,
        "stage": ["building"] * count,
        "latitude": [36.6] * count,
        "longitude": [101.7] * count,
    }
    return typed_frame("communities", pd.DataFrame(raw))


def activities(rows: int, community: str, titled_from: int = 0) -> pd.DataFrame:
    """``rows`` activities; the optional columns are empty before row ``titled_from``."""
    index = np.arange(rows)
    raw = pd.DataFrame(
        {
            "activity_id": [f"X{i:06d}" for i in index],
            "community_id": community,
            "date": pd.Timestamp("2025-03-01") + pd.to_timedelta(index % 300, unit="D"),
            "category": "patrol",
            "title": np.where(index >= titled_from, '巡逻, "夜间"', None),
            "participants": index % 50,
            "volunteer_hours": np.where(index >= titled_from, index / 4, np.nan),
            "party_members": pd.Series(index % 7).where(index >= titled_from),
        }
    )
    return typed_frame("activities", raw)


def test_a_typed_frame_goes_to_arrow_and_back_unchanged():
    frame = activities(50, "630104001000", titled_from=20)
    frame.loc[3, "activity_id"] = None
    frame.loc[4, "participants"] = 2**40
    rows = arrow_frames.to_arrow("activities", frame, STORED_COLUMNS["activities"])
    assert [str(t) for t in rows.schema.types] == [
        "string",
        "string",
        "date32[day]",
        "string",
        "string",
        "int64",
        "double",
        "int64",
    ]
    assert rows.column("title").null_count == 20 and rows.column("activity_id").null_count == 1
    pd.testing.assert_frame_equal(arrow_frames.to_frame("activities", rows), frame)


def test_repeated_text_is_read_back_as_one_object_per_distinct_value():
    frame = activities(1000, "630104001000")
    back = arrow_frames.to_frame("activities", arrow_frames.to_arrow("activities", frame, STORED_COLUMNS["activities"]))
    assert len({id(v) for v in back["community_id"]}) == 1
    assert len({id(v) for v in back["activity_id"]}) == 1000


def test_an_optional_column_empty_in_the_first_thousands_of_rows_reads_back(engine):
    """SQLite's driver types a column from its first batch of rows: that batch is the whole result."""
    store.commit_frame(engine, "communities", communities(), "replace", META)
    frame = activities(6000, "630104001000", titled_from=5000)
    store.commit_frame(engine, "activities", frame, "replace", META)
    pd.testing.assert_frame_equal(store.load_table(engine, "activities"), frame)


def test_a_driver_error_is_raised_as_sqlalchemys_and_nothing_is_left(engine):
    store.commit_frame(engine, "communities", communities(), "replace", META)
    bad = communities()
    bad.loc[1, "name_zh"] = None
    with pytest.raises(exc.DBAPIError, match=r"(?i)null"):  # SQLite's driver calls it InternalError, PostgreSQL's IntegrityError
        store.commit_frame(engine, "communities", bad, "replace", META)
    assert [v["version"] for v in store.list_versions(engine)] == [1]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM communities")).scalar() == 3


def test_the_write_transaction_holds_the_write_lock_until_it_ends(engine):
    """A second writer waits for the first to commit, then sees its version."""
    store.commit_frame(engine, "communities", communities(), "replace", META)
    order: list[str] = []
    inside, release = threading.Event(), threading.Event()

    def first() -> None:
        with bulk.write_transaction(engine) as conn:
            conn.execute("UPDATE communities SET name_zh = 'A' WHERE vfrom = 1")
            inside.set()
            release.wait(10)
            order.append("first commits")

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(10)
    later = threading.Thread(
        target=lambda: order.append(f"second got v{store.commit_frame(engine, 'communities', communities(), 'replace', META)}")
    )
    later.start()
    time.sleep(0.3)
    assert order == []  # still waiting for the lock
    release.set()
    thread.join(10)
    later.join(30)
    assert order == ["first commits", "second got v2"]


def test_python_sqlite_and_adbc_sqlite_never_have_the_file_open_at_once(sqlite_engine):
    """The two copies of SQLite in one process cannot see each other's locks, so they take turns."""
    store.commit_frame(sqlite_engine, "communities", communities(), "replace", META)
    events: list[str] = []
    holding = threading.Event()

    def reader() -> None:
        with sqlite_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            holding.set()
            time.sleep(0.3)
            events.append("sqlite3 closes")

    thread = threading.Thread(target=reader)
    thread.start()
    assert holding.wait(10)
    with bulk.connect(sqlite_engine) as conn:
        events.append("adbc opens")
        conn.execute("SELECT 1")
    thread.join(10)
    assert events == ["sqlite3 closes", "adbc opens"]


def test_a_thread_holding_one_kind_is_refused_the_other_instead_of_waiting_for_itself(sqlite_engine):
    with sqlite_engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        with pytest.raises(RuntimeError, match="close that before"), bulk.connect(sqlite_engine):
            pass
    with bulk.connect(sqlite_engine), pytest.raises(RuntimeError, match="close that before"), sqlite_engine.connect():
        pass
    with sqlite_engine.connect() as conn:  # nothing is left held
        assert conn.execute(text("SELECT 1")).scalar() == 1


def test_turns_hand_over_fairly_between_the_two_kinds():
    turns = sqlite_guard._Turns()
    holder = turns.acquire(sqlite_guard.SQLITE3)
    got: list[str] = []
    adbc = threading.Thread(target=lambda: (turns.acquire(sqlite_guard.ADBC), got.append("adbc")))
    adbc.start()
    time.sleep(0.1)
    late = threading.Thread(target=lambda: (turns.acquire(sqlite_guard.SQLITE3), got.append("late sqlite3")))
    late.start()  # a newcomer of the kind that holds waits behind the other kind's waiter
    time.sleep(0.1)
    assert got == []
    turns.release(sqlite_guard.SQLITE3, holder)
    adbc.join(5)
    assert got == ["adbc"]
    turns.release(sqlite_guard.ADBC, adbc.ident or 0)
    late.join(5)
    assert got == ["adbc", "late sqlite3"]


def test_a_preload_is_taken_once_by_the_run_that_asks_for_its_version(sqlite_engine):
    store.commit_frame(sqlite_engine, "communities", communities(), "replace", META)
    started, release = threading.Event(), threading.Event()

    def slow_load(engine) -> Dataset:
        started.set()
        release.wait(10)
        return store.load_dataset(engine)

    preloader = Preloader(slow_load)
    version = store.data_version(sqlite_engine)
    thread = preloader.start(sqlite_engine)
    assert thread is not None and started.wait(10)
    assert preloader.start(sqlite_engine) is None  # that version is already being loaded
    assert preloader.take(sqlite_engine, "other") is None
    threading.Timer(0.2, release.set).start()
    taken = preloader.take(sqlite_engine, version)  # waits for the load in progress
    assert taken is not None and taken.version == version and len(taken.communities) == 3
    assert preloader.take(sqlite_engine, version) is None  # handed over once; the page's cache keeps it


def test_a_preload_that_does_not_end_is_given_up_and_the_page_loads_itself(sqlite_engine):
    store.commit_frame(sqlite_engine, "communities", communities(), "replace", META)
    release = threading.Event()

    def stuck_load(engine) -> Dataset:
        release.wait(10)
        return store.load_dataset(engine)

    preloader = Preloader(stuck_load)
    version = store.data_version(sqlite_engine)
    thread = preloader.start(sqlite_engine)
    assert thread is not None
    assert preloader.take(sqlite_engine, version, timeout=0.2) is None  # given up: the caller loads the data
    release.set()
    thread.join(10)
    assert preloader.take(sqlite_engine, version) is None  # the late result was dropped, not kept for later


def test_preloads_run_one_at_a_time_and_one_replaced_while_it_waits_is_skipped(sqlite_engine):
    """Three commits in a row: the load in progress ends before the next starts, and the middle one never runs."""
    store.commit_frame(sqlite_engine, "communities", communities(), "replace", META)
    started, release, lock = threading.Event(), threading.Event(), threading.Lock()
    running, most, loads = [0], [0], []

    def slow_load(engine) -> Dataset:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        started.set()
        release.wait(10)
        loaded = store.load_dataset(engine)
        with lock:
            running[0] -= 1
            loads.append(loaded.version)
        return loaded

    preloader = Preloader(slow_load)
    threads = [preloader.start(sqlite_engine)]
    assert started.wait(10)
    for _ in range(2):
        store.commit_frame(sqlite_engine, "communities", communities(), "replace", META)
        threads.append(preloader.start(sqlite_engine))
    newest = store.data_version(sqlite_engine)
    release.set()
    for thread in threads:
        assert thread is not None
        thread.join(10)
    assert most[0] == 1 and loads == [newest, newest]  # the first (already running, its result dropped) and the newest
    taken = preloader.take(sqlite_engine, newest)
    assert taken is not None and taken.version == newest


def test_a_failed_preload_leaves_the_load_to_the_next_visitor(sqlite_engine, capsys):
    def broken(engine) -> Dataset:
        raise OSError("disk gone")

    preloader = Preloader(broken)
    version = store.data_version(sqlite_engine)
    thread = preloader.start(sqlite_engine)
    assert thread is not None
    thread.join(10)
    assert preloader.take(sqlite_engine, version) is None
    assert "preloading data version" in capsys.readouterr().err


@pytest.mark.parametrize("table", list(TABLES))
def test_an_empty_table_has_the_contract_dtypes(table):
    empty = arrow_frames.to_frame(table, arrow_frames.to_arrow(table, typed_frame(table, pd.DataFrame()), STORED_COLUMNS[table]))
    assert empty.dtypes.equals(typed_frame(table, pd.DataFrame()).dtypes)


def test_the_import_command_loads_only_what_a_csv_import_needs(tmp_path):
    """``python -m dashboard import`` of a UTF-8 CSV: no Excel reader, no maps, charts or slides, no other database's driver."""
    script = (
        "import runpy, sys\n"
        f"sys.argv = ['dashboard', 'import', {str(config.SAMPLE_DIR / 'communities.csv')!r}, '--table', 'communities']\n"
        "try:\n    runpy.run_module('dashboard', run_name='__main__')\n"
        "except SystemExit as end:\n    assert end.code == 0, end.code\n"
        "print(sorted(m for m in ('openpyxl', 'charset_normalizer', 'folium', 'altair', 'pptx', 'fpdf', 'vl_convert', "
        "'streamlit', 'adbc_driver_postgresql', 'psycopg') if m in sys.modules))\n"
    )
    env = {**os.environ, "DASHBOARD_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
