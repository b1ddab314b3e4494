"""What comes before any page: who is signed in, and whether an anonymous reader may read at all.

With DASHBOARD_PUBLIC off every page asks for sign-in first (any role reads,
the viewer role only reads); an account flagged to change its password does
that before anything else, whatever the setting.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, config
from dashboard.i18n import t
from dashboard.ui import flash, session, signin_view


def gate(lang: str) -> auth.User | None:
    """The signed-in account (None for an anonymous reader of a public dashboard); stops the run otherwise."""
    user = session.current_user()
    if user is None and not config.PUBLIC.value():
        st.title(t("ui.sign_in_first", lang))
        st.caption(t("ui.sign_in_first_why", lang))
        signin_view.sign_in_form(lang)
        st.stop()
    if user is not None and user.must_change_password:
        signin_view.signed_in_bar(user, lang)
        flash.show_flashes(lang)
        signin_view.change_password_form(user, lang, required=True)
        st.stop()
    return user


def pages_for(user: auth.User | None) -> dict[str, bool]:
    """Which staff pages the menu lists: reporting status for any account, the audit log for admins."""
    return {"reporting": user is not None, "audit": user is not None and user.can("audit")}
