"""Overview: the campaign at a glance for the current filters."""

import streamlit as st

from dashboard.figures import queries
from dashboard.i18n import t
from dashboard.ui import attention_view, components, data, flow, maps_view, page, stage_view

KPI_PX = 180  # a figure's label (2026年命名目标完成率) and value (1,397,384) in full; four fit at 1280 px (820 px of content)

view = page.open_page("ui.nav_overview", dates=False)
lang, f, version, day, scoped = view.lang, view.filters, view.version, view.day, view.scoped

figures = queries.headline(scoped, day, f.start)
row1, row2 = flow.row("kpi_row1", flow.even(4, KPI_PX)), flow.row("kpi_row2", flow.even(3, KPI_PX))
components.metric(row1[0], t("ui.kpi_communities", lang), figures["communities"], "int", lang)
components.metric(row1[1], t("ui.kpi_named", lang), figures["named"], "int", lang)
components.metric(row1[2], t("ui.kpi_target_share", lang, year=day.year), figures["target_share"], "pct", lang)
components.metric(
    row1[3], t("ui.kpi_satisfaction", lang), figures["satisfaction"], "num", lang, help_text=t("ui.kpi_vs_previous", lang)
)
components.metric(
    row2[0], t("ui.kpi_activities_month", lang), figures["activities_month"], "int", lang, help_text=t("ui.kpi_vs_previous", lang)
)
components.metric(
    row2[1],
    t("ui.kpi_participants_month", lang),
    figures["participants_month"],
    "int",
    lang,
    help_text=t("ui.kpi_vs_previous", lang),
)
hours_label = t("ui.kpi_volunteer_hours", lang) if f.start else t("ui.kpi_volunteer_hours_year", lang, year=day.year)
components.metric(row2[2], hours_label, figures["volunteer_hours"], "int", lang, help_text=t("ui.kpi_vs_previous", lang))

components.targets_note(f, lang)
stage_view.not_yet_note(scoped, day, lang)  # communities whose stage dates (typed or derived) all come after the day
progress = data.progress_table(version, f, day)
left, right = flow.row("map_and_progress", [flow.Part(3, 380), flow.Part(2, 320)])
with left:
    st.subheader(t("ui.compact_map", lang))
    maps_view.compact_map(scoped.communities, lang, key="overview_map")
with right:
    st.subheader(t("ui.progress_by_district", lang))
    components.chart(data.district_progress_chart(version, f, day, lang), lang, key="overview_progress", narrow=True)

st.subheader(t("ui.attention", lang))
attention_view.show(scoped, progress, day, lang)
components.sample_notice(lang)
