"""The rows a chart draws, for its CSV download.

A plain or faceted chart holds its frame itself (Altair puts a facet's data at the top); a layered chart
(bars with their value labels and a rule, as the pace chart) keeps it in its layers, and a facet built
around a layered spec in that spec. Without looking there such a chart offered PNG and SVG but no CSV.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from dashboard.render.bar_labels import DRAWING_COLUMNS

PARTS = ("layer", "hconcat", "vconcat", "concat")


def chart_rows(chart: Any) -> pd.DataFrame | None:
    """The chart's own frame, else the first frame among its layers, panels or faceted spec; None when it has none."""
    data = getattr(chart, "data", alt.Undefined)
    if isinstance(data, pd.DataFrame):
        drawing = [c for c in DRAWING_COLUMNS if c in data.columns]
        return data.drop(columns=drawing) if drawing else data
    inner = [getattr(chart, "spec", alt.Undefined)]
    for part in PARTS:
        found = getattr(chart, part, alt.Undefined)
        if isinstance(found, list):
            inner.extend(found)
    for sub in inner:
        if sub is not alt.Undefined and (rows := chart_rows(sub)) is not None:
            return rows
    return None
