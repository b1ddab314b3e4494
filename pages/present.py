"""Presentation mode: the current scope and period as full-screen slides, with the briefing to take away."""

import streamlit as st

from dashboard.i18n import t
from dashboard.ui import data, present_view, sidebar, state

state.require_app()
lang, f = state.lang(), state.filters()
bar = st.columns([1, 1, 1, 2, 2, 1], vertical_alignment="center")
with bar[3]:
    district = present_view.scope_picker(f, lang)
with bar[4]:
    sidebar.language_switch(lang, label_visibility="collapsed")
bar[5].link_button("", present_view.full_screen_url(lang), icon=":material/fullscreen:", help=t("present.full_screen", lang))
brief = present_view.briefing(data.data_version(), district, f.start, f.end, lang)
index = present_view.controls(bar[:3], len(brief.slides), lang)
present_view.show(brief.slides[index], brief)
st.caption(t("present.keys_help", lang))
with st.expander(t("present.notes", lang)):
    st.text(brief.slides[index].notes)
with st.expander(t("present.summary", lang)):
    st.code("\n\n".join([brief.title, brief.dates, *brief.summary, brief.source]), language=None, wrap_lines=True)
present_view.downloads(brief, lang)
