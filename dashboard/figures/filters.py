"""The filters every page shares, and applying them to the data.

Filters are plain values so they can live in the URL (a presenter bookmarks a
view) and be cache keys; empty tuples mean "all".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from dashboard import config
from dashboard.dataset import Dataset


@dataclass(frozen=True)
class Filters:
    """District, type and stage selections and a date range (inclusive)."""

    districts: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None

    def to_params(self) -> dict[str, str]:
        """The filters as URL query parameters (only those that are set)."""
        params = {
            "district": ",".join(self.districts),
            "type": ",".join(self.types),
            "stage": ",".join(self.stages),
            "from": self.start.isoformat() if self.start else "",
            "to": self.end.isoformat() if self.end else "",
        }
        return {k: v for k, v in params.items() if v}

    @classmethod
    def from_params(cls, params: dict[str, str]) -> Filters:
        """Filters from URL query parameters; unknown codes and bad dates are dropped."""

        def pick(key: str, vocab: str) -> tuple[str, ...]:
            allowed = config.codes(vocab)
            return tuple(v for v in str(params.get(key, "")).split(",") if v in allowed)

        return cls(
            pick("district", "districts"),
            pick("type", "types"),
            pick("stage", "stages"),
            _parse_day(params.get("from")),
            _parse_day(params.get("to")),
        )

    def with_range(self, start: date | None, end: date | None) -> Filters:
        return replace(self, start=start, end=end)


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def data_range(ds: Dataset) -> tuple[date, date]:
    """The first and last activity dates (today when there are none)."""
    dates = ds.activities["date"].dropna()
    if dates.empty:
        today = config.today()  # the campaign's clock, as every "today" of the product
        return today, today
    return dates.min().date(), dates.max().date()


def communities_matching(ds: Dataset, f: Filters) -> pd.DataFrame:
    """The communities selected by district, type and stage (the frame itself when every one is)."""
    c = ds.communities
    mask = pd.Series(True, index=c.index)
    if f.districts:
        mask &= c["district"].isin(f.districts)
    if f.types:
        mask &= c["characteristic"].isin(f.types)
    if f.stages:
        mask &= c["stage"].isin(f.stages)
    return c if mask.all() else c[mask]  # every row kept: the frame itself (no copy; kept figures follow it)


def apply_filters(ds: Dataset, f: Filters, *, dates: bool = True) -> Dataset:
    """The dataset seen through the filters: communities, their activities and surveys in the range.

    ``dates=False`` keeps all dates (for year-to-date and previous-period figures).
    """
    communities = communities_matching(ds, f)
    ids = set(communities["community_id"])
    activities = _rows(ds.activities, ds.activities["community_id"].isin(ids))
    surveys = _rows(ds.surveys, ds.surveys["community_id"].isin(ids))
    if dates and f.start:
        activities = _rows(activities, activities["date"] >= pd.Timestamp(f.start))
        surveys = _rows(surveys, surveys["period"] >= pd.Timestamp(f.start).to_period("M").to_timestamp())
    if dates and f.end:
        activities = _rows(activities, activities["date"] <= pd.Timestamp(f.end))
        surveys = _rows(surveys, surveys["period"] <= pd.Timestamp(f.end))
    targets = ds.targets[ds.targets["district"].isin(f.districts)] if f.districts else ds.targets
    return Dataset(communities, activities, surveys, targets, version=ds.version, reached=ds.reached)


def _rows(frame: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    """The rows where ``keep`` is true; the frame itself when that is every row.

    Without a filter that narrows them, a million activities are not copied
    (nothing downstream changes a frame in place).
    """
    return frame if keep.all() else frame[keep]
