"""The Presentation page under AppTest, on the bundled sample: what it shows, the cover's inputs, slide mode.

The slide itself is one HTML block (``briefing.slide_html``); these tests read
it as the page sends it. Browser-only facts (sizes, keys, scrolling) are in
tests/browser/test_present_browser.py.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.briefing.slide_html import slide_html
from dashboard.ingest.sample import load_sample
from dashboard.storage import database

pytestmark = pytest.mark.xdist_group("present-page")  # one worker builds the module's sample database
APP = Path(__file__).resolve().parents[1] / "app.py"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('present') / 'present.db'}"
    load_sample(database.engine_for(url))
    database.engine_for.cache_clear()
    return url


@pytest.fixture(autouse=True)
def app_database(sample_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", sample_db)
    monkeypatch.delenv("DASHBOARD_LANG", raising=False)
    monkeypatch.delenv("DASHBOARD_ORG_NAME", raising=False)
    for clear in (st.cache_data.clear, st.cache_resource.clear, database.engine_for.cache_clear):
        clear()
    yield
    for clear in (st.cache_data.clear, st.cache_resource.clear, database.engine_for.cache_clear):
        clear()


def open_present(**params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/present.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def slide_text(at: AppTest) -> str:
    """The text of the slide block the page sent (tags dropped)."""
    blocks = [e.proto.body for e in at.get("html") if "data-slide=" in e.proto.body]
    assert len(blocks) == 1
    return unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", blocks[0], flags=re.S))


def test_the_page_shows_the_cover_and_takes_the_reporting_body():
    at = open_present(lang="zh", district="chengdong")
    assert at.title[0].value == "演示模式"
    cover = slide_text(at)
    assert "城东区“居品”社区品牌创建工作简报" in cover and "汇报单位：城东区“居品”社区品牌创建工作专班" in cover
    at.text_input(key="present_org").input("城东区民政局")
    at.text_input(key="present_meeting").input("第四季度推进会")
    at.date_input(key="present_day").set_value(date(2026, 12, 3))
    at.run()
    cover = slide_text(at)
    assert "汇报单位：城东区民政局" in cover and "第四季度推进会" in cover and "2026年12月3日" in cover
    assert [b.label for b in at.get("download_button")] == [
        "PowerPoint 演示文稿",
        "PDF 文档",
        "全部图表及数据（PNG、SVG、CSV、Excel）",
    ]


def test_next_moves_to_the_overview_and_the_notes_are_talking_points():
    at = open_present(lang="en")
    at.button(key="present_next").click().run()
    assert "Overview" in slide_text(at) and "Slide 2 of 14" in slide_text(at)
    assert at.query_params["slide"] == "2"
    assert at.text[0].value.startswith("Message: ")


def test_slide_mode_shows_the_slide_alone_with_the_keys_out_of_sight():
    at = open_present(lang="zh", show="1", slide="4")
    assert not at.selectbox and not at.get("download_button") and not at.text_input and not at.expander
    assert not at.title  # the slide's own heading is the page's
    assert "各区县排名" in slide_text(at) and "第 4 / 14 页" in slide_text(at)
    keys = {b.key for b in at.button}
    assert {"present_key_right", "present_key_pagedown", "present_key_space", "present_key_left", "present_key_esc"} <= keys
    at.button(key="present_key_space").click().run()
    assert "社区分布" in slide_text(at)
    at.button(key="present_key_esc").click().run()
    assert "show" not in at.query_params and at.title[0].value == "演示模式"


def test_slide_html_escapes_text_from_the_data():
    from dashboard import config
    from dashboard.briefing import content
    from dashboard.briefing.period import default_period
    from dashboard.dataset import read_csv_dir

    ds = read_csv_dir(config.SAMPLE_DIR)
    brief = content.build(ds, default_period(ds, "chengdong"), "zh", content.Cover(org="<b>民政局</b>"))
    html = slide_html(brief, 0, {})
    assert "&lt;b&gt;民政局&lt;/b&gt;" in html and "<b>民政局</b>" not in html
