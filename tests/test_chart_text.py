"""Charts' text alternatives (render/chart_text.py): title, subtitle and main figure, in the reader's language."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from test_charts import BUILDERS, DAY, DS

from dashboard import config
from dashboard.briefing import compose, content
from dashboard.briefing.pages import Picture
from dashboard.briefing.period import default_period
from dashboard.briefing.slide_html import slide_html
from dashboard.dataset import read_csv_dir
from dashboard.figures import queries, stages
from dashboard.render import chart_style, chart_text, charts, pace_charts, stage_charts

FRAME = pd.DataFrame({"x": ["a"], "y": [1]})


@pytest.mark.parametrize(
    ("title", "figure", "expected"),
    [
        ("各区县命名社区目标完成率", "2026年命名目标完成率 70%", "各区县命名社区目标完成率 — 2026年命名目标完成率 70%"),
        (
            alt.Title("Residents' satisfaction", subtitle=["Mean of communities,", "with spread"]),
            None,
            "Residents' satisfaction — Mean of communities, with spread",
        ),
        (alt.Undefined, None, ""),
    ],
)
def test_the_text_is_title_subtitle_and_figure(title, figure, expected):
    chart = alt.Chart(FRAME).mark_bar().encode(x="x", y="y")
    chart = chart_style.themed(chart if title is alt.Undefined else chart.properties(title=title))
    assert chart_text.alt_text(chart, figure) == expected
    described = chart_text.described(chart, expected).to_dict()
    assert described.get("description", "") == expected


def test_a_layered_chart_of_the_dashboard_is_named_in_the_readers_language():
    funnel = pd.DataFrame({"district": ["chengxi"], "stage": ["named"], "communities": [3]})
    for lang, word in (("zh", "创建"), ("en", "district and stage")):
        text = chart_text.alt_text(charts.funnel_chart(funnel, lang))
        assert word in text, text


# --- every chart's main figure, on the small frames of test_charts.py -----------------------------------------------
FIGURES = {
    "categories": ("共 7次，最多：环境整治（2）", "7 activities; most: Environmental clean-up (2)"),
    "community_activity": ("共开展活动 7次，最近一次：2025年4月2日", "7 activities, latest: 2 Apr 2025"),
    "community_satisfaction": (
        "2025年2月本社区 82.0 分；所在区县平均：81.7",
        "82.0 points in February 2025; district average: 81.7",
    ),
    "funnel": ("共 4 个社区，已命名 2 个", "4 communities, 2 named"),
    "monthly": ("合计 79人次，2025年4月 7人次", "79 participants in all, 7 participants in April 2025"),
    "pace": ("0 / 2 项达到时间进度", "0 of 2 at or ahead of the year's pace"),
    "progress": ("合计已命名 2 个，目标 3 个，完成 67%", "2 of 3 named in all (67%)"),
    "satisfaction": ("2025年2月平均 81.7 分", "Mean 81.7 points in February 2025"),
    "type_mix": ("共 4 个社区，最多：关爱帮扶（2）", "4 communities; most: Caring and mutual aid (2)"),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_chart_of_the_pages_says_its_main_figure_in_both_languages(name):
    assert set(FIGURES) == set(BUILDERS)  # a new chart needs its figure here
    for lang, figure in zip(("zh", "en"), FIGURES[name], strict=True):
        chart = BUILDERS[name](DS, lang)
        assert chart_text.own_figure(chart) == figure
        assert chart_text.alt_text(chart).endswith(chart_text.SEPARATOR + figure)
        assert chart_text.alt_text(chart).startswith(chart_text.title_parts(chart)[0])


def test_a_figure_that_cannot_be_computed_is_said_in_words():
    no_targets = queries.district_progress(DS, DAY).assign(target_named_communities=float("nan"))
    trend = queries.satisfaction_trend(DS).assign(mean=float("nan"))
    said = {
        lang: (
            chart_text.own_figure(charts.district_progress_chart(no_targets, lang)),
            chart_text.own_figure(charts.satisfaction_chart(trend, lang)),
        )
        for lang in ("zh", "en")
    }
    assert said == {
        "zh": ("已命名 2 个社区；未设目标", "满意度：尚无调查"),
        "en": ("2 communities named; no target set", "Satisfaction: no survey yet"),
    }


PACE = pd.DataFrame(
    {
        "district": ["chengdong"] * 3 + ["chengxi"] * 3,
        "month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"] * 2),
        "named": [1, 0, 1, 0, 1, 0],
        "cumulative": [1, 1, 2, 0, 1, 1],
    }
)
TOTAL = PACE.groupby("month", as_index=False)[["named", "cumulative"]].sum()


@pytest.mark.parametrize(
    ("target", "projected", "zh", "en"),
    [
        (
            5,
            4.0,
            "今年已命名 3个；年度目标：5个；按当前进度年底约：4个",
            "3 communities named this year; target: 5 communities; at this pace by the year's end: 4 communities",
        ),
        (
            None,
            None,
            "今年已命名 3个；年度目标：未设目标；按当前进度年底约：暂无数据",
            "3 communities named this year; target: no target set; at this pace by the year's end: no data yet",
        ),
        (0, 12.0, "今年已命名 3个；年度目标：目标为 0；按当前进度年底约：12个", None),
    ],
)
def test_the_naming_pace_says_named_target_and_projection_null_safe(target, projected, zh, en):
    for lang, expected in (("zh", zh), ("en", en)):
        if expected is not None:
            chart = pace_charts.naming_pace_chart(TOTAL, target, projected, DAY, lang)
            assert chart_text.own_figure(chart) == expected


def test_every_stage_chart_says_its_main_figure_in_both_languages():
    counts = pd.DataFrame(
        {
            "month": pd.to_datetime(["2025-02-01"] * 3 + ["2025-03-01"] * 3),
            "stage": ["applied", "building", "named"] * 2,
            "communities": [3, 1, 0, 2, 1, 1],
        }
    )
    steps = stages.step_order()
    summary = pd.DataFrame(
        {
            "district": ["chengdong", "chengxi"],
            "step": [steps[0], steps[-1]],
            "communities": [2, 3],
            "median": [40.0, 120.0],
            **{q: [30.0, 100.0] for q in ("p25", "p10")},
            **{q: [50.0, 140.0] for q in ("p75", "p90")},
            "derived": [0, 1],
        }
    )
    milestones = pd.DataFrame(
        {"stage": ["applied", "building"], "date": pd.to_datetime(["2024-05-01", "2025-02-10"]), "derived": [False, True]}
    )
    acts = DS.activities[DS.activities["community_id"] == "c1"]
    targets, projections = pd.Series({"chengdong": 3.0, "chengxi": None}), pd.Series({"chengdong": 4.0, "chengxi": 2.0})
    said = {
        lang: [
            chart_text.own_figure(chart)
            for chart in (
                pace_charts.naming_pace_by_district(PACE, targets, projections, DAY, lang),
                stage_charts.funnel_over_time_chart(counts, lang),
                stage_charts.time_in_stage_chart(summary, "district", lang, steps),
                stage_charts.profile_timeline_chart(milestones, acts, lang),
                stage_charts.profile_timeline_chart(milestones.iloc[:0], acts, lang),
            )
        ]
        for lang in ("zh", "en")
    }
    first = stage_charts.step_label(steps[0], "zh"), stage_charts.step_label(steps[0], "en")
    assert said == {
        "zh": [
            "2 个区县今年共命名 3个",
            "2025年3月底：共 4 个社区，已命名 1 个",
            f"用时最长：城东区的{first[0]}，中位数 40天",  # a step, not the whole way (120 days, their sum)
            "最近阶段：创建（2025年2月10日）；共开展活动 3次",
            "最近阶段：暂无数据；共开展活动 3次",
        ],
        "en": [
            "3 communities named this year in 2 districts",
            "At the end of March 2025: 4 communities, 1 named",
            f"Slowest: {first[1]} in Chengdong, median 40 days",
            "Latest stage: Building (10 Feb 2025); 3 activities",
            "Latest stage: no data yet; 3 activities",
        ],
    }


def test_the_slowest_step_is_one_stage_to_the_next_and_the_whole_way_only_without_one():
    steps = stages.step_order()
    summary = pd.DataFrame(
        {
            "district": ["chengdong", "chengxi", "chengxi", "chengdong"],
            "step": [steps[0], steps[1], steps[-1], steps[-1]],
            "communities": [2, 3, 3, 2],
            "median": [40.0, None, 300.0, 90.0],
            **{q: [30.0, None, 250.0, 80.0] for q in ("p25", "p10", "p75", "p90")},
            "derived": [0, 0, 0, 0],
        }
    )

    def said(frame: pd.DataFrame) -> str:
        return chart_text.own_figure(stage_charts.time_in_stage_chart(frame, "district", "en", steps))

    assert said(summary) == f"Slowest: {stage_charts.step_label(steps[0], 'en')} in Chengdong, median 40 days"
    whole_way = summary[summary["step"] == steps[-1]]
    assert said(whole_way) == f"Slowest: {stage_charts.step_label(steps[-1], 'en')} in Chengxi, median 300 days"


@pytest.fixture(scope="module")
def sample_briefings():
    ds = read_csv_dir(config.SAMPLE_DIR)
    return {lang: content.build(ds, default_period(ds), lang) for lang in ("zh", "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_slides_picture_is_named_by_its_chart_and_figure_on_the_page_and_in_the_deck(sample_briefings, lang):
    brief = sample_briefings[lang]
    charted = {s.key: (i, s) for i, s in enumerate(brief.slides) if s.chart is not None}
    assert set(charted) >= {"map", "stages", "naming", "pace", "categories", "satisfaction"}
    pages = compose.layout_pages(brief, {key: (1600, 1000) for key in charted})
    in_deck = {item.key: item.alt for page in pages for item in page.items if isinstance(item, Picture)}
    for key, (index, slide) in charted.items():
        figure = chart_text.own_figure(slide.chart)
        alt = chart_text.alt_text(slide.chart, fallback=slide.title)
        assert figure and alt.endswith(chart_text.SEPARATOR + figure), key
        assert f'alt="{escape(alt)}"' in slide_html(brief, index, {key: b"png"})
        assert in_deck[key] == alt
    the_map = charted["map"][1]  # drawn without a title: the slide's names it
    named = "已命名" if lang == "zh" else "named"
    assert in_deck["map"].startswith(the_map.title + chart_text.SEPARATOR) and named in in_deck["map"]


def test_every_chart_on_a_page_goes_through_the_one_path():
    """Pages and views (the only code that imports streamlit) show Altair charts only through ``components.chart``,
    which names them with ``alt_text`` as the spec's description (Streamlit names the chart by it; ``alt=`` as well
    made Streamlit log a warning with a stack trace for every chart drawn)."""
    root = Path(__file__).resolve().parents[1]
    shown = [p for p in (*root.glob("pages/*.py"), *root.glob("dashboard/ui/*.py")) if "st.altair_chart(" in p.read_text()]
    assert [p.relative_to(root).as_posix() for p in shown] == ["dashboard/ui/components.py"]
    assert "chart_text.described(built, text)" in (root / "dashboard/ui/components.py").read_text()


def test_a_district_without_a_naming_target_has_no_target_rather_than_nan():
    """None beside numbers became NaN in the chart's data (invalid JSON for vl-convert); the every-dataset property found it."""
    targets = pd.Series({"chengdong": 3.0, "chengxi": None})
    chart = pace_charts.naming_pace_by_district(PACE, targets, pd.Series(dtype=float), DAY, "en")
    spec = chart.to_dict(validate=False)
    assert "NaN" not in json.dumps(spec)  # json.dumps writes a float NaN as NaN
    rows = [row for values in spec["datasets"].values() for row in values]
    assert {row["district"]: row["target"] for row in rows} == {"chengdong": 3.0, "chengxi": None}
