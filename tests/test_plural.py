"""Counts in English read "1 problem" and "2 problems": one plural-aware formatter (i18n.fmt_count) and the
``en_one`` form of every message that counts with ``{count}``, checked over the whole catalogue."""

from __future__ import annotations

import re
import string

import pytest

from dashboard.briefing import wording
from dashboard.i18n import catalogue, fmt_count, fmt_num, not_a_figure, t

# English words ending in "s" that may follow a number without being a plural ("1 stays as it was").
NOT_PLURAL = {"is", "was", "has", "does", "its", "this", "as", "us", "plus", "less", "stays", "names", "ranks", "leads", "looks"}


@pytest.mark.parametrize(
    ("count", "noun", "lang", "expected"),
    [
        (1, "problems", "en", "1 problem"),
        (0, "problems", "en", "0 problems"),
        (2, "communities", "en", "2 communities"),
        (1, "communities", "en", "1 community"),
        (12345, "rows", "en", "12,345 rows"),
        (1, "rows", "zh", "1 行"),
        (3, "problems", "zh", "3 个问题"),
        (None, "rows", "en", "—"),
        (float("nan"), "records", "zh", "—"),
    ],
)
def test_fmt_count(count, noun, lang, expected):
    assert fmt_count(count, noun, lang) == expected


@pytest.mark.parametrize("count", [1, "1"])  # a count passed as a number or already formatted
def test_t_takes_the_singular_for_one(count):
    assert t("ui.ranking_count", "en", count=count) == "1 community"
    assert t("ui.ranking_count", "zh", count=count) == "共 1 个社区"


def test_no_message_says_1_with_a_plural():
    wrong = []
    for key, texts in catalogue().items():
        names = {field[1] for field in string.Formatter().parse(texts.get("en", "")) if field[1]}
        if key.startswith("counts."):
            text = fmt_count(1, key.removeprefix("counts."), "en")
        elif "count" in names:
            text = t(key, "en", **{name: 1 if name == "count" else "X" for name in names})
        else:
            continue
        wrong += [f"{key}: {text}" for match in re.finditer(r"\b1 ([a-z]+s)\b", text) if match.group(1) not in NOT_PLURAL]
    assert not wrong, wrong


def test_the_desk_report_counts_problems_and_rows_each_in_its_number():
    text = t("desk.rejected", "en", count=1, rows=fmt_count(1, "rows", "en"), file="a.csv")
    assert text.startswith("Rejected: 1 problem in 1 row of a.csv.")
    text = t("desk.rejected", "zh", count=3, rows=fmt_count(2, "rows", "zh"), file="a.csv")
    assert text.startswith("未通过：a.csv 中有 2 行，共 3 个问题")


@pytest.mark.parametrize(
    ("value", "unit", "lang", "said"),
    [
        (1, "communities", "en", "1 community"),
        (1.0, "communities", "en", "1 community"),  # a pandas sum
        (1, "days", "en", "1 day"),
        (1, "subdistricts", "en", "1 subdistrict or town"),
        (2, "subdistricts", "en", "2 subdistricts and towns"),
        (1.0, "points", "en", "1.0 points"),  # a score is said with its decimal, and so in the plural
        (1_000_000, "participants", "en", "1.0 million participants"),
        (1, "activities", "zh", "1次"),
        (159_132, "participants", "zh", "15.9万人次"),
        (float("nan"), "communities", "en", "not available"),
    ],
)
def test_the_briefings_figures_are_counted_by_fmt_count(value, unit, lang, said):
    assert wording.amount(value, unit, lang) == said
    if not_a_figure(value):
        return
    shown = fmt_num(value, lang) if unit == "points" else wording.number(value, lang)
    assert said == fmt_count(value, f"said_{unit}", lang, shown=shown)  # the one path, not a second wording


def test_a_whole_float_is_one_and_a_written_decimal_is_not():
    assert fmt_count(1.0, "communities", "en") == "1 community"
    assert t("ui.ranking_count", "en", count=1.0) == "1 community"
    assert t("ui.ranking_count", "en", count="1.0") == "1.0 communities"
    assert t("ui.ranking_count", "en", count=True) != "1 community"
