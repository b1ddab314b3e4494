"""Account management on the desk, for administrators only (checked again at each action).

A scoped administrator sees and manages only accounts inside its own
districts, and gives only those districts (``auth.User.may_manage``); the
functions of ``auth`` refuse anything else whatever the form sent.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import auth, config
from dashboard.i18n import t
from dashboard.scope import Scope
from dashboard.ui import data, session
from dashboard.ui.text import local_stamp, md_escape


def _escaped(params: dict) -> dict:
    """Names typed by people, shown inside Markdown messages: escaped."""
    return {key: md_escape(value) if isinstance(value, str) else value for key, value in params.items()}


def _run(action: Callable[[auth.User], object], lang: str, done_key: str, **params) -> None:
    """Run ``action`` as the admin signed in at the click; say what happened."""
    user = session.require("manage", lang)
    if user is None:
        return
    try:
        action(user)
    except auth.AuthError as error:
        st.error(error.message(lang, md_escape))
        return
    st.success(t(done_key, lang, **_escaped(params)))


def _districts(user: auth.User, lang: str, key: str, default: list[str] | None = None) -> Scope:
    """A choice of districts among the admin's own; none chosen means the whole city (city-wide admins only)."""
    choices = user.scope.codes()
    picked = st.multiselect(
        t("desk.districts", lang),
        choices,
        default=[d for d in default or [] if d in choices],
        format_func=lambda code: config.label("districts", code, lang),
        key=key,
        placeholder=t("scope.city_wide", lang) if user.scope.city_wide else t("desk.pick_districts", lang),
        select_all=False,  # Streamlit's "Select all" is English only
    )
    return Scope.of(picked)


def accounts_table(rows: list[dict], lang: str) -> None:
    st.dataframe(
        pd.DataFrame(
            {
                t("desk.col_name", lang): [r["name"] for r in rows],
                t("desk.role", lang): [t(f"desk.role_{r['role']}", lang) for r in rows],
                t("desk.districts", lang): [Scope.of(r["districts"]).label(lang) for r in rows],
                t("desk.col_must_change", lang): ["✔" if r["must_change_password"] else "" for r in rows],
                t("desk.col_created", lang): [local_stamp(r["created_at"]) for r in rows],  # stored in UTC
            }
        ),
        hide_index=True,
        key="accounts_table",
    )


def manage(user: auth.User, lang: str) -> None:
    """List, add, change, remove accounts and reset passwords, within the admin's scope."""
    st.divider()
    st.subheader(t("desk.accounts", lang))
    rows = [r for r in auth.list_users(data.engine()) if user.may_manage(Scope.of(r["districts"]))]
    accounts_table(rows, lang)
    names = [r["name"] for r in rows]
    add, edit, reset, remove = st.tabs(
        [t(f"desk.{k}", lang) for k in ("add_account", "edit_account", "reset_password", "remove_account")]
    )
    with add, st.form("account_add", clear_on_submit=True):
        name = st.text_input(t("desk.col_name", lang), key="acc_new_name", help=t("auth.bad_name", lang))
        role = st.selectbox(t("desk.role", lang), auth.ROLES, format_func=lambda r: t(f"desk.role_{r}", lang), key="acc_new_role")
        scope = _districts(user, lang, "acc_new_districts")
        password = st.text_input(t("desk.new_password", lang), type="password", key="acc_new_password")
        must_change = st.checkbox(t("desk.must_change_next", lang), value=True, key="acc_new_must_change")
        if st.form_submit_button(t("desk.create", lang)):
            _run(
                lambda by: auth.add_user(
                    data.engine(), name, password, role, scope=scope, must_change_password=must_change, by=by, source="desk"
                ),
                lang,
                "auth.user_added_scoped",
                name=name,
                role=t(f"desk.role_{role}", lang),
                scope=scope.label(lang),
            )
    with edit:
        target = st.selectbox(t("desk.col_name", lang), names, key="acc_edit_name")
        current: dict = next((r for r in rows if r["name"] == target), {"role": "viewer", "districts": []})
    with edit, st.form("account_edit"):  # the fields start from the chosen account's role and districts
        roles = list(auth.ROLES)
        new_role = st.selectbox(
            t("desk.role", lang),
            roles,
            index=roles.index(current["role"]),
            format_func=lambda r: t(f"desk.role_{r}", lang),
            key=f"acc_edit_role_{target}",
        )
        new_scope = _districts(user, lang, f"acc_edit_districts_{target}", current["districts"])
        if st.form_submit_button(t("desk.save", lang)) and target:
            _run(
                lambda by: auth.edit_user(data.engine(), target, role=new_role, scope=new_scope, by=by, source="desk"),
                lang,
                "auth.user_changed",
                name=target,
            )
    with reset, st.form("account_passwd", clear_on_submit=True):
        target = st.selectbox(t("desk.col_name", lang), names, key="acc_pw_name")
        password = st.text_input(t("desk.new_password", lang), type="password", key="acc_pw_password")
        must_change = st.checkbox(t("desk.must_change_next", lang), value=True, key="acc_pw_must_change")
        if st.form_submit_button(t("desk.save", lang)) and target:
            _run(
                lambda by: auth.set_password(data.engine(), target, password, must_change=must_change, by=by, source="desk"),
                lang,
                "auth.password_changed",
                name=target,
            )
    with remove, st.form("account_remove"):
        target = st.selectbox(t("desk.col_name", lang), [n for n in names if n != user.name], key="acc_rm_name")
        if st.form_submit_button(t("desk.remove", lang)) and target:
            _run(lambda by: auth.remove_user(data.engine(), target, by=by, source="desk"), lang, "auth.user_removed", name=target)
