"""Accessibility in a real browser (WCAG 2.1 AA, as GB/T 37668-2019 asks): axe-core on every page in both
languages, inside the map's frame too, and the page's declared language.

The audit runs at 1280 px, the width the issue's audit used. The keyboard tests are in test_keyboard.py.
"""

from __future__ import annotations

import json

import pytest
from harness import MAP_FRAME, POINTS, ROOT, axe_violations, blocking, expect, wait_for_charts

pytestmark = pytest.mark.browser
PAGE_NAMES = sorted(path.stem for path in (ROOT / "pages").glob("*.py"))
URLS = {"overview": "/", "profile": "/profile?community=630103003002"}
CHARTS = {"overview": 1, "progress": 4, "profile": 2}
MAPS = ("overview", "map", "profile")
HTML_LANG = {"zh": "zh-CN", "en": "en"}
LAPTOP = {"width": 1280, "height": 900}
HTML_FINDER = {"zh": "查找社区", "en": "Find a community"}


def open_drawn(visit, name: str, lang: str):
    """The page in ``lang`` with its charts and map drawn (axe must see what a reader sees)."""
    path = URLS.get(name, f"/{name}")
    page = visit.open(path + ("&" if "?" in path else "?") + f"lang={lang}")
    if name in CHARTS:
        wait_for_charts(page, CHARTS[name])
    if name in MAPS:
        expect(page.frame_locator(MAP_FRAME).first.locator(POINTS).first).to_be_visible()
    return page


@pytest.mark.parametrize("visit", [LAPTOP], indirect=True)
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_axe_finds_nothing_serious(visit, name, lang):
    page = open_drawn(visit, name, lang)
    found = axe_violations(page)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / f"axe-{name}-{lang}.json").write_text(json.dumps(found, ensure_ascii=False, indent=1))
    assert not blocking(found), json.dumps(blocking(found), ensure_ascii=False, indent=1)
    assert page.evaluate("document.documentElement.lang") == HTML_LANG[lang]
    frames = [frame for frame in page.frames if "/component/streamlit_folium" in frame.url]
    assert len(frames) == (1 if name in MAPS else 0)
    assert all(frame.evaluate("document.documentElement.lang") == HTML_LANG[lang] for frame in frames)


def test_the_declared_language_follows_the_switch(visit):
    page = visit.open("/progress")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    page.locator('[data-testid="stSidebar"]').get_by_role("radio", name="English").click()
    visit.settle()
    page.wait_for_function("document.documentElement.lang === 'en'")


@pytest.mark.parametrize("visit", [{"width": 640, "height": 450}], indirect=True)  # 1280 x 900 at 200 % zoom
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_needs_no_horizontal_scrolling_at_200_percent_zoom(visit, lang):
    page = open_drawn(visit, "overview", lang)
    page.mouse.wheel(0, 3000)  # everything below the fold drawn too
    page.wait_for_timeout(500)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 640 + 2
    main = page.locator('[data-testid="stMain"]')
    assert main.evaluate("el => el.scrollWidth - el.clientWidth") <= 2
    wide = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 2 && getComputedStyle(e).position !== 'fixed')
        .map(e => e.tagName + '.' + (e.getAttribute('data-testid') || e.className || '')).slice(0, 5)"""
    )
    assert not wide, wide
    expect(page.get_by_role("combobox", name=HTML_FINDER[lang])).to_be_visible()
    visit.shot(f"overview-200pct-{lang}")
