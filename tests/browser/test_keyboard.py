"""Everything a mouse does, with the keyboard: the map (one Tab stop) and the list of its communities, profile
links in the same tab (also under a base URL path), the ranking opened with Enter, the slides with ← and →.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from appserver import running_app
from harness import ARTIFACTS, MAP_FRAME, POINTS, SAMPLE, app_env, expect, require_chromium, visiting

pytestmark = pytest.mark.browser
CHENGZHONG = sorted((row for row in SAMPLE if row["district"] == "chengzhong"), key=lambda row: row["name_zh"])
FOCUSABLE = """() => [...document.querySelectorAll('*')].filter(e => e.tabIndex >= 0 && !e.disabled)
  .map(e => e.tagName + ' ' + (e.getAttribute('aria-label') || ''))"""
FOCUS_BEFORE = """selector => {
  const stops = [...document.querySelectorAll('a[href], button, input, [tabindex]')].filter(e => e.tabIndex >= 0 && !e.disabled);
  stops[stops.findIndex(e => e.closest(selector)) - 1].focus();
}"""
ZOOM = "() => Object.values(window).find(value => value instanceof L.Map).getZoom()"
OPEN_FIRST_POPUP = """() => {
  for (const name of Object.keys(window)) {
    const layer = window[name];
    if (layer instanceof L.GeoJSON && layer.getLayers().length && layer.getLayers()[0] instanceof L.CircleMarker) {
      layer.getLayers()[0].openPopup();
      return layer.getLayers()[0].feature.properties.id;
    }
  }
  return null;
}"""


def choose_in_finder(page: Any, label: str, text: str) -> None:
    """Type into the list beside the map and take the first match with Enter, all from the keyboard."""
    box = page.get_by_role("combobox", name=label)
    box.focus()
    page.keyboard.type(text)
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")


def tab_until(page: Any, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    pytest.fail(f"{selector} never got the focus in {limit} Tabs")


def test_map_is_one_tab_stop_named_in_the_readers_language(visit):
    page = visit.open("/map?district=chengzhong")
    frame = page.frame_locator(MAP_FRAME).first
    expect(frame.locator(POINTS)).to_have_count(len(CHENGZHONG))
    expect(page.locator('iframe[title="社区分布地图"]')).to_have_count(1)
    stops = frame.locator("body").evaluate(FOCUSABLE)
    assert stops == [
        f"DIV 地图，共 {len(CHENGZHONG)} 个社区。方向键移动地图，+ 和 − 键缩放。每个社区也都在地图旁的“查找社区”列表中。",
        "A 放大",
        "A 缩小",
    ]
    assert frame.locator("html").get_attribute("lang") == "zh-CN"
    expect(frame.locator(".leaflet-control-attribution")).not_to_contain_text("Leaflet")
    # The map's own keys: focused, + zooms in. The map marks itself ready once its first view is set (at once, not
    # animated: Leaflet drops a zoom asked for during a zoom animation) and its keys and names are in place.
    ready = frame.locator(".leaflet-container[data-ju-ready='true']")
    expect(ready).to_have_count(1)
    map_frame = page.locator(MAP_FRAME).first.element_handle().content_frame()
    before = map_frame.evaluate(ZOOM)
    ready.focus()
    expect(ready).to_be_focused()
    page.keyboard.press("+")
    map_frame.wait_for_function(f"({ZOOM})() === {before + 1}")  # the zoom animates; no second press, no sleep
    assert map_frame.evaluate(ZOOM) == before + 1
    expect(ready).to_be_focused()


def test_the_list_beside_the_map_opens_a_profile_in_the_same_tab_with_the_popups_link(visit):
    page = visit.open("/map?district=chengzhong&lang=en")
    target = CHENGZHONG[0]
    choose_in_finder(page, "Find a community", target["name_en"])
    visit.settle()
    link = page.locator('[data-testid="stPageLink-NavLink"]')
    expect(link).to_contain_text(f"Open the profile of {target['name_en']}")
    listed = link.evaluate("a => a.href")
    # The popup of the same community carries the same link.
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".leaflet-container").evaluate(
        "(box, id) => { for (const k of Object.keys(window)) { const l = window[k];"
        " if (l instanceof L.GeoJSON) { l.eachLayer(p => { if (p.feature.properties.id === id) p.openPopup(); }); } } }",
        target["community_id"],
    )
    assert frame.locator("a.ju-profile").evaluate("a => a.href") == listed
    tab_until(page, '[data-testid="stPageLink-NavLink"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/profile\?"))
    visit.settle()
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(target["name_en"])
    assert parse_qs(urlsplit(page.url).query)["community"] == [target["community_id"]]
    assert "district=chengzhong" in page.url
    assert len(visit.open_pages()) == 1


@pytest.fixture(scope="module")
def based_server(tmp_path_factory) -> Iterator[str]:
    """The app served under the base URL path /ju (as behind a reverse proxy)."""
    require_chromium()
    env = app_env(tmp_path_factory.mktemp("based") / "dashboard.db", "zh")
    with running_app(env, ARTIFACTS / "streamlit-server-based.log", base_path="ju") as base:
        yield base


def test_popup_link_opens_the_profile_in_the_same_tab_under_a_base_url_path(browser, based_server, request):
    with visiting(browser, based_server, request.node) as visit:
        page = visit.open("/map?district=chengzhong")
        frame = page.frame_locator(MAP_FRAME).first
        expect(frame.locator(POINTS)).to_have_count(len(CHENGZHONG))
        community = frame.locator("body").evaluate(OPEN_FIRST_POPUP)
        popup_link = frame.locator("a.ju-profile")
        expect(popup_link).to_have_text("查看社区档案")
        assert popup_link.get_attribute("href").startswith(based_server + "/profile?community=")
        popup_link.click()
        page.wait_for_url(re.compile(r"/ju/profile\?"))
        visit.settle()
        assert parse_qs(urlsplit(page.url).query)["community"] == [community]
        assert len(visit.open_pages()) == 1
        name = next(row["name_zh"] for row in SAMPLE if row["community_id"] == community)
        expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(name)


def test_a_ranking_row_opens_with_enter_and_the_page_says_how(visit):
    page = visit.open("/progress?lang=en")
    expect(page.get_by_text("Tab into the table, move to the row with the arrow keys and press Enter")).to_be_visible()
    table = page.locator(".st-key-tbl_ranking")
    table.scroll_into_view_if_needed()
    page.evaluate(FOCUS_BEFORE, ".st-key-tbl_ranking")  # then Tab into the table, as a reader does
    tab_until(page, ".st-key-tbl_ranking canvas")
    for key in ("ArrowDown", "ArrowDown", "Enter"):
        page.keyboard.press(key)
    page.wait_for_url(re.compile(r"/profile\?"))
    visit.settle()
    community = parse_qs(urlsplit(page.url).query)["community"][0]
    name = next(row["name_en"] or row["name_zh"] for row in SAMPLE if row["community_id"] == community)
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(name)
    assert len(visit.open_pages()) == 1


def test_the_slides_with_the_keyboard_alone(visit):
    """The page's ← and → move the slide, Tab and Enter start the slide show, → and PageDown go on, Esc leaves;
    the live counter and the slide's accessible name follow, and the slide's chart picture is named by its figure."""
    page = visit.open("/present?lang=en")
    counter = page.locator('.jp-foot [role="status"]')
    expect(counter).to_have_text("Slide 1 of 14")
    assert counter.get_attribute("aria-live") == "polite"  # a screen reader says the new number after each key
    for key, number in (("ArrowRight", 2), ("ArrowRight", 3), ("ArrowLeft", 2)):
        page.keyboard.press(key)
        page.wait_for_selector(f'.jp-frame[data-slide="{number}"]')
        expect(counter).to_have_text(f"Slide {number} of 14")
    tab_until(page, ".st-key-present_start button", limit=60)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]show=1"))
    page.wait_for_selector('.jp-frame.jp-full[data-slide="2"]')
    for key, number in (("ArrowRight", 3), ("PageDown", 4), ("Space", 5), ("ArrowRight", 6), ("PageUp", 5)):
        page.keyboard.press(key)
        page.wait_for_selector(f'.jp-frame.jp-full[data-slide="{number}"]')
    slide = page.locator('section[aria-roledescription="slide"]')
    title = slide.locator("h1").inner_text()
    assert slide.get_attribute("aria-label") == f"Slide: {title}"
    alt = slide.locator(".jp-body img").get_attribute("alt")  # the map slide: named by its title and main figure
    assert alt.startswith(f"{title} — ") and alt.endswith(" named"), alt
    page.keyboard.press("Escape")
    page.wait_for_url(lambda url: "show=1" not in url)
    expect(page.get_by_role("button", name="Start slide show")).to_be_visible()
    assert len(visit.open_pages()) == 1
