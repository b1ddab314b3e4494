"""The database's engines: SQLite under instance/ by default, PostgreSQL when DASHBOARD_DATABASE_URL says so.

One engine per URL for the process, its schema brought up to date when it is made (``migrations``). SQLite is
tuned for one writer beside many readers (WAL); the tables are in ``tables``, the write lock in ``write_lock``.
"""

from __future__ import annotations

import threading

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.pool import NullPool

from dashboard import config
from dashboard.storage import migrations
from dashboard.storage.sqlite_guard import GuardedConnection


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
    migrations.ensure_schema(engine)
    return engine


engine_for = _Engines()


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
