"""A chart's short text alternative: its title, its subtitle and its main figure (``chart_figures``).

Screen readers cannot read a drawn chart. The text goes to the chart's Vega-Lite ``description`` (Vega names
its SVG with it) and to ``st.altair_chart(alt=...)`` (Streamlit names the chart and its toolbar with it), so
both carry the reader's language, since the titles do.
"""

from __future__ import annotations

import altair as alt

from dashboard.render.chart_figures import KEY
from dashboard.render.chart_style import Chart

SEPARATOR = " — "


def _text(value: object) -> str:
    """A title part (a string, a list of lines or Undefined) as one line."""
    if value is alt.Undefined or value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(str(line) for line in value if line)
    return str(value)


def title_parts(chart: Chart) -> tuple[str, str]:
    """(title, subtitle) of a chart, "" where it has none."""
    title = getattr(chart, "title", alt.Undefined)
    if isinstance(title, alt.TitleParams):
        return _text(title.text), _text(title.subtitle)
    return _text(title), ""


def own_figure(chart: Chart) -> str:
    """The main figure its builder kept on the chart (``chart_figures.kept``), "" when none."""
    meta = getattr(chart, "usermeta", alt.Undefined)
    return str(meta.get(KEY, "")) if isinstance(meta, dict) else ""


def alt_text(chart: Chart, figure: str | None = None, fallback: str = "") -> str:
    """Title, subtitle and the main figure (``figure``, else the chart's own), in that order, those that exist.

    ``fallback`` names a chart drawn without a title (a slide's map: the slide's title says what it is).
    """
    title, subtitle = title_parts(chart)
    return SEPARATOR.join(part for part in (title or fallback, subtitle, figure or own_figure(chart)) if part)


def described(chart: Chart, text: str) -> Chart:
    """The chart with ``text`` as its Vega-Lite description (the name of the drawn SVG)."""
    return chart.properties(description=text) if text else chart
