"""The browser tier's harness, shared by every browser test module and conftest.py.

Chromium is Debian's (/usr/bin/chromium): ``playwright install`` is never run.
A :class:`Visit` is one browser context: it opens a page and waits until
Streamlit has drawn it, fails on an error element, records every request (one
to anything but the local server fails the test) and every dialog a script
opens, and saves screenshots under test-artifacts/screenshots/.
:func:`axe_violations` runs axe-core (the copy the ``axe-playwright-python``
package ships, injected from disk: nothing is fetched) in the page and in
every frame inside it, such as the map's.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from scripts.headless import CHROMIUM, launch_options

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tier needs the playwright package")
expect = sync_api.expect
# Playwright's assertions wait 5 s by default; a map drawing 29 markers on a fresh server of a loaded 2-core CI
# machine took longer than that once. What is awaited still has to appear: only the patience changes.
EXPECT_TIMEOUT_MS = 15_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)
axe_base = pytest.importorskip("axe_playwright_python.base", reason="the accessibility audit needs axe-playwright-python")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
SAMPLE = list(csv.DictReader((ROOT / "data/sample/communities.csv").open(encoding="utf-8")))  # the bundled sample

DESKTOP = {"width": 1400, "height": 1000}
RUN_TIMEOUT_MS = 30_000
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}

ERRORS = '[data-testid="stException"]'
DRAWN_CHARTS = '[data-testid="stVegaLiteChart"] svg.marks, [data-testid="stVegaLiteChart"] canvas'
MAP_FRAME = 'iframe[src*="/component/streamlit_folium.st_folium/"]'  # its title is the map's own, set by the map
SHAPES = ".leaflet-overlay-pane path.leaflet-interactive"
POINTS = ".leaflet-overlay-pane path.ju-point"  # the communities' markers (circles, squares, stars, ...), not outlines
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


# axe-core's rules for WCAG 2.0 and 2.1, levels A and AA (what GB/T 37668-2019 asks of a web page).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
    "iframes": False,  # every frame is audited on its own, below, so a finding names its frame
}
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations in the page and every frame inside it, one row per rule and frame:
    frame (its URL), lang (its ``<html lang>``), id, impact, nodes (how many elements) and the first elements."""
    found = []
    for frame in page.frames:
        if frame.is_detached() or frame.url in ("", "about:blank"):  # nothing drawn in it
            continue
        frame.evaluate(axe_base.AXE_SCRIPT)
        result = frame.evaluate(f"axe.run(document, {json.dumps(AXE_OPTIONS)})")
        lang = frame.evaluate("document.documentElement.lang")
        found += [
            {
                "frame": frame.url,
                "lang": lang,
                "id": rule["id"],
                "impact": rule["impact"],
                "nodes": len(rule["nodes"]),
                "html": [node["html"][:200] for node in rule["nodes"][:3]],
                "why": rule["nodes"][0].get("failureSummary", "")[:400] if rule["nodes"] else "",
            }
            for rule in result["violations"]
        ]
    return found


def blocking(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The serious and critical ones: what the audit does not let through."""
    return [row for row in found if row["impact"] in BLOCKING_IMPACTS]


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")


def app_env(database: Path, lang: str) -> dict[str, str]:
    """The environment of a test server: its own SQLite file, a default language, no map tiles from outside."""
    return {
        **os.environ,
        "DASHBOARD_DATABASE_URL": f"sqlite:///{database}",
        "DASHBOARD_LANG": lang,
        "DASHBOARD_BASEMAP": "none",
        "DASHBOARD_WATCH_SECONDS": "",  # the default: a real server looks for versions committed elsewhere
    }


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium (Playwright's sync API allows one at a time)."""
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(**launch_options())
        try:
            yield launched
        finally:
            launched.close()


def settle(page: Any, *, after_click: bool = False) -> None:
    """Wait until the script has finished its run, the status widget is gone and every element is drawn.

    A click (or an upload) starts its run a moment later, so after one the finished state is awaited twice.
    """
    for _ in range(2 if after_click else 1):
        if after_click:
            page.wait_for_timeout(250)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached")
        page.wait_for_function(NO_SKELETONS, polling=100)  # widgets whose code is still loading show placeholders


def assert_no_error(page: Any) -> None:
    errors = page.locator(ERRORS)
    assert errors.count() == 0, errors.first.inner_text()


def wait_for_charts(page: Any, count: int) -> None:
    """Until at least ``count`` Altair charts are drawn."""
    page.wait_for_function(f"document.querySelectorAll({DRAWN_CHARTS!r}).length >= {count}", polling=100)


def heading(page: Any) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()


def _shared(browser: Any, locale: str | None) -> tuple[Any, Any, list[Any]]:
    """(browser, context, idle tabs): the one context of ``browser`` for ``locale`` that visits share, made at its
    first use, and its tabs that no visit uses now (each showing what its last visit left).

    Every visit is a Streamlit session of its own and starts without the context's cookies (a kept staff sign-in,
    ``dashboard.kept_signin``, belongs to the visit that signed in), but the visits share the context's caches, and
    a visit goes to its first address in a tab an earlier visit left: a new tab parses and compiles Streamlit's
    bundle, Vega and Leaflet again. Measured on two cores: eight visits took 31 s of CPU in fresh contexts, 23 s in
    one context; six pages opened in one tab 11 s, in six tabs 17 s.
    """
    key = (id(browser), locale)
    held = _SHARED.get(key)
    if held is None or held[0] is not browser or not browser.is_connected():
        context = browser.new_context(viewport=DESKTOP, locale=locale, accept_downloads=True)
        _SHARED[key] = held = (browser, context, [])
    return held


_SHARED: dict[tuple[int, str | None], tuple[Any, Any, list[Any]]] = {}


class Visit:
    """A visitor's pages (one Streamlit session each) that record their requests and the dialogs scripts open.

    The pages live in the browser's shared context for their language unless ``fresh`` asks for a context of the
    visit's own (a test that kills the server under its page, or that needs its own settings on the context).
    """

    def __init__(
        self,
        browser: Any,
        base: str,
        viewport: dict[str, int] | None = None,
        locale: str | None = "zh-CN",
        fresh: bool = False,
    ) -> None:
        self.base = base
        self.viewport = viewport or DESKTOP
        self.fresh = fresh
        self.idle: list[Any] = []  # the shared context's idle tabs, where this visit's first tab goes back
        if fresh:
            self.context = browser.new_context(viewport=self.viewport, locale=locale, accept_downloads=True)
            self.context.set_default_timeout(RUN_TIMEOUT_MS)
        else:
            _, self.context, self.idle = _shared(browser, locale)
            self.context.clear_cookies()  # an earlier visit's sign-in is not this visit's
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.pages: list[Any] = []
        self._heard: list[tuple[Any, str, Any]] = []  # (page, event, handler): taken off a tab given back
        tab = None
        while self.idle and tab is None:
            tab = self.idle.pop()
            tab = None if tab.is_closed() else tab
        self.page = self.new_page(tab)

    def new_page(self, tab: Any = None) -> Any:
        """A tab of this visit: ``tab`` (an idle one of the shared context) or a new one."""
        page = tab or self.context.new_page()
        if not self.fresh:
            page.set_viewport_size(self.viewport)
            page.set_default_timeout(RUN_TIMEOUT_MS)
        self._watch(page)
        return page

    def _watch(self, page: Any) -> None:
        """Record what ``page`` asks for and the dialogs it opens, and the same of the tabs it opens."""
        self.pages.append(page)
        handlers = {
            "request": lambda request: self.requests.append(request.url),
            "dialog": lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()),
            "popup": self._watch,
        }
        for event, handler in handlers.items():
            page.on(event, handler)
            self._heard.append((page, event, handler))

    def open_pages(self) -> list[Any]:
        """This visit's tabs that are still open (a link that opens a new tab adds one)."""
        return [page for page in self.pages if not page.is_closed()]

    def set_default_timeout(self, milliseconds: float) -> None:
        """How long this visit's pages wait for anything, from now on."""
        for page in self.open_pages():
            page.set_default_timeout(milliseconds)

    def open(self, path: str, page: Any = None) -> Any:
        """Go to ``path`` (on this visit's page unless another is given) and wait until it is drawn, without error."""
        page = page or self.page
        page.goto(self.base + path)
        settle(page)
        assert_no_error(page)
        return page

    def settle(self, page: Any = None) -> None:
        """Wait for the run a click or an upload started; it must end without error."""
        page = page or self.page
        settle(page, after_click=True)
        assert_no_error(page)

    def shot(self, name: str, page: Any = None) -> None:
        """Save a screenshot of the whole page as test-artifacts/screenshots/``name``.png.

        Streamlit scrolls its main area itself, so the window is made as tall
        as that area for the picture and then given its size back.
        """
        page = page or self.page
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        size = page.viewport_size
        height = page.evaluate(SCROLL_HEIGHT)
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": min(height, MAX_SHOT_HEIGHT)})
            page.wait_for_timeout(400)  # charts and the map redraw at the new size
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
        page.set_viewport_size(size)

    def describe(self) -> dict[str, Any]:
        """What a reader sees first: address, title, sidebar filters, captions, menu, requests that left."""
        page = self.page
        return {
            "url": page.url,
            "h1": heading(page),
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
        """Close this visit's context if it has one of its own; otherwise give its first tab back for the next
        visit (no longer listened to) and close the others."""
        if self.fresh:
            self.context.close()
            return
        for page, event, handler in self._heard:
            if not page.is_closed():
                page.remove_listener(event, handler)
        for page in self.open_pages():
            if page is self.page:
                self.idle.append(page)
            else:
                page.close()


@contextmanager
def visiting(browser: Any, base: str, node: pytest.Item, **options: Any) -> Iterator[Visit]:
    """A :class:`Visit` for the test ``node``; afterwards a screenshot if the test failed, then the
    checks that no request left the local server and no script opened a dialog."""
    current = Visit(browser, base, **options)
    yield current
    try:
        report = getattr(node, "rep_call", None)
        if report is not None and report.failed:
            current.shot(f"FAILED-{node.name}")
    finally:
        current.close()
    foreign = current.foreign_requests()
    assert not foreign, f"requests left the local server: {foreign[:5]}"
    assert not current.dialogs, f"a script opened a dialog: {current.dialogs}"
