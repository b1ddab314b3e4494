"""Data desk: staff sign in, upload a file, read the report or the preview, and commit."""

import streamlit as st

from dashboard.i18n import t
from dashboard.ui import accounts_view, flash, session, signin_view, state, upload_view

state.require_app()
lang = state.lang()
st.title(t("desk.title", lang))
st.caption(t("desk.intro", lang))
user = session.current_user()
if user is None:
    st.caption(t("desk.viewers_note", lang))
    signin_view.sign_in_form(lang)
    st.stop()

signin_view.signed_in_bar(user, lang)
flash.show_flashes(lang)  # (an account that must change its password has done so before any page: ui.gate)

if not user.can("import"):
    st.info(t("desk.viewer_no_import", lang), icon=":material/visibility:")
else:
    upload, table, mode = upload_view.choose_file(user.scope, lang)
    if upload is not None:
        staged = upload_view.check(upload, table, mode, user, lang)
        if staged is not None and not staged.report.valid:
            upload_view.show_rejected(staged, upload.getvalue(), lang)
        elif staged is not None:
            upload_view.show_warnings(staged, lang)
            upload_view.show_preview(staged, lang)
            upload_view.commit_form(staged, lang)

with st.expander(t("desk.change_password", lang), icon=":material/password:"):
    signin_view.change_password_form(user, lang, required=False)
if user.can("manage"):
    accounts_view.manage(user, lang)
