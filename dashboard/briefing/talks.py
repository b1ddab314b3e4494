"""What the presenter says on each slide: one message and the figures behind it (see :mod:`notes`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dashboard import config
from dashboard.briefing import followup, naming, wording
from dashboard.briefing import summary as text
from dashboard.briefing.notes import Talk
from dashboard.briefing.period import Facts, Period, scope_label
from dashboard.figures import queries
from dashboard.i18n import fmt_pct, t

if TYPE_CHECKING:
    from dashboard.briefing.content import Slide


def _b(key: str, lang: str, **values: object) -> str:
    return t(f"brief.{key}", lang, **values)


def _district(code: str, lang: str) -> str:
    return config.label("districts", code, lang)


def _card(label: str, value: str, details: list[str], lang: str) -> str:
    if not details:
        return f"{label} {value}"
    return f"{label} {value}（{'，'.join(details)}）" if lang == "zh" else f"{label} {value} ({', '.join(details)})"


def ranking_subtitle(ranked: pd.DataFrame, period: Period, lang: str) -> str:
    """How the table is ranked, and where the deck's own district stands (本区位列全市第3)."""
    basis = _b("ranking_basis", lang)
    if period.district is None or ranked.empty or not (ranked["district"] == period.district).any():
        return basis
    rank = int(ranked.loc[ranked["district"] == period.district, "rank"].iloc[0])
    return _b("ranking_own", lang, basis=basis, self=wording.self_name(period.district, lang), rank=rank, total=len(ranked))


def _ranking(ranked: pd.DataFrame, period: Period, lang: str) -> Talk:
    if ranked.empty:
        return Talk(_b("none", lang))
    first, last = ranked.iloc[0], ranked.iloc[-1]
    message = _b(
        "talk_ranking",
        lang,
        first=_district(first["district"], lang),
        first_score=fmt_pct(first["score"], lang),
        last=_district(last["district"], lang),
        last_score=fmt_pct(last["score"], lang),
    )
    figures = [ranking_subtitle(ranked, period, lang)] if period.district else []
    return Talk(message, figures)


def _map(f: Facts, slide: Slide, lang: str) -> Talk:
    data = slide.data if slide.data is not None else pd.DataFrame()
    top = [f"{r.iloc[0]} {wording.amount(r.iloc[1], 'communities', lang)}" for _, r in data.head(3).iterrows()]
    message = _b(
        "talk_map", lang, scope=scope_label(f.period.district, lang), count=wording.amount(f.communities, "communities", lang)
    )
    return Talk(message, top)


def _stages(f: Facts, lang: str) -> Talk:
    figures = [
        f"{config.label('stages', s, lang)} {wording.amount(f.stage_count(s), 'communities', lang)}"
        for s in reversed(config.codes("stages"))
    ]
    return Talk(text.named(f, lang), figures)


def _pace(f: Facts, lang: str) -> Talk:
    elapsed = fmt_pct(queries.year_fraction(f.period.end), lang)
    behind = followup.lagging(f)
    if behind.empty:
        return Talk(_b("talk_pace_none", lang, elapsed=elapsed))
    figures = [f"{_district(r['district'], lang)} {fmt_pct(r['rate'], lang)}" for _, r in behind.iterrows()]
    return Talk(_b("talk_pace", lang, elapsed=elapsed, count=len(behind)), figures)


def _categories(slide: Slide, lang: str) -> Talk:
    data = slide.data
    if data is None or data.empty:
        return Talk(_b("no_chart_data", lang))
    top = data.iloc[0]
    figures = [f"{r.iloc[0]} {wording.amount(r.iloc[1], 'activities', lang)}" for _, r in data.head(3).iterrows()]
    return Talk(
        _b("talk_categories", lang, category=top.iloc[0], amount=wording.amount(top.iloc[1], "activities", lang)), figures
    )


def talk(slide: Slide, f: Facts, ranked: pd.DataFrame, paragraphs: list[str], lang: str) -> Talk:
    """The talking points of ``slide``."""
    key = slide.key
    if key in ("highlights", "problems", "next_steps"):
        if slide.bullets in ([_b("problem_none", lang)], [_b("step_none", lang)]):
            return Talk(slide.bullets[0])
        return Talk(_b(f"talk_{key}", lang, count=len(slide.bullets)), slide.bullets)
    talks = {
        "cover": lambda: Talk(_b("talk_cover", lang, scope=scope_label(f.period.district, lang), dates=slide.subtitle)),
        "overview": lambda: Talk(slide.bullets[0], slide.bullets[1:3], extra="\n".join(paragraphs)),
        "headline": lambda: Talk(
            text.activities_change(f, lang), [_card(c.label, c.value, c.details, lang) for c in slide.cards]
        ),
        "ranking": lambda: _ranking(ranked, f.period, lang),
        "map": lambda: _map(f, slide, lang),
        "stages": lambda: _stages(f, lang),
        "naming": lambda: naming.talk(f, lang),
        "pace": lambda: _pace(f, lang),
        "categories": lambda: _categories(slide, lang),
        "satisfaction": lambda: Talk(text.satisfaction(f, lang) or _b("no_surveys", lang)),
    }
    return talks.get(key, lambda: Talk(_b("talk_closing", lang)))()
