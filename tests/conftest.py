"""Shared fixtures: a fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL comes from DASHBOARD_TEST_POSTGRES_URL (default: the local server
CI starts, trust auth, database ``test``); where none answers, its tests are
skipped with that reason shown.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from dashboard import database

FIXTURES = Path(__file__).parent / "fixtures"
POSTGRES_URL = os.environ.get("DASHBOARD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


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


def _reset_postgres() -> None:
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        database.metadata.drop_all(conn)
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path, monkeypatch):
    """An empty database of each kind, set as the configured one."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
    else:
        if POSTGRES_SKIP:
            pytest.skip(POSTGRES_SKIP)
        _reset_postgres()
        url = POSTGRES_URL
    database.engine_for.cache_clear()
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    eng = database.get_engine()
    yield eng
    eng.dispose()
    database.engine_for.cache_clear()


@pytest.fixture
def sqlite_engine(tmp_path, monkeypatch):
    """An empty SQLite database only (for tests that need no second backend)."""
    url = f"sqlite:///{tmp_path / 'test.db'}"
    database.engine_for.cache_clear()
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    eng = database.get_engine()
    yield eng
    eng.dispose()
    database.engine_for.cache_clear()
