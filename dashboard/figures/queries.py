"""The figures the pages show, computed from a (filtered) Dataset with pandas.

Every function is pure and takes the reference day explicitly, so "this month"
and "60 days without activity" are testable and follow the chosen date range.
Stages are counted as at that day (``stage_dating.as_at``): a community counts at the
stage it held then, and not at all before it entered the campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dashboard import config
from dashboard.dataset import Dataset
from dashboard.figures import stage_dating

INACTIVE_DAYS = 60
FALLING_POINTS = 3.0  # satisfaction drop (points) over three months that needs attention


@dataclass(frozen=True)
class Figure:
    """One headline figure and its value in the previous period (None: no comparison)."""

    value: float | None
    previous: float | None = None
    reason: str = "no_data"  # why ``value`` is None, said in words by i18n.unknown: no_data, no_target, zero_target

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def month_to_date(day: date) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp, pd.Timestamp]:
    """This month up to ``day`` and the same days of the previous month."""
    start = pd.Timestamp(day.replace(day=1))
    end = pd.Timestamp(day)
    prev_start = start - pd.DateOffset(months=1)
    prev_end = min(prev_start + (end - start), start - pd.Timedelta(days=1))
    return start, end, prev_start, prev_end


def _within(values: pd.Series, start, end) -> pd.Series:
    """Which values lie from ``start`` to ``end`` (inclusive).

    Figures on a million activities mask the one or two columns they sum
    rather than copy every column of the rows (the text columns most of all).
    """
    return (values >= start) & (values <= end)


def headline(ds: Dataset, day: date, start: date | None = None) -> dict[str, Figure]:
    """The Overview's headline figures for the communities in ``ds`` (all dates kept in ``ds``), stages as at ``day``."""
    c, a, s = stage_dating.as_at(ds, day), ds.activities, ds.surveys
    m_start, m_end, p_start, p_end = month_to_date(day)
    dates, participants, hours = a["date"], a["participants"], a["volunteer_hours"]
    this_month, last_month = _within(dates, m_start, m_end), _within(dates, p_start, p_end)
    period_start = pd.Timestamp(start) if start else pd.Timestamp(day.replace(month=1, day=1))
    span = pd.Timestamp(day) - period_start
    in_period = _within(dates, period_start, pd.Timestamp(day))
    before_start = period_start - span - pd.Timedelta(days=1)
    before = _within(dates, before_start, period_start - pd.Timedelta(days=1))
    # The previous period is compared only where the data reaches back over all of it: before the first activity
    # nothing was recorded, which is not the same as none done, and "+100 %" against it would say nothing.
    covered = not dates.empty and dates.min() <= before_start
    named = int((c["stage"] == "named").sum())
    return {
        "communities": Figure(len(c)),
        "named": Figure(named),
        "target_share": target_share(ds, named, day.year, "named_communities"),
        "activities_month": Figure(int(this_month.sum()), int(last_month.sum())),
        "participants_month": Figure(float(participants[this_month].sum()), float(participants[last_month].sum())),
        "volunteer_hours": Figure(float(hours[in_period].sum()), float(hours[before].sum()) if covered else None),
        "satisfaction": _satisfaction_figure(s, day),
    }


def _satisfaction_figure(surveys: pd.DataFrame, day: date) -> Figure:
    upto = surveys["period"] <= pd.Timestamp(day)
    if not upto.any():
        return Figure(None)
    by_month = surveys["satisfaction"][upto].groupby(surveys["period"][upto]).mean().sort_index()
    previous = float(by_month.iloc[-2]) if len(by_month) > 1 else None
    return Figure(float(by_month.iloc[-1]), previous)


def target_share(ds: Dataset, done: float, year: int, metric: str) -> Figure:
    """``done`` as a share of the year's target; no value, with the reason, where there is no target or it is 0."""
    rows = (ds.targets["year"] == year) & (ds.targets["metric"] == metric)
    if not rows.any():
        return Figure(None, reason="no_target")
    target = target_total(ds, year, metric)
    return Figure(done / target) if target > 0 else Figure(None, reason="zero_target")


def shares(done: pd.Series, target: pd.Series) -> pd.Series:
    """``done / target`` row by row; NaN (never inf) where the target is missing or 0: a share that cannot be computed."""
    return done.astype("float64") / target.astype("float64").where(target > 0)


def target_total(ds: Dataset, year: int, metric: str) -> float:
    """The sum of the districts' targets for ``metric`` in ``year``."""
    t = ds.targets
    return float(t.loc[(t["year"] == year) & (t["metric"] == metric), "target"].sum())


def year_fraction(day: date) -> float:
    """How much of ``day``'s year has passed (for target pace)."""
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return ((day - start).days + 1) / length


def district_progress(ds: Dataset, day: date) -> pd.DataFrame:
    """Per district: communities, named, mean stage progress (stages as at ``day``), year-to-date activities against target pace.

    A district whose communities had not yet entered the campaign on ``day`` has a row with none.
    """
    now = stage_dating.as_at(ds, day)
    c = ds.communities  # every community's activities count, whatever its stage
    base = (
        now.assign(progress=now["stage"].map(_stage_progress()))
        .groupby("district")
        .agg(
            communities=("community_id", "size"),
            progress=("progress", "mean"),
            named=("stage", lambda s: int((s == "named").sum())),
        )
        .reindex(pd.Index(sorted(set(c["district"].dropna())), name="district"))
        .fillna({"communities": 0, "named": 0})
        .astype({"communities": "int64", "named": "int64"})
    )
    year_start = pd.Timestamp(date(day.year, 1, 1))
    a = ds.activities
    ytd = _within(a["date"], year_start, pd.Timestamp(day))
    if c["community_id"].is_unique:  # as imports ensure: count by district through positions, not text
        base["activities_ytd"], base["hours_ytd"] = _by_district(c, a["community_id"][ytd], a["volunteer_hours"][ytd])
    else:
        merged = a[ytd].merge(c[["community_id", "district"]], on="community_id")
        base["activities_ytd"] = merged.groupby("district").size()
        base["hours_ytd"] = merged.groupby("district")["volunteer_hours"].sum()
    targets = ds.targets[ds.targets["year"] == day.year].pivot_table(index="district", columns="metric", values="target")
    for metric in config.codes("metrics"):
        base[f"target_{metric}"] = targets[metric] if metric in targets else float("nan")
    base = base.fillna({"activities_ytd": 0, "hours_ytd": 0})
    fraction = year_fraction(day)
    base["activities_pace"] = shares(base["activities_ytd"], base["target_activities"] * fraction)
    base["activities_projection"] = base["activities_ytd"] / fraction
    base["named_share"] = shares(base["named"], base["target_named_communities"])
    order = {code: i for i, code in enumerate(config.codes("districts"))}
    return base.reset_index().sort_values("district", key=lambda s: s.map(order)).reset_index(drop=True)


def _by_district(c: pd.DataFrame, community: pd.Series, hours: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Activities and their volunteer hours per district of their community (districts with any, by name).

    Each activity's community is looked up once as a position among the (unique) communities, and the
    districts counted by number: at a million activities, hashing every community code a second time to
    group by the district's text took twice as long (0.25 against 0.08 s CPU at country size).
    """
    where = pd.Index(c["community_id"]).get_indexer(community)  # -1: a community not in ``c``
    codes, names = pd.factorize(c["district"])  # -1: no district
    district = np.full(len(where), -1)
    found = where >= 0
    district[found] = codes[where[found]]
    known = district >= 0
    counts = np.bincount(district[known], minlength=len(names))
    summed = np.bincount(district[known], weights=np.nan_to_num(hours.to_numpy("float64")[known]), minlength=len(names))
    some = counts > 0
    index = pd.Index(names[some], name="district")
    return pd.Series(counts[some], index=index), pd.Series(summed[some], index=index)


def _stage_progress() -> dict[str, float]:
    return {t.code: t.progress for t in config.terms("stages")}


def funnel(ds: Dataset, day: date | None = None) -> pd.DataFrame:
    """Communities by district and stage as at ``day`` (None: the stages held now); every combination, zeros included."""
    counts = (ds.communities if day is None else stage_dating.as_at(ds, day)).groupby(["district", "stage"]).size()
    index = pd.MultiIndex.from_product([config.codes("districts"), config.codes("stages")], names=["district", "stage"])
    frame = counts.reindex(index, fill_value=0).rename("communities").reset_index()
    present = set(ds.communities["district"])
    return frame[frame["district"].isin(present)].reset_index(drop=True)


def monthly_activity(ds: Dataset) -> pd.DataFrame:
    """Per month and category: activities, participants, volunteer hours."""
    a = ds.activities.assign(month=ds.activities["date"].dt.to_period("M").dt.to_timestamp())
    grouped = a.groupby(["month", "category"]).agg(
        activities=("category", "size"), participants=("participants", "sum"), volunteer_hours=("volunteer_hours", "sum")
    )
    return grouped.reset_index().astype({"participants": "int64"})


def satisfaction_trend(ds: Dataset) -> pd.DataFrame:
    """Per month: mean satisfaction and its spread (10th, 25th, 75th, 90th percentiles)."""
    grouped = ds.surveys.groupby("period")["satisfaction"]
    frame = pd.DataFrame(
        {
            "mean": grouped.mean(),
            "p10": grouped.quantile(0.1),
            "p25": grouped.quantile(0.25),
            "p75": grouped.quantile(0.75),
            "p90": grouped.quantile(0.9),
            "communities": grouped.size(),
        }
    )
    return frame.reset_index().rename(columns={"period": "month"})


def inactive_communities(ds: Dataset, day: date, days: int = INACTIVE_DAYS) -> pd.DataFrame:
    """Communities with no activity in the ``days`` before ``day`` (longest silence first)."""
    dates = ds.activities["date"]
    upto = dates <= pd.Timestamp(day)
    last = dates[upto].groupby(ds.activities["community_id"][upto]).max()
    c = ds.communities[["community_id", "name_zh", "name_en", "district", "characteristic", "stage"]].copy()
    c["last_activity"] = pd.Series(last.reindex(c["community_id"]).to_numpy(), index=c.index, dtype="datetime64[ns]")
    c["days_since"] = (pd.Timestamp(day) - c["last_activity"]).dt.days
    silent = c[c["last_activity"].isna() | (c["days_since"] >= days)]
    return silent.sort_values("days_since", ascending=False, na_position="first").reset_index(drop=True)


def falling_satisfaction(ds: Dataset, day: date, drop: float = FALLING_POINTS) -> pd.DataFrame:
    """Communities whose satisfaction fell by ``drop`` points or more over the last three months."""
    s = ds.surveys[ds.surveys["period"] <= pd.Timestamp(day)]
    if s.empty:
        return pd.DataFrame(columns=["community_id", "name_zh", "name_en", "district", "latest", "earlier", "change"])
    latest_month = s["period"].max()
    earlier_month = latest_month - pd.DateOffset(months=3)
    latest = s[s["period"] == latest_month].set_index("community_id")["satisfaction"]
    earlier = s[s["period"] == earlier_month].set_index("community_id")["satisfaction"]
    change = (latest - earlier).dropna()
    falling = change[change <= -drop]
    c = ds.communities.set_index("community_id").loc[falling.index, ["name_zh", "name_en", "district"]]
    c = c.assign(latest=latest[falling.index], earlier=earlier[falling.index], change=falling)
    return c.reset_index().sort_values("change").reset_index(drop=True)


def behind_pace(progress: pd.DataFrame, threshold: float = 0.9) -> pd.DataFrame:
    """Districts whose year-to-date activities are under ``threshold`` of the target pace."""
    behind = progress[progress["activities_pace"] < threshold]
    return behind.sort_values("activities_pace").reset_index(drop=True)


def ranking(ds: Dataset, day: date) -> pd.DataFrame:
    """One row per community for the sortable ranking: activity, reach and satisfaction."""
    a = ds.activities
    per = a.groupby("community_id").agg(
        activities=("date", "size"),
        participants=("participants", "sum"),
        volunteer_hours=("volunteer_hours", "sum"),
        last_activity=("date", "max"),
    )
    latest = ds.surveys.sort_values("period").groupby("community_id")["satisfaction"].last()
    c = ds.communities[["community_id", "name_zh", "name_en", "district", "characteristic", "stage", "brand_name"]]
    frame = c.set_index("community_id").join(per).join(latest.rename("satisfaction"))
    frame = frame.fillna({"activities": 0, "participants": 0, "volunteer_hours": 0})
    frame["days_since"] = (pd.Timestamp(day) - frame["last_activity"]).dt.days
    return frame.reset_index().sort_values(["activities", "participants"], ascending=False).reset_index(drop=True)
