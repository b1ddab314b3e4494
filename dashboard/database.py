"""The database: engine, tables and the write lock, for SQLite and PostgreSQL.

Every contract table keeps all versions of its rows: a row is alive from the
version that added it (``vfrom``) until the version that replaced or removed
it (``vto``, NULL while active). An import touches only the rows it changes,
and the rows of any version are ``vfrom <= v AND (vto IS NULL OR vto > v)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from sqlalchemy import (
    BigInteger,
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
    text,
)
from sqlalchemy.engine import Connection, Engine

from dashboard import config
from dashboard.schema import DATE, INTEGER, MONTH, NUMBER, TABLES

metadata = MetaData()
WRITE_LOCK_KEY = 7_302_100  # PostgreSQL advisory lock shared by every writer

versions = Table(
    "dataset_versions", metadata,
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
    "users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

_SQL_TYPES = {INTEGER: BigInteger, NUMBER: Float, DATE: Date, MONTH: Date}
STORED_COLUMNS = {
    name: [c.name for c in table.columns if c.name != "coord_system"] for name, table in TABLES.items()
}


def _data_table(name: str) -> Table:
    contract = TABLES[name]
    columns = [
        Column(c.name, _SQL_TYPES.get(c.kind, Text), nullable=not c.required)
        for c in contract.columns if c.name in STORED_COLUMNS[name]
    ]
    return Table(
        name, metadata,
        Column("row_id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("vfrom", Integer, nullable=False),
        Column("vto", Integer, nullable=True),
        *columns,
    )


data_tables = {name: _data_table(name) for name in TABLES}
Index("ix_communities_current", data_tables["communities"].c.vto, data_tables["communities"].c.community_id)
Index("ix_activities_current", data_tables["activities"].c.vto, data_tables["activities"].c.community_id,
      data_tables["activities"].c.date)
Index("ix_activities_vfrom", data_tables["activities"].c.vfrom)
Index("ix_surveys_current", data_tables["surveys"].c.vto, data_tables["surveys"].c.community_id)
Index("ix_targets_current", data_tables["targets"].c.vto)


def database_url() -> str:
    """The configured database, or the SQLite file under instance/."""
    url = config.setting("DASHBOARD_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    config.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{config.INSTANCE_DIR / 'dashboard.db'}"


@cache
def engine_for(url: str) -> Engine:
    """One engine per URL, with tables created on first use."""
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)
    metadata.create_all(engine)
    return engine


def get_engine() -> Engine:
    """The engine of the configured database."""
    return engine_for(database_url())


def _tune_sqlite(engine: Engine) -> None:
    """WAL so readers never wait for an import; explicit BEGIN IMMEDIATE for writers."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=60000")
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
