"""The bundled sample data: loaded on demand, and when the database is empty."""

from __future__ import annotations

import hashlib

from sqlalchemy.engine import Engine

from dashboard import config
from dashboard.ingest.importing import ImportResult, check_bytes
from dashboard.storage import store

LOAD_ORDER = ("communities", "activities", "surveys", "targets")  # communities first: the others refer to them
NOTE = "bundled sample data (illustrative)"


def _checked_sample() -> list[tuple[ImportResult, bytes]]:
    """Validate the four sample files; activities and surveys against the sample's own communities.

    Checking against the sample rather than the database lets the four files
    be committed together, in one transaction.
    """
    checked, known = [], None
    for table in LOAD_ORDER:
        data = (config.SAMPLE_DIR / f"{table}.csv").read_bytes()
        report = check_bytes(None, data, f"{table}.csv", table, known_communities=known)
        if table == "communities" and report.frame is not None:
            known = set(report.frame["community_id"])
        checked.append((ImportResult(report, mode="replace"), data))
    return checked


def _commits(checked: list[tuple[ImportResult, bytes]], user: str) -> list[store.Commit]:
    commits = []
    for result, data in checked:
        table, frame = result.report.table, result.report.frame
        assert table is not None and frame is not None, "_load commits only when every file passed"
        commits.append(
            store.Commit(table, frame, "replace", store.ImportMeta(user, f"{table}.csv", hashlib.sha256(data).hexdigest(), NOTE))
        )
    return commits


def _load(engine: Engine, user: str, *, only_if_empty: bool) -> list[ImportResult]:
    """Commit the whole sample in one transaction (nothing when a file is invalid)."""
    checked = _checked_sample()
    results = [result for result, _ in checked]
    if not all(r.report.valid for r in results):
        return results
    numbers = store.commit_frames(engine, _commits(checked, user), only_if_empty=only_if_empty)
    for result, version in zip(results, numbers, strict=False):
        result.version = version
    return results


def load_sample(engine: Engine, user: str = "sample") -> list[ImportResult]:
    """Import every sample file as a new version of its table, replacing what is active."""
    return _load(engine, user, only_if_empty=False)


def ensure_data(engine: Engine) -> bool:
    """Load the sample into an empty database; True when this call did.

    The emptiness check is repeated under the write lock, in the transaction
    that loads, so replicas starting together on an empty database load the
    sample exactly once.
    """
    if store.list_versions(engine):
        return False
    return any(r.version for r in _load(engine, "sample", only_if_empty=True))
