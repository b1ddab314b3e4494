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
