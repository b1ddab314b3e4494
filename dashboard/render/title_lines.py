"""A chart title broken into lines that fit a narrow column, and a wide chart's title and subtitle at a tablet's width.

Vega draws a title on one line and cuts it with "…" where it does not fit: at 1280 px the Overview's
chart beside the map is about 320 px wide, so "Named communities against the year's target" lost its
end. The width a title takes is estimated from its characters (CJK and full-width ones a whole font size
wide, others about half), and a long title is broken into lines of at most ``LINE_EM`` font sizes:
after a space or a CJK punctuation mark where one falls late enough in the line, else between CJK
characters (never inside a Latin word, nor before a closing mark such as "：", which hangs at the line's
end). A chart drawn across the page has its title and subtitle broken at a tablet's width (``WIDE_LINE_EM``,
``WIDE_SUBTITLE_EM``); charts in files keep the builder's lines.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TypeVar

import altair as alt

ChartT = TypeVar("ChartT", bound=alt.TopLevelMixin)

TITLE_LINE_PX = 26  # one more line of the theme's 20 px titles, with its leading
SUBTITLE_LINE_PX = 18  # one more line of the theme's 14 px subtitles
LINE_EM = 15.0  # at the theme's 20 px titles: 300 px; the Overview's narrow column is about 320 px at 1280 px
# A chart across the page: on a tablet held upright the sidebar leaves it 468 px, so a title longer than 440 px
# (22 of its 20 px font sizes) and a subtitle line longer than 434 px (31 of its 14 px sizes) are drawn on more lines.
WIDE_LINE_EM = 22.0
WIDE_SUBTITLE_EM = 31.0
NARROW_EM = 0.6  # a Latin letter, digit or space, on average, in the bold title font
BREAK_AFTER = " ：，；、—"  # where a line ends best
NO_LINE_START = "：，。；、！？）》」』—"  # Chinese line breaking never starts a line with these: they stay on the line before
EARLIEST_BREAK = 0.4  # a preferred break is taken only if the line keeps this share of its width
TOKENS = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|.", re.DOTALL)  # a Latin word, or one character


def width_em(text: str) -> float:
    """The width of ``text`` in font sizes (an estimate that errs on the wide side for Latin text)."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else NARROW_EM for c in text)


def _split(line: str, line_em: float) -> tuple[str, str]:
    """A full ``line`` cut at its last good break: (what stays, what moves on); ("", line) when none is good."""
    for at in range(len(line), 0, -1):
        if line[at - 1] in BREAK_AFTER and width_em(line[:at]) >= EARLIEST_BREAK * line_em:
            return line[:at].rstrip(), line[at:].lstrip()
    return "", line


def title_lines(text: str, line_em: float = LINE_EM) -> str | list[str]:
    """``text`` unchanged when it fits one line, else its lines."""
    if width_em(text) <= line_em:
        return text
    lines: list[str] = []
    line = ""
    for token in TOKENS.findall(text):
        if line.strip() and token not in NO_LINE_START and width_em((line + token).rstrip()) > line_em:
            kept, line = _split(line, line_em)
            if not kept:  # no good break: end the line here, before the token
                kept, line = line.rstrip(), ""
            lines.append(kept)
            line = line.lstrip()
        line += token
    if line.strip():
        lines.append(line.strip())
    return lines


def with_title_lines(chart: ChartT, line_em: float = LINE_EM, subtitle_em: float | None = None) -> ChartT:
    """``chart`` with its title in lines of ``line_em`` and, given ``subtitle_em``, each subtitle line too (else the
    subtitle's lines stay the builder's).

    The chart grows by each added line: Streamlit fits title, axes and legend into the chart's height, so without
    it the bars would give up the room (a district's funnel, one bar high, was left with none).
    """
    title = getattr(chart, "title", alt.Undefined)
    lined: str | list[str] | alt.TitleParams
    if isinstance(title, str):
        text = title_lines(title, line_em)
        lined, added = text, _added(text) * TITLE_LINE_PX
    elif isinstance(title, alt.TitleParams) and isinstance(title.text, str | list):
        lined = title.copy()
        added = 0
        if isinstance(title.text, str):  # a list is the builder's own lines, in the height it gave the chart
            text = title_lines(title.text, line_em)
            lined.text, added = text, _added(text) * TITLE_LINE_PX
        subtitle = title.subtitle
        if subtitle_em is not None and isinstance(subtitle, str | list):
            written = [subtitle] if isinstance(subtitle, str) else [str(line) for line in subtitle]
            broken = [part for line in written for part in _as_list(title_lines(line, subtitle_em))]
            lined.subtitle = broken
            added += (len(broken) - len(written)) * SUBTITLE_LINE_PX
    else:
        return chart
    height = getattr(chart, "height", alt.Undefined)
    if added and isinstance(height, int):
        return chart.properties(title=lined, height=height + added)
    return chart.properties(title=lined)


def _as_list(text: str | list[str]) -> list[str]:
    return text if isinstance(text, list) else [text]


def _added(text: str | list[str]) -> int:
    """The lines a title takes beyond its first."""
    return len(text) - 1 if isinstance(text, list) else 0
