"""A chart's CSV download finds the rows it draws, wherever the chart keeps them."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.render.chart_rows import chart_rows

ROWS = pd.DataFrame({"district": ["chengxi", "datong"], "rate": [0.9, 0.4]})
RULE = pd.DataFrame({"x": [0.5]})


def test_a_plain_chart_gives_its_own_frame():
    assert chart_rows(alt.Chart(ROWS).mark_bar()) is ROWS


def test_a_layered_chart_gives_its_first_layers_frame_not_the_rules():
    bars = alt.Chart(ROWS).mark_bar().encode(x="rate:Q", y="district:N")
    rule = alt.Chart(RULE).mark_rule().encode(x="x:Q")
    assert chart_rows(alt.LayerChart(layer=[bars, rule])) is ROWS
    assert chart_rows(alt.layer(bars.mark_text(), rule, data=ROWS)) is ROWS  # data on the layer chart itself


def test_faceted_and_concatenated_charts_give_their_inner_frame():
    faceted = alt.Chart(ROWS).mark_bar().encode(x="rate:Q").facet(facet="district:N", columns=2)
    assert chart_rows(faceted) is ROWS
    assert chart_rows(alt.hconcat(alt.Chart(ROWS).mark_bar(), alt.Chart(RULE).mark_rule())) is ROWS


def test_a_chart_without_a_frame_gives_none():
    assert chart_rows(alt.Chart("data.csv").mark_bar()) is None
    assert chart_rows(alt.Chart().mark_rule().encode(x=alt.datum(1))) is None
