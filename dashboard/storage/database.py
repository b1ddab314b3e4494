"""The database: engine, tables and the write lock, for SQLite and PostgreSQL.

Every contract table keeps all versions of its rows. A row is added by one
version (``vfrom``) and, in append mode, closed by the version that brings
its key again (``vto``, NULL until then). A replace or restore closes
nothing: it starts a new *base*, and the rows of version ``v`` are
``vfrom BETWEEN base(v) AND v AND (vto IS NULL OR vto > v)``, where base(v)
is the newest replace/restore at or before ``v`` (see ``history.Span``). So an
import writes only the rows it brings, never the million it supersedes.

Indexes serve what the database is asked, not the dashboard's questions:
the app loads the active rows once per data version and answers counts by
district x type x stage, months and timelines from memory (``Dataset``). The
database is asked for the rows of a version (``vfrom``) and, on append, for
the rows with a key the new file repeats (the key columns). Every other
index would only slow a million-row import down: the former
(vto, community_id, date) index on activities cost about 6 of the 9.4 seconds of
inserting a million rows on SQLite and no query used it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    false,
    inspect,
    text,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import CreateColumn

from dashboard import config
from dashboard.schema import DATE, INTEGER, MONTH, NUMBER, TABLES
from dashboard.storage.sqlite_guard import GuardedConnection

metadata = MetaData()
OBSOLETE_INDEXES = (
    "ix_communities_current",
    "ix_activities_current",
    "ix_activities_vfrom",
    "ix_surveys_current",
    "ix_targets_current",
)  # dropped from databases made before
WRITE_LOCK_KEY = 7_302_100  # PostgreSQL advisory lock shared by every writer

versions = Table(
    "dataset_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("table_name", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("user_name", String(120), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("mode", String(16), nullable=False),
    Column("restored_from", Integer, nullable=True),
    UniqueConstraint("table_name", "version", name="uq_table_version"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    # failed_attempts and locked_until belonged to the per-account lock of databases made before; sign-in
    # failures are now counted in sign_in_throttle (per client and per name), and these stay 0 and NULL.
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("districts", Text, nullable=False, server_default=""),  # the scope: district codes, empty = the whole city
    Column("must_change_password", Boolean, nullable=False, server_default=false()),
    Column("session_token", String(64), nullable=False, server_default=""),  # a new one ends every open session
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_name", String(120), nullable=False),
    Column("event", String(32), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("source", String(8), nullable=False),
    Column("details", Text, nullable=False, default="{}"),  # JSON
)
Index("ix_audit_log_at", audit_log.c.at)

sign_in_throttle = Table(
    "sign_in_throttle",
    metadata,
    Column("key", String(80), primary_key=True),  # "client:<address>" or "name:<sha256 of the lower-cased name>"
    Column("failures", Integer, nullable=False, default=0),
    Column("last_failure", DateTime(timezone=True), nullable=True),
    Column("blocked_until", DateTime(timezone=True), nullable=True),
)

# Columns added after the first release: a database made before gets them (ALTER TABLE ... ADD COLUMN) on start.
ADDED_COLUMNS = {
    "users": ("districts", "must_change_password", "session_token"),
    "communities": ("applied_on", "building_on", "assessed_on", "named_on"),  # the stage dates
}
APPEND_ONLY = "audit_log"  # triggers refuse UPDATE and DELETE on it, whoever asks

_SQL_TYPES = {INTEGER: BigInteger, NUMBER: Float, DATE: Date, MONTH: Date}
STORED_COLUMNS = {name: table.stored_names for name, table in TABLES.items()}


def _data_table(name: str) -> Table:
    contract = TABLES[name]
    columns: list[Column[Any]] = [
        Column(c.name, _SQL_TYPES.get(c.kind, Text), nullable=not c.required)
        for c in contract.columns
        if c.name in STORED_COLUMNS[name]
    ]
    return Table(
        name,
        metadata,
        Column("row_id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("vfrom", Integer, nullable=False),
        Column("vto", Integer, nullable=True),
        *columns,
    )


data_tables = {name: _data_table(name) for name in TABLES}


def _indexes() -> None:
    """Per table: (vfrom, row_id), to find a version's rows, and the key of append mode (small tables only).

    ``row_id`` is in the index so that "the first row of a version" is one
    index probe on PostgreSQL too (on SQLite every index ends with it anyway).
    """
    for name, table in data_tables.items():
        Index(f"ix_{name}_version", table.c.vfrom, table.c.row_id)
    for name in ("communities", "surveys", "targets"):
        Index(f"ix_{name}_key", *(data_tables[name].c[k] for k in TABLES[name].key))
    # activities: no index on activity_id. Appending 10,000 rows to a million
    # scans the active rows once (0.3 s of CPU on SQLite, about 0.5 s on
    # PostgreSQL); the index would save that but cost every million-row load
    # more (+0.5 s on SQLite, +1 s on PostgreSQL), and PostgreSQL's planner
    # did not even use it right after a load.


_indexes()


def database_url() -> str:
    """The configured database, or the SQLite file under instance/."""
    url = config.DATABASE_URL.value()
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    config.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{config.INSTANCE_DIR / 'dashboard.db'}"


class _Engines:
    """One engine per URL, made once even when threads ask at the same moment (a server's start-up load and its
    first page run): ``functools.cache`` would let both make one, and on PostgreSQL each would hold a pool."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._made: dict[str, Engine] = {}

    def __call__(self, url: str) -> Engine:
        with self._lock:
            if url not in self._made:
                self._made[url] = _make_engine(url)
            return self._made[url]

    def cache_clear(self) -> None:
        """Forget every engine (tests that point the app at another database)."""
        with self._lock:
            self._made.clear()


def _make_engine(url: str) -> Engine:
    """An engine for ``url``, with tables created on first use.

    SQLite connections are opened per use (opening a file costs microseconds)
    and only while the bulk path's own SQLite library has the file closed
    (``sqlite_guard``): a pooled connection would keep the file open forever.
    """
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, poolclass=NullPool, connect_args={"factory": GuardedConnection})
        _tune_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    _ensure_schema(engine)
    return engine


engine_for = _Engines()


def _ensure_schema(engine: Engine) -> None:
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
        for statement in _APPEND_ONLY_SQL.get(conn.dialect.name, []):
            conn.exec_driver_sql(statement)


_REFUSE = "the audit log is append-only"
_APPEND_ONLY_SQL = {
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


def get_engine() -> Engine:
    """The engine of the configured database."""
    return engine_for(database_url())


def _tune_sqlite(engine: Engine) -> None:
    """WAL so readers never wait for an import; explicit BEGIN IMMEDIATE for writers.

    A 64 MB page cache and in-memory temporaries speed up big loads and index
    builds. The journal stays on (WAL, synchronous=NORMAL): a process killed
    mid-import must leave the previous version intact.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=60000")  # first: switching to WAL may wait for another process
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA journal_size_limit=67108864")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that holds the database's write lock until commit.

    Two imports at the same moment run one after the other; a crash before
    commit leaves the previous versions untouched.
    """
    with engine.connect() as conn:
        conn.info["write"] = True
        try:
            with conn.begin():
                if engine.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
                yield conn
        finally:
            conn.info.pop("write", None)
