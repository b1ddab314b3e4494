"""The map's legend: what each colour, icon and marker shape means, in the reader's language.

The same colours as the charts (types and stages from the vocabulary) and the choropleth's five progress bands.
The legend's HTML is built and escaped here, in Python; the map's script only puts it in place.
"""

from __future__ import annotations

import html

import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from dashboard import config
from dashboard.i18n import t
from dashboard.render.map_points import SHAPES
from dashboard.render.map_script import js_literal

# Sequential scale of district progress (ColorBrewer Blues, 5 classes of 20 %).
PROGRESS_COLORS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA_COLOR = "#dddddd"
AREA_OPACITY = 0.85  # the choropleth's fill, and its legend swatches alike


class Legend(MacroElement):
    """A legend box in the map's top right corner (Xining's outline leaves its north-east empty, where the bottom
    right covered the urban districts' points); its HTML is built (and escaped) in Python."""

    _template = Template("""{% macro script(this, kwargs) %}
(function () {
  var legend = L.control({position: 'topright'});
  legend.onAdd = function () {
    var div = L.DomUtil.create('div', 'ju-map-legend');
    div.innerHTML = {{ this.html_js }};
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}""")

    def __init__(
        self, title: str, entries: list[tuple[str, str, str]], *, areas: bool = False, shapes: list[str] | None = None
    ) -> None:
        super().__init__()
        self._name, self.title, self.entries = "Legend", title, entries
        self.html_js = js_literal(legend_html(title, entries, areas=areas, shapes=shapes))


def _marker_swatch(colour: str, shape: str) -> str:
    """A legend swatch drawn as the map draws the marker: its polygon (``map_points.SHAPES``), or a circle."""
    unit = SHAPES.get(shape)
    paint = f'fill="{html.escape(colour)}" stroke="#555555" stroke-width="0.18"'
    body = (
        f'<circle r="0.95" {paint}/>' if unit is None else f'<polygon points="{" ".join(f"{x},{y}" for x, y in unit)}" {paint}/>'
    )
    return f'<svg width="14" height="14" viewBox="-1.25 -1.25 2.5 2.5" aria-hidden="true" style="flex:none">{body}</svg>'


def legend_html(title: str, entries: list[tuple[str, str, str]], *, areas: bool = False, shapes: list[str] | None = None) -> str:
    """The legend box: a title and (colour, icon, label) rows, all escaped.

    Swatches are dots like the points, the markers' ``shapes`` when given (types), or squares for ``areas``
    (choropleth).
    """
    shape = f"2px;opacity:{AREA_OPACITY}" if areas else "50%"

    def swatch(i: int, colour: str) -> str:
        if shapes is not None and i < len(shapes):
            return _marker_swatch(colour, shapes[i])
        return (
            f'<span style="width:12px;height:12px;border-radius:{shape};background:{html.escape(colour)};'
            'border:1px solid #555;flex:none"></span>'
        )

    rows = "".join(
        '<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
        + swatch(i, colour)
        + (f'<span style="width:1.1em;text-align:center" aria-hidden="true">{html.escape(icon)}</span>' if icon else "")
        + f"<span>{html.escape(label)}</span></div>"
        for i, (colour, icon, label) in enumerate(entries)
    )
    return (
        '<div style="background:rgba(255,255,255,.92);padding:6px 10px;border-radius:4px;'
        "box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.4 'Noto Sans CJK SC','Microsoft YaHei',sans-serif\">"
        f'<div style="font-weight:700;margin-bottom:3px">{html.escape(title)}</div>{rows}</div>'
    )


def legend_entries(layer: str, lang: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The legend's title and rows for ``layer``: the colours the charts use."""
    if layer == "progress":
        rows = [
            (c, "", t("maps.progress_range", lang, low=f"{i * 20}%", high=f"{i * 20 + 20}%"))
            for i, c in enumerate(PROGRESS_COLORS)
        ]
        return t("maps.legend_progress", lang), [*rows, (NO_DATA_COLOR, "", t("maps.no_data", lang))]
    kind = "stages" if layer == "stage" else "types"
    rows = [(term.color, term.icon, term.label(lang)) for term in config.terms(kind)]
    return t(f"maps.legend_{layer}", lang), rows


def progress_color(progress: float | None) -> str:
    """The choropleth colour of a progress share (0..1); grey when unknown."""
    if progress is None or pd.isna(progress):
        return NO_DATA_COLOR
    return PROGRESS_COLORS[min(int(max(progress, 0.0) * 5), 4)]
