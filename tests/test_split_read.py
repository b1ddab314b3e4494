"""A large table is read in two halves on two connections (storage/split_read): the halves add up to one read.

The threshold is lowered so that a few rows split; each half must come back in the stored types even when a column
holds only nulls in one half (SQLite's driver then types it as integers) and dates come as text.
"""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from dashboard.dataset import typed_frame
from dashboard.storage import bulk, split_read, sqlite_guard, store

META = store.ImportMeta("x", "a.csv", "")


def activities(community: str, rows: int) -> pd.DataFrame:
    """``rows`` activities; the second half has no volunteer hours, titles or party members at all."""
    half = rows // 2
    return typed_frame(
        "activities",
        pd.DataFrame(
            {
                "activity_id": [f"S{i}" for i in range(rows)],
                "community_id": [community] * rows,
                "date": ["2024-02-29", "2025-12-31"] * half,
                "category": ["culture", "patrol"] * half,
                "title": ['篮球, "友谊"赛'] * half + [None] * half,
                "participants": list(range(rows)),
                "volunteer_hours": [1.5] * half + [None] * half,
                "party_members": [2] * half + [None] * half,
            }
        ),
    )


def community_frame() -> pd.DataFrame:
    return typed_frame(
        "communities",
        pd.DataFrame(
            {
                "community_id": ["C1"],
                "name_zh": ["一社区"],
                "district": ["chengxi"],
                "characteristic": ["harmony"],
                "stage": ["applied"],
                "latitude": [36.6],
                "longitude": [101.7],
            }
        ),
    )


@pytest.fixture
def stored(engine):
    store.commit_frame(engine, "communities", community_frame(), "replace", META)
    frame = activities("C1", 40)
    store.commit_frame(engine, "activities", frame, "replace", META)
    return engine, frame


def test_a_split_read_gives_the_same_rows_and_types_as_one_read(stored, monkeypatch):
    engine, frame = stored
    whole = store.load_table(engine, "activities")
    pd.testing.assert_frame_equal(whole, frame)
    readers = []
    real = bulk.BulkConnection.arrow

    def arrow(self, sql):
        readers.append(threading.current_thread().name)
        return real(self, sql)

    monkeypatch.setattr(bulk.BulkConnection, "arrow", arrow)
    monkeypatch.setattr(split_read, "SPLIT_FROM_ROWS", 4)
    halves = store.load_table(engine, "activities")
    assert any(name.startswith("dashboard-read") for name in readers), "the table was not read in two halves"
    pd.testing.assert_frame_equal(halves, frame)
    pd.testing.assert_frame_equal(store.load_dataset(engine).activities, frame.drop(columns="activity_id"))


def test_a_split_read_of_a_later_version_skips_the_rows_it_replaced(stored, monkeypatch):
    engine, _ = stored
    newer = activities("C1", 10)
    store.commit_frame(engine, "activities", newer, "replace", META)
    monkeypatch.setattr(split_read, "SPLIT_FROM_ROWS", 2)
    pd.testing.assert_frame_equal(store.load_table(engine, "activities"), newer)
    older = store.load_table(engine, "activities", version=1)
    assert len(older) == 40


def test_a_page_query_arriving_during_a_split_read_on_sqlite_neither_blocks_it_nor_waits_forever(sqlite_engine, monkeypatch):
    """A sqlite3 connection asked for while the first half is read queues for the file (sqlite_guard): the second
    half must not queue behind it, or the read and the page would wait for each other."""
    engine = sqlite_engine
    frame = activities("C1", 40)
    store.commit_frame(engine, "communities", community_frame(), "replace", META)
    store.commit_frame(engine, "activities", frame, "replace", META)
    monkeypatch.setattr(split_read, "SPLIT_FROM_ROWS", 4)
    monkeypatch.setattr(sqlite_guard, "WAIT_SECONDS", 10.0)
    real = bulk.BulkConnection.execute
    page: list[str] = []

    def execute(self, statement, params=None):
        if "MAX(row_id)" in str(statement) and not page:  # the read holds the file; a split comes next
            page.append("asked")
            threading.Thread(target=lambda: page.append(store.data_version(engine)), daemon=True).start()
            deadline = time.monotonic() + 5
            while not sqlite_guard.TURNS.waiting(sqlite_guard.SQLITE3) and time.monotonic() < deadline:
                time.sleep(0.01)
            assert sqlite_guard.TURNS.waiting(sqlite_guard.SQLITE3), "the page's query did not queue"
        return real(self, statement, params)

    monkeypatch.setattr(bulk.BulkConnection, "execute", execute)
    started = time.monotonic()
    pd.testing.assert_frame_equal(store.load_table(engine, "activities"), frame)
    assert time.monotonic() - started < 8
    deadline = time.monotonic() + 5
    while len(page) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert page[1:] == [store.data_version(engine)]  # the page's query ran once the read let the file go
