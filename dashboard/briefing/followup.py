"""存在问题 and 下步工作打算, pre-filled from the data: the gaps in numbers, which the office edits in the deck.

Every line is a sentence about a figure: a district behind the share of the
year gone, with how many activities it still lacks and how many days are left;
communities still at the first stage or silent for 60 days; satisfaction that
fell. The deck keeps them as plain text boxes, so the office can reword them.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from dashboard import config
from dashboard.briefing import wording
from dashboard.briefing.period import Facts
from dashboard.briefing.summary import names
from dashboard.figures import queries
from dashboard.i18n import fmt_pct, join_list, t

LIMIT = 6  # lines a slide holds at a readable size


def _b(key: str, lang: str, **values: object) -> str:
    return t(f"brief.{key}", lang, **values)


def days_left(day: date) -> int:
    return (date(day.year, 12, 31) - day).days


def lagging(f: Facts) -> pd.DataFrame:
    """Districts whose activities reached a smaller share of the annual target than the share of the year gone."""
    p = f.progress
    if p.empty:
        return p
    rate = p["activities_ytd"] / p["target_activities"]
    frame = p.assign(rate=rate, gap=(p["target_activities"] - p["activities_ytd"]).clip(lower=0))
    behind = frame[(frame["target_activities"] > 0) & (frame["rate"] < queries.year_fraction(f.period.end))]
    return behind.sort_values("rate").reset_index(drop=True)


def _who(f: Facts, district: str, lang: str) -> str:
    return wording.self_name(district, lang) if f.period.district else config.label("districts", district, lang)


def _named_gaps(f: Facts, lang: str) -> list[str]:
    p = f.progress[f.progress["target_named_communities"] > f.progress["named"]]
    return [
        _b(
            "gap_named_item",
            lang,
            who=_who(f, r["district"], lang),
            gap=wording.amount(r["target_named_communities"] - r["named"], "communities", lang),
        )
        for _, r in p.iterrows()
    ]


def _sentences(lines: list[str], lang: str) -> list[str]:
    """At most :data:`LIMIT` lines, each starting with a capital in English ("the district" opens some)."""
    return [line[:1].upper() + line[1:] if lang != "zh" else line for line in lines[:LIMIT]]


def problems(f: Facts, lang: str) -> list[str]:
    """存在问题: lagging districts with their gap, named-target gaps, stuck and silent communities, falling satisfaction."""
    day, elapsed = f.period.end, queries.year_fraction(f.period.end)
    lines = [
        _b(
            "problem_lagging",
            lang,
            who=_who(f, r["district"], lang),
            gap=wording.amount(r["gap"], "activities", lang),
            days=wording.amount(days_left(day), "days", lang),
            rate=fmt_pct(r["rate"], lang),
            elapsed=fmt_pct(elapsed, lang),
        )
        for _, r in lagging(f).iterrows()
    ]
    if f.period.district and f.named_target > f.named:
        gap = wording.amount(f.named_target - f.named, "communities", lang)
        lines.append(_b("problem_named_one", lang, who=wording.self_name(f.period.district, lang), gap=gap))
    elif not f.period.district and (gaps := _named_gaps(f, lang)):
        lines.append(_b("problem_named", lang, gaps=join_list(gaps, lang)))
    if applied := f.stage_count("applied"):
        lines.append(_b("problem_applied", lang, count=applied, label=config.label("stages", "applied", lang)))
    if not f.inactive.empty:
        lines.append(_b("problem_inactive", lang, count=len(f.inactive), names=names(f.inactive, lang)))
    if not f.falling.empty:
        lines.append(_b("problem_falling", lang, count=len(f.falling), names=names(f.falling, lang)))
    return _sentences(lines, lang) or [_b("problem_none", lang)]


def next_steps(f: Facts, lang: str) -> list[str]:
    """下步工作打算: what closes each gap, in numbers (activities a week until the year ends, communities to name)."""
    weeks = max(days_left(f.period.end) / 7, 1.0)
    lines = [
        _b(
            "step_lagging",
            lang,
            who=_who(f, r["district"], lang),
            gap=wording.amount(r["gap"], "activities", lang),
            per_week=wording.amount(math.ceil(r["gap"] / weeks), "activities", lang),
        )
        for _, r in lagging(f).iterrows()
    ]
    if f.named_target and f.named < f.named_target:
        lines.append(
            _b(
                "step_named",
                lang,
                assessed=wording.amount(f.stage_count("assessed"), "communities", lang),
                building=wording.amount(f.stage_count("building"), "communities", lang),
                gap=wording.amount(f.named_target - f.named, "communities", lang),
            )
        )
    if applied := f.stage_count("applied"):
        lines.append(_b("step_applied", lang, count=applied))
    if not f.inactive.empty:
        lines.append(_b("step_inactive", lang, count=len(f.inactive)))
    if not f.falling.empty:
        lines.append(_b("step_falling", lang, count=len(f.falling)))
    return _sentences(lines, lang) or [_b("step_none", lang)]
