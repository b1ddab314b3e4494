"""The CJK font of the briefing files: found once, shared by the PDF, the deck's text fitting and vl-convert.

Debian's fonts-noto-cjk ships one collection (.ttc) per weight holding the
Japanese, Korean, Simplified and Traditional Chinese faces; the face is chosen
by its family name, not by a hard-coded number, because the order differs
between packagings (index 2 is Simplified Chinese in Debian 12's package).
Other systems ship single-language .otf files, which are tried next.

Noto Sans CJK has no emoji: a community called "幸福🌸社区" would print a blank in the PDF. A
monochrome emoji font (Debian's fonts-symbola, else Noto Emoji) is the PDF's fallback for the
glyphs the CJK face lacks, when one is installed; without one the PDF is still made, with blanks.
Colour emoji fonts (Noto Color Emoji's bitmaps) are not tried: fpdf2 would embed them as Type 3 fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTCollection
from PIL import ImageFont

from dashboard import config

FAMILY = "Noto Sans CJK SC"  # the face of the chart pictures and the PDF (the deck names 微软雅黑), picked from a collection
FONT_DIRS = config.CJK_FONT_DIRS
FILE_NAMES = {
    "regular": ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf"),
    "bold": ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansSC-Bold.otf"),
}


EMOJI_DIRS = (
    Path("/usr/share/fonts/truetype/ancient-scripts"),  # Debian/Ubuntu fonts-symbola
    Path("/usr/share/fonts/gdouros-symbola"),  # Fedora
    Path("/usr/share/fonts/TTF"),  # Arch
    *FONT_DIRS,
)
EMOJI_FILE_NAMES = ("Symbola_hint.ttf", "Symbola.ttf", "NotoEmoji-Regular.ttf")


class FontMissing(RuntimeError):
    """No CJK font: without one every Chinese character would come out as an empty box."""


@dataclass(frozen=True)
class FontFile:
    """A font file and the face inside it (0 unless it is a collection)."""

    path: Path
    index: int = 0


def _face_index(path: Path, family: str = FAMILY) -> int:
    """The number of the face called ``family`` in a collection (0 for a single font)."""
    if path.suffix.lower() != ".ttc":
        return 0
    collection = TTCollection(str(path), lazy=True)
    for number, face in enumerate(collection.fonts):
        if face["name"].getDebugName(1) == family:
            return number
    raise FontMissing(f"{path} holds no {family} face")


@cache
def cjk_font(weight: str = "regular") -> FontFile:
    """The Simplified Chinese Noto Sans face of ``weight`` ("regular" or "bold")."""
    for folder in FONT_DIRS:
        for name in FILE_NAMES[weight]:
            path = folder / name
            if path.is_file():
                return FontFile(path, _face_index(path))
    raise FontMissing(f"{FAMILY} ({weight}) not found in {', '.join(map(str, FONT_DIRS))}: install fonts-noto-cjk")


@cache
def emoji_font() -> Path | None:
    """A monochrome font with emoji glyphs for the PDF's fallback, or None when none is installed."""
    for folder in EMOJI_DIRS:
        for name in EMOJI_FILE_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None


@cache
def _pil_font(weight: str, size: float) -> ImageFont.FreeTypeFont:
    font = cjk_font(weight)
    return ImageFont.truetype(str(font.path), size=size * 10, index=font.index)  # 10x: sub-pixel widths


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width in inches of ``text`` set at ``size`` points: how the deck decides what fits on a slide."""
    return _pil_font("bold" if bold else "regular", size).getlength(text) / 10 / 72


def bold_width(text: str, size: float) -> float:
    """:func:`text_width` in the bold face."""
    return text_width(text, size, bold=True)
