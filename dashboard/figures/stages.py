"""Figures over the communities' stage dates: stage counts month by month, how long each step took, who is stuck,
the naming pace of the year, one community's milestones.

Each takes its dates from ``stage_dating`` (typed, derived from the stored versions, or assumed) and the stage on a
day by its rule, so every figure of a period agrees on where a community stood.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import numpy as np
import pandas as pd

from dashboard import config
from dashboard.dataset import Dataset
from dashboard.figures.stage_dating import STAGES, StageDates, stage_dates, stage_on


def month_ends(start: pd.Timestamp, day: date) -> pd.DatetimeIndex:
    """The last day of every month from ``start``'s to ``day``'s, the last one cut at ``day``."""
    ends = list(pd.date_range(start.to_period("M").to_timestamp(), pd.Timestamp(day), freq="ME"))
    last = pd.Timestamp(day)
    return pd.DatetimeIndex(ends if ends and ends[-1] == last else [*ends, last])


def first_known(dates: StageDates) -> pd.Timestamp | None:
    """The earliest stage date shown (None when no community has one)."""
    earliest = dates.shown().min().min()
    return None if pd.isna(earliest) else pd.Timestamp(str(earliest))


def stage_counts_by_month(ds: Dataset, day: date, months: int = 120) -> pd.DataFrame:
    """Communities at each stage at every month's end, up to ``day`` (at most ``months`` months back).

    Columns: month (the month's first day), stage, communities; every stage in every month, zeros included.
    """
    dates = stage_dates(ds)
    start = first_known(dates) or pd.Timestamp(day)
    start = max(start, pd.Timestamp(day) - pd.DateOffset(months=months - 1))
    rows = []
    for end in month_ends(start, day):
        counts = stage_on(dates, end).value_counts()
        month = end.to_period("M").to_timestamp()
        rows += [{"month": month, "stage": s, "communities": int(counts.get(s, 0))} for s in STAGES]
    return pd.DataFrame(rows, columns=["month", "stage", "communities"])


def durations(ds: Dataset) -> pd.DataFrame:
    """Days between stages, one row per community and step (from → to), where both dates were seen, not assumed.

    The steps are each pair of consecutive stages and the whole way from the first stage to the last.
    Columns: community_id, district, characteristic, step ("applied→building"), from_stage, to_stage, days, derived.
    """
    dates = stage_dates(ds)
    c = ds.communities
    pairs = [*pairwise(STAGES), (STAGES[0], STAGES[-1])]
    parts = []
    for a, b in pairs:
        seen = dates.observed[a] & dates.observed[b] & dates.dates[a].notna() & dates.dates[b].notna()
        days = (dates.dates[b] - dates.dates[a]).dt.days
        part = c.loc[seen, ["community_id", "district", "characteristic"]].assign(
            step=f"{a}→{b}", from_stage=a, to_stage=b, days=days[seen], derived=(dates.derived[a] | dates.derived[b])[seen]
        )
        parts.append(part)
    columns = ["community_id", "district", "characteristic", "step", "from_stage", "to_stage", "days", "derived"]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    return frame[columns].astype({"days": "int64"})


def step_order() -> list[str]:
    """The steps of :func:`durations` in reading order."""
    return [f"{a}→{b}" for a, b in pairwise(STAGES)] + [f"{STAGES[0]}→{STAGES[-1]}"]


def time_in_stage(ds: Dataset, by: str = "district") -> pd.DataFrame:
    """Median and spread of the days each step took, per ``by`` ("district" or "characteristic") and step.

    Columns: the group, step, communities, median, p25, p75, p10, p90, min, max, derived (how many used a derived date).
    """
    frame = durations(ds)
    columns = [by, "step", "communities", "median", "p25", "p75", "p10", "p90", "min", "max", "derived"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    grouped = frame.groupby([by, "step"])
    days = grouped["days"]
    out = pd.DataFrame(
        {
            "communities": days.size(),
            "median": days.median(),
            "p25": days.quantile(0.25),
            "p75": days.quantile(0.75),
            "p10": days.quantile(0.1),
            "p90": days.quantile(0.9),
            "min": days.min(),
            "max": days.max(),
            "derived": grouped["derived"].sum().astype("int64"),
        }
    )
    return out.reset_index()[columns]


def stuck(ds: Dataset, day: date, days: int | None = None) -> pd.DataFrame:
    """Communities in one stage short of the last for more than ``days`` days on ``day`` (longest first).

    ``days`` defaults to the DASHBOARD_STUCK_DAYS setting. Columns: community_id, name_zh, name_en, district,
    characteristic, stage (on ``day``), since (that stage's date), days_in_stage, derived (the date was derived).
    """
    limit = config.STUCK_DAYS.value() if days is None else days
    dates = stage_dates(ds)
    stage = stage_on(dates, day)
    c = ds.communities
    since = pd.Series(pd.NaT, index=c.index, dtype="datetime64[ns]")
    derived = pd.Series(False, index=c.index)
    for code in STAGES:
        here = stage == code
        since = since.where(~here, dates.dates[code])
        derived = derived.where(~here, dates.derived[code])
    assumed = pd.Series(False, index=c.index)
    for code in STAGES:
        assumed = assumed.where(stage != code, dates.assumed[code])
    known = since.notna() & ~assumed & stage.notna() & (stage != STAGES[-1])
    waited = (pd.Timestamp(day) - since).dt.days
    keep = known & (waited > limit)
    columns = ["community_id", "name_zh", "name_en", "district", "characteristic"]
    out = c.loc[keep, columns].assign(
        stage=stage[keep], since=since[keep], days_in_stage=waited[keep].astype("int64"), derived=derived[keep].astype(bool)
    )
    return out.sort_values(["days_in_stage", "community_id"], ascending=[False, True]).reset_index(drop=True)


def named_by_month(ds: Dataset, day: date, by_district: bool = True) -> pd.DataFrame:
    """The naming pace of ``day``'s year: per district (or the whole scope) and month up to ``day``.

    Columns: district ("" for the whole scope), month, named (named that month), cumulative (named as at the
    month's end, or at ``day`` in its month), start (named on 31 December before).
    """
    dates = stage_dates(ds)
    named = dates.dates[STAGES[-1]]
    year_start = pd.Timestamp(date(day.year, 1, 1))
    ends = month_ends(year_start, day)
    key = ds.communities["district"] if by_district else pd.Series("", index=ds.communities.index)
    before = (named < year_start).groupby(key).sum()
    rows = []
    for end in ends:
        cumulative = (named <= end).groupby(key).sum()
        for district, count in cumulative.items():
            rows.append({"district": district, "month": end.to_period("M").to_timestamp(), "cumulative": int(count)})
    frame = pd.DataFrame(rows, columns=["district", "month", "cumulative"])
    frame["start"] = frame["district"].map(before).fillna(0).astype("int64")
    previous = frame.groupby("district")["cumulative"].shift(1)
    frame["named"] = (frame["cumulative"] - previous.fillna(frame["start"])).astype("int64")
    return frame[["district", "month", "named", "cumulative", "start"]]


def projection(start: int, now: int, day: date) -> float:
    """Where the year ends if naming goes on at this year's pace: ``start`` plus this year's count scaled to a year."""
    begin = date(day.year, 1, 1)
    fraction = ((day - begin).days + 1) / ((date(day.year + 1, 1, 1) - begin).days)
    return float(start + (now - start) / fraction) if fraction > 0 else float(np.nan)


def milestones(ds: Dataset, community_id: str) -> pd.DataFrame:
    """One community's stages reached: stage, date (NaT where unknown), derived; in the stages' order."""
    rows = ds.communities.index[ds.communities["community_id"] == community_id]
    columns = {
        "stage": pd.Series([], dtype=object),
        "date": pd.Series([], dtype="datetime64[ns]"),
        "derived": pd.Series([], dtype=bool),
    }
    if rows.empty:
        return pd.DataFrame(columns)
    mine = Dataset(
        ds.communities.loc[rows[:1]], ds.activities.iloc[:0], ds.surveys.iloc[:0], ds.targets.iloc[:0], reached=ds.reached
    )
    dates = stage_dates(mine)
    row = rows[0]
    reached = [s for s in STAGES if pd.notna(dates.dates.loc[row, s])]
    return pd.DataFrame(
        {
            "stage": reached,
            "date": pd.Series([dates.shown().loc[row, s] for s in reached], dtype="datetime64[ns]"),
            "derived": [bool(dates.derived.loc[row, s]) for s in reached],
        }
    )
