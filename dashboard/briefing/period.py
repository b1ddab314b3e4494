"""The scope and period of a briefing, and the figures it is built on.

All figures come from ``queries`` on the active data, so the written summary,
the slides and the speaker notes say the same numbers as the dashboard.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from dashboard import config
from dashboard.briefing.compare import Change, flow_changes, satisfaction_changes
from dashboard.dataset import Dataset
from dashboard.figures import queries
from dashboard.figures.filters import Filters, apply_filters, data_range
from dashboard.figures.pace import NamingPace, naming_pace
from dashboard.figures.stage_dating import as_at
from dashboard.figures.stages import stuck


@dataclass(frozen=True)
class Period:
    """A district (or the whole city) and an inclusive date range."""

    district: str | None
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def kind(self) -> str:
        """What the period is, for naming its 环比: "month", "quarter", "year" (to date) or "days" (any other range)."""
        s, e = self.start, self.end
        if s.day == 1 and (s.year, s.month) == (e.year, e.month):
            return "month"
        if s.day == 1 and s.month % 3 == 1 and s.year == e.year and (e.month - 1) // 3 == (s.month - 1) // 3:
            return "quarter"
        if (s.month, s.day) == (1, 1) and s.year == e.year:
            return "year"
        return "days"

    def with_dates(self, start: date, end: date) -> Period:
        return Period(self.district, start, end)

    def previous(self) -> Period:
        """The period of equal length just before this one."""
        end = self.start - timedelta(days=1)
        return self.with_dates(end - timedelta(days=self.days - 1), end)

    def year_earlier(self) -> Period:
        """同比: the same dates a year earlier (29 February becomes the 28th)."""
        return self.with_dates(_years_back(self.start, 1), _years_back(self.end, 1))

    def chain(self) -> tuple[Period, Period, str]:
        """环比: (the span compared, the span before it of the same kind, that kind).

        A month or quarter (to date) is compared with the previous month or quarter up to the same day; a year to
        date would only repeat 同比, so its last month (to date) is compared with the month before, as a 工作简报
        says "其中11月……环比……"; any other range with the range of equal length before it.
        """
        kind = self.kind
        if kind == "year":
            now = self.with_dates(max(self.start, self.end.replace(day=1)), self.end)
            return now, _months_back(now, 1), "month"
        if kind in ("month", "quarter"):
            return self, _months_back(self, 1 if kind == "month" else 3), kind
        return self, self.previous(), "days"

    def filters(self) -> Filters:
        return Filters(districts=(self.district,) if self.district else (), start=self.start, end=self.end)


def _years_back(day: date, years: int) -> date:
    year = day.year - years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _months_back(p: Period, months: int) -> Period:
    """The span starting ``months`` earlier and as many days into it, cut at the day before ``p`` starts."""
    index = p.start.year * 12 + p.start.month - 1 - months
    start = date(index // 12, index % 12 + 1, 1)
    end = min(start + (p.end - p.start), p.start - timedelta(days=1))
    last = date(end.year, end.month, calendar.monthrange(end.year, end.month)[1])
    if p.end == date(p.end.year, p.end.month, calendar.monthrange(p.end.year, p.end.month)[1]):
        end = min(last, p.start - timedelta(days=1))  # a whole month is compared with a whole month
    return p.with_dates(start, end)


def import_day(when: datetime | None) -> date | None:
    """The calendar day of an import time on the campaign's clock (stored times are UTC), as the history shows it."""
    if when is None:
        return None
    return config.campaign_time(when).date()


def default_period(ds: Dataset, district: str | None = None, start: date | None = None, end: date | None = None) -> Period:
    """Missing dates default to the year to date of the last day with data."""
    last = data_range(ds)[1]
    end = end or last
    return Period(district, start or date(end.year, 1, 1), end)


def stage_counts(ds: Dataset, period: Period) -> pd.DataFrame:
    """Communities by district and stage for ``period``'s scope: every slide, table and sentence counts stages here.

    Each community counts at the stage it held at ``period.end`` (``figures.stage_dating``), and not at all when it had
    not entered the campaign by then: a briefing on a past quarter says how far the campaign had got that quarter.
    """
    scoped = ds if period.district is None else apply_filters(ds, Filters(districts=(period.district,)), dates=False)
    return queries.funnel(scoped, period.end)


def named_by_district(ds: Dataset, period: Period) -> pd.Series:
    """How many communities of each district are named (from :func:`stage_counts`)."""
    counts = stage_counts(ds, period)
    return counts[counts["stage"] == "named"].set_index("district")["communities"]


@dataclass(frozen=True)
class Facts:
    """The numbers a briefing states, computed once."""

    period: Period
    first_day: date  # the first day with activity data: earlier spans have none
    communities: int
    subdistricts: int  # 街道 and 镇 named in the data
    stages: pd.DataFrame  # stage_counts of the scope
    named: int
    named_target: float
    activities: int
    participants: int
    volunteer_hours: float
    party_members: int
    changes: dict[str, dict[str, Change]]  # measure -> {"yoy": 同比, "chain": 环比}
    satisfaction: float | None  # the latest surveyed month's mean
    satisfaction_changes: dict[str, Change] | None
    progress: pd.DataFrame  # queries.district_progress for the scope
    behind: pd.DataFrame  # districts behind pace
    inactive: pd.DataFrame  # communities silent for 60 days at the period's end
    falling: pd.DataFrame  # communities with falling satisfaction
    most_active: pd.DataFrame  # communities with most activities in the period
    recent: pd.DataFrame  # notable activities of the period's last 30 days
    named_list: pd.DataFrame  # communities in scope named by the period's end
    stuck: pd.DataFrame  # communities in one stage longer than DASHBOARD_STUCK_DAYS at the period's end
    pace: NamingPace  # the year's naming pace to the period's end
    scoped: Dataset  # the scope's rows, all dates
    within: Dataset  # the scope's rows in the period

    @property
    def satisfaction_month(self) -> date | None:
        return None if self.satisfaction_changes is None else self.satisfaction_changes["chain"].span.start

    def stage_count(self, stage: str) -> int:
        return int(self.stages.loc[self.stages["stage"] == stage, "communities"].sum())


def gather(ds: Dataset, period: Period) -> Facts:
    """Every figure of the briefing for ``period``."""
    scoped = apply_filters(ds, period.filters(), dates=False)
    within = apply_filters(ds, period.filters())
    a = within.activities
    ranking = queries.ranking(within, period.end)
    stages = stage_counts(ds, period)
    progress = queries.district_progress(scoped, period.end)
    named = stages[stages["stage"] == "named"].set_index("district")["communities"]
    progress["named"] = progress["district"].map(named).fillna(0).astype(int)  # the stage counts, wherever they are said
    progress["named_share"] = progress["named"] / progress["target_named_communities"]
    satisfaction = satisfaction_changes(scoped, period)
    subdistricts = scoped.communities["subdistrict"].dropna().astype(str).str.strip()
    first_day = data_range(ds)[0]
    at_end = as_at(scoped, period.end)  # the communities in the campaign at the period's end, at their stage then
    return Facts(
        period=period,
        first_day=first_day,
        communities=len(at_end),
        subdistricts=int(subdistricts[subdistricts != ""].nunique()),
        stages=stages,
        named=int(stages.loc[stages["stage"] == "named", "communities"].sum()),
        named_target=queries.target_total(scoped, period.end.year, "named_communities"),
        activities=len(a),
        participants=int(a["participants"].sum()),
        volunteer_hours=float(a["volunteer_hours"].sum()),
        party_members=int(a["party_members"].fillna(0).sum()),
        changes=flow_changes(scoped, period, first_day),
        satisfaction=None if satisfaction is None else satisfaction["chain"].now,
        satisfaction_changes=satisfaction,
        progress=progress,
        behind=queries.behind_pace(progress),
        inactive=queries.inactive_communities(scoped, period.end),
        falling=queries.falling_satisfaction(scoped, period.end),
        most_active=ranking[ranking["activities"] > 0].head(5),
        recent=_notable(a, scoped.communities, period.end),
        named_list=at_end[at_end["stage"] == "named"],
        stuck=stuck(scoped, period.end),
        pace=naming_pace(scoped, period.end),
        scoped=scoped,
        within=within,
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
