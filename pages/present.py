"""Presentation: the briefing's slides for the current scope and period, slide mode for the projector, the files."""

import streamlit as st

from dashboard.i18n import t
from dashboard.ui import data, present_view, sidebar, state

state.require_app()
lang, f, version = state.lang(), state.filters(), data.data_version()
if present_view.in_slide_mode():  # the projector: the slide alone, keys only
    present_view.slide_show(version, f, lang)
    st.stop()
st.title(t("present.title", lang))
bar = st.columns([1, 1, 1, 2, 2, 2], vertical_alignment="center")
with bar[3]:
    district = present_view.scope_picker(f, lang)
with bar[4]:
    sidebar.language_switch(lang, label_visibility="collapsed")
with bar[5]:
    present_view.start_button(lang)
request = present_view.Request(district, f.start, f.end, lang, present_view.cover_inputs(lang))
brief = present_view.briefing(version, request)
index = present_view.controls(bar[:3], len(brief.slides), lang)
st.html(present_view.slide_block(version, request, index, full=False))
st.caption(t("present.keys_help", lang))
with st.expander(t("present.notes", lang)):
    st.text(brief.slides[index].notes)
with st.expander(t("present.summary", lang)):
    st.code("\n\n".join([brief.title, brief.dates, *brief.summary, brief.source]), language=None, wrap_lines=True)
present_view.downloads(brief, lang)
