"""Version history: the list, downloads of any version, restore for admins, templates."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard.auth import User
from dashboard.i18n import fmt_int, t
from dashboard.ingest import restoring, sample
from dashboard.ingest.staging import RemovalsNotConfirmed
from dashboard.render import templates
from dashboard.render.exports import contract_frame, for_reader, sheet_name, table_bytes
from dashboard.schema import TABLES
from dashboard.scope import Scope
from dashboard.storage import audit, store
from dashboard.ui import data, flash, per_version, removals_view, session
from dashboard.ui.text import local_stamp, table_in_sentence, table_name


def versions_table(rows: list[dict], staff: bool, lang: str) -> None:
    """Every version; account names and notes only for signed-in staff (DASHBOARD_PUBLIC readers see neither)."""
    columns = {
        t("history.col_version", lang): [r["version"] for r in rows],
        t("history.col_active", lang): ["✔" if r["active"] else "" for r in rows],
        t("history.col_when", lang): [local_stamp(r["created_at"]) for r in rows],
        t("history.col_user", lang): [r["user"] for r in rows],
        t("history.col_file", lang): [r["file"] for r in rows],
        t("history.col_rows", lang): [r["rows"] for r in rows],
        t("history.col_note", lang): [_note(r["note"], lang) for r in rows],
    }
    if not staff:
        columns.pop(t("history.col_user", lang))
        columns.pop(t("history.col_note", lang))
    st.dataframe(pd.DataFrame(columns), hide_index=True, key="history_table", width="stretch")


def _note(note: str, lang: str) -> str:
    """A version's note as its author wrote it; the bundled sample's, which the product wrote, in the reader's language."""
    return t("history.sample_note", lang) if note == sample.NOTE else note


def version_bytes(table: str, version: int, kind: str, user: User, lang: str = "en") -> bytes:
    """One version of a table as CSV or Excel, headed as the template in ``lang`` (``exports.for_reader``) so staff
    can edit it and upload it again; the download goes to the audit log."""
    frame = for_reader(table, contract_frame(table, store.load_table(data.engine(), table, version)), lang)
    details = {"table": table, "version": version, "format": kind, "rows": len(frame), "headers": lang}
    audit.record(data.engine(), audit.Actor(user.name, "desk"), audit.Event.EXPORT, audit.Outcome.SUCCESS, details)
    return table_bytes(frame, kind, sheet=sheet_name(table, lang))


def downloads(table: str, version: int, user: User | None, lang: str) -> None:
    """Downloads of a stored version, for signed-in staff only."""
    if user is None:
        st.caption(t("history.staff_downloads", lang))
        return
    left, right, _ = st.columns([1, 1, 2])
    label = t("history.download", lang, version=version)
    left.download_button(
        f"{label} (CSV)",
        lambda: version_bytes(table, version, "csv", user, lang),
        file_name=f"{table}-v{version}.csv",
        mime="text/csv",
        key="hist_csv",
        on_click="ignore",
        help=t("history.download_help", lang),
    )
    right.download_button(
        f"{label} (Excel)",
        lambda: version_bytes(table, version, "xlsx", user, lang),
        file_name=f"{table}-v{version}.xlsx",
        key="hist_xlsx",
        on_click="ignore",
        help=t("history.download_help", lang),
    )


@per_version.cache
@st.cache_data(show_spinner=False, max_entries=4)
def _plan(data_version: str, table: str, version: int, districts: str) -> restoring.RestorePlan:
    """What the restore would do now (two versions loaded and compared: once per data version)."""
    return restoring.plan(data.engine(), table, version, Scope.stored(districts))


def restore(table: str, version: int, user: User | None, lang: str) -> None:
    """Admins restore a version (a scoped admin: its districts' rows only) as a new one; others are told who can."""
    if user is None or not user.can("restore"):  # signed in already: not told to sign in
        st.caption(t("history.admin_only" if user is None else "history.admin_only_signed_in", lang))
        return
    in_sentence = table_in_sentence(table, lang)
    if not user.scope.city_wide:
        st.caption(t("history.restore_scoped", lang, scope=user.scope.label(lang)))
    sure = st.checkbox(t("history.restore_confirm", lang, version=version, table=in_sentence), key="hist_confirm")
    ready, typed, planned = False, None, None
    if sure:
        planned = _plan(data.data_version(), table, version, user.scope.text())
        st.caption(t("history.restore_preview", lang, **{k: fmt_int(v, lang) for k, v in planned.preview.summary.items()}))
        removals_view.show(planned.removals, planned.kept, user.scope, lang, key="hist")
        ready, typed = removals_view.confirmation(planned.removals, lang, key="hist_confirm_removals")
    clicked = st.button(t("history.restore", lang, version=version), disabled=not ready, key="hist_restore", type="primary")
    current = session.require("restore", lang) if clicked and planned is not None else None
    if current is None or planned is None:
        return
    try:
        new_version = restoring.restore(data.engine(), planned, audit.Actor(current.name, "desk"), confirm_removals=typed)
    except store.UnknownCommunities as gone:
        st.error(t("history.restore_refused_communities", lang, version=version, table=in_sentence, count=len(gone.missing)))
        return
    except store.OutOfScope as outside:
        st.error(t("history.restore_out_of_scope", lang, version=version, table=in_sentence, count=outside.count))
        return
    except (ValueError, RemovalsNotConfirmed, store.VersionConflict, SQLAlchemyError):
        st.error(t("history.restore_failed", lang, version=version))
        return
    st.session_state.pop("hist_confirm_removals", None)
    data.preload_new_version()
    flash.flash("success", "history.restored", icon=":material/history:", to=version, table=in_sentence, version=new_version)
    st.rerun()


def template_downloads(lang: str) -> None:
    st.subheader(t("history.templates", lang), help=t("history.templates_help", lang))
    left, right = st.columns(2)
    table = left.selectbox(t("desk.table_choice", lang), list(TABLES), key="tpl_table", format_func=lambda v: table_name(v, lang))
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
