"""Shared fixtures: a fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL comes from DASHBOARD_TEST_POSTGRES_URL (default: the local server
CI starts, trust auth, database ``test``); where none answers, its tests are
skipped with that reason shown. Each test run creates its own database on that
server (and drops it at the end), so two runs at once never share tables.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from hypothesis import Phase, settings
from postgres_server import POSTGRES_SKIP, POSTGRES_URL, RUN_DATABASE, server_engine
from sqlalchemy import create_engine, make_url, text
from streamlit.components.v2 import manifest_scanner

from dashboard.storage import database, tables

# Hypothesis (tests/test_every_dataset.py): "ci", the default, is quick and the same on every run (its examples
# are derived from the test, none saved, a failing one reported as drawn: shrinking a page run takes many minutes);
# `pytest --hypothesis-profile=deep` generates many more by hand, and shrinks what fails (README, "Tests").
CI_PHASES = (Phase.explicit, Phase.generate)
settings.register_profile("ci", max_examples=2, derandomize=True, database=None, print_blob=True, phases=CI_PHASES)
settings.register_profile("deep", max_examples=400, print_blob=True)
settings.load_profile("ci")

FIXTURES = Path(__file__).parent / "fixtures"
# Every AppTest's first run scans the metadata of every installed package for Streamlit components (AppTest offers
# no way to share one scan): about 75 ms each, 40-50 s of CPU over the suite. The packages do not change while the
# tests run, so each process scans once.
manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)
# Pages run in this process (AppTest) on a new database per test: no thread of the app's looks at the last one's
# version after it is gone. tests/test_version_watch.py tests the looks; the browser tier's servers make them.
os.environ["DASHBOARD_WATCH_SECONDS"] = "0"  # also when a developer's shell exports another value


@pytest.fixture(scope="session")
def postgres_url():
    """A database of this run's own on the PostgreSQL server, dropped afterwards."""
    if POSTGRES_SKIP:
        pytest.skip(POSTGRES_SKIP)
    server = server_engine()
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{RUN_DATABASE}"'))
        conn.execute(text(f'CREATE DATABASE "{RUN_DATABASE}"'))
    yield make_url(POSTGRES_URL).set(database=RUN_DATABASE).render_as_string(hide_password=False)
    database.engine_for.cache_clear()
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{RUN_DATABASE}" WITH (FORCE)'))
    server.dispose()


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables.metadata.drop_all(conn)
    engine.dispose()


def _configured(url: str, monkeypatch):
    """Make ``url`` the configured database for one test, and forget its engine afterwards."""
    database.engine_for.cache_clear()
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    eng = database.get_engine()
    yield eng
    eng.dispose()
    database.engine_for.cache_clear()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path, monkeypatch):
    """An empty database of each kind, set as the configured one."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
        _reset_postgres(url)
    yield from _configured(url, monkeypatch)


@pytest.fixture
def sqlite_engine(tmp_path, monkeypatch):
    """An empty SQLite database only (for tests that need no second backend)."""
    yield from _configured(f"sqlite:///{tmp_path / 'test.db'}", monkeypatch)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own, which reads the groups: otherwise they are ignored
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ``pytest -n 3 --dist loadgroup`` (scripts/test.sh) a browser test runs on the worker that started the
    server it uses: every test on the session's shared app server (the ``server`` fixture) in one group, the tests
    that start servers of their own (a module's desk server, the crash test's, the proxy's replicas) grouped by
    module. A browser test mostly waits (for a server's run, for Chromium to draw), so two such groups and the
    other tests share the two cores better than one queue of browser tests beside one of the rest."""
    for item in items:
        if item.get_closest_marker("browser"):
            shared = "server" in getattr(item, "fixturenames", ())
            item.add_marker(pytest.mark.xdist_group("browser" if shared else f"browser-{item.module.__name__}"))
