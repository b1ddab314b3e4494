"""A scoped account's rows: which rows of a file lie outside its districts, and which active rows are its own.

Where a row belongs: communities and targets by their ``district``, activities
and surveys by their community's district in the active data. A file row is
outside the scope when it belongs to another district, and also when the active
row it would replace does (a community moving in from another district, an
activity id already recorded for another district's community): changing it
would change another district's row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from dashboard.ingest.problems import Problem
from dashboard.scope import COMMUNITY_COLUMN, Scope
from dashboard.storage import store


@dataclass(frozen=True)
class Territory:
    """Where the active rows belong: each community's district, and each activity id's community."""

    community_districts: Mapping[str, str]
    activity_communities: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, engine: Engine, table: str | None, *, scope: Scope) -> Territory:
        """Read from the active data what ``table``'s rows need; activity ids only for a scoped account's activities."""
        activities = store.activity_communities(engine) if table == "activities" and not scope.city_wide else {}
        return cls(store.community_districts(engine), activities)


@dataclass(frozen=True)
class Breach:
    """Rows (``mask``) outside the scope, the column to blame, and the district each belongs to."""

    code: Problem
    column: str
    mask: pd.Series
    district: pd.Series


def row_districts(table: str, frame: pd.DataFrame, territory: Territory) -> pd.Series:
    """The district each row belongs to (missing for an activity or survey of a community not in the data)."""
    if table in COMMUNITY_COLUMN:
        return frame["community_id"].map(territory.community_districts)
    return frame["district"]


def in_scope(table: str, frame: pd.DataFrame, scope: Scope, territory: Territory) -> pd.Series:
    """Which rows a scoped account may change (every row for the whole city)."""
    if scope.city_wide:
        return pd.Series(True, index=frame.index)
    return row_districts(table, frame, territory).isin(scope.districts)


def _outside(districts: pd.Series, scope: Scope) -> pd.Series:
    return districts.notna() & ~districts.isin(scope.districts)


def breaches(table: str, frame: pd.DataFrame, scope: Scope, territory: Territory) -> list[Breach]:
    """Every way the file's rows reach outside ``scope`` (none for the whole city)."""
    if scope.city_wide or frame.empty:
        return []
    if table == "targets":
        return [Breach(Problem.OUT_OF_SCOPE_TARGET, "district", _outside(frame["district"], scope), frame["district"])]
    if table == "communities":
        named = frame["district"]
        was = frame["community_id"].map(territory.community_districts)
        moving_in = ~_outside(named, scope) & _outside(was, scope)  # a community of elsewhere, now named as ours
        moving_out = _outside(named, scope) & was.isin(scope.districts)  # one of ours, now named as elsewhere
        return [
            Breach(Problem.OUT_OF_SCOPE_COMMUNITY, "community_id", _outside(named, scope) & ~moving_out, named),
            Breach(Problem.OUT_OF_SCOPE_MOVE, "district", moving_out, named),  # the cell at fault is the district's
            Breach(Problem.OUT_OF_SCOPE_COMMUNITY, "community_id", moving_in, was),
        ]
    belongs = row_districts(table, frame, territory)
    found = [Breach(Problem.OUT_OF_SCOPE_COMMUNITY, "community_id", _outside(belongs, scope), belongs)]
    if table == "activities":  # an id already recorded for a community elsewhere, or for one no longer listed
        recorded = frame["activity_id"].map(territory.activity_communities)
        was = recorded.map(territory.community_districts)
        taken = ~found[0].mask & recorded.notna() & ~was.isin(scope.districts)
        found.append(Breach(Problem.OUT_OF_SCOPE_ACTIVITY, "activity_id", taken, was))
    return found
