"""Charts as files: PNG and SVG through vl-convert (no browser), and their data as CSV.

vl-convert draws with the fonts it is given, so the Noto CJK directory is
registered once before the first drawing; without it Chinese comes out as
empty boxes. A chart sized ``width="container"`` gets a fixed width here,
since a file has no container.
"""

from __future__ import annotations

from functools import cache

import altair as alt
import pandas as pd
import vl_convert

from dashboard import config
from dashboard.render.exports import safe_frame

EXPORT_WIDTH = 960  # px at scale 1: a 16:9 slide's content area


@cache
def _fonts_registered() -> tuple[str, ...]:
    """Register the CJK font directories that exist (once per process)."""
    found = tuple(str(d) for d in config.CJK_FONT_DIRS if d.is_dir())
    for folder in found:
        vl_convert.register_font_directory(folder)
    return found


def _vl_version() -> str | None:
    """The Vega-Lite version Altair writes, when vl-convert knows it (else its default)."""
    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return wanted if wanted in vl_convert.get_vegalite_versions() else None


def export_spec(chart: alt.TopLevelMixin, width: int = EXPORT_WIDTH) -> dict:
    """The chart's Vega-Lite spec with a container width replaced by ``width``."""
    spec = chart.to_dict()
    if spec.get("width") == "container":
        spec["width"] = width
    return spec


def chart_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    """The chart as PNG bytes (``scale`` 2 is sharp on a projector and in slides)."""
    _fonts_registered()
    return vl_convert.vegalite_to_png(export_spec(chart), vl_version=_vl_version(), scale=scale, allowed_base_urls=[])


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text (text stays text, so Chinese is searchable)."""
    _fonts_registered()
    return vl_convert.vegalite_to_svg(export_spec(chart), vl_version=_vl_version(), allowed_base_urls=[])


def chart_csv(frame: pd.DataFrame) -> bytes:
    """A chart's data as CSV for Excel: UTF-8 with BOM, no cell that a spreadsheet would run as a formula."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")
