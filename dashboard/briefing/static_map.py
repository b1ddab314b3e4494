"""A map drawn without a browser, for slides and PDFs: district outlines and communities by type.

An Altair geoshape layer rendered to PNG by vl-convert on the server; the
interactive map's colours and labels, the same as the legend everywhere.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard import config
from dashboard.charts import themed
from dashboard.i18n import t
from dashboard.maps import load_districts


def static_map(communities: pd.DataFrame, lang: str, district: str | None = None,
               width: int = 720, height: int = 560) -> alt.LayerChart:
    """Outlines (the chosen district emphasised) and one dot per community, coloured by type."""
    geo = load_districts()
    features = [f for f in geo["features"] if district is None or f["properties"].get("code") == district]
    outlines = alt.Data(values=features or geo["features"])
    base = alt.Chart(outlines).mark_geoshape(fill="#f3f2ed", stroke="#555555", strokeWidth=1.2)
    codes = config.codes("types")
    labels = [config.label("types", c, lang) for c in codes]  # no icon glyphs: they change the label's font
    frame = communities.assign(type_label=communities["characteristic"].map(dict(zip(codes, labels, strict=True))),
                               name=communities["name_zh"] if lang == "zh" else communities["name_en"])
    points = alt.Chart(frame[["longitude", "latitude", "type_label", "name"]]).mark_circle(
        size=70, opacity=0.9, stroke="white", strokeWidth=0.8).encode(
        longitude="longitude:Q", latitude="latitude:Q",
        color=alt.Color("type_label:N", title=t("brief.map_legend", lang),
                        scale=alt.Scale(domain=labels, range=[config.term("types", c).color for c in codes]),
                        legend=alt.Legend(orient="right", columns=1, labelFontSize=15, titleFontSize=16)),
    )
    layered = alt.layer(base, points).project(type="mercator").properties(width=width, height=height)
    return themed(layered)
