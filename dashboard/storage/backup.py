"""Backups: one SQLite file holding every table of the product, written while the app runs, and restored whole.

The file is the same on both databases, so a backup of either restores into
either. From SQLite it is SQLite's own online backup (``sqlite3``'s
``Connection.backup``): a consistent copy page by page, readers and writers
carry on meanwhile. From PostgreSQL every table the product declares
(``tables.metadata``: the data tables with all their versions, the version
history, the accounts, the audit log, whatever a later release adds) is read in
one REPEATABLE READ, READ ONLY transaction — one snapshot, however long it
takes — and written to a new SQLite file with the product's schema.

A restore copies every table of the file into a database that holds no rows,
inside the write transaction every import takes, keeping row ids, version
numbers and account ids: afterwards ``versions`` and every ``export`` are
the source's. The sign-ins browsers kept (``NOT_RESTORED``) are the one
table left behind: a restore signs no one in again. A database that holds anything is refused unless ``replace``
is given; then what is there is first backed up to ``keep``, and the old
tables are dropped and made again in the same transaction as the load (the
audit log refuses DELETE, and dropping it is the only way to replace it), so
a restore that fails half-way leaves the old database as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Integer, Table, create_engine, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from dashboard.storage import migrations, tables, write_lock
from dashboard.storage.sqlite_guard import GuardedConnection
from dashboard.storage.stamps import as_utc

BATCH_ROWS = 10_000
APPLICATION_ID = 0x4A555047  # "JUPG" in the SQLite header of a backup file: what wrote it


class BackupError(Exception):
    """A backup or restore that cannot be done; ``key`` names the message (messages/backup.toml)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(f"{key}: {values}")
        self.key, self.values = key, values


@dataclass(frozen=True)
class Summary:
    """What a backup or restore moved: rows per table (tables of the product only)."""

    path: Path
    rows: dict[str, int]
    kept: Path | None = None  # restore --replace: the backup of what was replaced

    @property
    def total(self) -> int:
        return sum(self.rows.values())


# Backed up, never brought back: a restore must not sign anyone in again whom the database since signed out.
NOT_RESTORED = frozenset({tables.kept_signins.name})


def product_tables() -> list[Table]:
    """Every table the product declares, parents before children (enumerated, never listed by hand)."""
    return list(tables.metadata.sorted_tables)


# --- backup -----------------------------------------------------------------------------------------------


def backup(engine: Engine, out: Path) -> Summary:
    """Write a consistent copy of the database to ``out`` (a new SQLite file), while others read and write."""
    out = Path(out)
    if out.exists():
        raise BackupError("exists", path=out)
    if not out.parent.is_dir():
        raise BackupError("no_folder", path=out.parent)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, partial)
        else:
            _snapshot_to_sqlite(engine, partial)
        _mark(partial)
        partial.rename(out)  # a file named ``out`` is always a whole backup
    finally:
        partial.unlink(missing_ok=True)
    return Summary(out, count_rows(_sqlite_engine(out)))


def _sqlite_backup(engine: Engine, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while an import writes."""
    # Python's SQLite through the guard that keeps it from sharing the file with ADBC's copy in one process.
    source = sqlite3.connect(str(engine.url.database), timeout=60, factory=GuardedConnection)
    copy = sqlite3.connect(str(target))
    try:
        with copy:
            source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
        source.close()


def _snapshot_to_sqlite(engine: Engine, target: Path) -> None:
    """Every product table, read in one snapshot, into a new SQLite file with the product's schema."""
    copy = _sqlite_engine(target)
    try:
        tables.metadata.create_all(copy)
        with engine.connect() as plain:
            source = plain.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with source.begin(), copy.begin() as sink:
                present = set(inspect(source).get_table_names())
                for table in product_tables():
                    if table.name in present:
                        _copy_rows(source, sink, table, _columns(source, table))
    finally:
        copy.dispose()


def _mark(path: Path) -> None:
    conn = sqlite3.connect(str(path))
    try:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.commit()
    finally:
        conn.close()


# --- restore ----------------------------------------------------------------------------------------------


def restore(engine: Engine, path: Path, *, replace: bool = False, keep: Path | None = None) -> Summary:
    """Load the backup at ``path`` into ``engine``'s database, which must hold no rows unless ``replace``."""
    path = Path(path)
    source = _open_backup(path)
    try:
        with source.connect() as reader, write_lock.write_transaction(engine) as conn:
            held = sum(_count(conn).values())  # under the write lock: no import can start meanwhile
            if held and not replace:
                raise BackupError("not_empty", rows=held)
            kept = None
            if held:
                kept = keep or default_keep_path(path)
                backup(engine, kept)  # a snapshot of exactly what is replaced (readers may read beside the lock)
            present = set(inspect(reader).get_table_names())
            tables.metadata.drop_all(conn)
            tables.metadata.create_all(conn)
            for statement in migrations.APPEND_ONLY_SQL.get(conn.dialect.name, []):  # the audit log stays append-only
                conn.exec_driver_sql(statement)
            rows = {}
            for table in product_tables():
                if table.name in present and table.name not in NOT_RESTORED:
                    rows[table.name] = _copy_rows(reader, conn, table, _columns(reader, table))
            _reset_sequences(conn)
    finally:
        source.dispose()
    return Summary(path, rows, kept)


def default_keep_path(backup_file: Path) -> Path:
    """Where ``restore --replace`` keeps what it replaces: beside the backup, named by the time."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(backup_file).with_name(f"replaced-{stamp}.sqlite")


def _open_backup(path: Path) -> Engine:
    """The backup file as a read-only engine, after checking it is one."""
    if not path.is_file():
        raise BackupError("missing", path=path)
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError("not_backup", path=path)
    source = create_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true")
    try:
        names = set(inspect(source).get_table_names())
    except Exception:
        source.dispose()
        raise
    if tables.versions.name not in names:
        source.dispose()
        raise BackupError("not_backup", path=path)
    return source


# --- shared -----------------------------------------------------------------------------------------------


def count_rows(engine: Engine) -> dict[str, int]:
    """Rows per product table that exists in the database (missing tables are left out)."""
    with engine.connect() as conn:
        return _count(conn)


def _count(conn: Connection) -> dict[str, int]:
    present = set(inspect(conn).get_table_names())
    return {
        table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
        for table in product_tables()
        if table.name in present
    }


def _sqlite_engine(path: Path) -> Engine:
    return create_engine(f"sqlite:///{Path(path).resolve()}")


def _columns(conn: Connection, table: Table) -> list[str]:
    """The columns of ``table`` that both the product declares and the database has (older backups lack new ones)."""
    present = {column["name"] for column in inspect(conn).get_columns(table.name)}
    return [column.name for column in table.columns if column.name in present]


def _copy_rows(source: Connection, sink: Connection, table: Table, columns: list[str]) -> int:
    """Copy ``columns`` of every row of ``table``, in primary-key order, in batches; return the count."""
    query = select(*(table.c[name] for name in columns)).order_by(*table.primary_key.columns)
    stamps = [name for name in columns if isinstance(table.c[name].type, DateTime)]
    copied = 0
    for batch in _batches(source, query):
        rows = [_utc(dict(zip(columns, row, strict=True)), stamps) for row in batch]
        sink.execute(table.insert(), rows)
        copied += len(rows)
    return copied


def _batches(conn: Connection, query: Any) -> Iterator[Sequence[Any]]:
    result = conn.execution_options(yield_per=BATCH_ROWS).execute(query)
    while batch := result.fetchmany(BATCH_ROWS):
        yield batch


def _utc(row: dict[str, Any], stamps: list[str]) -> dict[str, Any]:
    """Times in UTC: SQLite keeps them without a zone (the product writes UTC), PostgreSQL in its session's zone."""
    for name in stamps:
        value = row[name]
        if isinstance(value, datetime):
            row[name] = as_utc(value)
    return row


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: the next id of every serial column follows the restored rows (ids were copied, not drawn)."""
    if conn.dialect.name != "postgresql":
        return  # SQLite's next rowid is max(rowid) + 1 by itself
    for table in product_tables():
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                conn.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence(:table, :column), "  # noqa: S608 - names from the schema
                        f"coalesce((SELECT max({column.name}) FROM {table.name}), 1), "
                        f"(SELECT max({column.name}) FROM {table.name}) IS NOT NULL)"
                    ),
                    {"table": table.name, "column": column.name},
                )
