"""The bundled sample data: loaded on demand, and when the database is empty."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from dashboard import config, store
from dashboard.importing import ImportResult, import_path

LOAD_ORDER = ("communities", "activities", "surveys", "targets")  # communities first: the others refer to them


def load_sample(engine: Engine, user: str = "sample") -> list[ImportResult]:
    """Import every sample file as a new version of its table, replacing what is active."""
    results = []
    for table in LOAD_ORDER:
        path = config.SAMPLE_DIR / f"{table}.csv"
        results.append(import_path(engine, path, table=table, mode="replace", user=user,
                                   note="bundled sample data (illustrative)"))
    return results


def ensure_data(engine: Engine) -> bool:
    """Load the sample into an empty database; True when it did."""
    if store.list_versions(engine):
        return False
    load_sample(engine)
    return True
