"""The PostgreSQL server the storage tests run on, and this run's own database on it.

A plain module (not conftest.py) so test modules can import it by name: tests/ and tests/browser/ each have a
conftest.py, and ``from conftest import ...`` would find whichever pytest imported first.
"""

from __future__ import annotations

import os

from sqlalchemy import Engine, create_engine, text

POSTGRES_URL = os.environ.get("DASHBOARD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RUN_DATABASE = f"dashboard_test_{os.getpid()}"


def _postgres_reason() -> str | None:
    try:
        probe = create_engine(POSTGRES_URL)
        with probe.connect() as conn:
            conn.execute(text("SELECT 1"))
        probe.dispose()
    except Exception as exc:  # any failure means "no server here"
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}"
    return None


POSTGRES_SKIP = _postgres_reason()


def server_engine() -> Engine:
    """An engine on the server's default database, outside transactions (to create and drop databases)."""
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
