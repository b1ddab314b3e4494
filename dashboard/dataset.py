"""The in-memory shape of the active data that queries, maps and charts read.

Storage loads the active version of each table into a :class:`Dataset`;
everything downstream is plain pandas, so it is tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.schema import DATE, INTEGER, MONTH, NUMBER, TABLES


@dataclass(frozen=True)
class Dataset:
    """The active rows of the four tables and the version they come from.

    ``version`` changes whenever any table gets a new version, so caches keyed
    on it never serve stale figures.
    """

    communities: pd.DataFrame
    activities: pd.DataFrame
    surveys: pd.DataFrame
    targets: pd.DataFrame
    version: str = "0"
    # Per community, the day a stored version first held it at each stage or beyond (storage.milestones), where
    # missing stage dates are derived from; None when the data has no stored history (files read directly).
    reached: pd.DataFrame | None = None


def typed_frame(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Give ``frame`` the contract's stored columns (no input-only one) and dtypes.

    Text → ``str``; integer → nullable ``Int64``; number → ``float64``;
    date and month → ``datetime64[ns]`` (a month is its first day).
    """
    out = pd.DataFrame(index=frame.index)
    for col in (c for c in TABLES[table].columns if c.stored):
        values = frame[col.name] if col.name in frame else pd.Series(pd.NA, index=frame.index)
        if col.kind == INTEGER:
            out[col.name] = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif col.kind == NUMBER:
            out[col.name] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif col.kind in (DATE, MONTH):
            out[col.name] = pd.to_datetime(values, errors="coerce").astype("datetime64[ns]")
        else:
            out[col.name] = values.astype("string").astype(object).where(values.notna(), None)
    return out.reset_index(drop=True)


def empty_dataset() -> Dataset:
    """A dataset with no rows but the right columns."""
    frames = {name: typed_frame(name, pd.DataFrame()) for name in TABLES}
    return Dataset(**frames, version="empty")


def read_csv_dir(folder: Path, version: str = "csv") -> Dataset:
    """Read already-clean contract CSVs (the bundled sample) without validation.

    For tests and benchmarks; staff files go through ``dashboard.ingest.importing``.
    """
    frames = {}
    for name in TABLES:
        raw = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""])
        frames[name] = typed_frame(name, raw)
    return Dataset(**frames, version=version)
