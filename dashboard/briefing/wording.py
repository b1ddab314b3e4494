"""How a briefing says its figures: units on every number, 万 for large ones, 提高/下降 rather than +/−.

A presenter reads these aloud: "139.7万小时" rather than "1,397,384小时",
"同比增长12.5%" rather than "+12.5%", "1 community" rather than "1 communities".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dashboard import config
from dashboard.briefing.compare import Change
from dashboard.i18n import fmt_count, fmt_int, fmt_num, fmt_pct, not_a_figure, t

WAN = 10_000
WAN_FROM = 100_000  # from six digits on, Chinese figures are said in 万 (159,132 -> 15.9万)
MILLION = 1_000_000
LEVEL_SHARE = 0.0005  # a change that rounds to 0.0 % is "持平" / "level"
LEVEL_POINTS = 0.05
UNITS = ("communities", "activities", "participants", "hours", "points", "days", "subdistricts")


def _b(key: str, lang: str, **values: object) -> str:
    return t(f"brief.{key}", lang, **values)


def number(value: float | None, lang: str, *, large: bool | None = None) -> str:
    """A count as said aloud: 15.9万 / 1.4 million from the thresholds on, else with thousands separators.

    ``large``: True writes the figure in 万 / million whatever its size, as the other figures of its column are.
    """
    if value is None or not_a_figure(value):
        return "—"
    if large is None:
        large = is_large(value, lang)
    if large and lang == "zh":
        return fmt_num(value / WAN, lang) + "万"
    if large:
        return fmt_num(value / MILLION, lang) + " million"
    return fmt_int(value, lang)


def is_large(value: float | None, lang: str) -> bool:
    """Whether ``value`` is said in 万 (from 100,000) or, in English, in millions."""
    if value is None or not_a_figure(value):
        return False
    return abs(value) >= (WAN_FROM if lang == "zh" else MILLION)


def column_is_large(values: Iterable[float | None], lang: str) -> bool:
    """Whether a column's figures are all said in 万 / million: once one of them is, so that they compare at a glance
    (a table's "23.4万" above "70,725" read as the smaller figure)."""
    return any(is_large(value, lang) for value in values)


def amount(value: float | None, name: str, lang: str) -> str:
    """A figure with its unit: "4,236次", "139.7万小时", "82.3分" / "4,236 activities", "1 community".

    The unit comes from ``i18n.fmt_count`` (the nouns ``counts.said_<name>``), so English takes the singular for
    exactly one ("1 community", "1 day") and the plural for anything else ("1.4 million hours", "1.0 points").
    """
    if value is None or not_a_figure(value):  # None, NaN and the inf of a target of 0
        return _b("no_figure", lang)
    shown = fmt_num(value, lang) if name == "points" else number(value, lang)
    return fmt_count(value, f"said_{name}", lang, shown=shown)


def share(value: float | None, lang: str) -> str:
    return fmt_pct(value, lang, missing=_b("no_figure", lang))


def _key(change: Change) -> str:
    return "year" if change.kind == "yoy" else change.unit


def base(change: Change, lang: str) -> str:
    """What the figure is compared with: 去年同期 / 上月 / 上季度 / 上一期 (the same period last year, ...)."""
    return _b(f"cmp_base_{_key(change)}", lang)


def change_text(change: Change | None, lang: str, points: bool = False) -> str:
    """同比增长12.5% / 环比下降0.4分 / 去年同期无数据; "up 12.5% on the same period last year", ..."""
    if change is None:
        return _b("no_figure", lang)
    on, against = _b(f"cmp_on_{_key(change)}", lang), base(change, lang)
    if change.before is None:
        return _b("change_nodata", lang, base=against)
    if not points and not change.before:
        return _b("change_zero", lang, base=against)
    moved = (change.delta or 0.0) if points else (change.ratio or 0.0)
    if abs(moved) < (LEVEL_POINTS if points else LEVEL_SHARE):
        return _b("change_level", lang, on=on)
    kind = "points" if points else "change"
    value = fmt_num(abs(moved), lang) if points else fmt_pct(abs(moved), lang, digits=1)
    return _b(f"{kind}_{'up' if moved > 0 else 'down'}", lang, on=on, value=value)


def month_name(day: date, lang: str) -> str:
    """11月 / November (with the year when it is not the year of ``day``'s context, left to the caller)."""
    return f"{day.month}月" if lang == "zh" else f"{day:%B}"


def self_name(district: str | None, lang: str) -> str:
    """How a district's own deck names it: 本区 / 本县 (the district / the county); the city's: 全市 / the city."""
    if district is None:
        return _b("self_city", lang)
    county = config.label("districts", district, "zh").endswith("县")
    return _b("self_county" if county else "self_district", lang)


def gloss(category: str, lang: str) -> str:
    """An activity's category as a gloss after its title as written: "（文体活动）" / " (Culture and sports)"."""
    label = config.label("categories", category, lang)
    return f"（{label}）" if lang == "zh" else f" ({label})"
