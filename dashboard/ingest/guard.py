"""The guard against wiping data: how many rows a commit or restore removes, by district, and whether that is large.

A removal is large when it removes more than DASHBOARD_REMOVAL_LIMIT_PERCENT of
the rows in the account's scope, or every row of a district that had any. A
large removal needs the number removed given back to confirm it: typed on the
desk, ``--confirm-removals N`` on the command line.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import config
from dashboard.ingest import scoping
from dashboard.ingest.scoping import Territory

UNKNOWN = ""  # the district of an activity or survey whose community is not in the data


@dataclass(frozen=True)
class Removals:
    """Rows removed per district, against the rows each district had in scope before."""

    removed: dict[str, int]
    before: dict[str, int]
    limit_percent: float

    @property
    def total(self) -> int:
        return sum(self.removed.values())

    @property
    def in_scope(self) -> int:
        return sum(self.before.values())

    @property
    def wiped(self) -> list[str]:
        """Districts that lose every row they had."""
        return [d for d, n in self.removed.items() if d != UNKNOWN and n and n >= self.before.get(d, 0)]

    @property
    def large(self) -> bool:
        """More than the limit's share of the rows in scope, or a whole district."""
        return self.total > 0 and (self.total * 100 > self.limit_percent * self.in_scope or bool(self.wiped))

    def confirmed_by(self, number: int | None) -> bool:
        """Whether a commit may go ahead: nothing large, or the number removed given back exactly."""
        return not self.large or number == self.total

    def rows(self) -> list[dict]:
        """One row per district that loses rows: district code, rows before, removed, and whether all of them."""
        return [
            {"district": d, "before": self.before.get(d, 0), "removed": n, "all": d in self.wiped}
            for d, n in sorted(self.removed.items(), key=lambda item: (-item[1], item[0]))
            if n
        ]


def _per_district(table: str, frame: pd.DataFrame, territory: Territory) -> dict[str, int]:
    districts = scoping.row_districts(table, frame, territory).fillna(UNKNOWN)
    return {str(d): int(n) for d, n in districts.value_counts().items()}


def removals(table: str, in_scope: pd.DataFrame, removed: pd.DataFrame, territory: Territory) -> Removals:
    """What removing ``removed`` from the rows ``in_scope`` amounts to."""
    return Removals(
        _per_district(table, removed, territory),
        _per_district(table, in_scope, territory),
        config.REMOVAL_LIMIT_PERCENT.value(),
    )
