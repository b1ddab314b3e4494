"""Progress: funnel and pace against targets (as at the period's end), naming pace, stages by month, time in stage,
monthly participation, satisfaction, ranking."""

import streamlit as st

from dashboard.figures import queries
from dashboard.i18n import t
from dashboard.ui import components, data, flow, page, ranking_view, stage_view

view = page.open_page("ui.nav_progress", dates=True)
lang, f, version, day, scoped = view.lang, view.filters, view.version, view.day, view.scoped

left, right = flow.row("funnel_and_pace", flow.even(2, 340))  # one under the other on a tablet
with left:
    st.subheader(t("ui.funnel", lang))
    components.chart(data.funnel_chart(version, f, day, lang), lang, key="chart_funnel", name="funnel", narrow=True)
with right:
    st.subheader(t("ui.pace", lang, year=day.year))
    components.chart(data.pace_chart(version, f, day, lang), lang, key="chart_pace", name="pace", narrow=True)
components.targets_note(f, lang)

st.subheader(t("stage_view.naming_pace", lang, year=day.year))
stage_view.naming_pace(version, f, day, lang)
st.subheader(t("stage_view.funnel_over_time", lang))
stage_view.funnel_over_time(version, f, day, lang)
st.subheader(t("stage_view.time_in_stage", lang))
stage_view.time_in_stage(version, f, lang)

st.subheader(t("ui.monthly", lang))
measures = ["participants", "volunteer_hours", "activities"]
measure = (
    st.segmented_control(
        t("ui.measure", lang), measures, default="participants", key="w_measure", format_func=lambda m: t(f"ui.measure_{m}", lang)
    )
    or "participants"
)
components.chart(data.monthly_chart(version, f, lang, measure), lang, key="chart_monthly", name=f"monthly-{measure}")

st.subheader(t("ui.satisfaction_trend", lang))
components.chart(data.satisfaction_chart(version, f, lang), lang, key="chart_satisfaction", name="satisfaction")

st.subheader(t("ui.ranking", lang), help=t("ui.ranking_help", lang))
ranked = queries.ranking(scoped, day)
st.caption(t("ui.ranking_count", lang, count=len(ranked)))
picked = ranking_view.table(ranked, lang)
if picked:
    st.switch_page("pages/profile.py", query_params={"community": picked, "lang": lang, **f.to_params()})
