"""What only a browser shows: map markers on screen, clicks, the language switch, bookmarks, and no request
leaving the local server. Every page drawn in each language, and the Overview on a phone, are in
test_accessibility.py (one visit draws the page, audits it and checks the rest of what it shows).

Figures come from the bundled sample (data/sample/), read here from its CSV.
"""

from __future__ import annotations

import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from harness import MAP_FRAME, POINTS, ROOT, SAMPLE, SHAPES, assert_no_error, expect, heading

pytestmark = pytest.mark.browser
NAMES_ZH = {row["community_id"]: row["name_zh"] for row in SAMPLE}
DISTRICT_OUTLINES = len(json.loads((ROOT / "data/xining_districts.geojson").read_text(encoding="utf-8"))["features"])


def sample_count(**where: str) -> int:
    return sum(all(row[k] == v for k, v in where.items()) for row in SAMPLE)


def test_map_shows_one_marker_per_community_of_the_district(visit):
    page = visit.open("/map?district=chengzhong")
    frame = page.frame_locator(MAP_FRAME)
    expected = sample_count(district="chengzhong")
    expect(frame.locator(POINTS)).to_have_count(expected)
    assert frame.locator(SHAPES).count() - expected == DISTRICT_OUTLINES
    expect(frame.locator(".ju-map-legend")).to_contain_text("特色类型")
    assert f"共 {expected} 个社区" in page.locator('[data-testid="stMain"]').inner_text()
    assert any(url.endswith("/app/static/vendor/leaflet/leaflet.js") for url in visit.requests), "Leaflet not served locally"
    visit.shot("map-chengzhong-zh")


def test_map_layer_switch_changes_the_legend(visit):
    page = visit.open("/map?lang=en&district=chengxi")
    page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"] button', has_text="Communities by stage").click()
    visit.settle()
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".ju-map-legend")).to_contain_text("Brand-creation stage")
    expect(frame.locator(POINTS)).to_have_count(sample_count(district="chengxi"))
    assert "layer=stage" in page.url


def test_clicking_a_marker_opens_its_profile(visit):
    page = visit.open("/map?district=huangyuan")
    points = page.frame_locator(MAP_FRAME).locator(POINTS)
    expect(points).to_have_count(sample_count(district="huangyuan"))
    points.first.click()
    page.wait_for_url(re.compile(r"/profile\?.*community="))
    visit.settle()
    community = parse_qs(urlsplit(page.url).query)["community"][0]
    assert NAMES_ZH[community] in {row["name_zh"] for row in SAMPLE if row["district"] == "huangyuan"}
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(NAMES_ZH[community])
    assert "district=huangyuan" in page.url  # the filters travel with the visitor
    assert_no_error(page)


def test_language_switch_in_the_sidebar(visit):
    page = visit.open("/")
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert heading(page) == "总览"
    sidebar.get_by_role("radio", name="English").click()
    visit.settle()
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("Overview")
    expect(sidebar.locator('[data-testid="stMultiSelect"] label').first).to_have_text("District")
    expect(page.locator('[data-testid="stMetric"]').first).to_contain_text("Communities enrolled")
    assert "lang=en" in page.url
    page.wait_for_function("document.documentElement.lang === 'en'")  # what a screen reader reads it as
    sidebar.get_by_role("radio", name="中文").click()
    visit.settle()
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("总览")
    expect(sidebar.locator('[data-testid="stMultiSelect"] label').first).to_have_text("区县")
    assert "lang=zh" in page.url
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")


def test_bookmark_restores_the_filters(first_visit):
    """A bookmark opened as the server's very first view (opened by the server fixture in conftest), the hardest case.

    Later deep links (``/progress?lang=en`` and the like) are opened by test_accessibility.py's
    test_every_page_draws_in_each_language_and_axe_finds_nothing_serious.
    """
    shown = first_visit
    assert "error" not in shown, shown.get("error")
    assert "district=chengxi" in shown["url"] and "type=caring" in shown["url"] and "lang=en" in shown["url"]
    assert shown["h1"] == "Progress"
    assert shown["chips"] == {"District": ["Chengxi"], "Characteristic type": ["♥ Caring and mutual aid"], "Stage": []}
    assert shown["captions"][0].startswith("Chengxi · Data as of")
    assert f"{sample_count(district='chengxi', characteristic='caring')} communities" in shown["captions"]
    assert shown["charts"] >= 4
    assert any("Overview" in item for item in shown["nav"]) and "app" not in shown["nav"], shown["nav"]
    assert not shown["foreign"]


def test_the_profile_map_names_its_community_just_above_its_point(visit):
    """The selected community's tooltip stays open: centred above its point, not off to one side (it was measured
    before the map's stylesheet arrived and sat at the frame's left edge)."""
    row = SAMPLE[0]
    page = visit.open(f"/profile?community={row['community_id']}")
    frame = page.frame_locator(MAP_FRAME)
    tip, point = frame.locator(".leaflet-tooltip"), frame.locator('path.ju-point[stroke-width="3"]')
    expect(tip).to_have_count(1)
    expect(tip).to_contain_text(row["name_zh"])
    expect(point).to_have_count(1)

    def offsets() -> tuple[float, float]:
        box, at = tip.bounding_box(), point.bounding_box()
        assert box and at
        return abs(box["x"] + box["width"] / 2 - (at["x"] + at["width"] / 2)), box["y"] + box["height"] - at["y"]

    deadline = time.monotonic() + 10
    across, below = offsets()
    while (across > 2 or below > 1) and time.monotonic() < deadline:  # placed again once its styles are in
        time.sleep(0.2)
        across, below = offsets()
    assert across <= 2, f"the tooltip is {across:.0f} px beside its point"
    assert below <= 1, f"the tooltip covers its point by {below:.0f} px"
