"""The briefing as a PowerPoint deck (16:9): native, editable text and tables, charts as sharp pictures, speaker notes.

Each slide uses the "Title Only" layout, so its title is a real title (the
outline view, screen readers and "go to slide" list it); everything else is a
text box or a table the district office can still edit.

Fonts: the deck names 微软雅黑 (Microsoft YaHei), which every Windows office PC
has, for Latin and East Asian text (``a:latin`` and ``a:ea``; python-pptx names
only the first), marked as a GB2312 face so a machine without it substitutes a
Simplified Chinese one. Noto Sans CJK SC stays the font of the chart pictures
and of the PDF, which embed it; text is fitted with Noto's widths, whose Han
characters are one em wide as YaHei's are.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PptxPresentation
from pptx.slide import Slide as PptxSlide
from pptx.text.text import TextFrame, _Run
from pptx.util import Emu, Inches, Pt

from dashboard.briefing import layout as L
from dashboard.briefing.compose import image_sizes, layout_pages
from dashboard.briefing.content import Briefing
from dashboard.briefing.pages import BULLET_INDENT, Fill, Grid, Item, Page, Picture, Text

TITLE_ONLY = 5  # index of "Title Only" in python-pptx's default template
DECK_FONT = "Microsoft YaHei"  # 微软雅黑: on every Windows office PC
GB2312_CHARSET = "-122"  # tells Office the face is Simplified Chinese, for substitution where it is missing
CELL_PAD = 0.08
ONE_LINE = frozenset({"figure", "label", "subtitle", "footer", "page", "org", "meeting"})
ALIGN = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}
LANG_TAGS = {"zh": "zh-CN", "en": "en-GB"}
# Names in PowerPoint's selection pane, so whoever edits the deck (or a test) can tell the boxes apart.
SHAPE_NAMES = {
    "subtitle": "Subtitle",
    "body": "Text",
    "figure": "Figure",
    "label": "Figure label",
    "detail": "Figure comparison",
    "org": "Reporting body",
    "meeting": "Meeting",
    "footer": "Footer",
    "page": "Slide number",
}


def style_run(run: _Run, size: float, *, bold: bool = False, color: str = L.INK, lang: str = "zh") -> None:
    """Size, weight, colour and the CJK font for Latin *and* East Asian characters of one run."""
    font = run.font
    font.size, font.bold = Pt(size), bold
    font.color.rgb = RGBColor.from_string(color)
    font.name = DECK_FONT  # the a:latin element
    r_pr = run._r.get_or_add_rPr()
    r_pr.set("lang", LANG_TAGS.get(lang, "zh-CN"))
    r_pr.set("altLang", "en-US" if lang == "zh" else "zh-CN")
    previous = r_pr.find(qn("a:latin"))
    for tag in ("a:ea", "a:cs"):  # schema order: latin, ea, cs
        element = r_pr.find(qn(tag))
        if element is None:
            element = etree.SubElement(r_pr, qn(tag))
            previous.addnext(element)
        element.set("typeface", DECK_FONT)
        if tag == "a:ea":
            element.set("charset", GB2312_CHARSET)
        previous = element


def _bullet(paragraph, indent: float) -> None:
    """A real bullet with a hanging indent (wrapped lines align with the text, not the bullet)."""
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.set("marL", str(Emu(Inches(indent))))
    p_pr.set("indent", str(-Emu(Inches(indent))))
    etree.SubElement(p_pr, qn("a:buFont")).set("typeface", DECK_FONT)  # schema order: buFont, then buChar
    etree.SubElement(p_pr, qn("a:buChar")).set("char", "•")


def fill_text(frame: TextFrame, item: Text, lang: str) -> None:
    """Write ``item``'s paragraphs into ``frame`` at its fitted size; no autofit, no inner margins (the layout has them)."""
    frame.clear()
    frame.word_wrap = item.role not in ONE_LINE  # a one-line box never wraps: a wider viewer font runs on, not down
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = Emu(0)
    for number, value in enumerate(item.paragraphs):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.alignment = ALIGN[item.align]
        paragraph.line_spacing = Pt(item.size * L.LINE_SPACING)  # exact: a multiple would apply to Noto's tall line box
        paragraph.space_after = Pt(item.size * L.LINE_SPACING * L.PARAGRAPH_GAP)
        if item.bullet:
            _bullet(paragraph, BULLET_INDENT)
        run = paragraph.add_run()
        run.text = value
        style_run(run, item.size, bold=item.bold, color=item.color, lang=lang)


def _place(shape, box: L.Box) -> None:
    shape.left, shape.top, shape.width, shape.height = Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h)


def _cell(cell, value: str, size: float, *, bold: bool, color: str, fill: str, align: str, lang: str, wrap: bool = False) -> None:
    """One table cell: its fill, its text at the layout's size; body cells on one line (the layout sized them for it)."""
    cell.fill.solid()
    cell.fill.fore_color.rgb = RGBColor.from_string(fill)
    cell.margin_left = cell.margin_right = Inches(CELL_PAD)
    cell.margin_top = cell.margin_bottom = Emu(0)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame = cell.text_frame
    frame.clear()
    frame.word_wrap = wrap
    paragraph = frame.paragraphs[0]
    paragraph.alignment = ALIGN[align]
    run = paragraph.add_run()
    run.text = value
    style_run(run, size, bold=bold, color=color, lang=lang)


def _table(slide: PptxSlide, item: Grid, lang: str) -> None:
    """A native table: the office can correct a figure or re-sort rows in PowerPoint itself."""
    box = item.box
    shape = slide.shapes.add_table(
        len(item.rows) + 1, len(item.widths), Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h)
    )
    shape.name = "Ranking table"
    table = shape.table
    table.first_row, table.horz_banding = True, False
    for number, width in enumerate(item.widths):
        table.columns[number].width = Inches(width)
    table.rows[0].height = Inches(item.header_h)
    for j, value in enumerate(item.header):
        _cell(
            table.cell(0, j),
            value,
            item.header_size,
            bold=True,
            color="FFFFFF",
            fill=item.header_fill,
            align="center",
            lang=lang,
            wrap=True,
        )
    for i, row in enumerate(item.rows, start=1):
        table.rows[i].height = Inches(item.row_h)
        for j, value in enumerate(row):
            fill, align = item.fills[i - 1], item.align[j]
            _cell(table.cell(i, j), value, item.size, bold=item.bold[i - 1], color=L.INK, fill=fill, align=align, lang=lang)


def _draw(slide: PptxSlide, item: Item, images: Mapping[str, bytes], lang: str) -> None:
    shapes = slide.shapes
    if isinstance(item, Grid):
        _table(slide, item, lang)
    elif isinstance(item, Fill):
        shape = shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE if item.rounded else MSO_SHAPE.RECTANGLE,
            Inches(item.box.x),
            Inches(item.box.y),
            Inches(item.box.w),
            Inches(item.box.h),
        )
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(item.color)
        shape.line.fill.background()
        shape.shadow.inherit = False
        if item.rounded:
            shape.adjustments[0] = 0.08
    elif isinstance(item, Picture):
        box = item.box
        picture = shapes.add_picture(io.BytesIO(images[item.key]), Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h))
        # Alt text for screen readers (python-pptx has no API for it).
        picture._element.nvPicPr.cNvPr.set("descr", item.alt)  # type: ignore[union-attr]  # python-pptx types it as a descriptor
        picture.name = f"Chart {item.key}"
    elif item.role == "title":
        title = shapes.title
        assert title is not None, "the Title Only layout has a title placeholder"
        _place(title, item.box)
        fill_text(title.text_frame, item, lang)
    else:
        textbox = shapes.add_textbox(Inches(item.box.x), Inches(item.box.y), Inches(item.box.w), Inches(item.box.h))
        textbox.name = SHAPE_NAMES.get(item.role, textbox.name)
        fill_text(textbox.text_frame, item, lang)


def _notes(slide: PptxSlide, page: Page, lang: str) -> None:
    """The speaker notes: what the presenter says, with the figures spelled out."""
    frame = slide.notes_slide.notes_text_frame
    assert frame is not None, "python-pptx's notes master has a notes placeholder"
    frame.text = page.notes
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            style_run(run, L.NOTES_SIZE, lang=lang)


def build_deck(briefing: Briefing, images: Mapping[str, bytes]) -> PptxPresentation:
    """The deck: one slide per ``briefing.slides``; ``images`` are the charts' PNGs by slide key."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(L.PAGE_W), Inches(L.PAGE_H)
    props = deck.core_properties
    props.title, props.subject, props.language = briefing.title, briefing.dates, LANG_TAGS.get(briefing.lang, "zh-CN")
    props.author = props.last_modified_by = "Ju products dashboard"
    props.comments = briefing.source
    layout = deck.slide_layouts[TITLE_ONLY]
    for page in layout_pages(briefing, image_sizes(images)):
        slide = deck.slides.add_slide(layout)
        for item in page.items:
            _draw(slide, item, images, briefing.lang)
        _notes(slide, page, briefing.lang)
    return deck


def deck_bytes(briefing: Briefing, images: Mapping[str, bytes]) -> bytes:
    """The deck as .pptx bytes."""
    out = io.BytesIO()
    build_deck(briefing, images).save(out)
    return out.getvalue()
