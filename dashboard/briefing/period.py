"""The scope and period of a briefing, and the figures it is built on.

All figures come from ``queries`` on the active data, so the written summary,
the slides and the speaker notes say the same numbers as the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from dashboard import config
from dashboard.dataset import Dataset
from dashboard.figures import queries
from dashboard.figures.filters import Filters, apply_filters, data_range


@dataclass(frozen=True)
class Period:
    """A district (or the whole city) and an inclusive date range."""

    district: str | None
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length just before this one (for "what moved")."""
        end = self.start - timedelta(days=1)
        return Period(self.district, end - timedelta(days=self.days - 1), end)

    def filters(self) -> Filters:
        return Filters(districts=(self.district,) if self.district else (), start=self.start, end=self.end)


def default_period(ds: Dataset, district: str | None = None, start: date | None = None, end: date | None = None) -> Period:
    """Missing dates default to the year to date of the last day with data."""
    last = data_range(ds)[1]
    end = end or last
    return Period(district, start or date(end.year, 1, 1), end)


@dataclass(frozen=True)
class Facts:
    """The numbers a briefing states, computed once."""

    period: Period
    communities: int
    named: int
    named_target: float
    activities: int
    activities_before: int
    participants: int
    volunteer_hours: float
    party_members: int
    satisfaction: float | None
    satisfaction_before: float | None
    progress: pd.DataFrame  # queries.district_progress for the scope
    behind: pd.DataFrame  # districts behind pace
    inactive: pd.DataFrame  # communities silent for 60 days at the period's end
    falling: pd.DataFrame  # communities with falling satisfaction
    most_active: pd.DataFrame  # communities with most activities in the period
    recent: pd.DataFrame  # notable activities of the period's last 30 days
    named_list: pd.DataFrame  # named communities in scope


def _satisfaction_at(scoped: Dataset, day: date) -> float | None:
    s = scoped.surveys[scoped.surveys["period"] <= pd.Timestamp(day)]
    if s.empty:
        return None
    return float(s[s["period"] == s["period"].max()]["satisfaction"].mean())


def gather(ds: Dataset, period: Period) -> Facts:
    """Every figure of the briefing for ``period``."""
    scoped = apply_filters(ds, period.filters(), dates=False)
    within = apply_filters(ds, period.filters())
    before = apply_filters(ds, period.previous().filters())
    a = within.activities
    ranking = queries.ranking(within, period.end)
    progress = queries.district_progress(scoped, period.end)
    return Facts(
        period=period,
        communities=len(scoped.communities),
        named=int((scoped.communities["stage"] == "named").sum()),
        named_target=queries.target_total(scoped, period.end.year, "named_communities"),
        activities=len(a),
        activities_before=len(before.activities),
        participants=int(a["participants"].sum()),
        volunteer_hours=float(a["volunteer_hours"].sum()),
        party_members=int(a["party_members"].fillna(0).sum()),
        satisfaction=_satisfaction_at(scoped, period.end),
        satisfaction_before=_satisfaction_at(scoped, period.start - timedelta(days=1)),
        progress=progress,
        behind=queries.behind_pace(progress),
        inactive=queries.inactive_communities(scoped, period.end),
        falling=queries.falling_satisfaction(scoped, period.end),
        most_active=ranking[ranking["activities"] > 0].head(5),
        recent=_notable(a, scoped.communities, period.end),
        named_list=scoped.communities[scoped.communities["stage"] == "named"],
    )


def _notable(activities: pd.DataFrame, communities: pd.DataFrame, end: date, limit: int = 6) -> pd.DataFrame:
    """The largest activities (by participants) of the last 30 days, with their community's names."""
    recent = activities[activities["date"] > pd.Timestamp(end - timedelta(days=30))]
    top = recent.sort_values(["participants", "date"], ascending=False).head(limit)
    return top.merge(communities[["community_id", "name_zh", "name_en", "district"]], on="community_id", how="left")


def scope_label(district: str | None, lang: str) -> str:
    """The district's name, or the whole city."""
    if district:
        return config.label("districts", district, lang)
    return "西宁市" if lang == "zh" else "Xining"
