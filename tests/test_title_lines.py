"""Long chart titles in a narrow column are drawn on several lines instead of being cut with "…"."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from dashboard.render.title_lines import (
    LINE_EM,
    SUBTITLE_LINE_PX,
    TITLE_LINE_PX,
    WIDE_LINE_EM,
    WIDE_SUBTITLE_EM,
    title_lines,
    width_em,
    with_title_lines,
)


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("Stages", "Stages"),  # fits: unchanged, not a list
        ("各区县命名社区年度目标完成情况", "各区县命名社区年度目标完成情况"),
        ("Named communities against the year's target", ["Named communities against", "the year's target"]),
        ("品牌创建进程：各区县社区所处阶段", ["品牌创建进程：", "各区县社区所处阶段"]),  # after the colon, not at the edge
        ("西宁各区县社区所处品牌创建阶段：申报创建验收", ["西宁各区县社区所处品牌创建阶段：", "申报创建验收"]),  # "：" hangs
        ("Activities of the community by month and category", ["Activities of the", "community by month and", "category"]),
        ("Pneumonoultramicroscopicsilicovolcanoconiosis and more", ["Pneumonoultramicroscopicsilicovolcanoconiosis", "and more"]),
    ],
)
def test_a_title_is_broken_between_words_or_after_cjk_punctuation(title, lines):
    assert title_lines(title) == lines


def test_every_line_fits_unless_one_word_alone_is_wider():
    title = "2026年各区县命名社区目标完成率——截至2026年11月26日的所有街道社区 and a few English words at the end"
    lines = title_lines(title)
    assert all(width_em(line) <= LINE_EM for line in lines), lines
    assert "".join(lines).replace(" ", "") == title.replace(" ", "")  # nothing lost or added


def test_only_the_title_changes_and_the_subtitle_stays():
    chart = (
        alt.Chart(pd.DataFrame({"x": [1]}))
        .mark_bar()
        .properties(title=alt.Title("Named communities against the year's target", subtitle=["As of 26 Nov 2026."]))
    )
    spec = with_title_lines(chart).to_dict()["title"]
    assert spec == {"text": ["Named communities against", "the year's target"], "subtitle": ["As of 26 Nov 2026."]}
    assert chart.to_dict()["title"]["text"] == "Named communities against the year's target"  # the original is untouched
    plain = alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().properties(title="Communities by district and stage, as at today")
    assert isinstance(with_title_lines(plain).to_dict()["title"], list)


@pytest.mark.parametrize(
    ("title", "height"),
    [
        ("Stages", 250),  # one line: as high as the builder made it
        ("Named communities against the year's target", 250 + TITLE_LINE_PX),
        ("Activities of the community by month and category", 250 + 2 * TITLE_LINE_PX),
    ],
)
def test_a_chart_grows_by_the_lines_its_title_takes(title, height):
    """Streamlit fits the title into the chart's height: the bars keep their room however many lines it takes."""
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().properties(title=alt.Title(title, subtitle=["s"]), height=250)
    assert with_title_lines(chart).to_dict()["height"] == height
    assert with_title_lines(chart.properties(title=title)).to_dict()["height"] == height


def test_a_chart_across_the_page_breaks_its_title_and_each_long_subtitle_line_at_a_tablets_width():
    """At 800 px with the sidebar open a chart across the page is 468 px: "Naming pace 2026: communities named, …"."""
    subtitle = ["竖线：到达各阶段的日期（虚线为根据导入记录推算）；柱：每月活动次数", "截至2026年11月26日。"]
    chart = (
        alt.Chart(pd.DataFrame({"x": [1]}))
        .mark_bar()
        .properties(
            title=alt.Title("Naming pace 2026: communities named, against the year's target", subtitle=subtitle), height=250
        )
    )
    wide = with_title_lines(chart, WIDE_LINE_EM, WIDE_SUBTITLE_EM).to_dict()
    title, lines = wide["title"]["text"], wide["title"]["subtitle"]
    assert isinstance(title, list) and all(width_em(line) <= WIDE_LINE_EM for line in title)
    assert lines[-1] == "截至2026年11月26日。" and len(lines) == 3 and all(width_em(line) <= WIDE_SUBTITLE_EM for line in lines)
    assert "".join(lines) == "".join(subtitle)  # nothing lost or added
    assert wide["height"] == 250 + (len(title) - 1) * TITLE_LINE_PX + SUBTITLE_LINE_PX
    short = chart.properties(title=alt.Title("Stages", subtitle=["As of 26 Nov 2026."]))
    assert with_title_lines(short, WIDE_LINE_EM, WIDE_SUBTITLE_EM).to_dict()["height"] == 250  # what fits stays as it was


def test_a_subtitle_given_as_one_string_and_a_title_given_in_lines_are_handled():
    title = alt.Title(["Given", "lines"], subtitle="竖线：到达各阶段的日期（虚线为根据导入记录推算）；柱：每月活动次数")
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().properties(title=title, height=250)
    wide = with_title_lines(chart, WIDE_LINE_EM, WIDE_SUBTITLE_EM).to_dict()
    assert wide["title"]["text"] == ["Given", "lines"]  # the builder's lines kept
    assert len(wide["title"]["subtitle"]) == 2 and wide["height"] == 250 + SUBTITLE_LINE_PX
    no_subtitle = chart.properties(title=alt.Title("Stages"))
    assert with_title_lines(no_subtitle, WIDE_LINE_EM, WIDE_SUBTITLE_EM).to_dict()["title"] == {"text": "Stages"}
