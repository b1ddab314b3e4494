"""Where things go on a 16:9 briefing page, and how text is wrapped and sized to fit: one layout for deck and PDF.

Positions are in inches on a 13.333 x 7.5 in page (PowerPoint's widescreen
size), so the PPTX and the PDF put every box in the same place. Text is
wrapped here, not by the renderer, in order to choose the largest type that
fits a box: Chinese has no spaces, so a line may break between any two Han
characters, but never inside a number ("159,132") or an English word, and
never before a closing mark such as "，" or "）".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

PAGE_W, PAGE_H = 13.333, 7.5
MARGIN = 0.6
CONTENT_W = PAGE_W - 2 * MARGIN
LINE_SPACING = 1.2  # line height as a multiple of the type size
PARAGRAPH_GAP = 0.45  # extra space after a paragraph, in lines
FIT_SLACK = 0.95  # use 95 % of a box's width: the viewer's font may be a little wider than ours

Measure = Callable[[str, float], float]  # (text, size in pt) -> width in inches


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, in inches from the top left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.y + self.h


ACCENT_BAR = Box(0, 0, PAGE_W, 0.14)
TITLE = Box(MARGIN, 0.32, CONTENT_W, 0.85)
SUBTITLE = Box(MARGIN, 1.17, CONTENT_W, 0.45)
BODY = Box(MARGIN, 1.8, CONTENT_W, 4.95)
FOOTER = Box(MARGIN, 6.95, CONTENT_W, 0.35)
FOOTER_RULE_Y = 6.88
PAGE_NUMBER_W = 1.0

# The title slide: a bigger title lower down (one or two lines), the dates and the written summary under it.
COVER_TITLE = Box(MARGIN, 0.6, CONTENT_W, 1.35)

# Headline figures: a 3 x 2 grid of big numbers, the slide's text under it.
FIGURE_GRID = Box(MARGIN, 1.75, CONTENT_W, 3.3)
FIGURE_COLUMNS = 3
FIGURE_TEXT = Box(MARGIN, 5.2, CONTENT_W, 1.55)

# Sizes in points: the largest that fits wins, never below the last.
TITLE_SIZES = (34, 30, 28, 26, 24)
COVER_TITLE_SIZES = (40, 36, 32, 28, 26, 24)
SUBTITLE_SIZE = 20
BODY_SIZES = (28, 26, 24, 22, 20, 18, 16, 14)
SUMMARY_SIZES = (24, 22, 20, 18, 17, 16, 15, 14)
NUMBER_SIZES = (54, 50, 46, 42, 38, 34, 30, 28)
FIGURE_LABEL_SIZE = 20
FOOTER_SIZE = 11
NOTES_SIZE = 12

INK, GREY, ACCENT, NUMBER_INK = "1F2933", "5F6B7A", "9E1B1B", "08519C"

_HAN = r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_TOKEN = re.compile(rf"[{_HAN}]|[^\s{_HAN}]+|\s+")
NO_LINE_START = set("，。、；：！？）」』”’》〉】…,.;:!?)]%")
NO_LINE_END = set("（「『“‘《〈【([")


def tokens(text: str) -> list[str]:
    """Units a line may break between: one Han character, one run of Latin letters/digits, or spaces.

    Closing marks stick to the unit before them and opening marks to the one after.
    """
    out: list[str] = []
    glue_next = False
    for piece in _TOKEN.findall(text):
        if out and not out[-1].isspace() and not piece.isspace() and (glue_next or piece[0] in NO_LINE_START):
            out[-1] += piece
        else:
            out.append(piece)
        glue_next = not piece.isspace() and piece[-1] in NO_LINE_END
    return out


def wrap(text: str, width: float, size: float, measure: Measure) -> list[str]:
    """``text`` broken into lines no wider than ``width`` inches (a unit wider than a line gets a line of its own)."""
    lines: list[str] = []
    for hard_line in text.split("\n"):
        line = ""
        for unit in tokens(hard_line):
            candidate = line + unit
            if not line or measure(candidate.rstrip(), size) <= width:
                line = candidate
            else:
                lines.append(line.rstrip())
                line = "" if unit.isspace() else unit
        lines.append(line.rstrip())
    return lines


def line_height(size: float) -> float:
    """The distance between baselines, in inches, for type of ``size`` points."""
    return size * LINE_SPACING / 72


def text_height(paragraphs: Sequence[Sequence[str]], size: float) -> float:
    """The height of wrapped paragraphs (lists of lines), with a gap after each but the last."""
    lines = sum(len(p) for p in paragraphs)
    gaps = max(len(paragraphs) - 1, 0) * PARAGRAPH_GAP
    return (lines + gaps) * line_height(size)


@dataclass(frozen=True)
class Fitted:
    """Paragraphs wrapped at the size that fits, and how tall they are."""

    size: float
    paragraphs: list[list[str]]
    height: float


def fit(paragraphs: Sequence[str], box: Box, sizes: Sequence[float], measure: Measure, indent: float = 0.0) -> Fitted:
    """The largest of ``sizes`` at which every paragraph fits ``box`` (else the smallest, which may overflow).

    ``indent`` (inches) is taken from the width, for a bullet's hanging indent.
    """
    fitted = Fitted(sizes[-1], [], 0.0)
    for size in sizes:
        width = (box.w - indent) * FIT_SLACK
        wrapped = [wrap(p, width, size, measure) for p in paragraphs]
        fitted = Fitted(size, wrapped, text_height(wrapped, size))
        if fitted.height <= box.h:
            return fitted
    return fitted


def fit_line(text: str, width: float, sizes: Sequence[float], measure: Measure) -> float:
    """The largest of ``sizes`` at which ``text`` fits on one line of ``width`` inches."""
    for size in sizes:
        if measure(text, size) <= width * FIT_SLACK:
            return size
    return sizes[-1]


def contain(image_w: float, image_h: float, box: Box) -> Box:
    """The largest box of the image's proportions inside ``box``, centred (a chart is never stretched)."""
    scale = min(box.w / image_w, box.h / image_h)
    w, h = image_w * scale, image_h * scale
    return Box(box.x + (box.w - w) / 2, box.y + (box.h - h) / 2, w, h)


def figure_cells(count: int, box: Box = FIGURE_GRID, columns: int = FIGURE_COLUMNS) -> list[Box]:
    """One cell per headline figure, row by row."""
    rows = max(1, -(-count // columns))
    w, h = box.w / columns, box.h / rows
    return [Box(box.x + (i % columns) * w, box.y + (i // columns) * h, w, h) for i in range(count)]
