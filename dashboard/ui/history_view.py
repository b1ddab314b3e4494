"""Version history: the list, downloads of any version, restore for admins, templates."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard.auth import User
from dashboard.i18n import t
from dashboard.render import templates
from dashboard.render.exports import contract_frame, table_bytes
from dashboard.schema import TABLES
from dashboard.storage import store
from dashboard.ui import data, flash, session


def versions_table(rows: list[dict], lang: str) -> None:
    st.dataframe(
        pd.DataFrame(
            {
                t("history.col_version", lang): [r["version"] for r in rows],
                t("history.col_active", lang): ["✔" if r["active"] else "" for r in rows],
                t("history.col_when", lang): [r["created_at"].replace("T", " ")[:16] for r in rows],
                t("history.col_user", lang): [r["user"] for r in rows],
                t("history.col_file", lang): [r["file"] for r in rows],
                t("history.col_rows", lang): [r["rows"] for r in rows],
                t("history.col_note", lang): [r["note"] for r in rows],
            }
        ),
        hide_index=True,
        key="history_table",
        width="stretch",
    )


def version_bytes(table: str, version: int, kind: str) -> bytes:
    """One version of a table in the contract's columns, as CSV or Excel."""
    frame = contract_frame(table, store.load_table(data.engine(), table, version))
    return table_bytes(frame, kind, sheet=table)


def downloads(table: str, version: int, lang: str) -> None:
    left, right, _ = st.columns([1, 1, 2])
    label = t("history.download", lang, version=version)
    left.download_button(
        f"{label} (CSV)",
        lambda: version_bytes(table, version, "csv"),
        file_name=f"{table}-v{version}.csv",
        mime="text/csv",
        key="hist_csv",
        on_click="ignore",
    )
    right.download_button(
        f"{label} (Excel)",
        lambda: version_bytes(table, version, "xlsx"),
        file_name=f"{table}-v{version}.xlsx",
        key="hist_xlsx",
        on_click="ignore",
    )


def restore(table: str, version: int, user: User | None, lang: str) -> None:
    """Admins restore a version as a new one; everyone else is told who can."""
    if user is None or not user.can("restore"):
        st.caption(t("history.admin_only", lang))
        return
    table_name = t(f"validation.table_{table}", lang)
    sure = st.checkbox(t("history.restore_confirm", lang, version=version, table=table_name), key="hist_confirm")
    if st.button(t("history.restore", lang, version=version), disabled=not sure, key="hist_restore", type="primary"):
        current = session.require("restore", lang)
        if current is None:
            return
        try:
            new_version = store.restore(data.engine(), table, version, user=current.name)
        except store.UnknownCommunities as gone:
            st.error(t("history.restore_refused_communities", lang, version=version, table=table_name, count=len(gone.missing)))
            return
        except (ValueError, SQLAlchemyError):
            st.error(t("history.restore_failed", lang, version=version))
            return
        data.preload_new_version()
        flash.flash("success", "history.restored", icon=":material/history:", to=version, table=table_name, version=new_version)
        st.rerun()


def template_downloads(lang: str) -> None:
    st.subheader(t("history.templates", lang), help=t("history.templates_help", lang))
    left, right = st.columns(2)
    table = left.selectbox(
        t("desk.table_choice", lang), list(TABLES), key="tpl_table", format_func=lambda v: t(f"validation.table_{v}", lang)
    )
    headers = (
        right.segmented_control(
            t("history.headers_lang", lang),
            ["zh", "en"],
            default=lang,
            key="tpl_lang",
            format_func=lambda v: t(f"history.headers_{v}", lang),
        )
        or lang
    )
    a, b, _ = st.columns([1, 1, 2])
    a.download_button(
        "CSV",
        templates.template_bytes(table, headers, "csv"),
        file_name=f"{table}-template.csv",
        mime="text/csv",
        key="tpl_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    b.download_button(
        "Excel",
        templates.template_bytes(table, headers, "xlsx"),
        file_name=f"{table}-template.xlsx",
        key="tpl_xlsx",
        on_click="ignore",
        icon=":material/download:",
    )
