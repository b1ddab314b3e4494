"""The rules of a table's stage dates (``schema.Table.stage_dates``), row by row.

A stage date records something that has happened, so it is not after today; the stages come one after the
other, so the dates given are in the stages' order (the same day twice is fine: a community may apply and start
building on one day); and a community has no date for a stage it has not reached. Each rule yields findings
(rows, column, parameters) that the validator reports like any other problem.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard import config
from dashboard.ingest.problems import Problem
from dashboard.schema import Table


@dataclass(frozen=True)
class Finding:
    """Rows breaking one rule in one column, with the message's parameters."""

    mask: pd.Series
    code: Problem
    column: str
    params: dict[str, object] = field(default_factory=dict)


def findings(
    table: Table, frame: pd.DataFrame, cells: Mapping[str, pd.Series], shown: Mapping[str, str], today: date
) -> Iterator[Finding]:
    """Every breach of the three rules; ``frame`` holds the parsed values, ``cells`` the text as written.

    Dates that could not be read are already reported and are skipped here; columns the file lacks have no rule.
    """
    columns = {stage: name for stage, name in table.stage_dates.items() if name in cells}
    yield from _future(frame, columns.values(), today)
    yield from _order(frame, list(columns.values()), cells, shown)
    if "stage" in frame:
        yield from _beyond_stage(frame, columns)


def _future(frame: pd.DataFrame, columns, today: date) -> Iterator[Finding]:
    for name in columns:
        late = frame[name] > pd.Timestamp(today)
        if late.any():
            yield Finding(late, Problem.STAGE_DATE_FUTURE, name, {"today": today.isoformat()})


def _order(
    frame: pd.DataFrame, columns: list[str], cells: Mapping[str, pd.Series], shown: Mapping[str, str]
) -> Iterator[Finding]:
    """A date before the latest date of an earlier stage, named with that date as the file writes it."""
    latest = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    latest_column = pd.Series("", index=frame.index, dtype=object)
    for name in columns:
        day = frame[name]
        early = day.notna() & latest.notna() & (day < latest)
        for earlier in latest_column[early].unique():
            rows = early & (latest_column == earlier)
            texts = cells[str(earlier)][rows]
            for text in texts.unique():
                params = {"earlier": shown.get(str(earlier), str(earlier)), "earlier_value": text}
                yield Finding(rows & (cells[str(earlier)] == text), Problem.STAGE_DATES_ORDER, name, params)
        later = day.notna() & (latest.isna() | (day > latest))
        latest = latest.where(~later, day)
        latest_column = latest_column.where(~later, name)


def _beyond_stage(frame: pd.DataFrame, columns: Mapping[str, str]) -> Iterator[Finding]:
    """A date for a stage the row's ``stage`` has not reached (rows without a readable stage are left alone)."""
    order = {code: i for i, code in enumerate(config.codes("stages"))}
    rank = frame["stage"].map(order)
    for stage, name in columns.items():
        beyond = frame[name].notna() & rank.notna() & (rank < order[stage])
        for current in frame["stage"][beyond].unique():
            mask = beyond & (frame["stage"] == current)
            yield Finding(mask, Problem.STAGE_DATE_BEYOND_STAGE, name, {"current_stage": current, "date_stage": stage})
