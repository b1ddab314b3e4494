"""Reporting status: which district uploaded what and when, and which communities recorded no activity last month."""

import streamlit as st

from dashboard import config
from dashboard.i18n import t
from dashboard.ui import flash, reporting_view, session, state

state.require_app()
lang = state.lang()
st.title(t("reporting.title", lang))
st.caption(t("reporting.intro", lang))
if session.current_user() is None:
    flash.show_flashes(lang)  # why a reader who was signed in is not any more (expired, signed out in another tab)
    st.info(t("reporting.staff_only", lang), icon=":material/lock:")
    st.stop()
today = config.today()  # in Xining
reporting_view.status_table(today, lang)
reporting_view.quiet_list(today, lang)
