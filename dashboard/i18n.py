"""Translations and number/date formats for Chinese and English readers.

Messages live in ``messages/*.toml``, one catalogue per concern (validation,
ui, maps, charts, ...), each entry a table with ``en`` and ``zh`` (and ``en_one``
where English needs a singular for ``count == 1``). A missing
translation is a test failure, never a silent fallback in production.
"""

from __future__ import annotations

import math
import numbers
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

LANGS = ("zh", "en")


def pd_isna(value: object) -> bool:
    """True for None, NaN and pandas' NA and NaT (a missing figure)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # noqa: PLR0124 - NaN and NaT are the values unequal to themselves
    except TypeError:  # pd.NA: comparing it gives NA, which has no truth value
        return True


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
    return _form(texts, lang, values.get("count")).format(**values) if values else texts.get(lang) or texts["en"]


def _is_one(count: object) -> bool:
    """Exactly one: the number 1 (1.0 too, as pandas' sums give it), or "1" as written ("1.0" is not: "1.0 points")."""
    if isinstance(count, str):
        return count == "1"
    return isinstance(count, numbers.Real) and not isinstance(count, bool) and count == 1


def _form(texts: Mapping[str, str], lang: str, count: object) -> str:
    """The text for ``count``: the ``<lang>_one`` form for exactly one (English "1 community"), else ``<lang>``."""
    if _is_one(count) and f"{lang}_one" in texts:  # a count may come as a number or formatted
        return texts[f"{lang}_one"]
    return texts.get(lang) or texts["en"]


def fmt_count(count: float | None, noun: str, lang: str, shown: str | None = None) -> str:
    """A count with its noun, singular or plural as the number asks: "1 problem", "3 problems", "3 个问题".

    The one formatter for counts in running text; the nouns are ``messages/counts.toml``. A missing count is "—".
    ``shown`` is the number as the caller writes it ("15.9万", "1.4 million", "82.3"), else :func:`fmt_int`'s;
    the noun's form follows what is shown, so 1.0 reads "1 community" and a score of 1.0 "1.0 points".

    >>> fmt_count(1, "communities", "en"), fmt_count(1200, "communities", "en"), fmt_count(2, "communities", "zh")
    ('1 community', '1,200 communities', '2 个社区')
    """
    if count is None or pd_isna(count):
        return "—"
    written = fmt_int(count, lang) if shown is None else shown
    return _form(catalogue()[f"counts.{noun}"], lang, written).format(count=written)


def not_a_figure(value: object) -> bool:
    """True for what no figure may show: None, NaN, pandas' NA and NaT, and ±inf (a share of a target of 0)."""
    if value is None or pd_isna(value):
        return True
    try:
        return not math.isfinite(value)  # type: ignore[arg-type]
    except TypeError:  # a date or text: not a number, so not infinite either
        return False


def unknown(reason: str, lang: str) -> str:
    """A figure that cannot be computed, in words: ``reason`` is "no_data", "no_target" or "zero_target"."""
    return t(f"not_computable.{reason}", lang)


def fmt_int(value: float | int | None, lang: str, missing: str = "—") -> str:
    """A whole number with thousands separators; ``missing`` ("—", or words from :func:`unknown`) when there is none."""
    if not_a_figure(value):
        return missing
    return f"{round(value):,}"  # type: ignore[arg-type]


def fmt_num(value: float | None, lang: str, digits: int = 1, missing: str = "—") -> str:
    """A decimal number with thousands separators; ``missing`` when there is none."""
    if not_a_figure(value):
        return missing
    return f"{value:,.{digits}f}"


def fmt_pct(share: float | None, lang: str, digits: int = 0, missing: str = "—") -> str:
    """A share (0.42) as a percentage ("42%"); ``missing`` when there is none (a target of 0 gives none)."""
    if not_a_figure(share):
        return missing
    return f"{share * 100:,.{digits}f}%"  # type: ignore[operator]


def fmt_date(day: date | None, lang: str, missing: str = "—") -> str:
    """A date the way each reader writes it: 2025年3月5日 / 5 Mar 2025; ``missing`` for None and NaT."""
    if day is None or pd_isna(day):
        return missing
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day:%b} {day.year}"


def fmt_month(day: date | None, lang: str, missing: str = "—") -> str:
    """A month the way each reader writes it: 2026年10月 / October 2026; ``missing`` for None and NaT."""
    if day is None or pd_isna(day):
        return missing
    return f"{day.year}年{day.month}月" if lang == "zh" else f"{day:%B} {day.year}"


def join_list(items: Iterable[object], lang: str) -> str:
    """Items in a run of text the way each reader lists them: "城东区、城西区" / "Chengdong, Chengxi".

    >>> join_list(["A", "B"], "zh"), join_list(["A", "B"], "en")
    ('A、B', 'A, B')
    """
    return ("、" if lang == "zh" else ", ").join(str(item) for item in items)


def _text(value: object) -> str:
    """A name as text: "" when it is blank or missing (None, NaN, pd.NA: names are always text)."""
    return value if isinstance(value, str) and value.strip() else ""


def community_name(row: Mapping[str, object] | pd.Series, lang: str) -> str:
    """A community's name for a reader of ``lang``: the Chinese name for zh; for en the English
    name, or the Chinese one where the English is missing or blank ("" if both are).

    >>> community_name({"name_zh": "前营街社区", "name_en": None}, "en")
    '前营街社区'
    """
    chinese = _text(row.get("name_zh"))
    return chinese if lang == "zh" else _text(row.get("name_en")) or chinese


def community_names(frame: pd.DataFrame, lang: str) -> pd.Series:
    """:func:`community_name` of every row of ``frame`` (columns name_zh and, optionally, name_en), on its index."""
    chinese = frame["name_zh"].map(_text).astype(object)
    if lang == "zh" or "name_en" not in frame:
        return chinese
    english = frame["name_en"].map(_text).astype(object)
    return english.where(english != "", chinese)
