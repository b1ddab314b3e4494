"""The desk's two steps: check a file against the active data, then commit what was checked.

Checking reads and validates the whole file and previews the change against
the active version it saw; committing stores exactly that frame, refusing if
the table moved on in the meantime (``store.VersionConflict``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine

from dashboard.ingest import diff
from dashboard.ingest.importing import check_bytes
from dashboard.ingest.problems import FileProblem
from dashboard.ingest.reading import read_upload
from dashboard.ingest.validation import Report
from dashboard.schema import TABLES
from dashboard.storage import store


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

    @property
    def table(self) -> str | None:
        return self.report.table


def stage(engine: Engine, data: bytes, file_name: str, table: str | None = None, mode: str | None = None) -> Staged:
    """Validate ``data`` whole and, when valid, preview it against the active version."""
    report = check_bytes(engine, data, file_name, table)
    staged = Staged(Path(file_name).name, hashlib.sha256(data).hexdigest(), len(data), report)
    if not report.valid or report.frame is None or report.table is None:
        return staged
    staged.mode = mode or TABLES[report.table].default_mode
    with engine.connect() as conn:
        staged.expected_version = store.latest_version(conn, report.table)
    active = store.load_table(engine, report.table)
    staged.preview = diff.preview(report.table, active, report.frame, staged.mode)
    if report.table == "communities":
        staged.moved = diff.moved_communities(active, report.frame)
    return staged


def commit(engine: Engine, staged: Staged, user: str, note: str) -> int:
    """Store the checked frame as the next version, unless the table changed since the check."""
    table, frame, mode = staged.table, staged.report.frame, staged.mode
    if table is None or frame is None or mode is None:
        raise ValueError("only a file that passed the check can be committed")
    meta = store.ImportMeta(user=user, file_name=staged.file_name, sha256=staged.sha256, note=note)
    return store.commit_frame(engine, table, frame, mode, meta, expected_version=staged.expected_version)


def problems_frame(report: Report, lang: str) -> pd.DataFrame:
    """Every listed problem as a table: row, column, value, message (in ``lang``)."""
    rows = [issue.as_dict(lang) for issue in report.errors]
    frame = pd.DataFrame(rows, columns=["row", "column", "value", "code", "message"])
    return frame.astype({"row": "Int64"})


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
    rows = raw.frame.loc[wanted].reindex(columns=range(len(raw.headers)))
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
