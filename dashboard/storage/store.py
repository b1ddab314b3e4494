"""Versioned storage of the four tables: commit a validated frame, list, restore, read.

Writes go through the DBAPI in bulk (``executemany`` on plain tuples on
SQLite, ``COPY`` on PostgreSQL) inside one write transaction; ORM objects
would be 10x slower at a million rows. Version numbers count per table from
1; the newest version of a table is its active one, and a restore is a new
version with the old rows.

Which rows make up version ``v`` (see ``database``): those added from the
version's *base* (the newest replace or restore at or before ``v``; 0 when
there is none) up to ``v``, and not closed by ``v``. A replace therefore
touches no old row at all: it only moves the base. Committed versions never
change, so a reader that knows ``(base, v)`` gets the same rows whatever is
being written meanwhile.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine

from dashboard.dataset import Dataset
from dashboard.schema import DATE, INTEGER, MONTH, NUMBER, TABLES
from dashboard.storage.database import STORED_COLUMNS, data_tables, versions, write_transaction

if TYPE_CHECKING:
    import psycopg

MODES = ("replace", "append")
BASE_MODES = ("replace", "restore")  # versions whose rows stand alone
ROWS_PER_INSERT = 32  # SQLite: rows per INSERT statement (32 x 12 columns stays far below the 32,766 parameters)
BIG_LOAD = 100_000  # SQLite: rows from which rebuilding indexes after the insert beats keeping them up to date
COPY_BLOCK = 50_000  # PostgreSQL: rows per block of CSV sent through COPY
FETCH_BLOCK = 50_000  # reading: rows fetched at a time (their tuples are freed block by block)


class VersionConflict(Exception):
    """Someone committed to the table after the preview the user confirmed."""

    def __init__(self, table: str, expected: int, actual: int) -> None:
        super().__init__(f"{table}: expected version {expected}, found {actual}")
        self.table, self.expected, self.actual = table, expected, actual


class UnknownCommunities(Exception):
    """Rows name communities that are not active any more (they changed after validation)."""

    def __init__(self, table: str, missing: set[str]) -> None:
        super().__init__(f"{table}: {len(missing)} unknown community codes, e.g. {sorted(missing)[:5]}")
        self.table, self.missing = table, missing


@dataclass(frozen=True)
class ImportMeta:
    """Who committed what, for the version history."""

    user: str
    file_name: str
    sha256: str
    note: str = ""


@dataclass(frozen=True)
class Commit:
    """One validated frame to store as its table's next version."""

    table: str
    frame: pd.DataFrame
    mode: str
    meta: ImportMeta
    expected_version: int | None = None


@dataclass(frozen=True)
class Span:
    """The rows of one version: added in ``base..version`` and not closed by ``version``."""

    version: int
    base: int

    def where(self) -> str:
        """The SQL condition (integers only, so safe to inline)."""
        v, base = int(self.version), int(self.base)
        return f"vfrom BETWEEN {base} AND {v} AND (vto IS NULL OR vto > {v})"


def latest_version(conn: Connection, table: str) -> int:
    """The active (newest) version of ``table``; 0 before the first import."""
    query = select(func.max(versions.c.version)).where(versions.c.table_name == table)
    return conn.execute(query).scalar() or 0


def _spans(conn: Connection) -> tuple[dict[str, Span], str]:
    """The active span of every table and the data-version token, from one read of the history."""
    rows = conn.execute(select(versions.c.id, versions.c.table_name, versions.c.version, versions.c.mode)).all()
    spans = {name: _span_of(name, [(r.version, r.mode) for r in rows if r.table_name == name]) for name in TABLES}
    token = f"{max((r.id for r in rows), default=0)}.{len(rows)}"
    return spans, token


def _span_of(table: str, history: list[tuple[int, str]], version: int | None = None) -> Span:
    """The span of ``version`` (default: the newest) given a table's (version, mode) pairs."""
    newest = max((v for v, _ in history), default=0)
    version = newest if version is None else version
    if not 0 <= version <= newest:
        raise ValueError(f"{table} has no version {version}")
    base = max((v for v, mode in history if v <= version and mode in BASE_MODES), default=0)
    return Span(version, base)


def _span(conn: Connection, table: str, version: int | None = None) -> Span:
    query = select(versions.c.version, versions.c.mode).where(versions.c.table_name == table)
    return _span_of(table, [tuple(r) for r in conn.execute(query)], version)


def data_version(engine: Engine) -> str:
    """A token that changes whenever any table gets a new version (for caches)."""
    with engine.connect() as conn:
        newest, count = conn.execute(select(func.max(versions.c.id), func.count())).one()
    return f"{newest or 0}.{count}"


def last_import(engine: Engine) -> datetime | None:
    """When the newest version of any table was committed (None before the first import): a briefing's data date."""
    with engine.connect() as conn:
        when = conn.execute(select(func.max(versions.c.created_at))).scalar()
    if isinstance(when, str):  # SQLite may hand back the stored text
        when = datetime.fromisoformat(when)
    return when


def list_versions(engine: Engine, table: str | None = None) -> list[dict]:
    """Every version, newest first, with who, when, file, checksum, rows, note and ``active``."""
    query = select(versions).order_by(versions.c.table_name, versions.c.version.desc())
    if table:
        query = query.where(versions.c.table_name == table)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    newest: dict[str, int] = {}
    for row in rows:
        newest.setdefault(row["table_name"], row["version"])
    return [_version_dict(row, newest[row["table_name"]]) for row in rows]


def _version_dict(row, newest: int) -> dict:
    created = row["created_at"]
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return {
        "table": row["table_name"],
        "version": row["version"],
        "created_at": created.isoformat(timespec="seconds"),
        "user": row["user_name"],
        "file": row["file_name"],
        "sha256": row["sha256"],
        "rows": row["rows"],
        "note": row["note"],
        "mode": row["mode"],
        "restored_from": row["restored_from"],
        "active": row["version"] == newest,
    }


# --- writing ----------------------------------------------------------------------------------------------


def commit_frame(
    engine: Engine, table: str, frame: pd.DataFrame, mode: str, meta: ImportMeta, *, expected_version: int | None = None
) -> int:
    """Store a validated frame as the table's next version, all or nothing; return the version.

    Raises VersionConflict when ``expected_version`` is not the active one any
    more, and UnknownCommunities when activities or surveys name a community
    that a concurrent import removed since validation.
    """
    return commit_frames(engine, [Commit(table, frame, mode, meta, expected_version)])[0]


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
    with write_transaction(engine) as conn:
        if only_if_empty and conn.execute(select(func.count()).select_from(versions)).scalar():
            return []
        return [_commit(conn, item) for item in commits]


def _commit(conn: Connection, item: Commit) -> int:
    current = _span(conn, item.table)
    if item.expected_version is not None and item.expected_version != current.version:
        raise VersionConflict(item.table, item.expected_version, current.version)
    if item.table in ("activities", "surveys"):
        _check_communities(conn, item.table, item.frame)
    version = current.version + 1
    _record_version(conn, item.table, version, item.meta, rows=len(item.frame), mode=item.mode)
    insert_rows(conn, item.table, item.frame, version)
    if item.mode == "append":
        _close_matching(conn, item.table, current, version)
    return version


def _check_communities(conn: Connection, table: str, frame: pd.DataFrame) -> None:
    """Validation checked the codes before the lock; check them again now that nothing can change."""
    wanted = set(frame["community_id"].dropna().unique())
    missing = wanted - _community_ids(conn)
    if missing:
        raise UnknownCommunities(table, missing)


def restore(engine: Engine, table: str, to_version: int, user: str, note: str = "") -> int:
    """Make an earlier version active again, as a new version (history is never rewritten)."""
    with write_transaction(engine) as conn:
        current = latest_version(conn, table)
        if not 1 <= to_version <= current:
            raise ValueError(f"{table} has no version {to_version}")
        old = _span(conn, table, to_version)
        if table in ("activities", "surveys"):  # the old rows must still name active communities
            named = {r[0] for r in conn.execute(text(f"SELECT DISTINCT community_id FROM {table} WHERE {old.where()}"))}  # noqa: S608
            if missing := named - _community_ids(conn):
                raise UnknownCommunities(table, missing)
        version = current + 1
        rows = conn.execute(text(f"SELECT count(*) FROM {table} WHERE {old.where()}")).scalar_one()  # noqa: S608
        meta = ImportMeta(user, f"version {to_version}", "", note or f"restore of version {to_version}")
        _record_version(conn, table, version, meta, rows=rows, mode="restore", restored_from=to_version)
        cols = ", ".join(STORED_COLUMNS[table])
        conn.execute(
            text(
                f"INSERT INTO {table} (vfrom, {cols}) SELECT :new, {cols} FROM {table} "  # noqa: S608 - names from the schema
                f"WHERE {old.where()} ORDER BY row_id"
            ),
            {"new": version},
        )
    return version


def _record_version(
    conn: Connection, table: str, version: int, meta: ImportMeta, *, rows: int, mode: str, restored_from: int | None = None
) -> None:
    conn.execute(
        versions.insert().values(
            table_name=table,
            version=version,
            created_at=datetime.now(UTC),
            user_name=meta.user,
            file_name=meta.file_name,
            sha256=meta.sha256,
            rows=rows,
            note=meta.note,
            mode=mode,
            restored_from=restored_from,
        )
    )


def _close_matching(conn: Connection, table: str, previous: Span, version: int) -> None:
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


def insert_rows(conn: Connection, table: str, frame: pd.DataFrame, version: int) -> None:
    """Bulk-insert ``frame`` as rows alive from ``version``."""
    if frame.empty:
        return
    frame = frame[STORED_COLUMNS[table]]
    if conn.dialect.name == "postgresql":
        _copy_rows(conn, table, frame, version)
    elif len(frame) >= BIG_LOAD and len(frame) >= _stored_rows(conn, table):
        with _indexes_rebuilt(conn, table):
            _executemany_rows(conn, table, frame, version)
    else:
        _executemany_rows(conn, table, frame, version)


def _stored_rows(conn: Connection, table: str) -> int:
    """About how many rows the table holds (rows are never deleted, so the newest row id)."""
    return conn.execute(text(f"SELECT max(row_id) FROM {table}")).scalar() or 0  # noqa: S608


@contextmanager
def _indexes_rebuilt(conn: Connection, table: str) -> Iterator[None]:
    """SQLite: drop the table's indexes for a big load and build them again after.

    Building an index from the loaded rows once is cheaper than keeping it up
    to date row by row, as long as the load is at least as big as what is
    already stored. Inside the write transaction, so a crash restores them too.
    """
    indexes = sorted(data_tables[table].indexes, key=lambda ix: str(ix.name))  # every index of ours is named
    for index in indexes:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index.name}")
    yield
    for index in indexes:
        index.create(conn)


def _executemany_rows(conn: Connection, table: str, frame: pd.DataFrame, version: int) -> None:
    """SQLite: prepared INSERTs of ROWS_PER_INSERT rows each, run over plain tuples streamed from the columns.

    Several rows per statement save the per-statement work of ``executemany``
    (about a quarter of the time at a million rows); the remainder goes one
    row at a time.
    """
    columns = list(frame.columns)
    width, count = len(columns), len(frame)
    flat = chain.from_iterable(zip(*(_python_values(frame[c]) for c in columns), strict=True))
    cursor = cast(sqlite3.Cursor, conn.connection.cursor())  # SQLite only: the stdlib cursor takes any iterable of rows
    batches, rest = divmod(count, ROWS_PER_INSERT)
    for rows, statements in ((ROWS_PER_INSERT, batches), (1, rest)):
        params = (tuple(islice(flat, rows * width)) for _ in range(statements))
        cursor.executemany(_insert_sql(table, columns, version, rows), params)


def _insert_sql(table: str, columns: list[str], version: int, rows: int) -> str:
    row = f"({int(version)}, {', '.join('?' * len(columns))})"
    return f"INSERT INTO {table} (vfrom, {', '.join(columns)}) VALUES {', '.join([row] * rows)}"  # noqa: S608


def _python_values(series: pd.Series) -> list:
    """A column as Python values the DBAPI binds: None for missing, ISO text for dates."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return _iso_dates(series)
    values = series.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]  # pandas-stubs refuse na_value=None
    return values.tolist()


def _iso_dates(series: pd.Series) -> list:
    """Dates as 'YYYY-MM-DD', formatted once per distinct day (a few thousand, not a million)."""
    codes, uniques = pd.factorize(series)
    days = pd.DatetimeIndex(uniques)  # what factorizing a datetime column gives; the stubs say only Index
    labels = np.append(days.strftime("%Y-%m-%d").to_numpy(dtype=object), [None])
    return labels[codes].tolist()  # code -1 (missing) picks the trailing None


def _copy_rows(conn: Connection, table: str, frame: pd.DataFrame, version: int) -> None:
    """PostgreSQL: stream the rows as CSV through COPY, in blocks of COPY_BLOCK rows.

    Arrow writes the CSV (3x faster than pandas), and block by block, so the
    server parses one block while the next is written (two processes, two
    cores). Arrow quotes every text value and leaves missing ones empty and
    unquoted, which COPY reads as "" and NULL respectively.
    """
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    for position, field in enumerate(arrow.schema):
        if pa.types.is_timestamp(field.type):
            arrow = arrow.set_column(position, field.name, arrow.column(position).cast(pa.date32()))
    arrow = arrow.add_column(0, "vfrom", pa.array(np.full(len(frame), version, dtype="int32")))
    options = pa_csv.WriteOptions(include_header=False)
    sql = f"COPY {table} (vfrom, {', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv)"
    cursor = cast("psycopg.Cursor[Any]", conn.connection.cursor())  # PostgreSQL only: COPY is psycopg's extension of the DBAPI
    with cursor, cursor.copy(sql) as copy:
        for block in arrow.to_batches(max_chunksize=COPY_BLOCK):
            sink = pa.BufferOutputStream()
            pa_csv.write_csv(block, sink, options)
            copy.write(memoryview(sink.getvalue()))


# --- reading ----------------------------------------------------------------------------------------------


def load_table(engine: Engine, table: str, version: int | None = None) -> pd.DataFrame:
    """The rows of a table's active version (or of ``version``), typed per the contract."""
    with engine.connect() as conn:
        return _load(conn, table, _span(conn, table, version))


def _load(conn: Connection, table: str, span: Span) -> pd.DataFrame:
    """Fetch a span's rows in insertion order and build the contract's dtypes column by column.

    Rows of versions from ``base`` on are stored after every older row (row
    ids grow and writers take turns), so the query walks the primary key from
    the base's first row: in order, without a sort, and past the history.
    """
    columns = STORED_COLUMNS[table]
    first = conn.execute(
        text(
            f"SELECT row_id FROM {table} WHERE vfrom >= :base ORDER BY vfrom, row_id LIMIT 1"  # noqa: S608
        ),
        {"base": span.base},
    ).scalar()
    blocks: list[np.ndarray] = []
    if first is not None and span.version > 0:
        where = span.where().replace("vfrom BETWEEN", "+vfrom BETWEEN", 1)  # "+": walk row_id, not the vfrom index
        sql = f"SELECT {', '.join(columns)} FROM {table} WHERE row_id >= {int(first)} AND {where} ORDER BY row_id"  # noqa: S608
        shared = _shared_text_columns(table)
        cursor = conn.connection.cursor()
        try:
            cursor.execute(sql)
            while rows := cursor.fetchmany(FETCH_BLOCK):
                block = np.array(rows, dtype=object)  # 3x faster than zip(*rows)
                for i in shared:
                    block[:, i] = [shared[i].setdefault(v, v) for v in block[:, i]]
                blocks.append(block)
        finally:
            cursor.close()
    cells = np.concatenate(blocks) if blocks else np.empty((0, len(columns)), dtype=object)
    return _typed(table, cells)


def _shared_text_columns(table: str) -> dict[int, dict]:
    """Position → {text: the one str object kept for it}, for the text columns whose values repeat.

    SQLite returns a new str per cell: a million activities hold a million
    copies of a few thousand community codes, ten categories and a dozen
    titles. Keeping one object per distinct text, block by block as rows
    arrive, saves about 200 MB of the server's memory at that size; unique
    columns (activity_id) are left as they come.
    """
    contract = TABLES[table]
    return {
        i: {}
        for i, name in enumerate(STORED_COLUMNS[table])
        if contract.column(name).kind not in (INTEGER, NUMBER, DATE, MONTH) and not contract.column(name).unique
    }


def _typed(table: str, cells: np.ndarray) -> pd.DataFrame:
    """Cells from the database (rows x columns of Python values) in the dtypes of ``dataset.typed_frame``.

    The database already knows each column's type, so this skips
    ``typed_frame``'s parsing of text, which costs a second at a million rows;
    a test checks both give the same frame.
    """
    contract = TABLES[table]
    data = {
        name: _typed_column(contract.column(name).kind, np.ascontiguousarray(cells[:, i]))
        for i, name in enumerate(STORED_COLUMNS[table])
    }
    return pd.DataFrame(data, index=pd.RangeIndex(len(cells)))


def _typed_column(kind: str, values: np.ndarray) -> pd.Series:
    """One column of Python values (None where missing) as the contract's dtype."""
    if kind == INTEGER:
        try:
            return pd.Series(values.astype("int64"), dtype="Int64")
        except TypeError:  # missing values (None)
            return pd.Series(pd.array(values, dtype="Int64"))
    if kind == NUMBER:
        missing = pd.isna(values)
        numbers = np.full(len(values), np.nan)
        numbers[~missing] = values[~missing].astype("float64")
        return pd.Series(numbers)
    if kind in (DATE, MONTH):  # ISO text (SQLite) or dates (PostgreSQL): parse each distinct day once
        codes, days = pd.factorize(values)
        stamps = pd.to_datetime(pd.Series(days, dtype=object), errors="coerce").astype("datetime64[ns]").to_numpy()
        return pd.Series(np.append(stamps, np.datetime64("NaT", "ns"))[codes], dtype="datetime64[ns]")
    return pd.Series(values, dtype=object)


def load_dataset(engine: Engine) -> Dataset:
    """The active version of every table, with the data version it reflects.

    The spans and the token come from one read of the history, so the frames
    match the token even when an import commits while they load.
    """
    with engine.connect() as conn:
        spans, token = _spans(conn)
        frames = {name: _load(conn, name, spans[name]) for name in TABLES}
    return Dataset(**frames, version=token)


def _community_ids(conn: Connection) -> set[str]:
    span = _span(conn, "communities")
    return {r[0] for r in conn.execute(text(f"SELECT community_id FROM communities WHERE {span.where()}"))}  # noqa: S608


def community_ids(engine: Engine) -> set[str]:
    """The codes of the active communities (activities and surveys must use one)."""
    with engine.connect() as conn:
        return _community_ids(conn)
