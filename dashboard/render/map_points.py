"""The communities on the map: ONE GeoJSON layer of circle markers, styled, labelled and linked by one small script.

10,000 points cost one element, not 10,000: the features carry short escaped
properties and indexes into shared tables (types, stages, districts,
subdistricts); the kit script turns them into colours, tooltips and popups in
the browser, which only concatenates pieces escaped here.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import numpy as np
import pandas as pd
from branca.element import Figure, MacroElement
from folium.template import Template

from dashboard import config
from dashboard.coords import to_datum
from dashboard.i18n import t
from dashboard.render.map_script import PlainText, js_literal

UNKNOWN_COLOR = "#999999"


def _star(points: int = 5, inner: float = 0.5) -> list[list[float]]:
    angles = [math.pi * (i / points - 0.5) for i in range(2 * points)]
    return [
        [round(math.cos(a) * (1 if i % 2 == 0 else inner), 3), round(math.sin(a) * (1 if i % 2 == 0 else inner), 3)]
        for i, a in enumerate(angles)
    ]


# Marker shapes (a type's ``shape`` in campaign.toml) as polygons around the point, in units of its radius, y down.
# A circle is drawn as Leaflet draws it. The legend draws the same polygons.
SHAPES: dict[str, list[list[float]] | None] = {
    "circle": None,
    "square": [[-0.85, -0.85], [0.85, -0.85], [0.85, 0.85], [-0.85, 0.85]],
    "diamond": [[0.0, -1.1], [1.1, 0.0], [0.0, 1.1], [-1.1, 0.0]],
    "triangle": [[0.0, -1.15], [1.0, 0.75], [-1.0, 0.75]],
    "triangle_down": [[0.0, 1.15], [1.0, -0.75], [-1.0, -0.75]],
    "star": _star(),
}
POINT_GREY = "#555555"
PROFILE_HREF = "./profile?community="
_URL_SAFE = re.compile(r"[A-Za-z0-9_.~-]*")  # ids that need no URL encoding


class _PointKit(MacroElement):
    """Styles, tooltips and popups of the point layer, defined once."""

    _template = Template("""{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (V, Q) {
  var Shape = L.CircleMarker.extend({  // a circle marker drawn as its type's polygon (SVG and canvas alike)
    _updatePath: function () {
      var unit = V.shapes[this.options.shape], at = this._point, r = this._radius;
      if (!unit) { return L.CircleMarker.prototype._updatePath.call(this); }
      this._parts = [unit.map(function (xy) { return L.point(at.x + xy[0] * r, at.y + xy[1] * r); })];
      this._renderer._updatePoly(this, true);
    }
  });
  function point(feature, latlng) {
    var shape = V.by === 't' ? V.types[feature.properties.t][3] : 'circle';
    return new Shape(latlng, {shape: shape, className: 'ju-point'});
  }
  function colour(p) { return V.by === 't' ? V.types[p.t][2] : V.by === 's' ? V.stages[p.s][2] : V.grey; }
  function style(p) {
    var s = {radius: V.radius, fill: true, fillColor: colour(p), fillOpacity: V.opacity, color: V.stroke, weight: 1};
    if (p.sel) { s.radius = V.radius * 2; s.color = '#000000'; s.weight = 3; }
    return s;
  }
  function row(label, value) {
    return value ? '<tr><th style="text-align:left;padding-right:8px">' + label + '</th><td>' + value + '</td></tr>' : '';
  }
  function kind(p) { var k = V.types[p.t]; return (k[1] ? k[1] + ' ' : '') + k[0]; }
  function tip(p) { return '<b>' + (V.lang === 'en' ? p.e || p.z : p.z) + '</b><br>' + kind(p); }
  function link(p) {
    var rel = V.href + (p.u || p.id) + Q, href = rel;
    try { href = new URL(rel, window.top.location.href).href; } catch (e) {}
    return '<a class="ju-profile" href="' + href + '" target="_top">' + V.text.open + '</a>';
  }
  function popup(p) {
    var where = [V.districts[p.d], V.subs[p.sd]].filter(Boolean).join(' · ');
    return '<div style="min-width:200px"><div style="font-size:15px;font-weight:700">' + p.z + '</div>'
      + (p.e ? '<div style="color:#555">' + p.e + '</div>' : '') + '<table style="margin:6px 0">'
      + row(V.text.type, kind(p)) + row(V.text.brand, p.b) + row(V.text.stage, V.stages[p.s][0])
      + row(V.text.district, where) + '</table>' + link(p) + '</div>';
  }
  // The selected community's tooltip stays open. streamlit-folium adds the map's stylesheet after the map's script
  // has run, so the tooltip was measured unstyled, as wide as the map, and centred on that width: it sat off its
  // point. Placed again whenever its size changes.
  function replaceOnResize(e) {
    var tooltip = e.tooltip, el = tooltip.getElement(), size = '';
    if (!window.ResizeObserver || !el) { return; }
    new ResizeObserver(function () {
      var now = el.offsetWidth + 'x' + el.offsetHeight;
      if (now !== size) { size = now; tooltip.update(); }
    }).observe(el);
  }
  return {point: point, each: function (feature, layer) {
    var p = feature.properties, s = style(p);
    layer.setStyle(s);
    layer.bindTooltip(function () { return tip(p); }, {permanent: !!p.sel, direction: 'top', offset: [0, -s.radius]});
    if (p.sel) { layer.on('tooltipopen', replaceOnResize); }
    layer.bindPopup(function () { return popup(p); }, {maxWidth: 320});
    layer.on('mouseover', function () { layer.setStyle({weight: s.weight + 2, color: '#000000'}); });
    layer.on('mouseout', function () { layer.setStyle(s); });
  }};
})({{ this.vocab }}, {{ this.query }});
{% endmacro %}""")

    def __init__(self, vocab_js: str, query: str) -> None:
        super().__init__()
        self._name, self.vocab, self.query = "PointKit", vocab_js, js_literal(html.escape(query))


def _escaped(values: pd.Series) -> list[str]:
    """Cells as HTML-escaped text; missing cells become ''."""
    return [html.escape(v) for v in values.astype(object).fillna("").astype(str).tolist()]


def _coded(values: pd.Series, kind: str, lang: str) -> tuple[list[int], list[list[str]]]:
    """Per row an index into [label, icon, colour, marker shape] entries, all escaped.

    Codes outside the vocabulary keep their own text (grey); missing is "—".
    """
    known = {term.code: term for term in config.terms(kind)}
    entries = [[term.label(lang), term.icon, term.color, term.extra.get("shape", "circle")] for term in known.values()]
    codes = list(known)
    for extra in dict.fromkeys(values.dropna().astype(str)):
        if extra not in known:
            codes.append(extra)
            entries.append([extra, "", UNKNOWN_COLOR, "circle"])
    entries.append(["—", "", UNKNOWN_COLOR, "circle"])
    index = {code: i for i, code in enumerate(codes)}
    rows = values.astype(object).map(index).fillna(len(entries) - 1).astype(int).tolist()
    return rows, [[html.escape(label), html.escape(icon), colour, shape] for label, icon, colour, shape in entries]


def _interned(values: list[str]) -> tuple[list[int], list[str]]:
    """Repeated text stored once: per row an index into a table of values."""
    table = list(dict.fromkeys(values))
    index = {value: i for i, value in enumerate(table)}
    return [index[value] for value in values], table


def point_features(frame: pd.DataFrame, lang: str, datum: str, selected: str | None) -> tuple[list, dict]:
    """GeoJSON point features with short escaped properties, and their lookup tables.

    Short keys and shared tables keep 10,000 points to a few megabytes:
    z/e names, t/s type and stage, b brand, d/sd district and subdistrict.
    """
    lat, lon = to_datum(frame["latitude"].to_numpy(float), frame["longitude"].to_numpy(float), datum)
    types, type_entries = _coded(frame["characteristic"], "types", lang)
    stages, stage_entries = _coded(frame["stage"], "stages", lang)
    codes = frame["district"].astype(object)
    labels = codes.map({c: config.label("districts", c, lang) for c in codes.dropna().unique()})
    districts, district_table = _interned(_escaped(labels))
    subdistricts, subdistrict_table = _interned(_escaped(frame["subdistrict"]))
    ids = frame["community_id"].astype(object).fillna("").astype(str).tolist()
    columns = zip(
        ids,
        np.round(lon, 5).tolist(),
        np.round(lat, 5).tolist(),
        _escaped(frame["name_zh"]),
        _escaped(frame["name_en"]),
        types,
        stages,
        _escaped(frame["brand_name"]),
        districts,
        subdistricts,
        strict=True,
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [x, y]},
            "properties": {"id": i, "z": z, "e": e, "t": tp, "s": st, "b": b, "d": d, "sd": sd, **_extra(i, selected)},
        }
        for i, x, y, z, e, tp, st, b, d, sd in columns
    ]
    features.sort(key=lambda f: "sel" in f["properties"])  # the selected one drawn last, on top
    tables = {"types": type_entries, "stages": stage_entries, "districts": district_table, "subs": subdistrict_table}
    return features, tables


def _extra(community_id: str, selected: str | None) -> dict:
    """Rare properties: the id as a URL part when it needs encoding, the selection."""
    extra: dict = {"sel": 1} if community_id == selected else {}
    if not _URL_SAFE.fullmatch(community_id):
        extra["u"] = html.escape(quote(community_id, safe=""))
    return extra


class _PointsLayer(MacroElement):
    """The ONE layer holding every community: circle markers from GeoJSON, styled by the kit.

    The data is serialised once, when the map is built, and goes into the
    page's body as an inert JSON block (``<script type="application/json">``)
    that the layer's small script reads. Rendering the map again (a page
    renders twice, streamlit-folium once more on every rerun) neither
    re-encodes 10,000 points nor compiles them as a Jinja template (what
    ``folium.GeoJson`` would do: about 0.2 s per render, plus walking every
    point for the map's bounds), and streamlit-folium's work on the script
    (renaming, hashing) stays small. The block's id carries a digest of the
    data, so a different set of points is a different script and a fresh
    component. The page fits the bounds itself.
    """

    _template = Template("""{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJson(null, {
  pointToLayer: {{ this.kit.get_name() }}.point,
  onEachFeature: {{ this.kit.get_name() }}.each
}).addTo({{ this._parent.get_name() }});
{{ this.get_name() }}.addData(JSON.parse(document.getElementById({{ this.block_id|tojson }}).textContent));
{% endmacro %}""")

    def __init__(self, payload: PointPayload, kit: MacroElement) -> None:
        super().__init__()
        self._name, self.layer_name, self.kit = "Communities", "communities", kit
        self.data_js = payload.data_js  # JSON with <, > and & escaped: it cannot end the block early
        self.block_id = payload.block_id

    @property
    def data(self) -> dict:
        """The feature collection (decoded again: for tests and tools, the page uses ``data_js``)."""
        return json.loads(self.data_js)

    def render(self, **kwargs: object) -> None:  # type: ignore[override]  # as MacroElement's: draws into the page
        """Put the data block and the script into the page without compiling them (see the class docstring)."""
        figure = self.get_root()
        assert isinstance(figure, Figure), "a layer renders inside its map's page"
        block = f'<script type="application/json" id="{self.block_id}">{self.data_js}</script>'
        figure.html.add_child(PlainText(block), name=self.get_name())
        figure.script.add_child(PlainText(self._template.module.script(self, kwargs)), name=self.get_name())


@dataclass(frozen=True)
class PointPayload:
    """The communities as the map's script reads them, serialised once.

    The same payload serves every map of the same content, so a page can keep
    it and build a fresh map around it on each run at little cost.
    """

    data_js: str  # the GeoJSON feature collection
    vocab_js: str  # the kit's tables, texts and style choices
    block_id: str  # the id of the page's data block: a digest of the data, so other points make another script


def point_payload(frame: pd.DataFrame, lang: str, layer: str, datum: str, selected: str | None) -> PointPayload:
    """Features and the kit's tables for ``frame`` (rows with coordinates), in ``datum``."""
    features, vocab = point_features(frame, lang, datum, selected)
    text = {k: html.escape(t(f"maps.field_{k}", lang)) for k in ("type", "brand", "stage", "district")}
    vocab.update(
        by={"type": "t", "stage": "s"}.get(layer),
        grey=POINT_GREY,
        href=PROFILE_HREF,
        shapes=SHAPES,
        lang=lang,
        radius=3 if layer == "progress" else 6,  # room for the type shapes (squares, stars)
        opacity=0.7 if layer == "progress" else 0.9,
        stroke="#ffffff" if layer == "type" else "#333333",
        text={**text, "open": html.escape(t("maps.open_profile", lang))},
    )
    data_js = js_literal({"type": "FeatureCollection", "features": features})
    block_id = "ju-points-" + hashlib.blake2b(data_js.encode(), digest_size=8).hexdigest()
    return PointPayload(data_js, js_literal(vocab), block_id)


def profile_query(lang: str, params: Mapping[str, str] | None = None) -> str:
    """What follows the community id in a profile link: the language, then the reader's filters.

    The popups and the list of communities beside the map build their links from this one function.
    """
    return "&" + urlencode({"lang": lang, **(params or {})}, quote_via=quote)


def profile_href(community_id: str, lang: str, params: Mapping[str, str] | None = None) -> str:
    """A community's profile, relative to the app's pages (so it keeps any base URL path)."""
    return PROFILE_HREF + quote(str(community_id), safe="") + profile_query(lang, params)


def points_layer(payload: PointPayload, query: str) -> list[MacroElement]:
    """The kit and the ONE layer holding every community; ``query`` follows the id in profile links."""
    kit = _PointKit(payload.vocab_js, query)
    return [kit, _PointsLayer(payload, kit)]
