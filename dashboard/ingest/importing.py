"""One staff file from bytes to a new version: read, validate whole, commit or change nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from dashboard.ingest.headers import detect_table
from dashboard.ingest.problems import FileProblem
from dashboard.ingest.reading import read_upload
from dashboard.ingest.scoping import Territory
from dashboard.ingest.validation import Report, validate
from dashboard.schema import TABLES
from dashboard.scope import CITY, Scope
from dashboard.storage import store


@dataclass
class ImportResult:
    """What an import did: the report, and the new version when accepted."""

    report: Report
    version: int | None = None
    mode: str | None = None

    def as_dict(self, lang: str) -> dict:
        return {**self.report.as_dict(lang), "version": self.version, "mode": self.mode}


def _sheet_names(table: str | None) -> tuple[str, ...]:
    chosen = [TABLES[table]] if table in TABLES else list(TABLES.values())
    return tuple(name for t in chosen for name in (t.name, t.zh))


def check_bytes(
    engine: Engine | None,
    data: bytes,
    filename: str = "",
    table: str | None = None,
    *,
    known_communities: set[str] | None = None,
    scope: Scope = CITY,
) -> Report:
    """Validate a file completely without changing anything.

    Activities and surveys are checked against ``known_communities`` when
    given, else against the active communities of ``engine``; with neither
    (offline validation) that check is skipped. For a scoped account every
    row outside its districts is a problem too (``ingest.scoping``).
    """
    try:
        raw = read_upload(data, filename, _sheet_names(table))
    except FileProblem as problem:
        return Report(table, errors=[problem.issue])
    detected = table or (t.name if (t := detect_table(raw.headers)) else None)
    known = known_communities
    if known is None and engine is not None and detected in ("activities", "surveys"):
        known = store.community_ids(engine)
    territory = Territory.of(engine, detected, scope=scope) if engine is not None and not scope.city_wide else None
    return validate(raw, table, known, scope=scope, territory=territory)


def import_bytes(
    engine: Engine,
    data: bytes,
    filename: str,
    *,
    table: str | None = None,
    mode: str | None = None,
    user: str = "unknown",
    note: str = "",
    expected_version: int | None = None,
) -> ImportResult:
    """Validate and, when valid, store as the next version in one transaction.

    Validation runs before the write lock (it is the slow part and must not
    hold up other writers). Should a concurrent import remove a community the
    file names in between, the file is validated again, so the user gets the
    usual row-by-row report instead of an exception.
    """
    meta = store.ImportMeta(user=user, file_name=Path(filename).name, sha256=hashlib.sha256(data).hexdigest(), note=note)
    for _attempt in range(3):
        report = check_bytes(engine, data, filename, table)
        if not report.valid or report.arrow is None or report.table is None:
            return ImportResult(report)
        chosen_mode = mode or TABLES[report.table].default_mode
        try:
            version = store.commit_frame(engine, report.table, report.arrow, chosen_mode, meta, expected_version=expected_version)
        except store.UnknownCommunities:
            continue
        return ImportResult(report, version, chosen_mode)
    raise RuntimeError("the communities kept changing during this import; try again")


def import_path(engine: Engine, path: Path, **options) -> ImportResult:
    """Import a file from disk (the command line and the sample loader)."""
    return import_bytes(engine, Path(path).read_bytes(), Path(path).name, **options)
