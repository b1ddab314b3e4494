"""Accessibility in a real browser (WCAG 2.1 AA, as GB/T 37668-2019 asks): axe-core on every page in both
languages, inside the map's frame too, and the page's declared language (the same visit checks the page drawn: its
title, charts with every title and legend whole, and map markers); the staff's pages signed in (the desk
with a rejected file's problems and with an accepted file's preview as an editor, the accounts, the version
history, the audit log and the reporting status as an administrator).

The audit runs at 1280 px, the width the issue's audit used. Each page is opened once a language (a visit costs
seconds of CPU on two cores), so the same visit then checks what else that page must show: the stage views
(stage_checks.py), and for the Overview the window at 200 % zoom and on a phone. The keyboard tests are in
test_keyboard.py.
"""

from __future__ import annotations

import json
import re

import pytest
from harness import (
    MAP_FRAME,
    POINTS,
    ROOT,
    Visit,
    axe_violations,
    blocking,
    expect,
    heading,
    visiting,
    wait_for_charts,
)
from stage_checks import (
    DERIVED,
    PROFILE_WORDS,
    overview_lists_the_stuck_communities,
    profile_dates_every_stage_and_draws_the_time_line,
    progress_draws_the_stage_views,
)
from test_desk_browser import BROKEN, desk_server, gbk_file_with_a_new_community, sign_in, upload  # noqa: F401 (a fixture)

from dashboard.i18n import t

pytestmark = pytest.mark.browser
PAGE_NAMES = sorted(path.stem for path in (ROOT / "pages").glob("*.py"))
URLS = {"overview": "/", "profile": f"/profile?community={DERIVED['community_id']}"}  # the default page is at the root
CHARTS = {"overview": 1, "progress": 8, "profile": 3, "map": 1}  # Altair charts each page draws
TITLES = {
    "overview": ("总览", "Overview"),
    "map": ("地图", "Map"),
    "progress": ("创建进度", "Progress"),
    "profile": (DERIVED["name_zh"], DERIVED["name_en"] or DERIVED["name_zh"]),
}
CJK = re.compile(r"[\u4e00-\u9fff]")
MAPS = ("overview", "map", "profile")
HTML_LANG = {"zh": "zh-CN", "en": "en"}
LAPTOP = {"width": 1280, "height": 900}
ZOOMED = {"width": 640, "height": 450}  # LAPTOP at 200 % zoom
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 800, "height": 1000}  # a tablet held upright: the sidebar open leaves the page 468 px
HTML_FINDER = {"zh": "查找社区", "en": "Find a community"}
# A chart's title or legend that does not fit its box: Vega cuts the text with "…" or draws past the picture's edge;
# or a chart wider than the column it is drawn in (small multiples have a fixed panel width), cut by the page.
CUT_IN_CHARTS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks')].flatMap(svg => {
  const right = svg.getBoundingClientRect().right + 1;
  const column = svg.closest('[data-testid="stVerticalBlock"]').getBoundingClientRect().right + 1;
  const name = svg.closest('[data-testid="stVegaLiteChart"]').getAttribute('aria-label') || '';
  const wide = right > column ? ['wider than its column: ' + name.slice(0, 80)] : [];
  const past = [...svg.querySelectorAll('.role-legend, .role-title')]
    .filter(g => g.getBoundingClientRect().right > right).map(g => 'past the edge: ' + g.textContent.slice(0, 80));
  const cut = [...svg.querySelectorAll('.role-title text, .role-legend-title text, .role-legend-label text')]
    .filter(t => t.textContent.endsWith('…')).map(t => 'cut: ' + t.textContent);
  return [...wide, ...past, ...cut];
})"""
CHARTS_AS_WIDE_AS_THE_PAGE = """charts => {
  const content = document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"]');
  const width = content.getBoundingClientRect().width - 2;
  const all = document.querySelectorAll('[data-testid="stVegaLiteChart"]');
  return charts.every(i => all[i] && all[i].getBoundingClientRect().width >= width);
}"""
# Each chart wider than the page: [its row scrolls sideways, the row within the page] (small multiples on a tablet).
WIDER_THAN_THE_PAGE = """() => {
  const page = document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"]');
  const width = page.getBoundingClientRect().width + 2;
  return [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .filter(c => c.getBoundingClientRect().width > width)
    .map(c => { const row = c.closest('[data-testid="stHorizontalBlock"]');
                return row ? [getComputedStyle(row).overflowX === 'auto' && row.scrollWidth > row.clientWidth,
                              row.getBoundingClientRect().width <= width] : [false, false]; });
}"""
# A chart's title, subtitle or legend label cut with "…" by Vega.
CUT_CHART_TEXT = """() => [...document.querySelectorAll(
  '[data-testid="stVegaLiteChart"] svg.marks :is(.role-title, .role-legend-title, .role-legend-label) text')]
  .filter(t => t.textContent.endsWith('…')).map(t => t.textContent)"""
# The lines of the row holding ``mark`` (the Profile's stage steps) that the browser broke over two or more lines.
WRAPPED_IN_ROW = """(mark) => {
  const row = [...document.querySelectorAll('[data-testid="stHorizontalBlock"]')].find(r => r.innerText.includes(mark));
  return [...row.querySelectorAll('p')]
    .filter(p => { const line = parseFloat(getComputedStyle(p).lineHeight) || 1.2 * parseFloat(getComputedStyle(p).fontSize);
                   return p.getBoundingClientRect().height > 1.5 * line; }).map(p => p.innerText);
}"""
BOXES = "els => els.map(e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width}; })"
# A metric's label or figure wider than its card: the browser cuts it with "…" (text-overflow), the figure unread.
CUT_IN_METRICS = """() => [...document.querySelectorAll(
  '[data-testid="stMetricLabel"] *, [data-testid="stMetricValue"], [data-testid="stMetricValue"] *')]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""


def open_drawn(visit, name: str, lang: str):
    """The page in ``lang`` with its charts and map drawn (axe must see what a reader sees)."""
    path = URLS.get(name, f"/{name}")
    page = visit.open(path + ("&" if "?" in path else "?") + f"lang={lang}")
    if name in CHARTS:
        wait_for_charts(page, CHARTS[name])
    if name in MAPS:
        expect(page.frame_locator(MAP_FRAME).first.locator(POINTS).first).to_be_visible()
    return page


def audited(page, name: str) -> list[dict]:
    """axe's findings on ``page`` (kept as test-artifacts/axe-``name``.json); fails on a serious or critical one."""
    found = axe_violations(page)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / f"axe-{name}.json").write_text(json.dumps(found, ensure_ascii=False, indent=1))
    assert not blocking(found), json.dumps(blocking(found), ensure_ascii=False, indent=1)
    return found


@pytest.mark.parametrize("visit", [LAPTOP], indirect=True)
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page_draws_in_each_language_and_axe_finds_nothing_serious(visit, name, lang):
    """One visit a page and language: drawn without an error element (its title, charts and map markers on screen),
    then audited by axe, its language declared in the page and in the map's frame, every chart named."""
    page = open_drawn(visit, name, lang)
    title = heading(page)
    if name in TITLES:
        assert title == TITLES[name][lang == "en"]
    else:
        assert bool(CJK.search(title)) == (lang == "zh"), title
    audited(page, f"{name}-{lang}")
    if name in CHARTS:  # every chart is named by its title and main figure, in the reader's language
        names = page.locator('[data-testid="stVegaLiteChart"]').evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
        assert len(names) >= CHARTS[name] and all(n and " — " in n for n in names), names
        assert all(bool(CJK.search(n)) == (lang == "zh") for n in names), names
        assert page.locator('[data-testid="stVegaLiteChart"] svg.marks').count() >= CHARTS[name]  # what is checked next
        assert page.evaluate(CUT_IN_CHARTS) == []  # every title and legend whole, at 1280 px
    assert page.evaluate(CUT_IN_METRICS) == []
    assert page.evaluate("document.documentElement.lang") == HTML_LANG[lang]
    # WCAG 2.4.2: the tab names the page, in the reader's language (before, every page was "居品 · Ju products")
    assert page.title() == t(f"ui.nav_{name}", lang)
    frames = [frame for frame in page.frames if "/component/streamlit_folium" in frame.url]
    assert len(frames) == (1 if name in MAPS else 0)
    assert all(frame.evaluate("document.documentElement.lang") == HTML_LANG[lang] for frame in frames)
    visit.shot(f"{name}-{lang}")
    if name == "overview":
        overview_lists_the_stuck_communities(page, lang)
        four_figures_to_a_row_at_1280(page)
        whole_on_a_tablet_beside_the_sidebar(visit, page, lang)
        no_horizontal_scrolling_at_200_percent_zoom(visit, page, lang)
        if lang == "zh":
            readable_on_a_phone(visit, page)
    elif name == "progress":
        progress_draws_the_stage_views(visit, page, lang)
        side_by_side_parts_stacked_on_a_tablet(visit, page, f"{name}-{lang}", charts=[0, 1], panels=2)
    elif name == "profile":
        profile_dates_every_stage_and_draws_the_time_line(page, lang)
        side_by_side_parts_stacked_on_a_tablet(visit, page, f"{name}-{lang}", charts=[1])
        stage_steps_on_one_line_each_on_a_tablet(page, lang)


def four_figures_to_a_row_at_1280(page) -> None:
    """At 1280 px the headline figures stand four then three to a row, the map beside the progress chart."""
    tops = [round(box["y"]) for box in page.locator('[data-testid="stMetric"]').evaluate_all(BOXES)]
    assert len(set(tops[:4])) == 1 and len(set(tops[4:])) == 1 and tops[4] > tops[0], tops
    chart = page.locator('[data-testid="stVegaLiteChart"]').first.bounding_box()
    frame = page.locator(MAP_FRAME).first.bounding_box()
    assert chart and frame and abs(chart["y"] - frame["y"]) < 200 and chart["x"] > frame["x"] + frame["width"], (chart, frame)


def whole_on_a_tablet_beside_the_sidebar(visit, page, lang: str) -> None:
    """800 px with the sidebar open: the parts wrap instead of shrinking (Streamlit's columns stack only below
    640 px: there the figures got 105 px each, "1,39…", and the progress chart 179 px); every label and figure whole,
    the map and the chart each the page's width, one above the other, the attention lists too."""
    page.set_viewport_size(TABLET)
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(500)
    settled(page)
    assert page.evaluate(CUT_IN_METRICS) == []
    assert page.evaluate(CUT_IN_CHARTS) == []
    content = page.locator('[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"]').first.bounding_box()
    chart = page.locator('[data-testid="stVegaLiteChart"]').first.bounding_box()
    frame = page.locator(MAP_FRAME).first.bounding_box()
    assert content and chart and frame
    assert chart["width"] >= content["width"] - 2 and frame["width"] >= content["width"] - 2, (content, chart, frame)
    assert chart["y"] > frame["y"] + frame["height"] - 2  # under the map
    lists = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').evaluate_all(BOXES)
    assert lists and all(box["width"] >= content["width"] - 2 for box in lists), lists
    page.evaluate("window.scrollTo(0, 0)")
    visit.shot(f"overview-tablet-{lang}")
    page.set_viewport_size(LAPTOP)


def side_by_side_parts_stacked_on_a_tablet(visit, page, shot: str, charts: list[int], panels: int = 0) -> None:
    """At 800 px with the sidebar open, the figures are whole and the charts that stand side by side at 1280 px
    (Progress: funnel and target pace; Profile: the month-by-month activities beside the map) take the page's width;
    no chart text is cut, and ``panels`` charts of small multiples (fixed panel widths) scroll sideways in their row."""
    page.set_viewport_size(TABLET)
    page.mouse.wheel(0, 3000)
    page.wait_for_function(CHARTS_AS_WIDE_AS_THE_PAGE, arg=charts, timeout=15_000)  # redrawn at the new width
    settled(page)  # nothing wider than the page: Progress's small multiples (fixed panel widths) scroll in their own row
    assert page.evaluate(CUT_IN_METRICS) == []
    assert page.evaluate(CUT_CHART_TEXT) == []  # long titles and subtitles drawn on more lines at this width
    wide = page.evaluate(WIDER_THAN_THE_PAGE)
    assert all(row == [True, True] for row in wide), wide
    assert len(wide) == panels, wide
    page.evaluate("window.scrollTo(0, 0)")
    visit.shot(f"{shot}-tablet")
    page.set_viewport_size(LAPTOP)


def stage_steps_on_one_line_each_on_a_tablet(page, lang: str) -> None:
    """At 800 px the Profile's four stage steps stand two to a row, each name and date on one line (in four columns
    of ~105 px the dates broke over two lines: "2026年7月10日（推算）", "10 Jul 2026 (derived)")."""
    page.set_viewport_size(TABLET)
    settled(page)
    assert page.evaluate(WRAPPED_IN_ROW, PROFILE_WORDS[lang][0]) == []
    page.set_viewport_size(LAPTOP)


def no_horizontal_scrolling_at_200_percent_zoom(visit, page, lang: str) -> None:
    """The window of a 1280 x 900 screen at 200 % zoom: nothing wider than it, the community finder on screen."""
    page.set_viewport_size(ZOOMED)
    page.mouse.wheel(0, 3000)  # everything below the fold drawn too
    page.wait_for_timeout(500)
    settled(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= ZOOMED["width"] + 2
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


def settled(page) -> None:
    """Wait until nothing in the page is wider than the window: charts redraw at a new width when their resize
    observer fires, a moment after the window changed (longer on a busy machine: the suite measured 243 px too
    wide on a phone once, drawn right alone). A page that stays too wide fails here, after 15 s."""
    page.wait_for_function(
        """() => { const main = document.querySelector('[data-testid="stMain"]');
                   return main.scrollWidth - main.clientWidth <= 2
                       && document.scrollingElement.scrollWidth <= innerWidth + 2; }""",
        timeout=15_000,
    )


def readable_on_a_phone(visit, page) -> None:
    """A phone's window (390 x 844): nothing wider than it, each of the seven figures whole on screen."""
    page.set_viewport_size(PHONE)
    page.evaluate("window.scrollTo(0, 0)")
    settled(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"] + 2
    main = page.locator('[data-testid="stMain"]')
    assert main.evaluate("el => el.scrollWidth - el.clientWidth") <= 2
    metrics = page.locator('[data-testid="stMetric"]')
    expect(metrics).to_have_count(7)
    for index in range(7):
        metric = metrics.nth(index)
        metric.scroll_into_view_if_needed()
        expect(metric).to_be_visible()
        box = metric.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 2, box
    page.evaluate("window.scrollTo(0, 0)")
    visit.shot("overview-phone-zh")


@pytest.fixture
def staff(browser, desk_server, request):  # noqa: F811 - the fixture imported from the desk tests
    """A fresh browser context on the desk tests' server (accounts ``ed``, editor, and ``boss``, admin), at 1280 px."""
    with visiting(browser, desk_server["base"], request.node, viewport=LAPTOP, locale=None) as current:
        yield current


def signed_in(staff: Visit, name: str, lang: str):
    """Signed in as ``name`` (the form in English), then reading in ``lang`` (the sidebar's switch keeps the session)."""
    page = sign_in(staff, name)
    if lang == "zh":
        page.locator('[data-testid="stSidebar"]').get_by_role("radio", name="中文").click()
        staff.settle()
        page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    return page


def audit_all(page, name: str, found: dict[str, list[dict]]) -> None:
    """axe's findings on ``page`` into ``found`` (and test-artifacts/axe-``name``.json), asserted on at the end: one
    run reports every view's findings, not only the first view's."""
    found[name] = axe_violations(page)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / f"axe-{name}.json").write_text(json.dumps(found[name], ensure_ascii=False, indent=1))


def no_blocking(found: dict[str, list[dict]]) -> None:
    serious = {name: blocking(rows) for name, rows in found.items() if blocking(rows)}
    assert not serious, json.dumps(serious, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_axe_on_the_desk_signed_in_as_an_editor_with_a_rejected_file_and_with_a_preview(staff, lang):
    page, found = signed_in(staff, "ed", lang), {}
    upload(staff, "broken.csv", BROKEN)
    expect(page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')).to_have_count(2)  # problems, rows
    audit_all(page, f"staff-desk-rejected-{lang}", found)
    upload(staff, "communities.csv", gbk_file_with_a_new_community())
    expect(page.frame_locator(MAP_FRAME).locator(POINTS)).to_have_count(1)  # the preview map's new community
    audit_all(page, f"staff-desk-preview-{lang}", found)
    assert page.evaluate("document.documentElement.lang") == HTML_LANG[lang]
    frames = [frame for frame in page.frames if "/component/streamlit_folium" in frame.url]
    assert [frame.evaluate("document.documentElement.lang") for frame in frames] == [HTML_LANG[lang]]
    no_blocking(found)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_axe_on_the_admins_pages(staff, lang):
    page, found = signed_in(staff, "boss", lang), {}
    tables = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')
    expect(tables.first).to_be_visible()  # the accounts
    audit_all(page, f"staff-desk-accounts-{lang}", found)
    for name in ("history", "audit", "reporting"):
        page.locator(f'[data-testid="stSidebarNav"] a[href$="/{name}"]').click()
        staff.settle()
        assert page.url.split("?")[0].endswith(f"/{name}")
        expect(tables.first).to_be_visible()  # signed in: the page's table (audit and reporting show none to others)
        audit_all(page, f"staff-{name}-{lang}", found)
        assert page.evaluate("document.documentElement.lang") == HTML_LANG[lang]
    no_blocking(found)
