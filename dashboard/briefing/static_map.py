"""A map drawn without a browser, for slides and PDFs: district outlines and communities by type.

An Altair geoshape layer rendered to PNG by vl-convert on the server; the
interactive map's colours and labels, the same as the legend everywhere.
"""

from __future__ import annotations

from typing import TypedDict

import altair as alt
import pandas as pd

from dashboard import config
from dashboard.i18n import community_names, t
from dashboard.render.charts import themed
from dashboard.render.maps import load_districts

RING_LIMIT = 2_000  # communities up to which each dot gets a white ring


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


def static_map(
    communities: pd.DataFrame, lang: str, district: str | None = None, width: int = 720, height: int = 560
) -> alt.LayerChart:
    """Outlines (the chosen district emphasised) and one dot per community, coloured by type."""
    geo = load_districts()
    features = [f for f in geo["features"] if district is None or f["properties"].get("code") == district]
    outlines = alt.Data(values=features or geo["features"])
    base = alt.Chart(outlines).mark_geoshape(fill="#f3f2ed", stroke="#555555", strokeWidth=1.2)
    codes = config.codes("types")
    labels = [config.label("types", c, lang) for c in codes]  # no icon glyphs: they change the label's font
    frame = communities.assign(
        type_label=communities["characteristic"].map(dict(zip(codes, labels, strict=True))),
        name=community_names(communities, lang),
    )
    points = (
        alt.Chart(_inline_csv(frame[["longitude", "latitude", "type_label", "name"]]))
        .mark_circle(size=dot_size(len(frame)), opacity=0.9, **_ring(len(frame)))
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            color=alt.Color(
                "type_label:N",
                title=t("brief.map_legend", lang),
                scale=alt.Scale(domain=labels, range=[config.term("types", c).color for c in codes]),
                legend=alt.Legend(orient="right", columns=1),
            ),  # sizes from the theme, enlarged for slides
        )
    )
    layered = alt.LayerChart(layer=[base, points]).project(type="mercator").properties(width=width, height=height)
    return themed(layered)
