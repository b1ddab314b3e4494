"""同比 and 环比: each headline figure against the same dates a year earlier and the previous period of its kind.

A comparison whose earlier span lies before the first day with data has no
value (``before`` is None), so the briefing says "去年同期无数据" instead of
comparing with a zero that only means nothing was recorded yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.dataset import Dataset

if TYPE_CHECKING:  # period.gather calls into this module
    from dashboard.briefing.period import Period

FLOWS = ("activities", "participants", "volunteer_hours")


@dataclass(frozen=True)
class Change:
    """A figure in ``span`` and in the ``earlier`` span it is compared with.

    ``kind`` is "yoy" (同比) or "chain" (环比); ``unit`` names the earlier span
    ("year", "month", "quarter" or "days", for its wording); ``before`` is None
    when there is no data for the earlier span.
    """

    kind: str
    unit: str
    now: float | None
    before: float | None
    span: Period
    earlier: Period

    @property
    def delta(self) -> float | None:
        if self.now is None or self.before is None:
            return None
        return self.now - self.before

    @property
    def ratio(self) -> float | None:
        """The relative change (0.125 for +12.5 %); None without an earlier value or when it was zero."""
        if self.delta is None or not self.before:
            return None
        return self.delta / self.before


def _flow(activities: pd.DataFrame, measure: str, start: date, end: date) -> float:
    inside = (activities["date"] >= pd.Timestamp(start)) & (activities["date"] <= pd.Timestamp(end))
    if measure == "activities":
        return float(inside.sum())
    return float(activities[measure][inside].fillna(0).sum())


def flow_changes(scoped: Dataset, period: Period, first_day: date) -> dict[str, dict[str, Change]]:
    """同比 and 环比 of activities, participants and volunteer hours; ``first_day`` is the first day with data."""
    a = scoped.activities
    yoy_span, yoy_earlier = period, period.year_earlier()
    chain_span, chain_earlier, unit = period.chain()
    out = {}
    for measure in FLOWS:

        def change(kind: str, unit: str, span: Period, earlier: Period, measure: str = measure) -> Change:
            before = _flow(a, measure, earlier.start, earlier.end) if earlier.start >= first_day else None
            return Change(kind, unit, _flow(a, measure, span.start, span.end), before, span, earlier)

        out[measure] = {
            "yoy": change("yoy", "year", yoy_span, yoy_earlier),
            "chain": change("chain", unit, chain_span, chain_earlier),
        }
    return out


def monthly_satisfaction(scoped: Dataset, end: date) -> pd.Series:
    """Mean satisfaction per survey month up to ``end`` (the months with surveys only)."""
    s = scoped.surveys
    s = s[s["period"] <= pd.Timestamp(end)]
    return s.groupby("period")["satisfaction"].mean().sort_index()


def satisfaction_changes(scoped: Dataset, period: Period) -> dict[str, Change] | None:
    """The latest surveyed month's mean satisfaction against the month before (环比) and a year before (同比)."""
    by_month = monthly_satisfaction(scoped, period.end)
    if by_month.empty:
        return None
    month = by_month.index[-1]

    def at(stamp: pd.Timestamp) -> float | None:
        return float(by_month[stamp]) if stamp in by_month.index else None

    def span(stamp: pd.Timestamp) -> Period:
        last = stamp + pd.offsets.MonthEnd(0)
        return period.with_dates(stamp.date(), last.date())

    now = float(by_month.iloc[-1])
    previous, year_before = month - pd.DateOffset(months=1), month - pd.DateOffset(years=1)
    return {
        "yoy": Change("yoy", "year", now, at(year_before), span(month), span(year_before)),
        "chain": Change("chain", "month", now, at(previous), span(month), span(previous)),
    }
