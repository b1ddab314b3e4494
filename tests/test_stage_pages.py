"""The stage views under AppTest: naming pace, stages by month and time in stage (Progress), stuck communities and the
figures as at the range's end (Overview), a community's stage dates with derived ones marked (Profile).

The fixture (tests/fixtures/p_*.csv, imported by ``test_pages.fixture_db``) dates every stage; 静安社区 has no
application date, so it is derived from the import and clipped to its building date (2024-09-01).
On the fixture's last day (2025-06-20) 朝阳社区 has been building for 323 days, 静安社区 292, 和睦社区 has
waited 200 days since applying.
"""

from __future__ import annotations

import json

import pyarrow as pa
from test_pages import (  # noqa: F401 - the fixtures apply here too
    CHENGUANG,
    JINGAN,
    app_database,
    charts,
    fixture_db,
    markdown,
    metrics,
    open_page,
    subheaders,
    table,
    title_text,
)


def _title(spec: dict) -> str:
    return title_text(spec.get("title", ""))


def _spec(at, starts: str) -> dict:
    """The spec of the one chart whose title starts with ``starts``, its datasets read back from Arrow."""
    found = [e for e in at.get("vega_lite_chart") if _title(json.loads(e.proto.spec)).startswith(starts)]
    assert len(found) == 1, f"{len(found)} charts titled {starts}…: {[_title(s) for s in charts(at)]}"
    spec = json.loads(found[0].proto.spec)
    spec["datasets"] = {
        d.name: pa.ipc.open_stream(d.data.data).read_all().to_pandas().to_dict("records") for d in found[0].proto.datasets
    }
    return spec


def test_progress_draws_the_naming_pace_against_the_target():
    at = open_page("progress")
    spec = _spec(at, "2025年命名进度")
    layers = {json.dumps(layer["mark"]) for layer in spec["layer"]}
    assert any('"bar"' in m for m in layers) and any('"line"' in m for m in layers) and any('"rule"' in m for m in layers)
    datasets = spec["datasets"].values()
    assert any(row.get("label") == "年度目标 5 个" for rows in datasets for row in rows)  # 2 + 2 + 1
    months = max((rows for rows in datasets if rows and "cumulative" in rows[0]), key=len)  # the bars' rows: every month
    cumulative = [row["cumulative"] for row in months]
    assert cumulative == [1, 2, 3, 3, 3, 3]  # named 20 January, 14 February, 18 March 2025
    assert "截至2025年6月20日" in json.dumps(spec["title"], ensure_ascii=False)
    per_district = _spec(at, "2025年各区县命名进度")
    assert per_district["facet"]["field"] == "district_label"


def test_progress_funnel_and_stages_by_month_are_as_at_the_range_end():
    at = open_page("progress", to="2024-12-31")
    funnel = _spec(at, "品牌创建进程")
    assert "截至2024年12月31日" in json.dumps(funnel["title"], ensure_ascii=False)
    counts = [row for rows in funnel["datasets"].values() for row in rows if "communities" in row]
    assert sum(row["communities"] for row in counts) == 7  # 绿水社区 applied on 15 January 2025
    assert sum(row["communities"] for row in counts if row["stage"] == "named") == 0
    by_month = _spec(at, "品牌创建逐月进展")
    rows = [row for rows in by_month["datasets"].values() for row in rows if "stage" in row]
    last = {row["stage"]: row["communities"] for row in rows if str(row["month"]).startswith("2024-12")}
    assert last == {"applied": 1, "building": 3, "assessed": 3, "named": 0}


def test_time_in_stage_by_district_or_type_with_its_table():
    at = open_page("progress")
    spec = _spec(at, "阶段用时")
    assert spec["facet"]["field"] == "step_label"
    figures = table(at, "中位天数")
    assert set(figures["区县"]) == {"城东区", "城中区", "城西区"}
    at.segmented_control(key="w_time_by").set_value("characteristic").run()
    figures = table(at, "中位天数")
    assert "特色类型" in figures.columns and "关爱帮扶" in set(figures["特色类型"])


def test_overview_lists_communities_stuck_in_one_stage():
    at = open_page()
    assert "**同一阶段停留超过 180 天** · 3" in markdown(at)
    stuck = table(at, "起始日期", "档案")
    assert stuck["社区"].tolist() == ["朝阳社区", "静安社区", "和睦社区"]
    assert stuck["天数"].tolist() == [323, 292, 200]
    assert stuck["所处阶段"].tolist() == ["创建", "创建", "申报"]
    assert stuck["起始日期"].tolist() == ["2024年8月1日", "2024年9月1日", "2024年12月2日"]


def test_the_stuck_threshold_is_the_setting(monkeypatch):
    monkeypatch.setenv("DASHBOARD_STUCK_DAYS", "300")
    at = open_page(lang="en")
    assert "**In one stage for over 300 days** · 1" in markdown(at)
    assert table(at, "Since", "Profile")["Community"].tolist() == ["Chaoyang Community"]


def test_overview_counts_the_communities_in_the_campaign_on_the_range_end():
    at = open_page(to="2024-12-31")
    shown = metrics(at)
    assert shown["参与社区"][0] == "7" and shown["已命名品牌"][0] == "0"
    assert any(c.value.startswith("另有 1 个社区按阶段日期在2024年12月31日之后才参与创建") for c in at.main.caption)
    assert not any("之后才参与创建" in c.value for c in open_page().main.caption)


def test_profile_shows_each_stage_date_and_marks_the_derived_one():
    at = open_page("profile", community=JINGAN)
    captions = [c.value for c in at.main.caption]
    assert "2024年9月1日（推算）" in captions  # no application date: derived, not after the building date
    assert "2024年9月1日" in captions and captions.count("尚未到达") == 2
    help_texts = [c.proto.help for c in at.main.caption if c.value.endswith("（推算）")]
    assert help_texts and "首次" in help_texts[0]
    assert "阶段与活动" in subheaders(at)
    timeline = _spec(at, "创建阶段与活动时间轴")
    rows = [row for rows in timeline["datasets"].values() for row in rows if "stage" in row]
    assert [(r["stage"], r["kind"]) for r in rows] == [("applied", "根据导入记录推算"), ("building", "填报日期")]


def test_profile_in_english_dates_every_stage():
    at = open_page("profile", community=CHENGUANG, lang="en")
    captions = [c.value for c in at.main.caption]
    assert [c for c in captions if c[:1].isdigit()][:4] == ["5 Mar 2024", "20 Apr 2024", "10 Dec 2024", "18 Mar 2025"]
    assert not any("(derived)" in c for c in captions)
