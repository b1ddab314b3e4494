"""The browser tier: one ``streamlit run serve.py`` for the session, driven by headless Chromium.

The server gets an empty SQLite file, so it loads the bundled sample as it
starts (serve.py), exactly as a fresh deployment does. Its very first page view is a
bookmark (``FIRST_VISIT``), opened by the ``server`` fixture itself, because
Streamlit treats the first run of a process differently (see
``state.require_app``); ``first_visit`` keeps what that view showed for the
test that checks it.

The harness (Chromium, waiting until a page is drawn, screenshots, the
checks on requests and dialogs) is harness.py, shared with the other modules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from appserver import running_app
from harness import (
    ARTIFACTS,
    DRAWN_CHARTS,
    Visit,
    app_env,
    chromium,
    require_chromium,
    sync_api,
    visiting,
    wait_for_charts,
)

FIRST_VISIT = "/progress?district=chengxi&type=caring&lang=en"


@dataclass(frozen=True)
class Server:
    """The running app: its address, and what its very first page view showed."""

    base: str
    first_visit: dict


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    """The app on a free local port with an empty database, after its first page view (``FIRST_VISIT``)."""
    require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    env = app_env(tmp_path_factory.mktemp("browser") / "dashboard.db", "zh")
    with running_app(env, ARTIFACTS / "streamlit-server.log") as base:
        yield Server(base, _first_visit(base))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one test module (Playwright's sync API allows one instance at a time, and the
    server's first visit starts its own)."""
    require_chromium()
    with chromium() as launched:
        yield launched


def _first_visit(base: str) -> dict:
    """Open the bookmark FIRST_VISIT as the server's first view; what it showed (or the error)."""
    with chromium() as launched:
        visit = Visit(launched, base)
        try:
            page = visit.open(FIRST_VISIT)
            page.locator('[data-testid="stDataFrame"]:visible').first.wait_for()  # the ranking (others sit in expanders)
            wait_for_charts(page, 4)
            shown = {"path": FIRST_VISIT, **visit.describe(), "charts": page.locator(DRAWN_CHARTS).count()}
            visit.shot("progress-first-visit-bookmark-en")
            return shown
        except (sync_api.Error, AssertionError) as error:
            visit.shot("FAILED-first-visit")
            return {"path": FIRST_VISIT, "error": str(error)}
        finally:
            visit.close()


@pytest.fixture(scope="session")
def first_visit(server) -> dict:
    """What the server's very first page view, a bookmark, showed."""
    return server.first_visit


@pytest.fixture
def visit(browser, server, request) -> Iterator[Visit]:
    """A fresh browser context on the shared server (desktop size unless the test is parametrized with ``viewport``)."""
    with visiting(browser, server.base, request.node, viewport=getattr(request, "param", None)) as current:
        yield current


@pytest.fixture(autouse=True)
def _on_its_groups_worker(request) -> None:
    """Under ``--dist loadgroup`` (scripts/test.sh) every browser test must carry its xdist group (tests/conftest.py):
    a group the scheduler never saw spreads a module's tests, which build on each other's data, over workers."""
    if getattr(request.config.option, "loadgroup", False):
        assert "@browser" in request.node.nodeid, f"{request.node.nodeid} has no xdist group: see tests/conftest.py"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
