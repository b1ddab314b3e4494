"""The database's one write lock: writers take turns, readers never wait.

SQLite: a writer's transaction starts with ``BEGIN IMMEDIATE`` (``database`` sets it for connections marked
``write``); PostgreSQL: a transaction-scoped advisory lock every writer takes, on the same key, whichever replica it
runs in. The bulk path (``bulk``) takes the same lock on its own connections.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

WRITE_LOCK_KEY = 7_302_100  # PostgreSQL advisory lock shared by every writer


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
