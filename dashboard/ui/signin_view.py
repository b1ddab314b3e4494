"""The desk's sign-in form, first-run instructions, sign-out button and the form to change one's own password."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, signin
from dashboard.i18n import t
from dashboard.ui import data, flash, session
from dashboard.ui.text import md_escape


def sign_in_form(lang: str) -> None:
    """Ask for name and password; explain how to create the first account when there is none."""
    if not auth.has_users(data.engine()):
        st.info(t("desk.no_accounts", lang), icon=":material/person_add:")
        # Plain text: the highlighter's token colours fall to 2.7:1 on the code background (WCAG AA needs 4.5:1).
        st.code("python -m dashboard users add NAME --role admin", language=None)
        return
    flash.show_flashes(lang)  # "your session expired", kept by session.current_user
    with st.form("signin", clear_on_submit=False, width=420):
        st.subheader(t("desk.sign_in", lang))
        name = st.text_input(t("desk.account", lang), key="signin_name")
        password = st.text_input(t("desk.password", lang), type="password", key="signin_password")
        submitted = st.form_submit_button(t("desk.sign_in", lang), type="primary")
    if submitted:
        try:
            user = signin.authenticate(data.engine(), name, password, client=session.client_address(), source="desk")
        except auth.AuthError as error:
            st.error(error.message(lang))
            return
        session.sign_in(user)
        st.rerun()


def signed_in_bar(user: auth.User, lang: str) -> None:
    """Who is signed in, with their role and the districts they may change, and a one-click sign-out."""
    bar = st.container(horizontal=True, vertical_alignment="center")  # the button as wide as its words ("退…" at 800 px)
    role = t(f"desk.role_{user.role}", lang)
    bar.markdown(t("desk.signed_in_as_scoped", lang, name=md_escape(user.name), role=role, scope=user.scope.label(lang)))
    bar.button(t("desk.sign_out", lang), on_click=session.sign_out, key="signout", icon=":material/logout:", width="content")


def change_password_form(user: auth.User, lang: str, *, required: bool) -> None:
    """A new password, twice; ``required`` when the account must change it before anything else."""
    if required:
        st.warning(t("desk.must_change_password", lang), icon=":material/password:")
    with st.form("own_password", clear_on_submit=True, width=420):
        st.markdown(f"**{t('desk.change_password', lang)}**")
        first = st.text_input(t("desk.new_password", lang), type="password", key="own_pw_1")
        again = st.text_input(t("desk.new_password_again", lang), type="password", key="own_pw_2")
        submitted = st.form_submit_button(t("desk.save", lang), type="primary")
    if not submitted:
        return
    if first != again:
        st.error(t("auth.passwords_differ", lang))
        return
    try:
        token = auth.set_password(data.engine(), user.name, first, by=user, source="desk")
    except auth.AuthError as error:
        st.error(error.message(lang, md_escape))
        return
    session.renew(user, token)
    flash.flash("success", "auth.own_password_changed", icon=":material/check_circle:")
    st.rerun()
