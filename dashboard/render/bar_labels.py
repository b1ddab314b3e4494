"""Bar figures kept off a chart's dashed rule (the named target, the share of the year gone).

A figure is printed just after its bar's end; when the bar ends a little before the rule, the rule crossed the
figure ("11 / 14" read "11 / 1|4"). Such a figure goes inside the bar's end instead, in whichever of white and the
body text colour reads better on that bar (WCAG AA asks 4.5:1 for text). A bar too short to hold its figure (under
a third of the scale: the pace chart before May) keeps it after its end, where the rule may still cross it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import altair as alt
import pandas as pd
from coloraide import Color

INK = "#444444"  # as the charts' other text: 9.7:1 on white
WHITE, DARK = "#FFFFFF", "#0E1116"  # the text drawn on a bar: white, or the app's body text colour
INSIDE_SPAN = 0.32  # of the x scale: a figure's width and its gap where the chart is narrowest (the Overview at 1280 px)
DRAWING_COLUMNS = ("label_inside", "label_colour")  # how to draw a figure, not data: left out of CSV downloads
SHORTEST_INSIDE = 0.3  # of the x scale: a shorter bar keeps its figure outside (it would not fit inside)


def placed(frame: pd.DataFrame, value: str, bar_colours: Sequence[str], *, rule: float, top: float) -> pd.DataFrame:
    """``frame`` with where each bar's figure goes (``label_inside``) and, inside, its colour (``label_colour``).

    ``value``: the column the bars' length is; ``rule``: where the dashed rule is; ``top``: the x scale's end.
    """
    inside = [bool(pd.notna(v) and rule - INSIDE_SPAN * top <= v < rule and v >= SHORTEST_INSIDE * top) for v in frame[value]]
    return frame.assign(label_inside=inside, label_colour=[text_colour_on(c) for c in bar_colours])


def layers(base: alt.Chart, y: alt.Y, x: alt.X, text: str, *, size: int, bold: bool = False) -> list[alt.Chart]:
    """The figures after the bars' ends, and inside the ends of those ``placed`` put there."""
    weight: Literal["bold", "normal"] = "bold" if bold else "normal"
    outside = (
        base.transform_filter("!datum.label_inside")
        .mark_text(align="left", dx=6, color=INK, fontSize=size, fontWeight=weight)
        .encode(y, x, text=text)
    )
    inside = (
        base.transform_filter("datum.label_inside")
        .mark_text(align="right", dx=-6, fontSize=size, fontWeight=weight)
        .encode(y, x, text=text, color=alt.Color("label_colour:N", scale=None))
    )
    return [outside, inside]


def text_colour_on(background: str) -> str:
    """White or the body text colour, whichever contrasts more with ``background``; something that is not a CSS
    colour (campaign.toml is not checked for it) gets the body text colour."""
    try:
        return WHITE if contrast(WHITE, background) >= contrast(DARK, background) else DARK
    except ValueError:
        return DARK


def contrast(first: str, second: str) -> float:
    """The WCAG 2.1 contrast ratio of two CSS colours (1 to 21); ValueError for one that is not a colour."""
    return float(Color(first).contrast(Color(second)))
