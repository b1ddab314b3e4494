"""Committing validated frames: each becomes its table's next version, all or nothing, under the write lock.

The rows move in bulk as Arrow tables through ADBC (``bulk``): a commit
ingests the validated frame's typed columns (prepared INSERTs in C on
SQLite, binary ``COPY`` on PostgreSQL) inside one write transaction. The
checks that depend on what others committed (the version the user saw, the
communities the rows name, the account's districts) run again under the lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.schema import CreateIndex

from dashboard.schema import TABLES
from dashboard.scope import CITY, Scope
from dashboard.storage import arrow_frames, bulk, history, lookups
from dashboard.storage.bulk import BulkConnection
from dashboard.storage.history import ImportMeta, Span
from dashboard.storage.tables import STORED_COLUMNS, data_tables, versions

MODES = ("replace", "append")
BIG_LOAD = 100_000  # SQLite: rows from which rebuilding indexes after the insert beats keeping them up to date


class VersionConflict(Exception):
    """Someone committed to the table after the preview the user confirmed."""

    def __init__(self, table: str, expected: int, actual: int) -> None:
        super().__init__(f"{table}: expected version {expected}, found {actual}")
        self.table, self.expected, self.actual = table, expected, actual


class OutOfScope(Exception):
    """Rows, or the active rows they would replace, lie outside the account's districts (found under the lock)."""

    def __init__(self, table: str, count: int) -> None:
        super().__init__(f"{table}: {count} rows outside the account's districts")
        self.table, self.count = table, count


class UnknownCommunities(Exception):
    """Rows name communities that are not active any more (they changed after validation)."""

    def __init__(self, table: str, missing: set[str]) -> None:
        super().__init__(f"{table}: {len(missing)} unknown community codes, e.g. {sorted(missing)[:5]}")
        self.table, self.missing = table, missing


@dataclass(frozen=True)
class Commit:
    """One validated frame to store as its table's next version."""

    table: str
    frame: pd.DataFrame | pa.Table  # a typed frame, or the validator's Arrow rows (``Report.arrow``)
    mode: str
    meta: ImportMeta
    expected_version: int | None = None
    scope: Scope = CITY  # a scoped account's commit changes only rows of its districts


def commit_frame(
    engine: Engine,
    table: str,
    frame: pd.DataFrame | pa.Table,
    mode: str,
    meta: ImportMeta,
    *,
    expected_version: int | None = None,
    scope: Scope = CITY,
) -> int:
    """Store a validated frame as the table's next version, all or nothing; return the version.

    Raises VersionConflict when ``expected_version`` is not the active one any
    more, UnknownCommunities when activities or surveys name a community
    that a concurrent import removed since validation, and OutOfScope when a
    scoped account's rows (or the rows they would replace) now lie elsewhere.
    """
    return commit_frames(engine, [Commit(table, frame, mode, meta, expected_version, scope)])[0]


def commit_frames(engine: Engine, commits: Iterable[Commit], *, only_if_empty: bool = False) -> list[int]:
    """Store several frames in one transaction (all or none); return their versions.

    With ``only_if_empty`` nothing is stored, and ``[]`` returned, when any
    version exists: the check and the load happen under the write lock, so
    two app replicas starting on an empty database load the sample once.
    """
    commits = list(commits)
    for item in commits:
        if item.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {item.mode!r}")
    rows = [arrow_frames.to_arrow(item.table, item.frame, STORED_COLUMNS[item.table]) for item in commits]  # before the lock
    with bulk.write_transaction(engine) as conn:
        if only_if_empty and conn.execute(select(func.count()).select_from(versions)).scalar():
            return []
        return [_commit(conn, item, table_rows) for item, table_rows in zip(commits, rows, strict=True)]


def _commit(conn: BulkConnection, item: Commit, rows: pa.Table) -> int:
    current = history.span(conn, item.table)
    if item.expected_version is not None and item.expected_version != current.version:
        raise VersionConflict(item.table, item.expected_version, current.version)
    if item.table in ("activities", "surveys"):
        _check_communities(conn, item.table, rows)
    version = current.version + 1
    mode = item.mode if item.scope.city_wide else history.SCOPED_MODES.get(item.mode, item.mode)
    history.record_version(conn, item.table, version, item.meta, rows=rows.num_rows, mode=mode)
    _insert_rows(conn, item.table, rows, version)
    if not item.scope.city_wide:
        _check_scope(conn, item.table, item.scope, current, version)
    if item.mode == "append":
        _close_matching(conn, item.table, current, version)
    elif not item.scope.city_wide:  # replace within scope: the districts' active rows end here, the others stay
        _close_in_scope(conn, item.table, item.scope, current, version)
    return version


def _check_communities(conn: BulkConnection, table: str, rows: pa.Table) -> None:
    """Validation checked the codes before the lock; check them again now that nothing can change."""
    wanted = set(pc.unique(rows["community_id"]).drop_null().to_pylist())
    missing = wanted - lookups.active_community_ids(conn)
    if missing:
        raise UnknownCommunities(table, missing)


def _check_scope(conn: BulkConnection, table: str, scope: Scope, current: Span, version: int) -> None:
    """Under the lock: the new rows, and the active rows their keys would replace, must all lie in ``scope``."""
    inside, key = lookups.in_scope(conn, table, scope), ", ".join(TABLES[table].key)
    outside_new = f"SELECT count(*) FROM {table} WHERE vfrom = :v AND NOT ({inside})"  # noqa: S608 - names from the schema
    outside_old = (
        f"SELECT count(*) FROM {table} WHERE {current.where()} AND NOT ({inside}) "  # noqa: S608
        f"AND ({key}) IN (SELECT {key} FROM {table} WHERE vfrom = :v)"
    )
    count = sum(conn.execute(sql, {"v": version}).scalar() or 0 for sql in (outside_new, outside_old))
    if count:
        raise OutOfScope(table, count)


def _close_in_scope(conn: BulkConnection, table: str, scope: Scope, current: Span, version: int) -> None:
    """The active rows of the scope's districts end at ``version`` (a replace or restore within scope)."""
    inside = lookups.in_scope(conn, table, scope)
    conn.execute(f"UPDATE {table} SET vto = :v WHERE {current.where()} AND ({inside})", {"v": version})  # noqa: S608


def _close_matching(conn: Connection | BulkConnection, table: str, previous: Span, version: int) -> None:
    """Append mode: active rows whose key the new rows bring again end at ``version``.

    The new rows are already inserted, so the database matches the keys itself
    (one statement, no key list through Python). A row with part of its key
    missing matches nothing, as SQL's NULL never equals anything.
    """
    key = ", ".join(TABLES[table].key)
    conn.execute(
        text(
            f"UPDATE {table} SET vto = :v WHERE {previous.where()} "  # noqa: S608 - names from the schema
            f"AND ({key}) IN (SELECT {key} FROM {table} WHERE vfrom = :v)"
        ),
        {"v": version},
    )


def _insert_rows(conn: BulkConnection, table: str, rows: pa.Table, version: int) -> None:
    """Bulk-insert ``rows`` (``arrow_frames.to_arrow``) as alive from ``version``, ingested by ADBC in one go."""
    if not rows.num_rows:
        return
    rows = rows.add_column(0, "vfrom", pa.array(np.full(rows.num_rows, version, dtype="int32")))  # an INTEGER column
    if conn.dialect_name == "sqlite" and rows.num_rows >= BIG_LOAD and rows.num_rows >= _stored_rows(conn, table):
        with _indexes_rebuilt(conn, table):
            conn.ingest(table, rows)
    else:
        conn.ingest(table, rows)


def _stored_rows(conn: BulkConnection, table: str) -> int:
    """About how many rows the table holds (rows are never deleted, so the newest row id)."""
    return conn.execute(f"SELECT max(row_id) FROM {table}").scalar() or 0  # noqa: S608


@contextmanager
def _indexes_rebuilt(conn: BulkConnection, table: str) -> Iterator[None]:
    """SQLite: drop the table's indexes for a big load and build them again after.

    Building an index from the loaded rows once is cheaper than keeping it up
    to date row by row, as long as the load is at least as big as what is
    already stored. Inside the write transaction, so a crash restores them too.
    """
    indexes = sorted(data_tables[table].indexes, key=lambda ix: str(ix.name))  # every index of ours is named
    for index in indexes:
        conn.execute_sql(f"DROP INDEX IF EXISTS {index.name}")
    yield
    for index in indexes:
        conn.execute(CreateIndex(index))
