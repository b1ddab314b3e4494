"""Moments are stored in UTC and read in Xining on Beijing time (UTC+8): history, audit log and reporting status."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from dashboard import config
from dashboard.ui.text import local_stamp


@pytest.mark.parametrize(
    ("moment", "seconds", "shown"),
    [
        ("2026-12-01T07:30:05+00:00", False, "2026-12-01 15:30"),
        ("2026-12-01T20:10:00+00:00", True, "2026-12-02 04:10:00"),  # after 16:00 UTC it is tomorrow in Xining
        (datetime(2026, 12, 1, 7, 30, tzinfo=UTC), False, "2026-12-01 15:30"),
        ("2026-12-01 07:30:00", False, "2026-12-01 15:30"),  # SQLite's naive text is UTC too
        (None, False, "—"),
        ("", False, "—"),
        (pd.NaT, False, "—"),
        (float("nan"), False, "—"),
    ],
)
def test_a_stored_moment_is_shown_on_beijing_time(moment, seconds, shown):
    assert local_stamp(moment, seconds=seconds) == shown


def test_the_campaign_clock_is_utc_plus_eight():
    assert config.campaign_time("2026-12-31T16:00:00+00:00").date() == date(2027, 1, 1)
