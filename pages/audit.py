"""Security audit log: who signed in, changed accounts, checked, imported, restored or exported (admins only)."""

import streamlit as st

from dashboard.i18n import t
from dashboard.ui import audit_view, flash, session, state

state.require_app()
lang = state.lang()
st.title(t("audit.title", lang))
st.caption(t("audit.intro", lang))
user = session.current_user()
if user is None or not user.can("audit"):
    flash.show_flashes(lang)  # why a reader who was signed in is not any more (expired, signed out in another tab)
    st.info(t("audit.admins_only", lang), icon=":material/lock:")
    st.stop()
audit_view.log(user, lang)
