"""The desk's two steps: check a file against the active data, then commit what was checked.

Checking reads and validates the whole file and previews the change against
the active rows it saw (of the account's districts only, for a scoped account);
committing stores exactly that frame, refusing if the table moved on in the
meantime (``store.VersionConflict``), if it would remove a large share of the
rows without that number confirmed (``guard``), and storing nothing at all when
the file changes nothing. Checks and commits go to the audit log.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine

from dashboard.i18n import pd_isna, t
from dashboard.ingest import diff, guard, scoping
from dashboard.ingest.importing import check_bytes
from dashboard.ingest.problems import FileProblem
from dashboard.ingest.reading import read_upload
from dashboard.ingest.scoping import Territory
from dashboard.ingest.validation import Report
from dashboard.schema import TABLES
from dashboard.scope import CITY, Scope
from dashboard.storage import audit, store


@dataclass
class Staged:
    """A checked file, waiting for a note and a commit."""

    file_name: str
    sha256: str
    size: int
    report: Report
    mode: str | None = None
    expected_version: int = 0
    preview: diff.Preview | None = None
    moved: pd.DataFrame | None = None
    scope: Scope = CITY
    kept: int = 0  # active rows of other districts, which a scoped commit leaves as they are
    removals: guard.Removals | None = None

    @property
    def table(self) -> str | None:
        return self.report.table

    @property
    def no_change(self) -> bool:
        """The file brings nothing the active data does not already hold."""
        return self.preview is not None and not (
            len(self.preview.added) or len(self.preview.changed) or len(self.preview.removed)
        )

    def details(self) -> dict:
        """What the audit log keeps of the check: file, checksum, table, rows and the outcome's counts."""
        found = {"file": self.file_name, "sha256": self.sha256, "table": self.table, "rows": self.report.rows}
        if not self.report.valid:
            return {**found, "problems": self.report.error_count}
        return {**found, "mode": self.mode, **(self.preview.summary if self.preview else {})}


class RemovalsNotConfirmed(Exception):
    """A large removal whose number was not given back (or not exactly)."""

    def __init__(self, removals: guard.Removals, given: int | None) -> None:
        super().__init__(f"{removals.total} rows to remove, confirmation {given!r}")
        self.removals, self.given = removals, given


def stage(
    engine: Engine,
    data: bytes,
    file_name: str,
    table: str | None = None,
    mode: str | None = None,
    *,
    scope: Scope = CITY,
    actor: audit.Actor | None = None,
) -> Staged:
    """Validate ``data`` whole and, when valid, preview it against the active rows of ``scope``.

    The check is recorded in the audit log as ``actor``'s (accepted or rejected).
    """
    report = check_bytes(engine, data, file_name, table, scope=scope)
    staged = Staged(Path(file_name).name, hashlib.sha256(data).hexdigest(), len(data), report, scope=scope)
    if report.valid and report.frame is not None and report.table is not None:
        _preview(engine, staged, report.table, report.frame, mode)
    if actor is not None:
        outcome = audit.Outcome.SUCCESS if report.valid else audit.Outcome.FAILURE
        audit.record(engine, actor, audit.Event.FILE_CHECKED, outcome, staged.details())
    return staged


def _preview(engine: Engine, staged: Staged, table: str, frame: pd.DataFrame, mode: str | None) -> None:
    staged.mode = mode or TABLES[table].default_mode
    with engine.connect() as conn:
        staged.expected_version = store.latest_version(conn, table)
    active = store.load_table(engine, table)
    territory = Territory.of(engine, table, scope=CITY)
    inside = scoping.in_scope(table, active, staged.scope, territory)
    mine = active[inside.to_numpy()]
    staged.kept = len(active) - len(mine)
    staged.preview = diff.preview(table, mine, frame, staged.mode)
    staged.removals = guard.removals(table, mine, staged.preview.removed, territory)
    if table == "communities":
        staged.moved = diff.moved_communities(active, frame)


def commit(engine: Engine, staged: Staged, actor: audit.Actor, note: str, *, confirm_removals: int | None = None) -> int | None:
    """Store the checked frame as the next version; None (and nothing stored) when it changes nothing.

    Refused, and recorded as refused, when the removal is large and not confirmed with its number
    (RemovalsNotConfirmed); store.VersionConflict when the table changed since the check.
    """
    table, frame, mode = staged.table, staged.report.arrow, staged.mode  # the typed rows as storage takes them
    if table is None or frame is None or mode is None or staged.removals is None:
        raise ValueError("only a file that passed the check can be committed")
    details = staged.details()
    if staged.no_change:
        audit.record(engine, actor, audit.Event.IMPORT, audit.Outcome.NO_CHANGE, details)
        return None
    if not staged.removals.confirmed_by(confirm_removals):
        refused = {**details, "reason": "removals_not_confirmed", "removed_by_district": staged.removals.removed}
        audit.record(engine, actor, audit.Event.IMPORT, audit.Outcome.REFUSED, refused)
        raise RemovalsNotConfirmed(staged.removals, confirm_removals)
    meta = store.ImportMeta(user=actor.user, file_name=staged.file_name, sha256=staged.sha256, note=note)
    version = store.commit_frame(engine, table, frame, mode, meta, expected_version=staged.expected_version, scope=staged.scope)
    audit.record(engine, actor, audit.Event.IMPORT, audit.Outcome.SUCCESS, {**details, "version": version})
    return version


def problems_frame(report: Report, lang: str) -> pd.DataFrame:
    """Every listed problem as a table: row, column, value, message (in ``lang``), in the file's row order.

    Problems of the whole file (no row) come first, then row by row as a spreadsheet shows them; a row's problems
    keep the order the checks found them in. A blank cell's value is said in words ("（空白）"), never "None".
    """
    rows = [issue.as_dict(lang) for issue in report.errors]
    frame = pd.DataFrame(rows, columns=["row", "column", "value", "code", "message"]).astype({"row": "Int64"})
    blank = t("desk.blank_value", lang)
    frame["value"] = [
        blank if pd.notna(row) and (pd_isna(value) or value == "") else value
        for row, value in zip(frame["row"], frame["value"], strict=True)
    ]
    return frame.sort_values("row", kind="stable", na_position="first").reset_index(drop=True)


def problem_rows(report: Report) -> int:
    """How many distinct spreadsheet rows have a problem."""
    return len({issue.row for issue in report.errors if issue.row is not None})


def rows_with_problems(data: bytes, file_name: str, report: Report, limit: int = 200) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The file's rows that have problems (index = spreadsheet row) and a mask of the cells at fault.

    Empty frames when the file itself could not be read.
    """
    try:
        raw = read_upload(data, file_name)
    except FileProblem:
        return pd.DataFrame(), pd.DataFrame()
    wanted = sorted({i.row for i in report.errors if i.row is not None and i.row in raw.frame.index})[:limit]
    rows = raw.frame.loc[wanted].reindex(columns=range(len(raw.headers))).fillna("")  # a blank cell shows blank
    mask = pd.DataFrame(False, index=rows.index, columns=rows.columns)
    first: dict[str, int] = {}  # header as written → its first position (the column validation read)
    for position, header in enumerate(raw.headers):
        first.setdefault(header or f"#{position + 1}", position)
    for issue in report.errors:
        if issue.row in mask.index and issue.column in first:
            mask.loc[issue.row, first[issue.column]] = True
    rows.columns = mask.columns = _unique_headers(raw.headers)  # Styler refuses repeated column names
    return rows, mask


def _unique_headers(headers: list[str]) -> list[str]:
    """Headers to show: blank ones as "#n", repeated ones numbered ("name (2)")."""
    out: list[str] = []
    for position, header in enumerate(headers):
        name, count = header or f"#{position + 1}", 1
        while name in out:
            count += 1
            name = f"{header or f'#{position + 1}'} ({count})"
        out.append(name)
    return out
