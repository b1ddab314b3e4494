"""Charts' text alternatives (render/chart_text.py): title, subtitle and main figure, in the reader's language."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from dashboard.render import chart_text, charts

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
    chart = charts.themed(chart if title is alt.Undefined else chart.properties(title=title))
    assert chart_text.alt_text(chart, figure) == expected
    described = chart_text.described(chart, expected).to_dict()
    assert described.get("description", "") == expected


def test_a_layered_chart_of_the_dashboard_is_named_in_the_readers_language():
    funnel = pd.DataFrame({"district": ["chengxi"], "stage": ["named"], "communities": [3]})
    for lang, word in (("zh", "创建"), ("en", "Brand")):
        text = chart_text.alt_text(charts.funnel_chart(funnel, lang))
        assert word in text, text
