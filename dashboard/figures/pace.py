"""The naming pace of a year: communities named month by month against the year's ``named_communities`` target.

The target is the number of named communities a district aims to have by 31 December, so the pace counts
every community named by each month's end (stage as at that day, ``figures.stages``), starting from those named
before the year began, and projects the year's end at this year's pace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.dataset import Dataset
from dashboard.figures import stages

METRIC = "named_communities"


@dataclass(frozen=True)
class NamingPace:
    """One year's naming pace up to ``day``, for the whole scope and per district."""

    day: date
    total: pd.DataFrame  # stages.named_by_month of the scope (district "")
    by_district: pd.DataFrame  # stages.named_by_month per district
    target: float | None  # the scope's target for the year (None: none set)
    projected: float | None  # where the scope ends the year at this year's pace
    targets: pd.Series  # per district
    projections: pd.Series  # per district

    @property
    def named(self) -> int:
        """Named by ``day``."""
        return int(self.total["cumulative"].iloc[-1]) if not self.total.empty else 0


def _projected(frame: pd.DataFrame, day: date) -> float | None:
    if frame.empty:
        return None
    return stages.projection(int(frame["start"].iloc[0]), int(frame["cumulative"].iloc[-1]), day)


def naming_pace(ds: Dataset, day: date) -> NamingPace:
    """The naming pace of ``day``'s year in ``ds``'s scope (its communities and targets)."""
    total = stages.named_by_month(ds, day, by_district=False)
    by_district = stages.named_by_month(ds, day, by_district=True)
    rows = ds.targets[(ds.targets["year"] == day.year) & (ds.targets["metric"] == METRIC)]
    targets = rows.groupby("district")["target"].sum()
    projections = pd.Series(
        {district: _projected(part, day) for district, part in by_district.groupby("district", sort=False)}, dtype="float64"
    )
    target = float(targets.sum()) if not rows.empty else None
    return NamingPace(day, total, by_district, target, _projected(total, day), targets, projections)
