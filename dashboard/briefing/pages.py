"""Each slide of a briefing laid out once, as boxes of text, pictures and fills, for both the deck and the PDF.

Deciding the layout in one place is what makes the PPTX and the PDF the same
slides: the deck turns each :class:`Text` into an editable text box (its
``paragraphs``, at the fitted ``size``), the PDF draws its wrapped ``lines``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypedDict, Unpack

from PIL import Image

from dashboard.briefing import fonts
from dashboard.briefing import layout as L
from dashboard.briefing.content import Briefing, Slide
from dashboard.i18n import t

BULLET_INDENT = 0.4  # inches between the bullet and its text
CARD_INSET = 0.08  # inches between neighbouring figure cards
CARD_FILL = "F1F3F6"
CHART_KEYS = frozenset({"map", "funnel", "pace", "satisfaction"})  # slides that show a chart when there is data


def _bold_width(text: str, size: float) -> float:
    return fonts.text_width(text, size, bold=True)


@dataclass(frozen=True)
class Text:
    """Text in a box: as written (``paragraphs``) and as wrapped at ``size`` (``lines``, one list per paragraph)."""

    box: L.Box
    paragraphs: list[str]
    lines: list[list[str]]
    size: float
    bold: bool = False
    color: str = L.INK
    align: str = "left"  # left, center or right
    bullet: bool = False
    role: str = "body"  # title, subtitle, body, figure, label, footer, page

    @property
    def height(self) -> float:
        """How tall the wrapped text is, in inches."""
        return L.text_height(self.lines, self.size)


class Style(TypedDict, total=False):
    """What ``text`` and ``line`` pass on to :class:`Text` as it is (the rest keeps Text's defaults)."""

    color: str
    align: str
    role: str


@dataclass(frozen=True)
class Picture:
    """A chart's PNG (``key`` is the slide's), fitted without stretching."""

    box: L.Box
    key: str
    alt: str


@dataclass(frozen=True)
class Fill:
    """A coloured rectangle: the accent bar, a figure's card, the footer's rule."""

    box: L.Box
    color: str
    rounded: bool = False


@dataclass
class Page:
    """One slide, ready to draw."""

    key: str
    number: int
    items: list[Text | Picture | Fill] = field(default_factory=list)
    notes: str = ""

    @property
    def title(self) -> Text:
        return next(i for i in self.items if isinstance(i, Text) and i.role == "title")


def text(
    box: L.Box,
    paragraphs: list[str],
    sizes: tuple[float, ...],
    *,
    bold: bool = False,
    bullet: bool = False,
    **style: Unpack[Style],
) -> Text:
    """A text box whose type is the largest of ``sizes`` that fits."""
    measure = _bold_width if bold else fonts.text_width
    fitted = L.fit(paragraphs, box, sizes, measure, indent=BULLET_INDENT if bullet else 0.0)
    return Text(box, paragraphs, fitted.paragraphs, fitted.size, bold=bold, bullet=bullet, **style)


def line(box: L.Box, value: str, sizes: tuple[float, ...], *, bold: bool = False, **style: Unpack[Style]) -> Text:
    """One line of text at the largest of ``sizes`` that fits its width."""
    size = L.fit_line(value, box.w, sizes, _bold_width if bold else fonts.text_width)
    return Text(box, [value], [[value]], size, bold=bold, **style)


def footer(briefing: Briefing, number: int, total: int) -> list[Text | Picture | Fill]:
    """The source and data date, and the page number: on every page, so a photo of one slide still says where it is from."""
    rule = Fill(L.Box(L.MARGIN, L.FOOTER_RULE_Y, L.CONTENT_W, 0.01), "C9CED6")
    source_box = L.Box(L.FOOTER.x, L.FOOTER.y, L.FOOTER.w - L.PAGE_NUMBER_W, L.FOOTER.h)
    page_box = L.Box(L.FOOTER.x + L.FOOTER.w - L.PAGE_NUMBER_W, L.FOOTER.y, L.PAGE_NUMBER_W, L.FOOTER.h)
    sizes = (L.FOOTER_SIZE, L.FOOTER_SIZE - 1, L.FOOTER_SIZE - 2)
    return [
        rule,
        line(source_box, briefing.source, sizes, color=L.GREY, role="footer"),
        line(page_box, f"{number} / {total}", (L.FOOTER_SIZE,), color=L.GREY, align="right", role="page"),
    ]


def _cover(briefing: Briefing) -> list[Text | Picture | Fill]:
    """The written summary opens the briefing, under its title and dates; the summary gets what the title leaves."""
    title = text(L.COVER_TITLE, [briefing.title], L.COVER_TITLE_SIZES, bold=True, role="title")
    dates_y = L.COVER_TITLE.y + title.height + 0.2
    dates = line(L.Box(L.MARGIN, dates_y, L.CONTENT_W, 0.5), briefing.dates, (24, 22, 20), color=L.GREY, role="subtitle")
    summary_y = dates_y + L.line_height(dates.size) + 0.3
    summary = L.Box(L.MARGIN, summary_y, L.CONTENT_W, L.BODY.bottom - summary_y)
    return [Fill(L.Box(0, 0, L.PAGE_W, 0.3), L.ACCENT), title, dates, text(summary, briefing.summary, L.SUMMARY_SIZES)]


def _figures(slide: Slide) -> list[Text | Picture | Fill]:
    """Headline figures as big numbers on cards, each with its label; one type size for all numbers."""
    cells = L.figure_cells(len(slide.figures))
    cards = [L.Box(c.x + CARD_INSET, c.y + CARD_INSET, c.w - 2 * CARD_INSET, c.h - 2 * CARD_INSET) for c in cells]
    size = min(
        (
            L.fit_line(value, card.w - 0.3, L.NUMBER_SIZES, _bold_width)
            for card, (_, value) in zip(cards, slide.figures, strict=True)
        ),
        default=L.NUMBER_SIZES[0],
    )
    items: list[Text | Picture | Fill] = []
    number_h, caption_h = L.line_height(size), L.line_height(L.FIGURE_LABEL_SIZE)
    for card, (label, value) in zip(cards, slide.figures, strict=True):
        top = card.y + (card.h - number_h - caption_h) / 2  # the number and its label centred as a pair
        number = L.Box(card.x + 0.15, top, card.w - 0.3, number_h)
        caption = L.Box(card.x + 0.15, top + number_h, card.w - 0.3, caption_h)
        items += [
            Fill(card, CARD_FILL, rounded=True),
            Text(number, [value], [[value]], size, bold=True, color=L.NUMBER_INK, align="center", role="figure"),
            line(caption, label, (L.FIGURE_LABEL_SIZE, 18, 16), color=L.GREY, align="center", role="label"),
        ]
    if slide.bullets:
        items.append(text(L.FIGURE_TEXT, slide.bullets, L.BODY_SIZES[3:]))
    return items


def _chart(slide: Slide, size: tuple[int, int] | None, lang: str) -> list[Text | Picture | Fill]:
    """The chart as large as the body allows (text under it, if the slide has any); a message when there is no chart."""
    if size is None:
        return [text(L.BODY, slide.bullets or [t("brief_files.no_chart", lang)], L.BODY_SIZES)]
    body, items = L.BODY, []
    if slide.bullets:
        note = L.Box(L.BODY.x, L.BODY.bottom - 1.0, L.BODY.w, 1.0)
        items.append(text(note, slide.bullets, L.BODY_SIZES[4:]))
        body = L.Box(L.BODY.x, L.BODY.y, L.BODY.w, L.BODY.h - 1.15)
    return [Picture(L.contain(*size, body), slide.key, slide.title), *items]


def _body(slide: Slide, image_size: tuple[int, int] | None, lang: str, chart_slide: bool) -> list[Text | Picture | Fill]:
    if slide.figures:
        return _figures(slide)
    if chart_slide:
        return _chart(slide, image_size, lang)
    return [text(L.BODY, slide.bullets or [t("brief.none", lang)], L.BODY_SIZES, bullet=bool(slide.bullets))]


def image_sizes(images: Mapping[str, bytes]) -> dict[str, tuple[int, int]]:
    """Each PNG's width and height in pixels (read from its header, not decoded)."""
    return {key: Image.open(io.BytesIO(png)).size for key, png in images.items()}


def layout_pages(
    briefing: Briefing,
    image_sizes: Mapping[str, tuple[int, int]],
    total: int | None = None,
    chart_keys: frozenset[str] = CHART_KEYS,
) -> list[Page]:
    """Every slide of ``briefing`` as a page; ``image_sizes`` gives each rendered chart's pixel size by slide key.

    ``total`` is the page count the footers show (the PDF adds notes pages). A slide in ``chart_keys`` whose
    chart is missing (no data in the period) says so instead of showing a blank.
    """
    total = total or len(briefing.slides)
    pages = []
    for number, slide in enumerate(briefing.slides, start=1):
        if slide.key == "title":
            items = _cover(briefing)
        else:
            items = [
                Fill(L.ACCENT_BAR, L.ACCENT),
                text(L.TITLE, [slide.title], L.TITLE_SIZES, bold=True, role="title"),
                line(L.SUBTITLE, slide.subtitle, (L.SUBTITLE_SIZE, 18, 16), color=L.GREY, role="subtitle"),
                *_body(slide, image_sizes.get(slide.key), briefing.lang, slide.chart is not None or slide.key in chart_keys),
            ]
        pages.append(Page(slide.key, number, [*items, *footer(briefing, number, total)], slide.notes))
    return pages
