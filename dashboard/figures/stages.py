"""A community's stage on any date, from its stage dates: typed by staff, or derived from the stored versions.

The rule (DOMAIN.md): a community's stage on day D is the highest stage whose date is on or before D; with no
stage date on or before D it was not yet in the campaign. Every figure for a period takes the stage as at the
period's end from here.

Where a stage date is missing it is *derived*: the day of the first stored version in which the community had
reached that stage (``storage.milestones``), kept in the stages' order by the dates staff did type (a community
that started building on 5 May had applied by then, so a derived application date is never later). Without any
stored history (files read directly) a missing date is unknown: the community is taken to have held its stage
since before the first date known of it, and no duration is measured from it.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

import numpy as np
import pandas as pd

from dashboard import config
from dashboard.dataset import Dataset
from dashboard.schema import COMMUNITIES

STAGES = tuple(config.codes("stages"))
DATE_COLUMNS = COMMUNITIES.stage_dates  # stage → its date column
EARLIEST = pd.Timestamp("1900-01-01")  # an unknown date with no stored history: "since before any date known"


@dataclass(frozen=True)
class StageDates:
    """Each community's stage dates, aligned with ``ds.communities`` (a column per stage, NaT: not reached)."""

    dates: pd.DataFrame  # the date figures use
    derived: pd.DataFrame  # True: taken from the stored versions
    observed: pd.DataFrame  # True: a day a change was seen on (typed, or a version after the community's first)
    assumed: pd.DataFrame  # True: unknown, no stored history (taken as the earliest the other dates allow)

    def shown(self) -> pd.DataFrame:
        """The dates to show people: the assumed ones missing."""
        return self.dates.where(~self.assumed)


def _later(a: pd.Series, b: pd.Series) -> pd.Series:
    """Element-wise the later of two date series, ignoring missing values."""
    return a.where(b.isna() | (a >= b), b)


def _earlier(a: pd.Series, b: pd.Series) -> pd.Series:
    return a.where(b.isna() | (a <= b), b)


def _ranks(communities: pd.DataFrame) -> pd.Series:
    return communities["stage"].map({s: i for i, s in enumerate(STAGES)}).astype("float64")


def _given(communities: pd.DataFrame, stage: str, reachable: pd.Series) -> pd.Series:
    column = DATE_COLUMNS.get(stage)
    if column is None or column not in communities:
        return pd.Series(pd.NaT, index=communities.index, dtype="datetime64[ns]")
    return communities[column].astype("datetime64[ns]").where(reachable)


_KEPT: dict[int, tuple[weakref.ref, weakref.ref | None, StageDates]] = {}  # by id of the communities frame
_KEPT_LOCK = threading.Lock()
KEEP = 4


def stage_dates(ds: Dataset) -> StageDates:
    """Given dates where typed, derived (or, without history, assumed) ones elsewhere, for the stages reached.

    Kept per communities frame (and history) object, for the last few: one page run asks for the same data's
    dates several times (headline, progress, attention, the not-yet note). Frames are never changed once
    loaded (filters return new ones, or the same one when they keep every row), and the dates are let go
    when their frame is.
    """
    key = id(ds.communities)
    with _KEPT_LOCK:
        kept = _KEPT.get(key)
    watched = False  # whether this frame's finalizer is registered already
    if kept is not None and kept[0]() is ds.communities:
        if _names(kept[1], ds.reached):
            return kept[2]
        watched = True
    dates = _stage_dates(ds)
    history = weakref.ref(ds.reached) if ds.reached is not None else None
    with _KEPT_LOCK:
        _KEPT.pop(key, None)
        _KEPT[key] = (weakref.ref(ds.communities), history, dates)
        while len(_KEPT) > KEEP:
            del _KEPT[next(iter(_KEPT))]
    if not watched:  # one finalizer per frame, not one per recompute (dates made again with another history)
        weakref.finalize(ds.communities, _forget, key)
    return dates


def _names(ref: weakref.ref | None, history: pd.DataFrame | None) -> bool:
    """Whether the kept ``ref`` is this history (None: none; a history since let go is no history, nor this one)."""
    return history is None if ref is None else history is not None and ref() is history


def _forget(key: int) -> None:
    with _KEPT_LOCK:
        _KEPT.pop(key, None)


def _stage_dates(ds: Dataset) -> StageDates:
    c = ds.communities
    rank = _ranks(c)
    reachable = {s: rank >= i for i, s in enumerate(STAGES)}
    given = {s: _given(c, s, reachable[s]) for s in STAGES}
    seen = _seen(ds)
    upper = pd.Series(pd.NaT, index=c.index, dtype="datetime64[ns]")
    uppers = {}
    for stage in reversed(STAGES):  # the earliest date typed for a later stage bounds a derived date from above
        uppers[stage] = upper
        upper = _earlier(upper, given[stage])
    lower = pd.Series(pd.NaT, index=c.index, dtype="datetime64[ns]")
    frames: dict[str, dict[str, pd.Series]] = {"dates": {}, "derived": {}, "observed": {}, "assumed": {}}
    for stage in STAGES:
        fill = seen[stage] if seen is not None else lower.fillna(EARLIEST)
        fill = _earlier(_later(fill, lower), uppers[stage]).where(reachable[stage] & fill.notna())
        missing = given[stage].isna() & fill.notna()
        frames["dates"][stage] = given[stage].where(~missing, fill)
        frames["derived"][stage] = missing & (seen is not None)
        frames["assumed"][stage] = missing & (seen is None)
        later_than_first = (seen[stage] > seen[STAGES[0]]) if seen is not None else False  # a change between versions
        frames["observed"][stage] = given[stage].notna() | (missing & later_than_first)
        lower = _later(lower, frames["dates"][stage])
    return StageDates(**{name: pd.DataFrame(columns, index=c.index) for name, columns in frames.items()})


def _seen(ds: Dataset) -> dict[str, pd.Series] | None:
    """Per stage, the day a stored version first held each community there or beyond (None: no stored history)."""
    if ds.reached is None:
        return None
    first = ds.reached.set_index("community_id")
    ids = ds.communities["community_id"]
    return {s: pd.Series(first[s].reindex(ids).to_numpy(), index=ids.index, dtype="datetime64[ns]") for s in STAGES}


def stage_on(dates: StageDates, day: date | pd.Timestamp) -> pd.Series:
    """Each community's stage on ``day``: the highest stage dated on or before it; None before the first."""
    when = pd.Timestamp(day)
    stage = pd.Series(None, index=dates.dates.index, dtype=object)
    for code in STAGES:
        stage = stage.where(~(dates.dates[code] <= when), code)
    return pd.Series([v if isinstance(v, str) else None for v in stage], index=stage.index, dtype=object)


def as_at(ds: Dataset, day: date | pd.Timestamp) -> pd.DataFrame:
    """The communities in the campaign on ``day``, each with its stage on that day (the others left out)."""
    stage = stage_on(stage_dates(ds), day)
    inside = stage.notna()
    return ds.communities[inside].assign(stage=stage[inside])


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
