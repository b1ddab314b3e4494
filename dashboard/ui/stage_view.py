"""The stage views: naming pace, the funnel month by month and time in stage (Progress), stuck communities
(Overview's needs-attention lists) and a community's stages with their dates (Profile)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import config
from dashboard.dataset import Dataset
from dashboard.figures import stage_dating, stages
from dashboard.figures.filters import Filters
from dashboard.i18n import fmt_date, fmt_int, t
from dashboard.render import pace_charts, stage_charts
from dashboard.ui import components, flow, stage_data
from dashboard.ui.text import counted_heading

BY = ("district", "characteristic")
# A stage step keeps the width of its longest line ("2026年12月28日（推算）" with the help mark): on a tablet two to a
# row, where four columns of ~105 px broke the dates over two lines; at 1280 px still four to a row.
STEP_PX = 190


def _v(key: str, lang: str, **values: object) -> str:
    return t(f"stage_view.{key}", lang, **values)


def naming_pace(version: str, f: Filters, day: date, lang: str) -> None:
    """The scope's naming pace against its target, then one small chart per district when there are several."""
    pace = stage_data.naming_pace(version, f, day)
    built = pace_charts.naming_pace_chart(pace.total, pace.target, pace.projected, day, lang)
    if built is None:
        st.info(_v("no_named", lang, year=day.year), icon=":material/flag:")
        return
    components.chart(built, lang, key="chart_naming_pace", data=pace.total, name=f"naming-pace-{day.year}")
    if pace.by_district["district"].nunique() > 1:
        by = pace_charts.naming_pace_by_district(pace.by_district, pace.targets, pace.projections, day, lang)
        components.chart(
            by,
            lang,
            key="chart_naming_pace_districts",
            data=pace.by_district,
            name=f"naming-pace-districts-{day.year}",
            panels=True,
        )


def funnel_over_time(version: str, f: Filters, day: date, lang: str) -> None:
    counts = stage_data.counts_by_month(version, f, day)
    built = stage_charts.funnel_over_time_chart(counts, lang)
    if built is None:
        st.info(_v("no_dates", lang), icon=":material/event_busy:")
        return
    components.chart(built, lang, key="chart_funnel_time", data=counts, name="stages-by-month")


def time_in_stage(version: str, f: Filters, lang: str) -> None:
    """Days per step by district or by type, with the figures as a table for reading out."""
    by = (
        st.segmented_control(
            _v("time_by", lang), BY, default="district", key="w_time_by", format_func=lambda b: _v(f"by_{b}", lang)
        )
        or "district"
    )
    summary = stage_data.time_in_stage(version, f, by)
    built = stage_charts.time_in_stage_chart(summary, by, lang, stages.step_order())
    if built is None:
        st.info(_v("no_durations", lang), icon=":material/timer_off:")
        return
    components.chart(built, lang, key="chart_time_in_stage", data=summary, name=f"time-in-stage-{by}", panels=True)
    with st.expander(_v("time_table", lang), icon=":material/table:"):
        st.dataframe(_time_table(summary, by, lang), hide_index=True, key="tbl_time_in_stage")


def _time_table(summary: pd.DataFrame, by: str, lang: str) -> pd.DataFrame:
    vocab = "districts" if by == "district" else "types"
    return pd.DataFrame(
        {
            _v(f"by_{by}", lang): summary[by].map(lambda c: config.label(vocab, c, lang)),
            _v("col_step", lang): summary["step"].map(lambda s: stage_charts.step_label(s, lang)),
            _v("col_communities", lang): summary["communities"],
            _v("col_median", lang): summary["median"].round(),
            _v("col_middle", lang): [
                f"{fmt_int(a, lang)}–{fmt_int(b, lang)}" for a, b in zip(summary["p25"], summary["p75"], strict=True)
            ],
            _v("col_derived", lang): summary["derived"],
        }
    )


def stuck_list(scoped: Dataset, day: date, lang: str) -> pd.DataFrame:
    """Communities in one stage longer than DASHBOARD_STUCK_DAYS on ``day`` (a table, or a line saying none)."""
    days = config.STUCK_DAYS.value()
    frame = stages.stuck(scoped, day, days)
    st.markdown(counted_heading(_v("stuck", lang, days=days), len(frame), lang))
    if frame.empty:
        st.success(_v("none_stuck", lang, days=days))
        return frame
    shown = frame.assign(
        since_text=[
            _v("with_derived", lang, text=fmt_date(s, lang)) if d else fmt_date(s, lang)
            for s, d in zip(frame["since"], frame["derived"], strict=True)
        ]
    )
    columns = {"district": "ui.col_district", "stage": "stage_view.col_stage", "since_text": "stage_view.col_since"}
    components.community_table(
        shown.assign(days=shown["days_in_stage"]), {**columns, "days": "stage_view.col_days"}, lang, key="tbl_stuck", height=300
    )
    if frame["derived"].any():
        st.caption(_v("derived_note", lang))
    return frame


def profile_stages(version: str, community: pd.Series, lang: str) -> pd.DataFrame:
    """The four stages as steps: reached ones checked with their date (derived ones marked), the others open."""
    found = stage_data.milestones(version, community["community_id"])
    dates = dict(zip(found["stage"], found["date"].to_list(), strict=True))
    derived = dict(zip(found["stage"], found["derived"].to_list(), strict=True))
    st.markdown(f"**{t('ui.stage_timeline', lang)}**")
    cols = flow.row("profile_stages", flow.even(len(stage_dating.STAGES), STEP_PX))
    for col, code in zip(cols, stage_dating.STAGES, strict=True):
        label = config.label("stages", code, lang)
        if code not in dates:
            col.markdown(f":material/radio_button_unchecked: {label}")
            col.caption(_v("not_reached", lang))
            continue
        col.markdown(f":material/check_circle: **{label}**")
        text: str = _v("date_unknown", lang) if pd.isna(dates[code]) else fmt_date(dates[code], lang)
        if derived[code]:
            col.caption(_v("with_derived", lang, text=text), help=_v("derived_help", lang))
        else:
            col.caption(text)
    return found


def profile_timeline(found: pd.DataFrame, activities: pd.DataFrame, community_id: str, lang: str) -> None:
    """The community's stage dates and its activities on one time axis."""
    dated = found.dropna(subset=["date"])
    built = stage_charts.profile_timeline_chart(dated, activities, lang)
    if built is None:
        st.info(_v("no_dates", lang), icon=":material/event_busy:")
        return
    components.chart(built, lang, key="profile_stage_timeline", data=dated, name=f"stages-{community_id}")


def not_yet_note(scoped: Dataset, day: date, lang: str) -> None:
    """Say how many communities the figures leave out because they entered the campaign after ``day``.

    A community imported without stage dates enters on its first import's day, which may be after the last activity.
    """
    later = len(scoped.communities) - len(stage_dating.as_at(scoped, day))
    if later:
        st.caption(_v("not_yet", lang, count=later, day=fmt_date(day, lang)))
