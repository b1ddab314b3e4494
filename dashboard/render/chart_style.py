"""The look all the campaign's charts share, and the helpers their builders use to get it.

One theme (the CJK font, sizes for a projector, text colours of at least
4.5:1), one colour per code in both languages (a scale whose domain is the
labels in the vocabulary's order, so a code matches the map legend), months
on x, tooltip rows and heights. ``charts``, ``bars``, ``stage_charts`` and ``pace_charts``
build with these, so every chart looks and reads the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

import altair as alt
import pandas as pd

from dashboard import config
from dashboard.i18n import t
from dashboard.render.bar_labels import INK

Chart = alt.Chart | alt.LayerChart | alt.HConcatChart
ChartT = TypeVar("ChartT", bound=Chart)

FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
HEIGHT = 380
ROW_HEIGHT = 40  # px per bar row: room for a 15 px label on a projector
MIN_ROWS = 3  # a chart of one or two bars is drawn as high as three: its title, axis and legend keep the bars room
GREY = "#999999"
TEXT = "#0E1116"  # the app's body text (.streamlit/config.toml)
# Districts declare no colour in campaign.toml yet; until they do, ColorBrewer Dark2 in declared order.
DISTRICT_FALLBACK = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")


def themed(chart: ChartT) -> ChartT:
    """One look for every chart: the CJK font (glyphs match in browser and PNG), sizes for a projector.

    Every text colour is set here, at least 4.5:1 on white (WCAG AA): Streamlit's chart theme would otherwise
    draw axis text in #808495 (3.7:1).
    """
    return (
        chart.configure(font=FONT)
        .configure_title(fontSize=20, color=TEXT, subtitleFontSize=14, subtitleColor=INK, anchor="start", offset=12)
        .configure_axis(
            labelFontSize=14, titleFontSize=15, labelLimit=280, titleFontWeight="normal", labelColor=INK, titleColor=INK
        )
        .configure_legend(
            orient="bottom",
            columns=3,
            labelFontSize=14,
            titleFontSize=15,
            labelLimit=360,
            symbolSize=180,
            titleFontWeight="normal",
            labelColor=INK,
            titleColor=INK,
        )
        .configure_view(stroke=None)
    )


def finish(chart: Chart, title: str | alt.Title, height: int = HEIGHT) -> Chart:
    """Title and size on the outermost chart (the width follows the page), then the theme."""
    return themed(chart.properties(title=title, width="container", height=height))


def phrase(key: str, lang: str, **values: object) -> str:
    """The message ``charts.<key>`` in ``lang``: every chart's titles and axis names come from one catalogue section."""
    return t(f"charts.{key}", lang, **values)


def tip(field: str, key: str, lang: str, fmt: str | None = None) -> alt.Tooltip:
    """A tooltip row titled by the message ``charts.<key>``."""
    return alt.Tooltip(field, title=phrase(key, lang)) if fmt is None else alt.Tooltip(field, title=phrase(key, lang), format=fmt)


def ordered(kind: str, present: Iterable[str]) -> list[str]:
    """The codes present, in the vocabulary's order (unknown codes last, so nothing is dropped)."""
    present = {str(c) for c in present if not pd.isna(c)}
    known = config.codes(kind)
    return [c for c in known if c in present] + sorted(present - set(known))


def colors(kind: str) -> dict[str, str]:
    """Each code's colour; districts without one of their own take a fallback colour by their declared order."""
    if kind != "districts":
        return config.colors(kind)
    default = config.Term.__dataclass_fields__["color"].default
    return {
        code: colour if colour != default else DISTRICT_FALLBACK[i % len(DISTRICT_FALLBACK)]
        for i, (code, colour) in enumerate(config.colors("districts").items())
    }


def labels(kind: str, codes: Iterable[str], lang: str) -> list[str]:
    """The codes' names in ``lang``, in the order given."""
    return [config.label(kind, c, lang) for c in codes]


def scale(kind: str, codes: list[str], lang: str, shown: list[str] | None = None) -> alt.Scale:
    """Labels → config colours, so a code has the same colour in zh and en; ``shown``: the labels, when not the names."""
    colours = colors(kind)
    return alt.Scale(domain=shown or labels(kind, codes, lang), range=[colours.get(c, GREY) for c in codes])


def labelled(frame: pd.DataFrame, column: str, kind: str, lang: str) -> pd.DataFrame:
    """``frame`` with ``<column>_label`` (in lang) and ``<column>_order`` (vocabulary order) added."""
    order = {c: i for i, c in enumerate(ordered(kind, frame[column]))}
    return frame.assign(
        **{
            f"{column}_label": frame[column].map(lambda c: config.label(kind, c, lang)),
            f"{column}_order": frame[column].map(order),
        }
    )


def month_format(lang: str) -> str:
    return "%Y年%-m月" if lang == "zh" else "%b %Y"


def day_format(lang: str) -> str:
    return "%Y年%-m月%-d日" if lang == "zh" else "%-d %b %Y"


def month_x(lang: str, bars: bool = False) -> alt.X:
    """Months on x: a band per month for bars (labels under the bars), a time axis for lines and dots."""
    axis = alt.Axis(format=month_format(lang), formatType="time", labelAngle=0, labelOverlap="greedy", labelSeparation=12)
    if bars:
        return alt.X("yearmonth(month):O", title=phrase("month", lang), axis=axis)
    return alt.X("yearmonth(month):T", title=phrase("month", lang), axis=axis, scale=alt.Scale(padding=18))


def month_tip(lang: str) -> alt.Tooltip:
    return tip("yearmonth(month):T", "month", lang, month_format(lang))


def rows_height(rows: int) -> int:
    """Height for a bar per row: Streamlit fits title, axis and legend inside it, so they get room too."""
    return 170 + ROW_HEIGHT * max(rows, MIN_ROWS)


def empty(frame: pd.DataFrame | None) -> bool:
    return frame is None or frame.empty


def reference_series(reference: pd.DataFrame | float | None, months: pd.Series) -> pd.DataFrame | None:
    """A comparison series as (month, value): a trend frame (month/period, mean/satisfaction) or one number."""
    if reference is None:
        return None
    if not isinstance(reference, pd.DataFrame):
        return pd.DataFrame({"month": sorted(months.unique()), "value": float(reference)})
    month = "month" if "month" in reference else "period"
    value = "mean" if "mean" in reference else "satisfaction"
    frame = reference.groupby(month, as_index=False)[[value]].mean().rename(columns={month: "month", value: "value"})
    return frame[(frame["month"] >= months.min()) & (frame["month"] <= months.max())]
