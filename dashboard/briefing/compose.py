"""Each slide of a briefing laid out once, as boxes of text, pictures, fills and tables, for both the deck and the PDF.

The cover holds the title, 汇报单位, the meeting and its date, and the period;
cards carry a figure with its unit and its comparisons; the ranking is a
table; chart slides give the picture the whole body; the closing slide thanks
the meeting. Every slide gets the same footer: where the data comes from, the
day it was imported, and the slide's number counting slides only.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from PIL import Image

from dashboard.briefing import fonts
from dashboard.briefing import layout as L
from dashboard.briefing.content import Briefing, Card, Slide
from dashboard.briefing.pages import Fill, Grid, Item, Page, Picture, Text, line, text
from dashboard.briefing.ranking import Table
from dashboard.i18n import t

CARD_INSET = 0.08  # inches between neighbouring figure cards
CARD_FILL = "F1F3F6"
CHART_KEYS = frozenset({"map", "stages", "pace", "categories", "satisfaction"})  # slides that show a chart when there is data
CELL_PAD = 0.08  # inches of space left and right inside a table cell
CELL_SLACK = 0.9  # of a cell's width used: Office without 微软雅黑 substitutes a wider face (LibreOffice: DejaVu Sans)
TABLE_SIZES = (20, 19, 18, 17, 16, 15, 14, 13, 12)
LEADER_FILL, LAST_FILL, OWN_FILL, ROW_FILL, ALT_FILL = "DCEFD8", "F9DDD8", "FFF2C7", "FFFFFF", "F4F5F7"
DETAIL_SIZES = (16, 15, 14, 13)


def footer(briefing: Briefing, label: str) -> list[Item]:
    """The source and data date, and ``label`` (the slide number), on every page: a photo of one slide says where it is from."""
    rule = Fill(L.Box(L.MARGIN, L.FOOTER_RULE_Y, L.CONTENT_W, 0.01), "C9CED6")
    width = max(L.PAGE_NUMBER_W, fonts.text_width(label, L.FOOTER_SIZE) + 0.1)
    source_box = L.Box(L.FOOTER.x, L.FOOTER.y, L.FOOTER.w - width, L.FOOTER.h)
    page_box = L.Box(L.FOOTER.x + L.FOOTER.w - width, L.FOOTER.y, width, L.FOOTER.h)
    sizes = (L.FOOTER_SIZE, L.FOOTER_SIZE - 1, L.FOOTER_SIZE - 2)
    return [
        rule,
        line(source_box, briefing.source, sizes, color=L.GREY, role="footer"),
        line(page_box, label, (L.FOOTER_SIZE,), color=L.GREY, align="right", role="page"),
    ]


def _centred(y: float, h: float, value: str, sizes: tuple[float, ...], **style: str) -> Text:
    return line(L.Box(L.MARGIN, y, L.CONTENT_W, h), value, sizes, align="center", **style)  # type: ignore[arg-type]


def _cover(briefing: Briefing) -> list[Item]:
    """Title, then 汇报单位, the meeting and its date, and the period: centred, a dozen words, not a wall of text."""
    title = text(
        L.Box(L.MARGIN + 0.4, 1.45, L.CONTENT_W - 0.8, 1.7),
        [briefing.title],
        L.COVER_TITLE_SIZES,
        bold=True,
        role="title",
        align="center",
    )
    y = 1.45 + title.height + 0.45
    org = f"{t('brief.cover_org_label', briefing.lang)}{'：' if briefing.lang == 'zh' else ': '}{briefing.org}"
    meeting = t("brief.cover_meeting", briefing.lang, meeting=briefing.meeting, day=briefing.meeting_date)
    return [
        Fill(L.Box(0, 0, L.PAGE_W, 0.3), L.ACCENT),
        title,
        Fill(L.Box(L.PAGE_W / 2 - 1.2, y - 0.25, 2.4, 0.04), L.ACCENT),
        _centred(y, 0.55, org, (26, 24, 22, 20), role="org"),
        _centred(y + 0.7, 0.5, meeting, (22, 20, 18), color=L.GREY, role="meeting"),
        _centred(y + 1.3, 0.5, briefing.dates, (22, 20, 18), color=L.GREY, role="subtitle"),
    ]


def _closing(briefing: Briefing, slide: Slide) -> list[Item]:
    return [
        Fill(L.Box(0, 0, L.PAGE_W, 0.3), L.ACCENT),
        _centred(2.3, 1.0, slide.title, (48, 44, 40, 36), bold=True, role="title"),  # type: ignore[arg-type]
        _centred(3.5, 0.6, slide.subtitle, (28, 26, 24), color=L.GREY, role="subtitle"),
        _centred(4.6, 0.5, briefing.org, (22, 20, 18), role="org"),
        _centred(5.2, 0.5, briefing.meeting_date, (20, 18), color=L.GREY, role="meeting"),
    ]


def _card(card: Card, box: L.Box, size: float) -> list[Item]:
    """A figure's card: the value (with its unit) large, its label, then its comparisons in smaller type."""
    inner = L.Box(box.x + 0.15, box.y, box.w - 0.3, box.h)
    number_h, label_h = L.line_height(size), L.line_height(L.FIGURE_LABEL_SIZE)
    details = (
        text(
            L.Box(inner.x, 0, inner.w, box.h - number_h - label_h - 0.35),
            card.details,
            DETAIL_SIZES,
            align="center",
            role="detail",
        )
        if card.details
        else None
    )
    block = number_h + label_h + (details.height + 0.1 if details else 0)
    top = box.y + (box.h - block) / 2
    items: list[Item] = [
        Fill(box, CARD_FILL, rounded=True),
        Text(
            L.Box(inner.x, top, inner.w, number_h),
            [card.value],
            [[card.value]],
            size,
            bold=True,
            color=L.NUMBER_INK,
            align="center",
            role="figure",
        ),
        line(
            L.Box(inner.x, top + number_h, inner.w, label_h),
            card.label,
            (L.FIGURE_LABEL_SIZE, 18, 16),
            color=L.GREY,
            align="center",
            role="label",
        ),
    ]
    if details:
        items.append(
            Text(
                L.Box(inner.x, top + number_h + label_h + 0.1, inner.w, details.height),
                details.paragraphs,
                details.lines,
                details.size,
                color=L.INK,
                align="center",
                role="detail",
            )
        )
    return items


def _cards(slide: Slide) -> list[Item]:
    """Headline figures as big numbers on cards, each with its label and comparisons; one type size for all numbers."""
    cells = L.figure_cells(len(slide.cards), L.Box(L.MARGIN, 1.75, L.CONTENT_W, 4.95))
    boxes = [L.Box(c.x + CARD_INSET, c.y + CARD_INSET, c.w - 2 * CARD_INSET, c.h - 2 * CARD_INSET) for c in cells]
    size = min(
        (L.fit_line(c.value, b.w - 0.3, L.NUMBER_SIZES, fonts.bold_width) for b, c in zip(boxes, slide.cards, strict=True)),
        default=L.NUMBER_SIZES[0],
    )
    return [item for box, card in zip(boxes, slide.cards, strict=True) for item in _card(card, box, size)]


def _table_size(table: Table, widths: list[float]) -> float:
    """The largest size at which every body cell fits on one line, with room for a viewer's wider font (cells never wrap)."""
    for size in TABLE_SIZES:
        if all(
            fonts.text_width(cell, size) <= (w - 2 * CELL_PAD) * CELL_SLACK
            for row in table.rows
            for cell, w in zip(row, widths, strict=True)
        ):
            return size
    return TABLE_SIZES[-1]


def grid(table: Table, box: L.Box = L.BODY) -> Grid:
    """The ranking as a table filling ``box``'s width; rows as tall as the type needs, the header wrapped to fit."""
    scale = box.w / sum(table.widths)
    widths = [w * scale for w in table.widths]
    size = _table_size(table, widths)
    header_size = next(
        (
            s
            for s in (*TABLE_SIZES, 11, 10)
            if s <= size
            and all(
                fonts.bold_width(unit, s) <= w - 2 * CELL_PAD
                for h, w in zip(table.header, widths, strict=True)
                for unit in L.tokens(h)
            )
        ),
        10,
    )  # a header may wrap between words or Han characters, never inside a word
    header_lines = [L.wrap(h, w - 2 * CELL_PAD, header_size, fonts.bold_width) for h, w in zip(table.header, widths, strict=True)]
    header_h = max(len(lines) for lines in header_lines) * L.line_height(header_size) + 0.16
    row_h = min(L.line_height(size) + 0.22, (box.h - header_h) / max(len(table.rows), 1))
    fills, bold = [], []
    for i in range(len(table.rows)):
        fill = (
            LEADER_FILL
            if i == table.leader
            else LAST_FILL
            if i == table.last
            else OWN_FILL
            if i == table.own
            else (ROW_FILL if i % 2 == 0 else ALT_FILL)
        )
        fills.append(fill)
        bold.append(i == table.own)
    align = ["center", "left", *["right"] * (len(widths) - 2)]
    height = header_h + row_h * len(table.rows)
    return Grid(
        L.Box(box.x, box.y, box.w, height),
        widths,
        table.header,
        header_lines,
        table.rows,
        header_h,
        row_h,
        size,
        header_size,
        fills,
        bold,
        align=align,
    )


def _chart(slide: Slide, size: tuple[int, int] | None, lang: str) -> list[Item]:
    """The chart as large as the body allows; a message when there is no chart."""
    if size is None:
        return [text(L.BODY, [t("brief.no_chart_data", lang)], L.BODY_SIZES)]
    return [Picture(L.contain(*size, L.BODY), slide.key, slide.picture_text())]


def _body(slide: Slide, image_size: tuple[int, int] | None, lang: str, chart_slide: bool) -> list[Item]:
    if slide.cards:
        return _cards(slide)
    if slide.table is not None:
        return [grid(slide.table)]
    if chart_slide:
        return _chart(slide, image_size, lang)
    return [text(L.BODY, slide.bullets or [t("brief.none", lang)], L.BODY_SIZES, bullet=bool(slide.bullets), role="body")]


def image_sizes(images: Mapping[str, bytes]) -> dict[str, tuple[int, int]]:
    """Each PNG's width and height in pixels (read from its header, not decoded)."""
    return {key: Image.open(io.BytesIO(png)).size for key, png in images.items()}


def slide_label(number: int, total: int) -> str:
    return f"{number} / {total}"


def layout_pages(
    briefing: Briefing, image_sizes: Mapping[str, tuple[int, int]], chart_keys: frozenset[str] = CHART_KEYS
) -> list[Page]:
    """Every slide of ``briefing`` as a page; ``image_sizes`` gives each rendered chart's pixel size by slide key.

    A slide in ``chart_keys`` whose chart is missing (no data in the period) says so instead of showing a blank.
    """
    total = len(briefing.slides)
    pages = []
    for number, slide in enumerate(briefing.slides, start=1):
        if slide.key == "cover":
            items = _cover(briefing)
        elif slide.key == "closing":
            items = _closing(briefing, slide)
        else:
            items = [
                Fill(L.ACCENT_BAR, L.ACCENT),
                text(L.TITLE, [slide.title], L.TITLE_SIZES, bold=True, role="title"),
                line(L.SUBTITLE, slide.subtitle, (L.SUBTITLE_SIZE, 18, 16, 15, 14), color=L.GREY, role="subtitle"),
                *_body(slide, image_sizes.get(slide.key), briefing.lang, slide.chart is not None or slide.key in chart_keys),
            ]
        pages.append(Page(slide.key, number, [*items, *footer(briefing, slide_label(number, total))], slide.notes))
    return pages
