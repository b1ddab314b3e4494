"""The campaign map: communities as points over the district outlines.

Pure builders that return a ``folium.Map`` (no streamlit): pages render it
with ``st_folium``, exports save it standalone. All communities go into ONE
GeoJson layer styled by a small script, so 10,000 points cost one folium
object, not 10,000. Text from the data is HTML-escaped in Python before it is
handed to the browser, which only concatenates escaped pieces.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import quote

import folium
import numpy as np
import numpy.typing as npt
import pandas as pd
from branca.element import Element, Figure, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from dashboard import config
from dashboard.coords import wgs84_to_gcj02
from dashboard.i18n import fmt_pct, t
from dashboard.render.map_assets import save_standalone_map, use_assets

__all__ = [
    "build_map",
    "build_small_map",
    "legend_entries",
    "load_districts",
    "progress_color",
    "resolve_basemap",
    "save_standalone_map",
    "to_datum",
    "use_assets",
]

LAYERS = ("type", "stage", "progress")
MAX_ZOOM = 18
FOCUS_ZOOM = 15
BACKGROUND = "#f3f2ed"
UNKNOWN_COLOR = "#999999"
POINT_GREY = "#555555"
CANVAS_THRESHOLD = 3000  # above this many points Leaflet draws on canvas, not SVG
PROFILE_HREF = "./profile?community="
_URL_SAFE = re.compile(r"[A-Za-z0-9_.~-]*")  # ids that need no URL encoding
# Sequential scale of district progress (ColorBrewer Blues, 5 classes of 20 %).
PROGRESS_COLORS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA_COLOR = "#dddddd"
AREA_OPACITY = 0.85  # the choropleth's fill, and its legend swatches alike


def _js(value: object) -> str:
    """A JSON literal safe inside ``<script>``, Chinese kept readable."""
    text = json.dumps(value, ensure_ascii=False)
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("'", "\\u0027"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return text


class _Background(MacroElement):
    """A light background where there are no tiles (a script on the map itself)."""

    _template = Template("""{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.getContainer().style.background = {{ this.colour }};
{% endmacro %}""")

    def __init__(self, colour: str) -> None:
        super().__init__()
        self._name, self.colour = "Background", _js(colour)


class _PointKit(MacroElement):
    """Styles, tooltips and popups of the point layer, defined once."""

    _template = Template("""{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (V) {
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
    var rel = V.href + (p.u || p.id) + '&lang=' + V.lang, framed = window.top !== window;
    try { if (framed) { rel = new URL(rel, window.top.location.href).href; } } catch (e) { framed = true; }
    return '<a href="' + rel + '" target="' + (framed ? '_blank' : '_self') + '">' + V.text.open + '</a>';
  }
  function popup(p) {
    var where = [V.districts[p.d], V.subs[p.sd]].filter(Boolean).join(' · ');
    return '<div style="min-width:200px"><div style="font-size:15px;font-weight:700">' + p.z + '</div>'
      + (p.e ? '<div style="color:#555">' + p.e + '</div>' : '') + '<table style="margin:6px 0">'
      + row(V.text.type, kind(p)) + row(V.text.brand, p.b) + row(V.text.stage, V.stages[p.s][0])
      + row(V.text.district, where) + '</table>' + link(p) + '</div>';
  }
  return function (feature, layer) {
    var p = feature.properties, s = style(p);
    layer.setStyle(s);
    layer.bindTooltip(function () { return tip(p); }, {permanent: !!p.sel, direction: 'top'});
    layer.bindPopup(function () { return popup(p); }, {maxWidth: 320});
    layer.on('mouseover', function () { layer.setStyle({weight: s.weight + 2, color: '#000000'}); });
    layer.on('mouseout', function () { layer.setStyle(s); });
  };
})({{ this.vocab }});
{% endmacro %}""")

    def __init__(self, vocab: dict) -> None:
        super().__init__()
        self._name, self.vocab = "PointKit", _js(vocab)


class _Legend(MacroElement):
    """A legend box in a map corner; its HTML is built (and escaped) in Python."""

    _template = Template("""{% macro script(this, kwargs) %}
(function () {
  var legend = L.control({position: 'bottomright'});
  legend.onAdd = function () {
    var div = L.DomUtil.create('div', 'ju-map-legend');
    div.innerHTML = {{ this.html_js }};
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}""")

    def __init__(self, title: str, entries: list[tuple[str, str, str]], *, areas: bool = False) -> None:
        super().__init__()
        self._name, self.title, self.entries = "Legend", title, entries
        self.html_js = _js(legend_html(title, entries, areas=areas))


def legend_html(title: str, entries: list[tuple[str, str, str]], *, areas: bool = False) -> str:
    """The legend box: a title and (colour, icon, label) rows, all escaped.

    Swatches are dots like the points, or squares for ``areas`` (choropleth).
    """
    shape = f"2px;opacity:{AREA_OPACITY}" if areas else "50%"
    rows = "".join(
        '<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
        f'<span style="width:12px;height:12px;border-radius:{shape};background:{html.escape(colour)};'
        'border:1px solid #555;flex:none"></span>'
        + (f'<span style="width:1.1em;text-align:center">{html.escape(icon)}</span>' if icon else "")
        + f"<span>{html.escape(label)}</span></div>"
        for colour, icon, label in entries
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


def resolve_basemap(code: str) -> config.Term:
    """The base map to draw: unknown codes, and Tianditu with no key, become none."""
    try:
        base = config.term("basemaps", code)
    except KeyError:
        return config.term("basemaps", "none")
    if base.extra.get("needs_key") and not config.TIANDITU_KEY.value():
        return config.term("basemaps", "none")
    return base


def to_datum(lat: npt.ArrayLike, lon: npt.ArrayLike, datum: str) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 points moved into the datum of the tiles (GCJ-02 for Gaode)."""
    if datum == "GCJ02":
        return wgs84_to_gcj02(lat, lon)
    return np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)


def _shift_coords(coords: list, datum: str) -> list:
    """GeoJSON coordinates (any nesting of [lon, lat]) in ``datum``, rounded to ~0.1 m."""
    if not coords or isinstance(coords[0], (int, float)):
        lat, lon = to_datum(coords[1], coords[0], datum)
        return [round(float(lon), 6), round(float(lat), 6)]
    if isinstance(coords[0][0], (int, float)):
        ring = np.asarray(coords, dtype=float)
        lat, lon = to_datum(ring[:, 1], ring[:, 0], datum)
        return np.round(np.column_stack([lon, lat]), 6).tolist()
    return [_shift_coords(part, datum) for part in coords]


def _district_layer(districts: dict, lang: str, datum: str, progress: pd.DataFrame | None) -> folium.GeoJson:
    """District outlines (a choropleth when ``progress`` is given), names as tooltips."""
    shares = {} if progress is None else dict(zip(progress["district"], progress["progress"], strict=True))
    features = []
    for feature in districts.get("features", []):
        props = feature.get("properties") or {}
        code = str(props.get("code", ""))
        name = props.get("name_en" if lang == "en" else "name_zh") or config.label("districts", code, lang)
        style = {"color": "#5f6b7a", "weight": 1.2, "fillColor": "#ffffff", "fillOpacity": 0.55}
        tip = str(name)
        if progress is not None:
            share = shares.get(code)
            style.update(fillColor=progress_color(share), fillOpacity=AREA_OPACITY)
            tip = t("maps.district_progress", lang, district=name, progress=fmt_pct(share, lang))
        geometry = feature.get("geometry") or {}
        if datum != "WGS84" and geometry.get("coordinates"):
            geometry = {"type": geometry["type"], "coordinates": _shift_coords(geometry["coordinates"], datum)}
        features.append(
            {"type": "Feature", "geometry": geometry, "properties": {"code": code, "tip": html.escape(tip), "style": style}}
        )
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="districts",
        control=False,
        on_each_feature=JsCode("function (f, layer) { layer.bindTooltip(f.properties.tip, {sticky: true}); }"),
    )


def _escaped(values: pd.Series) -> list[str]:
    """Cells as HTML-escaped text; missing cells become ''."""
    return [html.escape(v) for v in values.astype(object).fillna("").astype(str).tolist()]


def _coded(values: pd.Series, kind: str, lang: str) -> tuple[list[int], list[list[str]]]:
    """Per row an index into [label, icon, colour] entries, all escaped.

    Codes outside the vocabulary keep their own text (grey); missing is "—".
    """
    known = {term.code: term for term in config.terms(kind)}
    entries = [[term.label(lang), term.icon, term.color] for term in known.values()]
    codes = list(known)
    for extra in dict.fromkeys(values.dropna().astype(str)):
        if extra not in known:
            codes.append(extra)
            entries.append([extra, "", UNKNOWN_COLOR])
    entries.append(["—", "", UNKNOWN_COLOR])
    index = {code: i for i, code in enumerate(codes)}
    rows = values.astype(object).map(index).fillna(len(entries) - 1).astype(int).tolist()
    return rows, [[html.escape(label), html.escape(icon), colour] for label, icon, colour in entries]


def _interned(values: list[str]) -> tuple[list[int], list[str]]:
    """Repeated text stored once: per row an index into a table of values."""
    table = list(dict.fromkeys(values))
    index = {value: i for i, value in enumerate(table)}
    return [index[value] for value in values], table


def _point_features(frame: pd.DataFrame, lang: str, datum: str, selected: str | None) -> tuple[list, dict]:
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


class _PlainText(Element):
    """Text put into the page as it is, where branca would compile it as a Jinja template first.

    It renders as that template would (newlines made ``\\n``, one trailing
    newline dropped), without the compiling, and whatever braces the data holds.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        lines = re.split(r"\r\n|\r|\n", self._text)
        if lines[-1] == "":
            lines.pop()
        return "\n".join(lines)


class _PointsLayer(MacroElement):
    """The ONE layer holding every community: circle markers from GeoJSON, styled by the kit.

    The data is serialised once, when the map is built, and the script is put
    into the page as plain text: a render (a page renders twice, and
    streamlit-folium renders the map again on every rerun) neither re-encodes
    10,000 points nor compiles them as a Jinja template, which is what
    ``folium.GeoJson`` would do (about 0.2 s per render at 10,000 points, plus
    walking every point for the map's bounds). The page fits the bounds itself.
    """

    _template = Template("""{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJson(null, {
  pointToLayer: function (feature, latlng) { return L.circleMarker(latlng); },
  onEachFeature: {{ this.kit.get_name() }}
}).addTo({{ this._parent.get_name() }});
{{ this.get_name() }}.addData({{ this.data_js }});
{% endmacro %}""")

    def __init__(self, data: dict, kit: MacroElement) -> None:
        super().__init__()
        self._name, self.layer_name, self.kit = "Communities", "communities", kit
        self.data = data
        self.data_js = _js(data)

    def render(self, **kwargs: object) -> None:  # type: ignore[override]  # as MacroElement's: draws into the page
        """Put the script into the page without compiling it (see the class docstring)."""
        script = self._template.module.script(self, kwargs)
        figure = self.get_root()
        assert isinstance(figure, Figure), "a layer renders inside its map's page"
        figure.script.add_child(_PlainText(script), name=self.get_name())


def _points_layer(frame: pd.DataFrame, lang: str, layer: str, datum: str, selected: str | None) -> list:
    """The kit and the ONE GeoJson layer holding every community."""
    features, vocab = _point_features(frame, lang, datum, selected)
    text = {k: html.escape(t(f"maps.field_{k}", lang)) for k in ("type", "brand", "stage", "district")}
    vocab.update(
        by={"type": "t", "stage": "s"}.get(layer),
        grey=POINT_GREY,
        href=PROFILE_HREF,
        lang=lang,
        radius=3 if layer == "progress" else 5,
        opacity=0.7 if layer == "progress" else 0.9,
        stroke="#ffffff" if layer == "type" else "#333333",
        text={**text, "open": html.escape(t("maps.open_profile", lang))},
    )
    kit = _PointKit(vocab)
    return [kit, _PointsLayer({"type": "FeatureCollection", "features": features}, kit)]


def _base_map(base: config.Term, n_points: int, height_hint: int | None) -> folium.Map:
    """An empty map with the base map's tiles, or a plain background and no tiles."""
    m = folium.Map(
        location=config.CITY_CENTER,
        zoom_start=10,
        tiles=None,
        control_scale=True,
        prefer_canvas=n_points > CANVAS_THRESHOLD,
        height=height_hint or "100%",
    )
    m.options["max_zoom"] = MAX_ZOOM
    url = base.extra.get("url", "")
    if url:
        folium.TileLayer(
            url.replace("{key}", config.TIANDITU_KEY.value()),
            attr=base.extra["attribution"],
            name=base.code,
            subdomains=base.extra.get("subdomains", "abc"),
            max_zoom=MAX_ZOOM,
        ).add_to(m)
    _Background(BACKGROUND).add_to(m)
    return m


def _fit(m: folium.Map, points: pd.DataFrame, districts: folium.GeoJson, datum: str, selected: str | None) -> None:
    """Centre on the selected community, else fit the points, else the city."""
    chosen = points[points["community_id"] == selected] if selected else points.iloc[0:0]
    if len(chosen):
        lat, lon = to_datum(chosen["latitude"].iloc[0], chosen["longitude"].iloc[0], datum)
        m.location, m.options["zoom"] = [float(lat), float(lon)], FOCUS_ZOOM
        return
    if len(points):
        lat, lon = to_datum(points["latitude"].to_numpy(float), points["longitude"].to_numpy(float), datum)
        bounds = [[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]]
    else:
        (south, west), (north, east) = districts.get_bounds()
        if south is None or west is None or north is None or east is None:  # no outlines either: around the city centre
            c_lat, c_lon = config.CITY_CENTER
            bounds = [[c_lat - 0.15, c_lon - 0.2], [c_lat + 0.15, c_lon + 0.2]]
        else:
            bounds = [[south, west], [north, east]]
    m.fit_bounds(bounds, padding=(20, 20), max_zoom=FOCUS_ZOOM)


def build_map(
    communities: pd.DataFrame,
    districts_geojson: dict,
    *,
    lang: str,
    layer: str = "type",
    basemap: str = "none",
    progress_by_district: pd.DataFrame | None = None,
    assets: str = "local",
    height_hint: int | None = None,
    selected: str | None = None,
    legend: bool = True,
) -> folium.Map:
    """The campaign map: outlines, every community as a point, and a legend.

    ``layer`` colours points by "type" or "stage", or ("progress") draws a
    district choropleth of ``progress_by_district`` (district, progress 0..1)
    under small grey points. Points are WGS84 and moved to the tiles' datum.
    """
    if layer not in LAYERS:
        raise ValueError(f"layer must be one of {LAYERS}, not {layer!r}")
    base = resolve_basemap(basemap)
    datum = base.extra.get("datum", "WGS84")
    points = communities.dropna(subset=["latitude", "longitude"])
    m = _base_map(base, len(points), height_hint)
    progress = progress_by_district if layer == "progress" else None
    if layer == "progress" and progress is None:
        progress = pd.DataFrame({"district": [], "progress": []})
    districts = _district_layer(districts_geojson, lang, datum, progress)
    districts.add_to(m)
    for element in _points_layer(points, lang, layer, datum, selected):
        element.add_to(m)
    if legend:
        _Legend(*legend_entries(layer, lang), areas=layer == "progress").add_to(m)
    # A choropleth is about whole districts: fit them rather than the points.
    fit_points = points.iloc[0:0] if layer == "progress" and not selected else points
    _fit(m, fit_points, districts, datum, selected)
    return use_assets(m, assets)


def build_small_map(
    communities: pd.DataFrame,
    districts_geojson: dict,
    lang: str,
    focus_id: str | None = None,
    *,
    basemap: str | None = None,
    assets: str = "local",
) -> folium.Map:
    """A compact map for a community's profile (focused) or an upload preview.

    The legend is left out when one community is in focus: its profile says
    its type in words.
    """
    m = build_map(
        communities,
        districts_geojson,
        lang=lang,
        basemap=basemap or config.BASEMAP.value(),
        assets=assets,
        selected=focus_id,
        legend=focus_id is None,
    )
    m.options["scroll_wheel_zoom"] = False
    return m


def load_districts(path: Path = config.DISTRICTS_GEOJSON) -> dict:
    """The district outlines; an empty collection when the file is missing."""
    if not Path(path).is_file():
        return {"type": "FeatureCollection", "features": []}
    return json.loads(Path(path).read_text(encoding="utf-8"))
