"""Community profile: who they are, where they stand, what they do, how residents feel."""

import streamlit as st

from dashboard import config
from dashboard.figures import profiles
from dashboard.i18n import t
from dashboard.ui import components, data, flow, maps_view, profile_view, stage_view, state
from dashboard.ui.text import md_escape

state.require_app()
lang = state.lang()
ds = data.dataset()
chosen = state.page_param("community")

profile = profiles.build(ds, chosen) if chosen else None
if profile is None:
    st.title(t("ui.nav_profile", lang))
    profile_view.search(ds, chosen, lang)
    if chosen:
        st.error(t("ui.unknown_community", lang, code=md_escape(chosen)))
    st.info(t("ui.pick_community", lang), icon=":material/search:")
    st.stop()

c = profile.community
profile_view.identity(c, lang)
with st.expander(t("ui.search_community", lang), icon=":material/search:"):
    profile_view.search(ds, chosen, lang)
profile_view.headline(profile, lang)

found = stage_view.profile_stages(ds.version, c, lang)  # each stage with its date, derived ones marked
profile_view.notes(c["community_id"], lang)
st.subheader(t("stage_view.timeline", lang))
stage_view.profile_timeline(found, profile.activities, c["community_id"], lang)

left, right = flow.row("place_and_activities", [flow.Part(2, 300), flow.Part(3, 340)])
with left:
    st.subheader(t("ui.location", lang))
    maps_view.small_map(ds.communities, c["community_id"], lang, key="profile_map")
with right:
    st.subheader(t("ui.activity_timeline", lang))
    components.chart(
        data.community_activity_chart(ds.version, c["community_id"], lang),
        lang,
        key="profile_acts",
        name=f"activities-{c['community_id']}",
        narrow=True,
    )
st.subheader(t("ui.satisfaction_vs_district", lang))
components.chart(
    data.community_satisfaction_chart(ds.version, c["community_id"], lang),
    lang,
    key="profile_sat",
    name=f"satisfaction-{c['community_id']}",
)
st.subheader(t("ui.recent_activities", lang))
profile_view.recent_activities(profile.activities, lang)
st.caption(config.label("districts", c["district"], lang) + " · " + md_escape(c["community_id"]))
