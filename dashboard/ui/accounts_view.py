"""Account management on the desk, for administrators only (checked again at each action)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth
from dashboard.i18n import t
from dashboard.ui import data, session
from dashboard.ui.text import md_escape


def _escaped(params: dict) -> dict:
    """Names typed by people, shown inside Markdown messages: escaped."""
    return {key: md_escape(value) if isinstance(value, str) else value for key, value in params.items()}


def _run(action, lang: str, done_key: str, **params) -> None:
    if session.require("manage", lang) is None:
        return
    try:
        action()
    except auth.AuthError as error:
        st.error(t(f"auth.{error.code}", lang, **_escaped(error.params)))
        return
    st.success(t(done_key, lang, **_escaped(params)))


def manage(user: auth.User, lang: str) -> None:
    """List, add, remove accounts and reset passwords."""
    st.divider()
    st.subheader(t("desk.accounts", lang))
    rows = auth.list_users(data.engine())
    st.dataframe(
        pd.DataFrame(
            {
                t("desk.col_name", lang): [r["name"] for r in rows],
                t("desk.role", lang): [t(f"desk.role_{r['role']}", lang) for r in rows],
                t("desk.col_created", lang): [r["created_at"] for r in rows],
                t("desk.col_locked", lang): [r["locked_until"] for r in rows],
            }
        ),
        hide_index=True,
        key="accounts_table",
    )
    names = [r["name"] for r in rows]
    add, change, remove = st.columns(3)
    with add.form("account_add", clear_on_submit=True):
        st.markdown(f"**{t('desk.add_account', lang)}**")
        name = st.text_input(t("desk.col_name", lang), key="acc_new_name")
        role = st.selectbox(t("desk.role", lang), auth.ROLES, format_func=lambda r: t(f"desk.role_{r}", lang), key="acc_new_role")
        password = st.text_input(t("desk.new_password", lang), type="password", key="acc_new_password")
        if st.form_submit_button(t("desk.create", lang)):
            _run(
                lambda: auth.add_user(data.engine(), name, password, role),
                lang,
                "auth.user_added",
                name=name,
                role=t(f"desk.role_{role}", lang),
            )
    with change.form("account_passwd", clear_on_submit=True):
        st.markdown(f"**{t('desk.reset_password', lang)}**")
        target = st.selectbox(t("desk.col_name", lang), names, key="acc_pw_name")
        password = st.text_input(t("desk.new_password", lang), type="password", key="acc_pw_password")
        if st.form_submit_button(t("desk.save", lang)):
            _run(lambda: auth.set_password(data.engine(), target, password), lang, "auth.password_changed", name=target)
    with remove.form("account_remove"):
        st.markdown(f"**{t('desk.remove_account', lang)}**")
        target = st.selectbox(t("desk.col_name", lang), [n for n in names if n != user.name], key="acc_rm_name")
        if st.form_submit_button(t("desk.remove", lang)) and target:
            _run(lambda: auth.remove_user(data.engine(), target), lang, "auth.user_removed", name=target)
