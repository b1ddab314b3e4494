"""The bulk paths through ADBC: a write transaction that ingests Arrow tables, and Arrow reads.

SQLAlchemy keeps the schema, the migrations and the small queries; rows in
bulk go through the Arrow project's ADBC drivers instead, which move an Arrow
table into the database and a query result back into Arrow without a Python
object per cell: ``adbc_ingest`` on SQLite (prepared INSERTs run in C) and
binary ``COPY`` on PostgreSQL.

An import's small statements (the history, the community check, closing
superseded rows) run on the same ADBC connection, so the whole commit stays
one transaction under the same write lock as ``write_lock.write_transaction``:
``BEGIN IMMEDIATE`` on SQLite, the advisory lock on PostgreSQL. They are
written with SQLAlchemy as everywhere else and compiled here for the
connection (:meth:`BulkConnection.execute`).

The drivers are imported when a connection is opened, so a command that
never touches the rows (``--help``, ``users``) does not load them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from dashboard.storage import sqlite_guard
from dashboard.storage.write_lock import WRITE_LOCK_KEY

if TYPE_CHECKING:
    import pyarrow as pa

SQLITE_PRAGMAS = (  # as database.py tunes for SQLAlchemy's connections
    "PRAGMA busy_timeout=60000",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA cache_size=-65536",
    "PRAGMA temp_store=MEMORY",
)
# SQLite's driver infers each result column's Arrow type from its first batch of rows: a column that is
# empty there (an optional column) would be typed as integers and fail at its first text further on. One
# batch as large as any table makes the inference see every row; the driver allocates as rows come, not ahead.
SQLITE_BATCH_ROWS = 1 << 30


class Rows:
    """The rows a small statement returned, with the accessors the storage code uses."""

    def __init__(self, rows: list[tuple]) -> None:
        self._rows = rows

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._rows)

    def all(self) -> list[tuple]:
        return self._rows

    def scalar(self) -> Any:
        """The first column of the first row; None when there is none."""
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        if len(self._rows) != 1:
            raise ValueError(f"expected one row, got {len(self._rows)}")
        return self._rows[0][0]


class BulkConnection:
    """One ADBC connection: small SQLAlchemy statements, Arrow tables in and out."""

    def __init__(self, dbapi: Any, dialect_name: str) -> None:
        self.dbapi, self.dialect_name = dbapi, dialect_name
        self.dialect = _positional_dialect(dialect_name)

    def execute(self, statement: ClauseElement | str, params: dict[str, Any] | None = None) -> Rows:
        """Run a SQLAlchemy statement (or SQL text with ``:name`` parameters) and return its rows."""
        clause = text(statement) if isinstance(statement, str) else statement
        compiled = clause.compile(dialect=self.dialect)
        positional = []
        if isinstance(compiled, SQLCompiler):  # DDL (CREATE INDEX) has no parameters
            values = compiled.construct_params(params) or {}
            for name in compiled.positiontup or ():
                value = values[name]
                process = compiled.binds[name].type.dialect_impl(self.dialect).bind_processor(self.dialect)
                positional.append(process(value) if process else value)
        return self.execute_sql(compiled.string, positional)

    def execute_sql(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        with self._cursor() as cursor:
            cursor.execute(sql, list(params) if params else None)
            rows = cursor.fetchall() if cursor.description else []
        return Rows([tuple(r) for r in rows])

    def ingest(self, table: str, data: pa.Table) -> None:
        """Append ``data``'s rows to ``table`` (columns by name): prepared INSERTs on SQLite, binary COPY on PostgreSQL."""
        with self._cursor() as cursor:
            cursor.adbc_ingest(table, data, mode="append")

    def arrow(self, sql: str) -> pa.Table:
        """A query's whole result as one Arrow table."""
        with self._cursor() as cursor:
            if self.dialect_name == "sqlite":
                cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(SQLITE_BATCH_ROWS)})
            cursor.execute(sql)
            return cursor.fetch_arrow_table()

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        cursor = self.dbapi.cursor()
        try:
            yield cursor
        except self._driver_errors() as error:  # callers (the command line, the pages) handle SQLAlchemy's errors
            raise sa_exc.DBAPIError.instance(None, None, error, self._driver_errors()) from error
        finally:
            cursor.close()

    def _driver_errors(self) -> type[Exception]:
        from adbc_driver_manager import dbapi  # noqa: PLC0415 - loaded with the connection

        return dbapi.Error


@cache
def _positional_dialect(name: str) -> Dialect:
    """The dialect that compiles statements with the positional parameters ADBC binds (``?`` or ``$1``)."""
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite  # noqa: PLC0415

        return SQLiteDialect_pysqlite(paramstyle="qmark")
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg  # noqa: PLC0415

    return PGDialect_psycopg(paramstyle="numeric_dollar")


@contextmanager
def _opened(engine: Engine, *, autocommit: bool) -> Iterator[BulkConnection]:
    """An ADBC connection to the engine's database, closed after the block.

    On SQLite the process's Python ``sqlite3`` connections are closed meanwhile
    (``sqlite_guard``): the driver's own copy of SQLite must not share the file with them.
    """
    url, name = engine.url, engine.dialect.name
    if name == "sqlite":
        import adbc_driver_sqlite.dbapi as adbc_sqlite  # noqa: PLC0415

        if not url.database or url.database == ":memory:":
            raise ValueError("the bulk paths need a SQLite file, not an in-memory database")
        with sqlite_guard.holding(sqlite_guard.ADBC):
            conn = BulkConnection(adbc_sqlite.connect(url.database, autocommit=True), name)  # BEGIN is ours to say
            try:
                for pragma in SQLITE_PRAGMAS:
                    conn.execute_sql(pragma)
                yield conn
            finally:
                conn.dbapi.close()
    elif name == "postgresql":
        import adbc_driver_postgresql.dbapi as adbc_postgresql  # type: ignore[import-untyped]  # noqa: PLC0415 - ships no py.typed

        libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = BulkConnection(adbc_postgresql.connect(libpq, autocommit=autocommit), name)
        try:
            yield conn
        finally:
            conn.dbapi.close()
    else:
        raise ValueError(f"no bulk path for {name} databases")


@contextmanager
def connect(engine: Engine) -> Iterator[BulkConnection]:
    """A reading connection (each statement on its own)."""
    with _opened(engine, autocommit=True) as conn:
        yield conn


@contextmanager
def write_transaction(engine: Engine) -> Iterator[BulkConnection]:
    """One transaction holding the write lock ``write_lock.write_transaction`` takes, committed at the end.

    SQLite: ``BEGIN IMMEDIATE`` takes the database's write lock at once (a
    writer that only read first could not upgrade later). PostgreSQL: the
    transaction-scoped advisory lock every writer takes. Any exception rolls
    everything back; a process killed meanwhile leaves nothing behind either,
    as the database never saw a commit.
    """
    with _opened(engine, autocommit=False) as conn:
        sqlite = conn.dialect_name == "sqlite"
        if sqlite:
            conn.execute_sql("BEGIN IMMEDIATE")
        else:
            conn.execute_sql(f"SELECT pg_advisory_xact_lock({int(WRITE_LOCK_KEY)})")
        try:
            yield conn
        except BaseException:
            _rollback(conn, sqlite)
            raise
        if sqlite:
            conn.execute_sql("COMMIT")
        else:
            conn.dbapi.commit()


def _rollback(conn: BulkConnection, sqlite: bool) -> None:
    try:
        if sqlite:
            conn.execute_sql("ROLLBACK")
        else:
            conn.dbapi.rollback()
    except sa_exc.DBAPIError:
        pass  # closing the connection rolls back what is left
