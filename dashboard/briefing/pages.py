"""What a laid-out slide is made of: boxes of text, pictures, fills and tables, shared by the deck and the PDF.

Deciding the layout in one place (:mod:`compose`) is what makes the PPTX and
the PDF the same slides: the deck turns each :class:`Text` into an editable
text box (its ``paragraphs``, at the fitted ``size``), the PDF draws its
wrapped ``lines``; a :class:`Grid` becomes a native table or drawn cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict, Unpack

from dashboard.briefing import fonts
from dashboard.briefing import layout as L

BULLET_INDENT = 0.4  # inches between the bullet and its text


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


@dataclass(frozen=True)
class Grid:
    """A table: its cells as text, column widths in inches, row heights, the type sizes and each body row's fill.

    The deck makes it a native PowerPoint table (editable, readable by screen
    readers); the PDF draws the same cells.
    """

    box: L.Box
    widths: list[float]
    header: list[str]
    header_lines: list[list[str]]  # each header cell wrapped
    rows: list[list[str]]
    header_h: float
    row_h: float
    size: float
    header_size: float
    fills: list[str]  # one per body row
    bold: list[bool]  # one per body row
    header_fill: str = L.ACCENT
    align: list[str] = field(default_factory=list)  # per column: left, center or right


Item = Text | Picture | Fill | Grid


@dataclass
class Page:
    """One slide, ready to draw."""

    key: str
    number: int
    items: list[Item] = field(default_factory=list)
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
