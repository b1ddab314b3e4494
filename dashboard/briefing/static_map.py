"""A map drawn without a browser, for slides and PDFs: district outlines, communities by type, names and counts.

An Altair geoshape layer rendered to PNG by vl-convert on the server, in the
interactive map's colours. The city map has an inset of the four urban
districts, which are too small on the whole municipality to tell apart; each
district is labelled with its name and its number of communities. A
district's map labels its 街道 (and 镇) instead, where the data names them.
"""

from __future__ import annotations

import math
from typing import TypedDict

import altair as alt
import pandas as pd
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.ops import polylabel

from dashboard import config
from dashboard.briefing import wording
from dashboard.i18n import community_names, t
from dashboard.render.chart_figures import kept, named_of
from dashboard.render.chart_style import Chart, themed
from dashboard.render.maps import load_districts

RING_LIMIT = 2_000  # communities up to which each dot gets a white ring
URBAN = ("chengdong", "chengzhong", "chengxi", "chengbei")  # the four districts of the city proper
LABEL_SIZE = 19  # px at the picture's size: about 13 pt on a slide
INSET_COLOR = "#7a1f1f"
LABEL_TOLERANCE = 0.001  # degrees (about 100 m): how close polylabel gets to the point farthest from the outline


def dot_size(count: int) -> int:
    """Dot area in px²: 70 for a district's few dozen communities, smaller as thousands crowd the map."""
    return int(max(12, min(70, 70 * (300 / max(count, 1)) ** 0.5)))


class _Stroke(TypedDict, total=False):
    stroke: str
    strokeWidth: float


def _ring(count: int) -> _Stroke:
    """A white ring separates a district's dots; on thousands of tiny dots it only hides the colour (and doubles drawing time)."""
    return {"stroke": "white", "strokeWidth": 0.8} if count <= RING_LIMIT else {}


def _inline_csv(frame: pd.DataFrame) -> alt.InlineData:
    """The points as one CSV string in the spec.

    A DataFrame would hit Altair's 5,000-row limit (a city can have 10,000
    communities), and a list of records is validated value by value, which
    takes seconds at that size; a string is checked once.
    """
    frame = frame.dropna(subset=["longitude", "latitude"]).round({"longitude": 5, "latitude": 5})
    return alt.InlineData(
        values=frame.to_csv(index=False), format=alt.DataFormat(type="csv", parse={"longitude": "number", "latitude": "number"})
    )


def label_point(feature: dict) -> tuple[float, float]:
    """Where a district's label goes (lon, lat): the point of its largest polygon farthest from the outline.

    A centroid can fall near an edge, or outside, of a district that wraps around others: 湟中区's did, beside the
    urban districts' frame, and its name ran into 湟源县's on the slide.
    """
    outline = shape(feature["geometry"])
    parts = list(outline.geoms) if isinstance(outline, MultiPolygon) else [outline]
    largest = max((part for part in parts if isinstance(part, Polygon)), key=lambda part: part.area)
    point = polylabel(largest, tolerance=LABEL_TOLERANCE)
    return point.x, point.y


def _bounds(features: list[dict]) -> tuple[float, float, float, float]:
    points = [
        p
        for f in features
        for polygon in (
            f["geometry"]["coordinates"] if f["geometry"]["type"] == "MultiPolygon" else [f["geometry"]["coordinates"]]
        )
        for p in polygon[0]
    ]
    return min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points), max(p[1] for p in points)


def _box(features: list[dict], pad: float = 0.01) -> dict:
    """A rectangle around ``features`` as a GeoJSON feature (the inset's frame on the city map)."""
    x0, y0, x1, y1 = _bounds(features)
    ring = [[x0 - pad, y0 - pad], [x0 - pad, y1 + pad], [x1 + pad, y1 + pad], [x1 + pad, y0 - pad], [x0 - pad, y0 - pad]]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _labels(frame: pd.DataFrame, lang: str) -> list[alt.Chart]:
    """Name-and-count labels (``text`` at ``longitude``/``latitude``): a white halo under dark type (smaller for
    English, whose "17 communities" is three times as wide as "17个")."""
    base = alt.Chart(frame).encode(longitude="longitude:Q", latitude="latitude:Q", text="text:N")

    def label(halo: bool) -> alt.Chart:
        style = alt.MarkDef(
            type="text", fontSize=LABEL_SIZE, fontWeight="bold", lineBreak="\n", align="center", baseline="middle"
        )
        if halo:
            style.stroke, style.strokeWidth, style.opacity = "white", 5, 0.9
        else:
            style.color = "#1f2933"
        return base.mark_text().properties(mark=style)

    return [label(halo=True), label(halo=False)]


def _district_labels(features: list[dict], communities: pd.DataFrame, lang: str) -> pd.DataFrame:
    counts = communities["district"].value_counts()
    rows = []
    for f in features:
        code = f["properties"].get("code")
        lon, lat = label_point(f)
        text = f"{config.label('districts', code, lang)}\n{wording.amount(int(counts.get(code, 0)), 'communities', lang)}"
        rows.append({"longitude": lon, "latitude": lat, "text": text})
    return pd.DataFrame(rows)


def _subdistrict_labels(communities: pd.DataFrame, lang: str) -> pd.DataFrame | None:
    """One label per 街道 (or 镇) at the middle of its communities, with their count; None when no row names one."""
    named = communities.assign(
        sub=communities["subdistrict"].astype(object).map(lambda v: v.strip() if isinstance(v, str) else "")
    )
    named = named[named["sub"] != ""].dropna(subset=["longitude", "latitude"])
    if named.empty:
        return None
    grouped = named.groupby("sub").agg(longitude=("longitude", "mean"), latitude=("latitude", "mean"), n=("sub", "size"))
    grouped["text"] = [
        f"{sub}\n{wording.amount(n, 'communities', lang)}" for sub, n in zip(grouped.index, grouped["n"], strict=True)
    ]
    return grouped.reset_index()[["longitude", "latitude", "text"]]


def _points(communities: pd.DataFrame, lang: str, legend: bool = True) -> alt.Chart:
    codes = config.codes("types")
    labels = [config.label("types", c, lang) for c in codes]  # no icon glyphs: they change the label's font
    frame = communities.assign(
        type_label=communities["characteristic"].map(dict(zip(codes, labels, strict=True))),
        name=community_names(communities, lang),
    )
    return (
        alt.Chart(_inline_csv(frame[["longitude", "latitude", "type_label", "name"]]))
        .mark_circle(size=dot_size(len(frame)), opacity=0.9, **_ring(len(frame)))
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            color=alt.Color(
                "type_label:N",
                title=t("brief.map_legend", lang),
                scale=alt.Scale(domain=labels, range=[config.term("types", c).color for c in codes]),
                legend=alt.Legend(orient="right", columns=1) if legend else None,
            ),
        )
    )


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fitted(features: list[dict], width: int, height: int, margin: float = 0.94) -> alt.Projection:
    """Mercator centre and scale that fit ``features`` in ``width`` x ``height`` px.

    Computed here rather than left to Vega-Lite: in a concatenation it merges
    projections that look alike and would fit both panels to the whole city.
    """
    x0, y0, x1, y1 = _bounds(features)
    span_x, span_y = math.radians(x1 - x0), _mercator_y(y1) - _mercator_y(y0)
    scale = margin * min(width / span_x if span_x else 1e9, height / span_y if span_y else 1e9)
    middle = math.degrees(math.atan(math.sinh((_mercator_y(y0) + _mercator_y(y1)) / 2)))
    return alt.Projection(type="mercator", center=[(x0 + x1) / 2, middle], scale=scale, translate=[width / 2, height / 2])


def _panel(features: list[dict], layers: list[alt.Chart], width: int, height: int, title: str = "") -> alt.LayerChart:
    outlines = alt.Chart(alt.Data(values=features)).mark_geoshape(fill="#f3f2ed", stroke="#555555", strokeWidth=1.2)
    panel = alt.LayerChart(layer=[outlines, *layers]).project()
    panel.projection = fitted(features, width, height)
    panel = panel.properties(width=width, height=height)
    return panel.properties(title=title) if title else panel


def static_map(communities: pd.DataFrame, lang: str, district: str | None = None, width: int = 720, height: int = 560) -> Chart:
    """A district's outline, dots and 街道 labels; or the city with names and counts and an inset of the urban districts.

    Its main figure (communities, named ones) is kept on it for the picture's text alternative.
    """
    last = config.codes("stages")[-1]
    return kept(
        _drawn(communities, lang, district, width, height), named_of(len(communities), (communities["stage"] == last).sum(), lang)
    )


def _drawn(communities: pd.DataFrame, lang: str, district: str | None, width: int, height: int) -> Chart:
    geo = load_districts()
    features = geo["features"]
    if district is not None:
        own = [f for f in features if f["properties"].get("code") == district] or features
        labels = _subdistrict_labels(communities, lang)
        layers = [_points(communities, lang), *(_labels(labels, lang) if labels is not None else [])]
        return themed(_panel(own, layers, width, height))
    urban = [f for f in features if f["properties"].get("code") in URBAN]
    if not urban:  # outlines without the urban districts (another city): one map, every district labelled
        layers = [_points(communities, lang), *_labels(_district_labels(features, communities, lang), lang)]
        return themed(_panel(features, layers, width, height))
    rural = [f for f in features if f["properties"].get("code") not in URBAN]
    frame = alt.Chart(alt.Data(values=[_box(urban)])).mark_geoshape(
        filled=False, stroke=INSET_COLOR, strokeWidth=2.5, strokeDash=[7, 4]
    )
    city = _panel(
        features,
        [frame, _points(communities, lang), *_labels(_district_labels(rural, communities, lang), lang)],
        round(width * 0.62),
        height,
        t("brief.map_city", lang),
    )
    inside = communities[communities["district"].isin(URBAN)]
    inset = _panel(
        urban,
        [_points(inside, lang), *_labels(_district_labels(urban, communities, lang), lang)],
        round(width * 0.62),
        height,
        t("brief.map_urban", lang),
    )
    return themed(alt.hconcat(city, inset, spacing=24).resolve_scale(color="shared"))
