"""Each chart's main figure in words, for its text alternative (``chart_text``): what a sighted reader takes in first.

A builder of ``charts``, ``bars``, ``stage_charts`` or ``pace_charts`` computes its figure from the frame it draws and
keeps it on the chart (:func:`kept`, Vega-Lite's ``usermeta``, which no renderer draws), so the page, the slide and the
deck all say the same. Every number goes through ``i18n``'s null-safe formatters: a figure that cannot be computed is
said in words ("no target set", "暂无数据"), never as "nan" or "inf".
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypeVar

import pandas as pd

from dashboard import config
from dashboard.figures import stages
from dashboard.i18n import fmt_count, fmt_date, fmt_int, fmt_month, fmt_num, fmt_pct, not_a_figure, t, unknown

if TYPE_CHECKING:
    import altair as alt

    ChartT = TypeVar("ChartT", bound=alt.TopLevelMixin)

KEY = "figure"
MEASURE_NOUNS = {"participants": "said_participants", "volunteer_hours": "said_hours", "activities": "said_activities"}


def kept(chart: ChartT, figure: str) -> ChartT:
    """The chart with ``figure`` kept in its ``usermeta`` (read back by ``chart_text.alt_text``)."""
    return chart.properties(usermeta={KEY: figure})


def _f(key: str, lang: str, **values: object) -> str:
    return t(f"chart_figures.{key}", lang, **values)


def _said(value: float | None, noun: str, lang: str, decimals: bool = False) -> str:
    """A count with its unit ("1,234 participants", "1 234人次"), or "no data yet" in words."""
    if value is None or not_a_figure(value):
        return unknown("no_data", lang)
    return fmt_count(value, noun, lang, shown=fmt_num(value, lang) if decimals else fmt_int(value, lang))


def _month(value: object, lang: str) -> str:
    """2026年10月 / October 2026 (a missing month said in words)."""
    return fmt_month(pd.Timestamp(value), lang, missing=unknown("no_data", lang))  # type: ignore[arg-type]


def _latest(frame: pd.DataFrame, column: str, month: str = "month") -> tuple[object, float | None]:
    """(the last month with a figure in ``column``, that figure), or (None, None)."""
    known = frame.dropna(subset=[column]).sort_values(month)
    return (known[month].iloc[-1], float(known[column].iloc[-1])) if not known.empty else (None, None)


def named_of(total: float, named: float, lang: str) -> str:
    """ "共 179 个社区，已命名 12 个" / "179 communities, 12 named"."""
    return _f("named_of", lang, total=fmt_count(total, "communities", lang), named=fmt_int(named, lang))


def funnel(funnel_df: pd.DataFrame, lang: str) -> str:
    last = config.codes("stages")[-1]
    named = funnel_df.loc[funnel_df["stage"] == last, "communities"].sum()
    return named_of(funnel_df["communities"].sum(), named, lang)


def monthly(monthly_df: pd.DataFrame, measure: str, lang: str) -> str:
    """The total over the months shown, and the latest month's."""
    by_month = monthly_df.groupby("month")[measure].sum().reset_index()
    month, latest = _latest(by_month, measure)
    noun, decimals = MEASURE_NOUNS[measure], measure == "volunteer_hours"
    total = _said(by_month[measure].sum(), noun, lang, decimals)
    if month is None:
        return _f("total", lang, total=total)
    return _f("total_latest", lang, total=total, month=_month(month, lang), latest=_said(latest, noun, lang, decimals))


def satisfaction(trend_df: pd.DataFrame, lang: str) -> str:
    """The latest month's mean score."""
    month, mean = _latest(trend_df, "mean")
    if month is None:
        return _f("score_none", lang, none=unknown("no_survey", lang))
    return _f("score", lang, month=_month(month, lang), score=fmt_num(mean, lang))


def own_against_district(mine: pd.DataFrame, reference: pd.DataFrame | None, lang: str) -> str:
    """A community's latest score (``mine``: month, value) and its district's average that month."""
    month, own = _latest(mine, "value")
    if month is None:
        return _f("score_none", lang, none=unknown("no_survey", lang))
    same = reference[reference["month"] == month]["value"] if reference is not None else pd.Series(dtype=float)
    average = fmt_num(same.iloc[0], lang, missing=unknown("no_survey", lang)) if len(same) else unknown("no_survey", lang)
    return _f("score_against", lang, month=_month(month, lang), score=fmt_num(own, lang), average=average)


def progress(progress_df: pd.DataFrame, measure: str, lang: str) -> str:
    """All districts together: named against the named targets (targets of 0 or none left out), or the mean progress."""
    if measure == "progress":
        return _f("mean_progress", lang, share=fmt_pct(progress_df["progress"].mean(), lang, missing=unknown("no_data", lang)))
    target = progress_df["target_named_communities"]
    counted = progress_df[target.notna() & (target > 0)]
    if counted.empty:
        return _f(
            "named_no_target",
            lang,
            named=fmt_count(progress_df["named"].sum(), "communities", lang),
            why=unknown("no_target", lang),
        )
    named, goal = counted["named"].sum(), counted["target_named_communities"].sum()
    return _f("named_target", lang, named=fmt_int(named, lang), target=fmt_int(goal, lang), share=fmt_pct(named / goal, lang))


def most(total: float, noun: str, label: str, count: float, lang: str) -> str:
    """ "共 179 个社区，最多：关爱型（45）" / "179 communities; most: Caring (45)"."""
    return _f("most", lang, total=fmt_count(total, noun, lang), label=label, count=fmt_int(count, lang))


def pace(statuses: list[bool], elapsed: float, lang: str) -> str:
    """How many bars reach the share of the year gone (``statuses``: one per bar, True when on pace)."""
    return _f(
        "on_pace", lang, ahead=fmt_int(sum(statuses), lang), total=fmt_int(len(statuses), lang), share=fmt_pct(elapsed, lang)
    )


def community_activities(activities_df: pd.DataFrame, lang: str) -> str:
    latest = activities_df["date"].max()
    when = fmt_date(latest.date() if not pd.isna(latest) else None, lang, missing=unknown("no_data", lang))
    return _f("activities_latest", lang, total=_said(len(activities_df), "said_activities", lang), day=when)


def naming_pace(pace_df: pd.DataFrame, target: float | None, projected: float | None, lang: str) -> str:
    """Named this year so far, the year's target and where the year ends at this pace."""
    named = pace_df["cumulative"].iloc[-1] if not pace_df.empty else None
    return _f(
        "naming_pace",
        lang,
        named=_said(named, "said_communities", lang),
        target=_said(target, "said_communities", lang)
        if target
        else unknown("zero_target" if target == 0 else "no_target", lang),
        projected=_said(projected, "said_communities", lang),
    )


def naming_by_district(pace_df: pd.DataFrame, lang: str) -> str:
    """Named this year in all the districts shown, and how many districts."""
    last = pace_df.sort_values("month").groupby("district")["cumulative"].last()
    named = _said(last.sum(), "said_communities", lang)
    return _f("named_districts", lang, named=named, districts=fmt_count(len(last), "districts", lang))


def stages_at_last_month(counts: pd.DataFrame, lang: str) -> str:
    month = counts["month"].max()
    at = counts[counts["month"] == month]
    last = config.codes("stages")[-1]
    return _f(
        "at_month",
        lang,
        month=_month(month, lang),
        counts=named_of(at["communities"].sum(), at.loc[at["stage"] == last, "communities"].sum(), lang),
    )


def slowest(frame: pd.DataFrame, lang: str) -> str:
    """The longest median time of one stage to the next (``frame``: step, step_label, group, median; one row per bar).

    The whole way from the first stage to the last is not a step: it is their sum, so it would always be the
    slowest. It is said only when no single step has a median.
    """
    single = frame[frame["step"].isin(stages.step_order()[:-1]) & frame["median"].notna()]  # the last: the whole way
    row = (frame if single.empty else single).sort_values("median", ascending=False).iloc[0]
    return _f("slowest", lang, step=row["step_label"], group=row["group"], days=_said(row["median"], "said_days", lang))


def timeline(milestones: pd.DataFrame, activities: pd.DataFrame, lang: str) -> str:
    """The latest stage reached with its date, and the community's activities."""
    total = _said(len(activities), "said_activities", lang)
    if milestones.empty:
        return _f("timeline_none", lang, none=unknown("no_data", lang), activities=total)
    last = milestones.sort_values("date").iloc[-1]
    day: date | None = None if pd.isna(last["date"]) else pd.Timestamp(last["date"]).date()
    stage = config.label("stages", last["stage"], lang)
    return _f("timeline", lang, stage=stage, day=fmt_date(day, lang), activities=total)
