"""A bar's figure is kept off the dashed rule: a bar ending just before the rule has its figure inside its end, in a
colour that reads on the bar (4.5:1), on the Overview's progress chart and the pace chart alike (a bar too short to
hold it keeps it outside)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import config
from dashboard.render import bar_labels, bars, charts
from dashboard.render.chart_rows import chart_rows
from dashboard.render.map_legend import PROGRESS_COLORS

BAR_COLOURS = [*PROGRESS_COLORS, bars.AHEAD, bars.BEHIND, config.colors("stages")["named"]]


def test_only_bars_ending_just_before_the_rule_and_long_enough_take_their_figure_inside():
    frame = pd.DataFrame({"share": [0.1, 0.5, 0.7, 0.95, 1.0, 1.1, math.nan]})
    placed = bar_labels.placed(frame, "share", ["#08306b"] * 7, rule=1.0, top=1.15)
    assert placed["label_inside"].tolist() == [False, False, True, True, False, False, False]


def test_a_rule_early_in_the_year_leaves_short_bars_figures_outside():
    frame = pd.DataFrame({"rate": [0.05, 0.09, 0.4]})
    placed = bar_labels.placed(frame, "rate", ["#2166ac"] * 3, rule=0.1, top=1.18)
    assert not placed["label_inside"].any()  # too short to hold a figure; the last ends past the rule


@pytest.mark.parametrize("colour", BAR_COLOURS)
def test_a_figure_inside_a_bar_reads_on_it_with_aa_contrast(colour):
    assert bar_labels.contrast(bar_labels.text_colour_on(colour), colour) >= 4.5


def test_a_colour_written_otherwise_gets_the_body_text_colour_not_an_error():
    assert bar_labels.text_colour_on("#fff") == bar_labels.DARK
    assert bar_labels.text_colour_on("#08306b") == bar_labels.WHITE
    assert bar_labels.text_colour_on("navy") == bar_labels.WHITE  # a CSS colour name reads as well
    assert bar_labels.text_colour_on("not a colour") == bar_labels.DARK


def test_contrast_is_the_wcag_ratio():
    assert bar_labels.contrast("#FFFFFF", "#000000") == pytest.approx(21)
    assert bar_labels.contrast("#444444", "#FFFFFF") == pytest.approx(9.74, abs=0.01)


def text_layers(spec: dict) -> list[dict]:
    return [layer for layer in spec["layer"] if layer["mark"]["type"] == "text" and "transform" in layer]


def rows_inside(spec: dict) -> list[str]:
    data = next(iter(spec["datasets"].values()))
    return [row["text"] for row in data if row["label_inside"]]


def test_the_overview_progress_chart_puts_a_figure_near_the_target_inside_its_bar():
    progress = pd.DataFrame(
        {
            "district": ["chengdong", "chengzhong", "huangzhong"],
            "communities": [30, 25, 20],
            "named": [12, 11, 3],
            "target_named_communities": [17, 14, 5],
            "named_share": [12 / 17, 11 / 14, 3 / 5],
            "progress": [0.7, 0.8, 0.5],
        }
    )
    spec = charts.district_progress_chart(progress, "zh").to_dict()
    assert [layer["transform"][0]["filter"] for layer in text_layers(spec)] == ["!datum.label_inside", "datum.label_inside"]
    assert rows_inside(spec) == ["12 / 17", "11 / 14"]  # 3 / 5 is far from the rule: after its bar


def test_where_a_figure_is_drawn_stays_out_of_the_chart_csv():
    progress = pd.DataFrame(
        {"district": ["chengdong"], "communities": [30], "named": [12], "target_named_communities": [17]}
    ).assign(named_share=12 / 17, progress=0.7)
    rows = chart_rows(charts.district_progress_chart(progress, "en"))
    assert rows is not None and len(rows) == 1
    assert not set(bar_labels.DRAWING_COLUMNS) & set(rows.columns)
