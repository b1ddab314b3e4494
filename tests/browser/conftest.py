"""The browser tier: one ``streamlit run app.py`` for the session, driven by headless Chromium.

The server gets an empty SQLite file, so it loads the bundled sample on its
first run, exactly as a fresh deployment does. Its very first page view is a
bookmark (``FIRST_VISIT``), opened by the ``server`` fixture itself, because
Streamlit treats the first run of a process differently (see
``state.require_app``); ``first_visit`` keeps what that view showed for the
test that checks it.

Chromium is Debian's (/usr/bin/chromium): ``playwright install`` is never run.
Every request the page makes is recorded; one to anything but the local
server fails the test that made it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from appserver import running_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FIRST_VISIT = "/progress?district=chengxi&type=caring&lang=en"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}
RUN_TIMEOUT_MS = 30_000
DRAWN_CHARTS = '[data-testid="stVegaLiteChart"] svg.marks, [data-testid="stVegaLiteChart"] canvas'
MAX_SHOT_HEIGHT = 5000
NO_SKELETONS = """() => !document.querySelector(
  '[data-testid="stSkeleton"], [data-testid="stSkeletonElement"], [data-testid="stAppSkeleton"]')"""
SCROLL_HEIGHT = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return Math.max(document.scrollingElement.scrollHeight, main ? main.scrollHeight : 0);
}"""
CHIPS = """el => Object.fromEntries([...el.querySelectorAll('[data-testid="stMultiSelect"]')].map(m => [
  m.querySelector('[data-testid="stWidgetLabel"]').innerText.trim(),
  [...m.querySelectorAll('.react-aria-ComboBox [data-tag]')].map(tag => tag.getAttribute('aria-label')),
]))"""

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tier needs the playwright package")


@dataclass(frozen=True)
class Server:
    """The running app: its address, and what its very first page view showed."""

    base: str
    first_visit: dict


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    """The app on a free local port with an empty database, after its first page view (``FIRST_VISIT``)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    ARTIFACTS.mkdir(exist_ok=True)
    database = tmp_path_factory.mktemp("browser") / "dashboard.db"
    env = {**os.environ, "DASHBOARD_DATABASE_URL": f"sqlite:///{database}", "DASHBOARD_LANG": "zh", "DASHBOARD_BASEMAP": "none"}
    with running_app(env, ARTIFACTS / "streamlit-server.log") as base:
        yield Server(base, _first_visit(base))


@contextmanager
def _chromium():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def browser(server):
    """Chromium for one test module (Playwright's sync API allows one instance at a time, and other
    browser modules start their own)."""
    with _chromium() as chromium:
        yield chromium


def settle(page, *, after_click: bool = False) -> None:
    """Wait until the script has finished its run, the status widget is gone and every element is drawn.

    A click starts its run a moment later, so after one the finished state is awaited twice.
    """
    for _ in range(2 if after_click else 1):
        if after_click:
            page.wait_for_timeout(250)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached")
        page.wait_for_function(NO_SKELETONS)  # widgets whose code is still loading show placeholders


class Visit:
    """A page in its own browser context, with every request it makes recorded."""

    def __init__(self, browser, base: str, viewport: dict[str, int]) -> None:
        self.base = base
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.context.set_default_timeout(RUN_TIMEOUT_MS)
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()

    def open(self, path: str):
        self.page.goto(self.base + path)
        settle(self.page)
        return self.page

    def settle(self) -> None:
        """Wait for the run a click started."""
        settle(self.page, after_click=True)

    def shot(self, name: str) -> None:
        """Save a screenshot of the whole page under test-artifacts/screenshots/.

        Streamlit scrolls its main area itself, so the window is made as tall
        as that area for the picture and then given its size back.
        """
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        size = self.page.viewport_size
        height = self.page.evaluate(SCROLL_HEIGHT)
        if height > size["height"]:
            self.page.set_viewport_size({"width": size["width"], "height": min(height, MAX_SHOT_HEIGHT)})
            self.page.wait_for_timeout(400)  # charts and the map redraw at the new size
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
        self.page.set_viewport_size(size)

    def describe(self) -> dict:
        """What a reader sees first: address, title, sidebar filters, captions, menu, requests that left."""
        page = self.page
        return {
            "url": page.url,
            "h1": page.locator('[data-testid="stMain"] h1').first.inner_text().strip(),
            "chips": page.locator('[data-testid="stSidebar"]').evaluate(CHIPS),
            "captions": page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').all_inner_texts(),
            "nav": page.locator('[data-testid="stSidebarNav"] a').all_inner_texts(),
            "foreign": self.foreign_requests(),
        }

    def foreign_requests(self) -> list[str]:
        def local(url: str) -> bool:
            parts = urlsplit(url)
            return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS

        return [url for url in self.requests if not local(url)]

    def close(self) -> None:
        self.context.close()


def _first_visit(base: str) -> dict:
    """Open the bookmark FIRST_VISIT as the server's first view; what it showed (or the error)."""
    with _chromium() as chromium:
        visit = Visit(chromium, base, {"width": 1400, "height": 1000})
        try:
            page = visit.open(FIRST_VISIT)
            page.wait_for_selector('[data-testid="stDataFrame"]')
            page.wait_for_function(f"document.querySelectorAll({DRAWN_CHARTS!r}).length >= 4")
            shown = {"path": FIRST_VISIT, **visit.describe(), "charts": page.locator(DRAWN_CHARTS).count()}
            visit.shot("progress-first-visit-bookmark-en")
            return shown
        except sync_api.Error as error:
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
    """A fresh browser context (desktop size unless the test is parametrized with ``viewport``)."""
    viewport = getattr(request, "param", None) or {"width": 1400, "height": 1000}
    current = Visit(browser, server.base, viewport)
    yield current
    foreign = current.foreign_requests()
    try:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            current.shot(f"FAILED-{request.node.name}")
    finally:
        current.close()
    assert not foreign, f"requests left the local server: {foreign[:5]}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
