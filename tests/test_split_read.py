"""A large table is read in two halves on two connections (storage/split_read): the halves add up to one read.

The threshold is lowered so that a few rows split; each half must come back in the stored types even when a column
holds only nulls in one half (SQLite's driver then types it as integers) and dates come as text.
"""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from dashboard.dataset import typed_frame
from dashboard.storage import bulk, split_read, store

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


@pytest.fixture
def stored(engine):
    communities = typed_frame(
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
    store.commit_frame(engine, "communities", communities, "replace", META)
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
