"""Map: every community by type or stage, or districts by progress; a click opens the profile."""

import streamlit as st

from dashboard.i18n import t
from dashboard.render import charts
from dashboard.ui import components, data, maps_view, page, stage_view, state

LAYERS = ("type", "stage", "progress")
view = page.open_page("ui.nav_map", dates=False)
lang, f, version, day, scoped = view.lang, view.filters, view.version, view.day, view.scoped

current = state.page_param("layer")
st.session_state.setdefault("w_layer", current if current in LAYERS else "type")
layer = (
    st.segmented_control(t("ui.map_layer", lang), LAYERS, key="w_layer", format_func=lambda code: t(f"ui.layer_{code}", lang))
    or "type"
)
st.query_params["layer"] = layer
progress = data.progress_table(version, f, day) if layer == "progress" else None
st.caption(t("ui.map_help", lang, count=len(scoped.communities)))
clicked = maps_view.full_map(scoped.communities, lang, layer, progress, key="main_map")
# The chart below says in figures what the map shows: types, stages by district, or each district's progress.
if layer == "stage":  # stages as at the day: communities that entered the campaign later are counted in words
    stage_view.not_yet_note(scoped, day, lang)
    components.chart(data.funnel_chart(version, f, day, lang), lang, key="map_stages", name="stages")
elif layer == "progress":
    components.chart(data.district_progress_chart(version, f, day, lang), lang, key="map_progress", name="progress")
else:
    components.chart(charts.type_mix_chart(scoped.communities, lang), lang, key="map_type_mix", name="types")
if clicked:
    st.switch_page("pages/profile.py", query_params={"community": clicked, "lang": lang, **f.to_params()})
