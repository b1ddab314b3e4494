"""Versioned storage of the four tables: commit a validated frame, list, restore, read.

The rows move in bulk as Arrow tables through ADBC (``bulk``): a commit
ingests the validated frame's typed columns (prepared INSERTs in C on
SQLite, binary ``COPY`` on PostgreSQL) inside one write transaction, and a
read fetches a version's rows straight into Arrow before typing them
(``arrow_frames``). SQLAlchemy keeps the schema and the small queries.
Version numbers count per table from 1; the newest version of a table is its
active one, and a restore is a new version with the old rows.

Which rows make up version ``v`` (see ``database``): those added from the
version's *base* (the newest replace or restore at or before ``v``; 0 when
there is none) up to ``v``, and not closed by ``v``. A replace therefore
touches no old row at all: it only moves the base. Committed versions never
change, so a reader that knows ``(base, v)`` gets the same rows whatever is
being written meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.schema import CreateIndex

from dashboard.dataset import Dataset
from dashboard.schema import TABLES
from dashboard.scope import CITY, COMMUNITY_COLUMN, Scope
from dashboard.storage import arrow_frames, bulk, milestones, split_read
from dashboard.storage.bulk import BulkConnection
from dashboard.storage.database import STORED_COLUMNS, data_tables, versions, write_transaction

MODES = ("replace", "append")
BASE_MODES = ("replace", "restore")  # versions whose rows stand alone
# A scoped account's replace or restore closes only its districts' rows and adds its own: the other districts'
# rows stay, so such a version is recorded under its own mode and is not a base (its span reaches back).
SCOPED_MODES = {"replace": "scoped_replace", "restore": "scoped_restore"}
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
    frame: pd.DataFrame | pa.Table  # a typed frame, or the validator's Arrow rows (``Report.arrow``)
    mode: str
    meta: ImportMeta
    expected_version: int | None = None
    scope: Scope = CITY  # a scoped account's commit changes only rows of its districts


@dataclass(frozen=True)
class Span:
    """The rows of one version: added in ``base..version`` and not closed by ``version``."""

    version: int
    base: int

    def where(self) -> str:
        """The SQL condition (integers only, so safe to inline)."""
        v, base = int(self.version), int(self.base)
        return f"vfrom BETWEEN {base} AND {v} AND (vto IS NULL OR vto > {v})"


def latest_version(conn: Connection | BulkConnection, table: str) -> int:
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


def _span(conn: Connection | BulkConnection, table: str, version: int | None = None) -> Span:
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
    current = _span(conn, item.table)
    if item.expected_version is not None and item.expected_version != current.version:
        raise VersionConflict(item.table, item.expected_version, current.version)
    if item.table in ("activities", "surveys"):
        _check_communities(conn, item.table, rows)
    version = current.version + 1
    mode = item.mode if item.scope.city_wide else SCOPED_MODES.get(item.mode, item.mode)
    _record_version(conn, item.table, version, item.meta, rows=rows.num_rows, mode=mode)
    insert_rows(conn, item.table, rows, version)
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
    missing = wanted - _community_ids(conn)
    if missing:
        raise UnknownCommunities(table, missing)


def _in_scope(conn: Connection | BulkConnection, table: str, scope: Scope) -> str:
    """The SQL condition of a row of ``table`` in ``scope``: its own district, or its active community's.

    District codes are inlined: ``Scope.of`` accepts only codes of the vocabulary (lower-case letters).
    """
    codes = ", ".join(f"'{code}'" for code in sorted(scope.districts) if code.isalpha() and code.islower())
    if table not in COMMUNITY_COLUMN:
        return f"district IN ({codes})"
    span = _span(conn, "communities")
    return f"community_id IN (SELECT community_id FROM communities WHERE {span.where()} AND district IN ({codes}))"  # noqa: S608


def _check_scope(conn: BulkConnection, table: str, scope: Scope, current: Span, version: int) -> None:
    """Under the lock: the new rows, and the active rows their keys would replace, must all lie in ``scope``."""
    inside, key = _in_scope(conn, table, scope), ", ".join(TABLES[table].key)
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
    inside = _in_scope(conn, table, scope)
    conn.execute(f"UPDATE {table} SET vto = :v WHERE {current.where()} AND ({inside})", {"v": version})  # noqa: S608


def restore(
    engine: Engine,
    table: str,
    to_version: int,
    user: str,
    note: str = "",
    *,
    scope: Scope = CITY,
    expected_version: int | None = None,
) -> int:
    """Make an earlier version active again, as a new version (history is never rewritten).

    A scoped restore brings back only the old version's rows of the scope's districts and leaves every
    other district's active rows as they are (OutOfScope when an old row's key now belongs to another
    district); rows of communities that no longer exist are not in any district, so they stay out.
    """
    with write_transaction(engine) as conn:
        current = latest_version(conn, table)
        if expected_version is not None and expected_version != current:
            raise VersionConflict(table, expected_version, current)
        if not 1 <= to_version <= current:
            raise ValueError(f"{table} has no version {to_version}")
        old = _span(conn, table, to_version)
        meta = ImportMeta(user, f"version {to_version}", "", note)
        if scope.city_wide:
            return _restore_all(conn, table, old, current=current, to_version=to_version, meta=meta)
        return _restore_scope(conn, table, old, scope=scope, to_version=to_version, meta=meta)


def _restore_all(conn: Connection, table: str, old: Span, *, current: int, to_version: int, meta: ImportMeta) -> int:
    if table in ("activities", "surveys"):  # the old rows must still name active communities
        named = {r[0] for r in conn.execute(text(f"SELECT DISTINCT community_id FROM {table} WHERE {old.where()}"))}  # noqa: S608
        if missing := named - _community_ids(conn):
            raise UnknownCommunities(table, missing)
    version = current + 1
    rows = conn.execute(text(f"SELECT count(*) FROM {table} WHERE {old.where()}")).scalar_one()  # noqa: S608
    meta = ImportMeta(meta.user, meta.file_name, "", meta.note or f"restore of version {to_version}")
    _record_version(conn, table, version, meta, rows=rows, mode="restore", restored_from=to_version)
    _copy_rows(conn, table, old.where(), version)
    return version


def _restore_scope(conn: Connection, table: str, old: Span, *, scope: Scope, to_version: int, meta: ImportMeta) -> int:
    current = _span(conn, table)
    inside, key = _in_scope(conn, table, scope), ", ".join(TABLES[table].key)
    taken = conn.execute(
        text(
            f"SELECT count(*) FROM {table} WHERE {current.where()} AND NOT ({inside}) "  # noqa: S608
            f"AND ({key}) IN (SELECT {key} FROM {table} WHERE {old.where()} AND ({inside}))"
        )
    ).scalar_one()
    if taken:
        raise OutOfScope(table, taken)
    version = current.version + 1
    rows = conn.execute(text(f"SELECT count(*) FROM {table} WHERE {old.where()} AND ({inside})")).scalar_one()  # noqa: S608
    meta = ImportMeta(meta.user, meta.file_name, "", meta.note or f"restore of version {to_version} ({scope.text()})")
    _record_version(conn, table, version, meta, rows=rows, mode=SCOPED_MODES["restore"], restored_from=to_version)
    conn.execute(text(f"UPDATE {table} SET vto = :v WHERE {current.where()} AND ({inside})"), {"v": version})  # noqa: S608
    _copy_rows(conn, table, f"{old.where()} AND ({inside})", version)
    return version


def _copy_rows(conn: Connection, table: str, where: str, version: int) -> None:
    """Rows matching ``where`` again, as alive from ``version`` (in their stored order)."""
    cols = ", ".join(STORED_COLUMNS[table])
    conn.execute(
        text(
            f"INSERT INTO {table} (vfrom, {cols}) SELECT :new, {cols} FROM {table} "  # noqa: S608 - names from the schema
            f"WHERE {where} ORDER BY row_id"
        ),
        {"new": version},
    )


def _record_version(
    conn: Connection | BulkConnection,
    table: str,
    version: int,
    meta: ImportMeta,
    *,
    rows: int,
    mode: str,
    restored_from: int | None = None,
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


def insert_rows(conn: BulkConnection, table: str, rows: pa.Table, version: int) -> None:
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


# --- reading ----------------------------------------------------------------------------------------------


def load_table(engine: Engine, table: str, version: int | None = None) -> pd.DataFrame:
    """The rows of a table's active version (or of ``version``), typed per the contract."""
    with engine.connect() as conn:
        span = _span(conn, table, version)
    with bulk.connect(engine) as reader:
        return _load(engine, reader, table, span)


def _load(engine: Engine, conn: BulkConnection, table: str, span: Span, columns: list[str] | None = None) -> pd.DataFrame:
    """A span's rows in insertion order, read into Arrow and typed column by column.

    Rows of versions from ``base`` on are stored after every older row (row
    ids grow and writers take turns), so the query walks the primary key from
    the base's first row: in order, without a sort, and past the history.
    Committed versions never change, so any connection reads the same rows (a large span is read in two halves at
    once, ``split_read``). ``conn`` reads outside any write transaction. ``columns``: all stored unless given.
    """
    columns = columns or STORED_COLUMNS[table]
    first = None
    if span.version > 0:
        first = conn.execute(
            f"SELECT row_id FROM {table} WHERE vfrom >= :base ORDER BY vfrom, row_id LIMIT 1",  # noqa: S608
            {"base": span.base},
        ).scalar()
    if first is None:
        empty = pa.table({name: pa.array([], arrow_frames.arrow_type(table, name)) for name in columns})
        return arrow_frames.to_frame(table, empty)
    where = span.where().replace("vfrom BETWEEN", "+vfrom BETWEEN", 1)  # "+": walk row_id, not the vfrom index
    select = f"SELECT {', '.join(columns)} FROM {table} WHERE {where} AND row_id >= {{}} AND row_id < {{}} ORDER BY row_id"  # noqa: S608
    last = int(conn.execute(f"SELECT MAX(row_id) FROM {table}").scalar()) + 1  # noqa: S608
    return arrow_frames.to_frame(table, split_read.read(engine, conn, table, select, (int(first), last)))


def load_dataset(engine: Engine) -> Dataset:
    """The active version of every table (the columns pages read: ``Table.dataset_names``), with its data version.

    The spans and the token come from one read of the history, so the frames
    match the token even when an import commits while they load.
    """
    with engine.connect() as conn:
        spans, token = _spans(conn)
        reached = milestones.reached(conn, spans["communities"].version)  # for derived stage dates
    with bulk.connect(engine) as reader:
        frames = {name: _load(engine, reader, name, spans[name], TABLES[name].dataset_names) for name in TABLES}
    return Dataset(**frames, version=token, reached=reached)


def _community_ids(conn: Connection | BulkConnection) -> set[str]:
    span = _span(conn, "communities")
    return {r[0] for r in conn.execute(text(f"SELECT community_id FROM communities WHERE {span.where()}"))}  # noqa: S608


def community_ids(engine: Engine) -> set[str]:
    """The codes of the active communities (activities and surveys must use one)."""
    with engine.connect() as conn:
        return _community_ids(conn)


def community_districts(engine: Engine) -> dict[str, str]:
    """Each active community's district: where an activity or survey belongs, for scoped accounts."""
    with engine.connect() as conn:
        span = _span(conn, "communities")
        rows = conn.execute(text(f"SELECT community_id, district FROM communities WHERE {span.where()}"))  # noqa: S608
        return {community: district for community, district in rows}


def activity_communities(engine: Engine) -> dict[str, str]:
    """The community of each active activity that has an id (the row a scoped file's id would replace)."""
    with engine.connect() as conn:
        span = _span(conn, "activities")
        sql = f"SELECT activity_id, community_id FROM activities WHERE {span.where()} AND activity_id IS NOT NULL"  # noqa: S608
        return {activity: community for activity, community in conn.execute(text(sql))}
