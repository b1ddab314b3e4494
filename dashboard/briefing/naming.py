"""The briefing's naming-pace slide: communities named month by month against the year's target, as at the period's end.

The figures are the facts' ``pace`` (``figures.pace``), so the slide, its data in the ZIP and what the presenter says
give the same numbers as the Progress page.
"""

from __future__ import annotations

import pandas as pd

from dashboard.briefing import wording
from dashboard.briefing.notes import Talk
from dashboard.briefing.period import Facts
from dashboard.i18n import fmt_date, fmt_pct, t
from dashboard.render import pace_charts
from dashboard.render.chart_style import Chart


def _n(key: str, lang: str, **values: object) -> str:
    return t(f"brief_stages.{key}", lang, **values)


def chart(f: Facts, lang: str) -> Chart | None:
    pace = f.pace
    return pace_charts.naming_pace_chart(pace.total, pace.target, pace.projected, f.period.end, lang)


def data(f: Facts, lang: str) -> pd.DataFrame:
    """The chart's rows with headings in the deck's language (one row per month to the period's end)."""
    frame = f.pace.total
    return pd.DataFrame(
        {
            _n("col_month", lang): [fmt_date(m.date(), lang) for m in frame["month"]],
            _n("col_named_in_month", lang): frame["named"].to_numpy(),
            _n("col_named_so_far", lang): frame["cumulative"].to_numpy(),
        }
    )


def talk(f: Facts, lang: str) -> Talk:
    """How many are named by the period's end against the target, this year's count, and where the year ends at this pace."""
    pace, day = f.pace, fmt_date(f.period.end, lang)
    named = wording.amount(pace.named, "communities", lang)
    this_year = pace.named - (int(pace.total["start"].iloc[0]) if not pace.total.empty else 0)
    figures = [_n("talk_this_year", lang, amount=wording.amount(this_year, "communities", lang))]
    if pace.projected is not None:
        figures.append(_n("talk_projection", lang, amount=wording.amount(round(pace.projected), "communities", lang)))
    if not pace.target:
        return Talk(_n("talk_no_target", lang, day=day, named=named), figures)
    share = fmt_pct(pace.named / pace.target, lang)
    target = wording.amount(pace.target, "communities", lang)
    if pace.projected is not None and pace.projected < pace.target:
        gap = wording.amount(round(pace.target - pace.projected), "communities", lang)
        figures.append(_n("talk_short", lang, gap=gap))
    return Talk(_n("talk", lang, day=day, named=named, target=target, share=share), figures)
