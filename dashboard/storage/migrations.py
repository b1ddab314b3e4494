"""Bringing a database's schema up to date on start: missing tables, columns and indexes, the audit log's triggers.

A database made by an earlier release gets what was added since (``ADDED_COLUMNS``), loses indexes that only
slowed imports down (``OBSOLETE_INDEXES``) and gets the triggers that keep the audit log append-only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.schema import CreateColumn

from dashboard.storage.tables import ADDED_COLUMNS, APPEND_ONLY, OBSOLETE_INDEXES, data_tables, metadata
from dashboard.storage.write_lock import write_transaction


def ensure_schema(engine: Engine) -> None:
    """Create missing tables and drop obsolete indexes, under the write lock.

    Two replicas starting at once on an empty PostgreSQL would otherwise both
    run CREATE TABLE and one would fail. The lock is taken only when there is
    something to do, so a process starting during a long import does not wait.
    """
    if _schema_ready(engine):
        return
    with write_transaction(engine) as conn:
        metadata.create_all(conn)
        for column in _missing_columns(conn):  # a database made before these columns existed
            conn.exec_driver_sql(
                f"ALTER TABLE {column.table.name} ADD COLUMN {CreateColumn(column).compile(dialect=conn.dialect)}"
            )
        present = _index_names(conn)
        for name in OBSOLETE_INDEXES:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
        for table in data_tables.values():
            for index in table.indexes:
                if index.name not in present:
                    index.create(conn)
        for statement in APPEND_ONLY_SQL.get(conn.dialect.name, []):
            conn.exec_driver_sql(statement)


_REFUSE = "the audit log is append-only"
# The triggers that keep the audit log append-only, per dialect (also run by a backup's restore, which recreates the tables).
APPEND_ONLY_SQL = {
    "sqlite": [
        f"CREATE TRIGGER IF NOT EXISTS {APPEND_ONLY}_no_{verb} BEFORE {verb.upper()} ON {APPEND_ONLY} "
        f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END"
        for verb in ("update", "delete")
    ],
    "postgresql": [
        f"CREATE OR REPLACE FUNCTION {APPEND_ONLY}_refuse() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{_REFUSE}'; END $$",
        f"CREATE OR REPLACE TRIGGER {APPEND_ONLY}_no_change BEFORE UPDATE OR DELETE ON {APPEND_ONLY} "
        f"FOR EACH ROW EXECUTE FUNCTION {APPEND_ONLY}_refuse()",
        f"CREATE OR REPLACE TRIGGER {APPEND_ONLY}_no_truncate BEFORE TRUNCATE ON {APPEND_ONLY} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {APPEND_ONLY}_refuse()",
    ],
}
_TRIGGER_NAMES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger'",
    "postgresql": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
}
_WANTED_TRIGGERS = {
    "sqlite": {f"{APPEND_ONLY}_no_update", f"{APPEND_ONLY}_no_delete"},
    "postgresql": {f"{APPEND_ONLY}_no_change", f"{APPEND_ONLY}_no_truncate"},
}


def _missing_columns(bind: Engine | Connection) -> list[Column[Any]]:
    """Columns of ADDED_COLUMNS that an existing table lacks."""
    inspector = inspect(bind)
    missing = []
    for name, added in ADDED_COLUMNS.items():
        present = {column["name"] for column in inspector.get_columns(name)}
        missing += [metadata.tables[name].c[column] for column in added if column not in present]
    return missing


def _triggers_ready(engine: Engine) -> bool:
    dialect = engine.dialect.name
    if dialect not in _TRIGGER_NAMES:
        return True  # another database: the product itself still never updates or deletes audit records
    with engine.connect() as conn:
        names = {row[0] for row in conn.exec_driver_sql(_TRIGGER_NAMES[dialect])}
    return _WANTED_TRIGGERS[dialect] <= names


def _index_names(bind: Engine | Connection) -> set[str | None]:  # reflection types a name as optional
    inspector = inspect(bind)
    return {ix["name"] for name in data_tables for ix in inspector.get_indexes(name)}


def _schema_ready(engine: Engine) -> bool:
    """True when every table and index is there and no obsolete index is left."""
    if not set(metadata.tables) <= set(inspect(engine).get_table_names()):
        return False
    present = _index_names(engine)
    wanted = {ix.name for table in data_tables.values() for ix in table.indexes}
    ready = wanted <= present and not present & set(OBSOLETE_INDEXES)
    return ready and not _missing_columns(engine) and _triggers_ready(engine)
