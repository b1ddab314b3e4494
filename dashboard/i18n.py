"""Translations and number/date formats for Chinese and English readers.

Messages live in ``messages/*.toml``, one catalogue per concern (validation,
ui, maps, charts, ...), each entry a table with ``en`` and ``zh`` (and ``en_one``
where English needs a singular for ``count == 1``). A missing
translation is a test failure, never a silent fallback in production.
"""

from __future__ import annotations

import math
import tomllib
from datetime import date
from functools import cache
from pathlib import Path

LANGS = ("zh", "en")


def pd_isna(value: object) -> bool:
    """True for None and NaN (a missing figure)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


MESSAGES_DIR = Path(__file__).resolve().parent / "messages"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message key → {"en": ..., "zh": ...}, keys prefixed by file name."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(MESSAGES_DIR.glob("*.toml")):
        for key, texts in tomllib.loads(path.read_text(encoding="utf-8")).items():
            merged[f"{path.stem}.{key}"] = texts
    return merged


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang``, with ``{placeholders}`` filled in."""
    texts = catalogue()[key]
    text = texts.get(lang) or texts["en"]
    if values.get("count") == 1 and f"{lang}_one" in texts:  # English singular ("1 community")
        text = texts[f"{lang}_one"]
    return text.format(**values) if values else text


def fmt_int(value: float | int | None, lang: str) -> str:
    """A whole number with thousands separators; "—" when missing."""
    if pd_isna(value):
        return "—"
    return f"{round(value):,}"


def fmt_num(value: float | None, lang: str, digits: int = 1) -> str:
    """A decimal number with thousands separators."""
    if pd_isna(value):
        return "—"
    return f"{value:,.{digits}f}"


def fmt_pct(share: float | None, lang: str, digits: int = 0) -> str:
    """A share (0.42) as a percentage ("42%")."""
    if pd_isna(share):
        return "—"
    return f"{share * 100:.{digits}f}%"


def fmt_date(day: date | None, lang: str) -> str:
    """A date the way each reader writes it: 2025年3月5日 / 5 Mar 2025."""
    if day is None:
        return "—"
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day:%b} {day.year}"
