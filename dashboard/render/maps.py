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
from collections.abc import Mapping
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode

from dashboard import config
from dashboard.coords import to_datum
from dashboard.i18n import fmt_pct, t
from dashboard.render.map_access import MapAccess
from dashboard.render.map_assets import save_standalone_map, use_assets
from dashboard.render.map_legend import AREA_OPACITY, Legend, legend_entries, progress_color
from dashboard.render.map_points import PointPayload, point_payload, points_layer, profile_query
from dashboard.render.map_script import js_literal

__all__ = [
    "build_map",
    "build_small_map",
    "load_districts",
    "map_payload",
    "resolve_basemap",
    "save_standalone_map",
    "to_datum",
    "use_assets",
]

LAYERS = ("type", "stage", "progress")
MAX_ZOOM = 18
FOCUS_ZOOM = 15
BACKGROUND = "#f3f2ed"
CANVAS_THRESHOLD = 3000  # above this many points Leaflet draws on canvas, not SVG


class _MetricScale(MacroElement):
    """The scale bar in metres and kilometres only: folium's own (``control_scale``) adds miles and feet."""

    _template = Template("""{% macro script(this, kwargs) %}
L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
{% endmacro %}""")

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class _Background(MacroElement):
    """A light background where there are no tiles (a script on the map itself)."""

    _template = Template("""{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.getContainer().style.background = {{ this.colour }};
{% endmacro %}""")

    def __init__(self, colour: str) -> None:
        super().__init__()
        self._name, self.colour = "Background", js_literal(colour)


def resolve_basemap(code: str) -> config.Term:
    """The base map to draw: unknown codes, and Tianditu with no key, become none."""
    try:
        base = config.term("basemaps", code)
    except KeyError:
        return config.term("basemaps", "none")
    if base.extra.get("needs_key") and not config.TIANDITU_KEY.value():
        return config.term("basemaps", "none")
    return base


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


def attribution(base: config.Term) -> str:
    """The base map's credit and, where configured, its map review number (审图号), escaped: all the map shows."""
    parts = [base.extra.get("attribution", ""), base.extra.get("approval", "")]
    return " · ".join(html.escape(part) for part in parts if part)


def _base_map(base: config.Term, n_points: int, height_hint: int | None) -> folium.Map:
    """An empty map with the base map's tiles, or a plain background and no tiles."""
    m = folium.Map(
        location=config.CITY_CENTER,
        zoom_start=10,
        tiles=None,
        prefer_canvas=n_points > CANVAS_THRESHOLD,
        height=height_hint or "100%",
    )
    m.options["max_zoom"] = MAX_ZOOM
    _MetricScale().add_to(m)
    url = base.extra.get("url", "")
    if url:
        folium.TileLayer(
            url.replace("{key}", config.TIANDITU_KEY.value()),
            attr=attribution(base),
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
    fit = folium.FitBounds(bounds, padding=(20, 20), max_zoom=FOCUS_ZOOM)
    # The first view at once, not as a 250 ms zoom from the city's: Leaflet drops a zoom asked for during a zoom
    # animation, so a + pressed on a map just drawn was lost.
    fit.options["animate"] = False
    fit.add_to(m)


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
    payload: PointPayload | None = None,
    link_params: Mapping[str, str] | None = None,
) -> folium.Map:
    """The campaign map: outlines, every community as a point, and a legend.

    ``layer`` colours points by "type" or "stage", or ("progress") draws a
    district choropleth of ``progress_by_district`` (district, progress 0..1)
    under small grey points. Points are WGS84 and moved to the tiles' datum.
    ``payload``: the points as ``map_payload`` made them for these arguments
    before (a page keeps it, so a rerun does not serialise them again).
    ``link_params``: the reader's filters, carried by the popups' profile links.
    """
    if layer not in LAYERS:
        raise ValueError(f"layer must be one of {LAYERS}, not {layer!r}")
    base = resolve_basemap(basemap)
    datum = base.extra.get("datum", "WGS84")
    points = communities.dropna(subset=["latitude", "longitude"])
    payload = payload or point_payload(points, lang, layer, datum, selected)
    m = _base_map(base, len(points), height_hint)
    progress = progress_by_district if layer == "progress" else None
    if layer == "progress" and progress is None:
        progress = pd.DataFrame({"district": [], "progress": []})
    districts = _district_layer(districts_geojson, lang, datum, progress)
    districts.add_to(m)
    for element in points_layer(payload, profile_query(lang, link_params)):
        element.add_to(m)
    if legend:
        shapes = [term.extra.get("shape", "circle") for term in config.terms("types")] if layer == "type" else None
        Legend(*legend_entries(layer, lang), areas=layer == "progress", shapes=shapes).add_to(m)
    MapAccess(lang, len(points)).add_to(m)
    # A choropleth is about whole districts: fit them rather than the points.
    fit_points = points.iloc[0:0] if layer == "progress" and not selected else points
    _fit(m, fit_points, districts, datum, selected)
    return use_assets(m, assets)


def map_payload(
    communities: pd.DataFrame, *, lang: str, layer: str = "type", basemap: str = "none", selected: str | None = None
) -> PointPayload:
    """The points ``build_map`` draws for these arguments, serialised: what a page keeps between runs."""
    datum = resolve_basemap(basemap).extra.get("datum", "WGS84")
    return point_payload(communities.dropna(subset=["latitude", "longitude"]), lang, layer, datum, selected)


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
