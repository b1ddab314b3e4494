"""The desk's upload flow: pick, check (with progress), then the report or the preview and commit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import config
from dashboard.i18n import fmt_int, t
from dashboard.ingest import staging
from dashboard.render.exports import table_bytes
from dashboard.schema import TABLES
from dashboard.storage import store
from dashboard.ui import data, flash, maps_view, session
from dashboard.ui.text import md_escape

STAGED_KEY = "desk_staged"
ROUND_KEY = "desk_round"  # part of the uploader's key: a new round empties it after a commit
HIGHLIGHT = "background-color: #fde2e1; color: #8a1c12; font-weight: 600"


def limit_mb() -> float:
    return config.UPLOAD_LIMIT_MB.value()


def table_label(table: str | None, lang: str) -> str:
    return t(f"validation.table_{table}", lang) if table else "?"


def choose_file(lang: str):
    """The file uploader with the table and mode choices; returns (file, table, mode)."""
    upload = st.file_uploader(
        t("desk.upload_label", lang, limit=f"{limit_mb():g}"),
        type=["csv", "xlsx"],
        help=t("desk.upload_help", lang),
        key=f"desk_file_{st.session_state.get(ROUND_KEY, 0)}",
    )
    left, right = st.columns(2)
    tables = [None, *TABLES]
    table = left.selectbox(
        t("desk.table_choice", lang),
        tables,
        key="desk_table",
        format_func=lambda v: t("desk.table_auto", lang) if v is None else table_label(v, lang),
    )
    modes = [None, "replace", "append"]
    mode = right.selectbox(
        t("desk.mode_choice", lang), modes, key="desk_mode", format_func=lambda v: t(f"desk.mode_{v or 'default'}", lang)
    )
    return upload, table, mode


def check(upload, table: str | None, mode: str | None, lang: str) -> staging.Staged | None:
    """Check the upload once per (file, table, mode); keep the result in the session."""
    payload = upload.getvalue()
    size_mb = len(payload) / 1_048_576
    if size_mb > limit_mb():
        st.error(t("desk.too_large", lang, size=f"{size_mb:.1f}", limit=f"{limit_mb():g}"))
        return None
    token = (upload.file_id, table, mode)
    held = st.session_state.get(STAGED_KEY)
    if held and held[0] == token:
        return held[1]
    with st.status(t("desk.checking", lang, name=md_escape(upload.name)), expanded=False) as status:
        staged = staging.stage(data.engine(), payload, upload.name, table, mode)
        status.update(label=t("desk.checked", lang, rows=fmt_int(staged.report.rows, lang)), state="complete")
    st.session_state[STAGED_KEY] = (token, staged)
    return staged


def show_rejected(staged: staging.Staged, payload: bytes, lang: str) -> None:
    """Summary, sortable problem table, highlighted rows and the report to download."""
    report = staged.report
    rows = staging.problem_rows(report)
    if rows:
        st.error(t("desk.rejected", lang, count=report.error_count, rows=rows, file=md_escape(staged.file_name)))
    else:
        st.error(t("desk.rejected_file", lang, file=md_escape(staged.file_name)))
    problems = staging.problems_frame(report, lang)
    shown = problems.drop(columns=["code"]).rename(
        columns={
            "row": t("desk.col_row", lang),
            "column": t("desk.col_column", lang),
            "value": t("desk.col_value", lang),
            "message": t("desk.col_message", lang),
        }
    )
    st.markdown(f"**{t('desk.problems', lang)}**")
    st.dataframe(shown, hide_index=True, key="desk_problems", width="stretch")
    if report.unlisted:
        st.caption(t("validation.more_problems", lang, count=report.unlisted, shown=len(report.errors)))
    raw_rows, mask = staging.rows_with_problems(payload, staged.file_name, report)
    if not raw_rows.empty:
        st.markdown(f"**{t('desk.problem_rows', lang)}**")
        styled = raw_rows.style.apply(lambda _: mask.replace({True: HIGHLIGHT, False: ""}), axis=None)
        st.dataframe(styled, key="desk_problem_rows", width="stretch")
    _report_downloads(shown, staged.file_name, lang)


def _report_downloads(shown: pd.DataFrame, file_name: str, lang: str) -> None:
    stem = file_name.rsplit(".", 1)[0]
    row = st.container(horizontal=True)  # buttons as wide as their labels (narrow columns cut them off)
    row.download_button(
        f"{t('desk.download_report', lang)} (CSV)",
        table_bytes(shown, "csv"),
        file_name=f"{stem}-report.csv",
        mime="text/csv",
        key="desk_report_csv",
        on_click="ignore",
    )
    row.download_button(
        f"{t('desk.download_report', lang)} (Excel)",
        table_bytes(shown, "xlsx", sheet="report"),
        file_name=f"{stem}-report.xlsx",
        key="desk_report_xlsx",
        on_click="ignore",
    )


def show_warnings(staged: staging.Staged, lang: str) -> None:
    for issue in staged.report.warnings:
        st.warning(md_escape(issue.message(lang)), icon=":material/info:")  # names headers from the file


def show_preview(staged: staging.Staged, lang: str) -> None:
    """What the commit will do: counts, the changed keys and fields, and moved communities on a map."""
    preview, table = staged.preview, staged.table
    assert preview is not None and table is not None, "the desk shows a preview only for a file that passed"
    st.success(
        t(
            "desk.accepted",
            lang,
            rows=fmt_int(staged.report.rows, lang),
            table=table_label(staged.table, lang),
            mode=t(f"desk.mode_{staged.mode}", lang),
        )
    )
    cols = st.columns(4)
    for col, key in zip(cols, ("added", "changed", "removed", "unchanged"), strict=True):
        col.metric(t(f"desk.{key}", lang), fmt_int(preview.summary[key], lang), border=True)
    key_cols = list(TABLES[table].key)
    if not preview.changed.empty:
        with st.expander(f"{t('desk.changed', lang)} · {len(preview.changed)}", expanded=True):
            st.dataframe(
                preview.changed.rename(columns={"fields": t("desk.changed_fields", lang)}), hide_index=True, key="desk_changed"
            )
    for part in ("added", "removed"):
        frame = getattr(preview, part)
        if not frame.empty:
            with st.expander(f"{t(f'desk.{part}', lang)} · {len(frame)}"):
                st.dataframe(
                    frame[key_cols + [c for c in frame.columns if c not in key_cols]].head(500),
                    hide_index=True,
                    key=f"desk_{part}",
                )
    if staged.moved is not None and not staged.moved.empty:
        st.markdown(f"**{t('desk.moved_map', lang)}** · {len(staged.moved)}")
        maps_view.compact_map(staged.moved, lang, key="desk_map")


def commit_form(staged: staging.Staged, lang: str) -> None:
    """Note and commit; a concurrent commit to the same table is refused and re-checked."""
    with st.form("desk_commit"):
        note = st.text_area(t("desk.note", lang), key="desk_note", max_chars=500)
        submitted = st.form_submit_button(t("desk.commit", lang), type="primary", icon=":material/publish:")
    if not submitted:
        return
    user = session.require("import", lang)
    if user is None:
        return
    try:
        version = staging.commit(data.engine(), staged, user.name, note)
    except store.VersionConflict as conflict:
        st.session_state.pop(STAGED_KEY, None)  # the rerun checks the file again against the new version
        flash.flash(
            "warning",
            "desk.conflict",
            table=table_label(conflict.table, lang),
            expected=conflict.expected,
            actual=conflict.actual,
        )
        st.rerun()
        return
    except store.UnknownCommunities as gone:
        st.session_state.pop(STAGED_KEY, None)  # the rerun's check lists the rows row by row
        flash.flash("warning", "desk.communities_gone", table=table_label(gone.table, lang), count=len(gone.missing))
        st.rerun()
        return
    st.session_state.pop(STAGED_KEY, None)
    data.preload_new_version()
    flash.flash(
        "success", "desk.committed", icon=":material/check_circle:", table=table_label(staged.table, lang), version=version
    )
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    st.rerun()
