"""The briefing as a PDF: the deck's slides as 16:9 pages, then the speaker notes, with the CJK font embedded.

fpdf2 embeds only the glyphs used (a subset of Noto Sans CJK SC), so the file
stays small and reads the same on a machine without any Chinese font. The
pages are drawn from the same layout as the deck (``pages.layout_pages``);
the notes follow as flowing text for whoever reads the briefing instead of
hearing it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

from fpdf import FPDF

from dashboard.briefing import fonts
from dashboard.briefing import layout as L
from dashboard.briefing.compose import footer, image_sizes, layout_pages
from dashboard.briefing.content import Briefing
from dashboard.briefing.pages import BULLET_INDENT, Fill, Grid, Page, Picture, Text
from dashboard.i18n import t

FAMILY = "NotoSansCJK"
EMOJI_FAMILY = "EmojiFallback"  # fonts.emoji_font(): the glyphs Noto Sans CJK lacks (emoji in community names)
ALIGN = {"left": "L", "center": "C", "right": "R"}
NOTES_HEADING_SIZE = 15
NOTES_TEXT_SIZE = 13
NOTES_BLOCK_GAP = 0.18  # inches above each slide's heading
NOTES_BOX = L.Box(L.MARGIN, 1.3, L.CONTENT_W, L.FOOTER_RULE_Y - 0.15 - 1.3)


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def new_document(briefing: Briefing) -> FPDF:
    """An empty 13.333 x 7.5 in document with the CJK font (regular and bold) registered and its metadata set."""
    pdf = FPDF(orientation="L", unit="in", format=(L.PAGE_H, L.PAGE_W))
    pdf.set_auto_page_break(False)
    pdf.set_margins(L.MARGIN, L.MARGIN, L.MARGIN)
    for style, weight in (("", "regular"), ("B", "bold")):
        font = fonts.cjk_font(weight)
        pdf.add_font(FAMILY, style, fname=str(font.path), collection_font_number=font.index)
    emoji = fonts.emoji_font()
    if emoji is not None:  # one weight only: bold text borrows the regular emoji (exact_match=False)
        pdf.add_font(EMOJI_FAMILY, "", fname=str(emoji))
        pdf.set_fallback_fonts([EMOJI_FAMILY], exact_match=False)
    pdf.set_title(briefing.title)
    pdf.set_subject(briefing.dates)
    pdf.set_keywords(briefing.source)
    pdf.set_creator("Ju products dashboard")
    pdf.set_lang("zh-CN" if briefing.lang == "zh" else "en-GB")
    return pdf


def _draw_text(pdf: FPDF, item: Text) -> None:
    """Draw the lines the layout wrapped (the same breaks the deck was sized for)."""
    pdf.set_font(FAMILY, "B" if item.bold else "", item.size)
    pdf.set_text_color(*_rgb(item.color))
    step = L.line_height(item.size)
    y = item.box.y
    indent = BULLET_INDENT if item.bullet else 0.0
    for lines in item.lines:
        for number, value in enumerate(lines):
            if item.bullet and number == 0:
                pdf.set_xy(item.box.x, y)
                pdf.cell(indent, step, "•")
            pdf.set_xy(item.box.x + indent, y)
            pdf.cell(item.box.w - indent, step, value, align=ALIGN[item.align])
            y += step
        y += step * L.PARAGRAPH_GAP


def _draw_grid(pdf: FPDF, item: Grid) -> None:
    """The table's cells: the header on the accent colour, each body row on its fill, thin rules between rows."""
    pad = 0.08
    y = item.box.y
    heights = [item.header_h] + [item.row_h] * len(item.rows)
    for number, height in enumerate(heights):
        x = item.box.x
        fill = item.header_fill if number == 0 else item.fills[number - 1]
        pdf.set_fill_color(*_rgb(fill))
        pdf.rect(x, y, item.box.w, height, style="F")
        for column, width in enumerate(item.widths):
            if number == 0:
                lines, size, bold, color, align = item.header_lines[column], item.header_size, True, "FFFFFF", "center"
            else:
                lines, size = [item.rows[number - 1][column]], item.size
                bold, color, align = item.bold[number - 1], L.INK, item.align[column]
            pdf.set_font(FAMILY, "B" if bold else "", size)
            pdf.set_text_color(*_rgb(color))
            step = L.line_height(size)
            top = y + (height - step * len(lines)) / 2
            for k, value in enumerate(lines):
                pdf.set_xy(x + pad, top + k * step)
                pdf.cell(width - 2 * pad, step, value, align=ALIGN[align])
            x += width
        y += height
        pdf.set_draw_color(*_rgb("C9CED6"))
        pdf.set_line_width(0.01)
        pdf.line(item.box.x, y, item.box.x + item.box.w, y)


def draw_page(pdf: FPDF, page: Page, images: Mapping[str, bytes]) -> None:
    """One slide as one page: fills first, then pictures and text, in the layout's order."""
    pdf.add_page()
    for item in page.items:
        box = item.box
        if isinstance(item, Grid):
            _draw_grid(pdf, item)
        elif isinstance(item, Fill):
            pdf.set_fill_color(*_rgb(item.color))
            pdf.rect(box.x, box.y, box.w, box.h, style="F", round_corners=item.rounded, corner_radius=0.12)
        elif isinstance(item, Picture):
            pdf.image(io.BytesIO(images[item.key]), box.x, box.y, box.w, box.h, alt_text=item.alt)
        else:
            _draw_text(pdf, item)


@dataclass(frozen=True)
class _Row:
    """One line of the notes: a slide's heading or a wrapped line of what is said on it."""

    text: str
    size: float
    bold: bool
    gap_before: float  # inches


def _note_blocks(briefing: Briefing) -> list[list[_Row]]:
    """Per slide: its heading, then what is said on it, wrapped."""
    blocks = []
    for number, slide in enumerate(briefing.slides, start=1):
        heading = t("brief_files.notes_slide", briefing.lang, number=number, title=slide.title)
        lines = L.wrap(slide.notes or "—", NOTES_BOX.w * L.FIT_SLACK, NOTES_TEXT_SIZE, fonts.text_width)
        blocks.append(
            [
                _Row(heading, NOTES_HEADING_SIZE, True, NOTES_BLOCK_GAP),
                *(_Row(value, NOTES_TEXT_SIZE, False, 0.0) for value in lines),
            ]
        )
    return blocks


def _height(rows: list[_Row]) -> float:
    return sum(row.gap_before + L.line_height(row.size) for row in rows)


def _paginate(blocks: list[list[_Row]]) -> list[list[_Row]]:
    """Blocks split into pages: a slide's notes stay on one page when they fit on one, and a heading never ends a page."""
    sheets: list[list[_Row]] = [[]]
    for block in blocks:
        if sheets[-1] and _height(sheets[-1]) + _height(block) > NOTES_BOX.h and _height(block) <= NOTES_BOX.h:
            sheets.append([])
        for number, row in enumerate(block):
            following = block[number + 1 : number + 2] if row.bold else []
            if sheets[-1] and _height([*sheets[-1], row, *following]) > NOTES_BOX.h:
                sheets.append([])
            sheets[-1].append(row)
    return sheets


def _draw_notes(pdf: FPDF, briefing: Briefing, sheet: list[_Row], number: int, total: int) -> None:
    """A notes page, labelled as one ("讲稿备注 1 / 2"): page numbers count slides only."""
    title = L.Box(L.TITLE.x, L.TITLE.y, L.TITLE.w, 0.7)
    items = [
        Fill(L.ACCENT_BAR, L.ACCENT),
        Text(
            title,
            [t("brief_files.notes_title", briefing.lang)],
            [[t("brief_files.notes_title", briefing.lang)]],
            L.TITLE_SIZES[-1],
            bold=True,
            role="title",
        ),
        *footer(briefing, t("brief_files.notes_page", briefing.lang, n=number, total=total)),
    ]
    draw_page(pdf, Page("notes", number, items), {})
    y = NOTES_BOX.y
    for row in sheet:
        y += row.gap_before
        pdf.set_font(FAMILY, "B" if row.bold else "", row.size)
        pdf.set_text_color(*_rgb(L.INK if row.bold else L.GREY))
        pdf.set_xy(NOTES_BOX.x, y)
        pdf.cell(NOTES_BOX.w, L.line_height(row.size), row.text)
        y += L.line_height(row.size)


def pdf_bytes(briefing: Briefing, images: Mapping[str, bytes]) -> bytes:
    """The PDF: every slide (numbered "n / slides"), then the speaker notes pages ("讲稿备注 n / notes pages")."""
    sheets = _paginate(_note_blocks(briefing))
    pdf = new_document(briefing)
    for page in layout_pages(briefing, image_sizes(images)):
        draw_page(pdf, page, images)
    for number, sheet in enumerate(sheets, start=1):
        _draw_notes(pdf, briefing, sheet, number, len(sheets))
    return bytes(pdf.output())
