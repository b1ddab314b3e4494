"""A briefing's files: the deck (.pptx), the PDF, and a ZIP of every chart (PNG, SVG, and its data as CSV and Excel).

Like Metabase's and Superset's exports, the ZIP ships the numbers with the
pictures: each chart's rows (and the ranking table's) as ``NN-key.csv``
(UTF-8 with BOM, for Excel) and ``NN-key.xlsx``, beside the written summary.

The charts are drawn once per file, on the server (vl-convert, no browser),
at twice their on-screen size so they stay sharp on a projector. The command
line and the presentation page both come through here, so a file is the same
whichever way it was asked for.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any  # Altair types a layer as any of its chart kinds

import altair as alt
import pandas as pd

from dashboard.briefing.content import Briefing
from dashboard.i18n import t
from dashboard.render.chart_export import chart_png, chart_svg
from dashboard.render.chart_style import Chart

SUFFIXES = (".pptx", ".pdf", ".zip")
MEDIA_TYPES = {
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
}
PNG_SCALE = 2
SLIDE_TYPE_SCALE = 1.6  # chart type on a slide: 14 px labels become 22 px, about 15 pt on the slide
SLIDE_PLOT_SCALE = 0.8  # and plots a fifth smaller, so the larger type does not just make a taller picture
SLIDE_CHART_WIDTH = 1100  # px for charts that fill their container on the page: a 16:9 slide is wide
LEGEND_TITLE_LIMIT = 360  # px: room for the longest legend title at the page's size
SCALED_CONFIG = {
    "title": ("fontSize", "subtitleFontSize", "offset"),
    "axis": ("labelFontSize", "titleFontSize", "labelLimit"),
    "legend": ("labelFontSize", "titleFontSize", "labelLimit", "symbolSize"),
}


def slide_chart(chart: Chart) -> Chart:
    """The chart with type 1.6 times larger and the plot a fifth smaller: sized for a slide, not a screen.

    A slide shows a chart about 5 inches tall, whatever its pixels; at the page's sizes
    (14 px labels on a 540 px chart) the labels would come out at 9 pt. The copy shares
    the data; only its configuration and size change.
    """
    copy = chart.copy(deep=False)
    if copy.config is not alt.Undefined:
        copy.config = chart.config.copy(deep=True)
        for part, keys in SCALED_CONFIG.items():
            section = getattr(copy.config, part, alt.Undefined)
            for key in keys if section is not alt.Undefined else ():
                value = getattr(section, key, alt.Undefined)
                if isinstance(value, int | float):
                    setattr(section, key, round(value * SLIDE_TYPE_SCALE))
        if copy.config.legend is not alt.Undefined:  # the default limit (180 px) would cut "Characteristic type"
            copy.config.legend.titleLimit = round(LEGEND_TITLE_LIMIT * SLIDE_TYPE_SCALE)
    if isinstance(copy, alt.HConcatChart) or copy.projection is not alt.Undefined:
        return copy  # a map is drawn for a slide already, its projection fitted to its size
    if isinstance(copy, alt.LayerChart):  # value labels written on the bars grow with the axis labels
        copy.layer = [_larger_text(layer) for layer in copy.layer]
    if copy.width == "container":
        copy.width = SLIDE_CHART_WIDTH
    elif isinstance(copy.width, int):
        copy.width = round(copy.width * SLIDE_PLOT_SCALE)
    if isinstance(copy.height, int):
        copy.height = round(copy.height * SLIDE_PLOT_SCALE)
    return copy


def _larger_text(layer: Any) -> Any:
    """A layer whose text mark sets its own ``fontSize``, copied with the type scaled like the theme's."""
    mark = getattr(layer, "mark", alt.Undefined)
    if not isinstance(mark, alt.MarkDef) or not isinstance(mark.fontSize, int | float):
        return layer
    bigger = layer.copy(deep=False)
    bigger.mark = alt.MarkDef(**{**mark.to_dict(), "fontSize": round(mark.fontSize * SLIDE_TYPE_SCALE)})
    return bigger


def slide_charts(briefing: Briefing) -> dict[str, Chart]:
    """Every slide's chart sized for a slide, by slide key (slides without a chart are left out)."""
    return {s.key: slide_chart(s.chart) for s in briefing.slides if s.chart is not None}


def chart_images(briefing: Briefing, scale: float = PNG_SCALE) -> dict[str, bytes]:
    """Every slide's chart as PNG bytes at ``scale`` (2: sharp on a projector), by slide key."""
    return {key: chart_png(chart, scale=scale) for key, chart in slide_charts(briefing).items()}


def chart_stems(briefing: Briefing) -> dict[str, str]:
    """File names without extension, numbered like the slides: {"map": "05-map", ...} (slides with a chart or data)."""
    return {
        s.key: f"{n:02d}-{s.key}" for n, s in enumerate(briefing.slides, start=1) if s.chart is not None or s.data is not None
    }


def data_files(frame: pd.DataFrame, sheet: str) -> tuple[bytes, bytes]:
    """``frame`` as CSV (UTF-8 with BOM: Excel on a Chinese Windows opens it right) and as an Excel workbook."""
    csv = frame.to_csv(index=False).encode("utf-8-sig")
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet[:31])
    return csv, out.getvalue()


def summary_text(briefing: Briefing) -> str:
    """The written summary as plain text: title, dates, paragraphs, source."""
    lang = briefing.lang
    parts = [
        briefing.title,
        briefing.dates,
        "",
        t("brief_files.summary_file", lang),
        "",
        "\n\n".join(briefing.summary),
        "",
        briefing.source,
        "",
    ]
    return "\n".join(parts)


def zip_bytes(briefing: Briefing, images: dict[str, bytes] | None = None) -> bytes:
    """A ZIP of each chart as ``NN-key.png``/``.svg`` with its data as ``.csv``/``.xlsx``, and ``summary.txt``."""
    images = chart_images(briefing) if images is None else images
    charts = slide_charts(briefing)
    slides = {s.key: s for s in briefing.slides}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, stem in chart_stems(briefing).items():
            if key in charts:
                archive.writestr(f"{stem}.png", images[key])
                archive.writestr(f"{stem}.svg", chart_svg(charts[key]))
            frame = slides[key].data
            if frame is not None:
                csv, xlsx = data_files(frame, slides[key].title)
                archive.writestr(f"{stem}.csv", csv)
                archive.writestr(f"{stem}.xlsx", xlsx)
        archive.writestr("summary.txt", summary_text(briefing).encode("utf-8-sig"))
    return out.getvalue()


def render(briefing: Briefing, suffix: str) -> bytes:
    """The briefing as a ``suffix`` file (".pptx", ".pdf" or ".zip")."""
    suffix = suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"suffix must be one of {SUFFIXES}, not {suffix!r}")
    images = chart_images(briefing)
    if suffix == ".pptx":
        from dashboard.briefing.deck import deck_bytes  # noqa: PLC0415 - python-pptx only for a deck

        return deck_bytes(briefing, images)
    if suffix == ".pdf":
        from dashboard.briefing.pdf import pdf_bytes  # noqa: PLC0415 - fpdf2 and fontTools only for a PDF

        return pdf_bytes(briefing, images)
    return zip_bytes(briefing, images)


def file_name(briefing: Briefing, suffix: str) -> str:
    """A download name that says what and when: ``briefing-chengdong-2026-01-01-2026-11-26.pptx``."""
    p = briefing.period
    return f"briefing-{p.district or 'city'}-{p.start:%Y-%m-%d}-{p.end:%Y-%m-%d}{suffix.lower()}"


def write(briefing: Briefing, path: Path) -> Path:
    """Write the file ``path`` names (its suffix chooses the kind); OSError when it cannot be written."""
    data = render(briefing, path.suffix)
    path.write_bytes(data)
    return path
