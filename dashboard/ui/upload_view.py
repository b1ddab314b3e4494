"""The desk's upload flow: pick, check (with progress), then the report or the preview and commit."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard import auth, config
from dashboard.i18n import fmt_count, fmt_int, fmt_num, t
from dashboard.ingest import limits, staging
from dashboard.render.exports import table_bytes
from dashboard.render.readable import field_names, readable
from dashboard.schema import TABLES
from dashboard.scope import Scope
from dashboard.storage import audit, store
from dashboard.ui import components, data, flash, flow, maps_view, removals_view, session
from dashboard.ui.text import counted, counted_heading, md_escape, table_in_sentence, table_name

STAGED_KEY = "desk_staged"
ROUND_KEY = "desk_round"  # part of the uploader's key: a new round empties it after a commit
HIGHLIGHT = "background-color: #fde2e1; color: #8a1c12; font-weight: 600"


def limit_mb() -> float:
    return config.UPLOAD_LIMIT_MB.value()


def _mode_label(mode: str | None, scope: Scope, lang: str) -> str:
    """A scoped account's replace replaces only its districts' rows, and says so."""
    if mode == "replace" and not scope.city_wide:
        return t("desk.mode_replace_scoped", lang, scope=scope.label(lang))
    return t(f"desk.mode_{mode or 'default'}", lang)


def choose_file(scope: Scope, lang: str):
    """The file uploader with the table and mode choices; returns (file, table, mode)."""
    upload = st.file_uploader(
        t("desk.upload_label", lang, limit=f"{limit_mb():g}"),
        type=["csv", "xlsx"],
        help=t("desk.upload_help", lang),
        key=f"desk_file_{st.session_state.get(ROUND_KEY, 0)}",
        # The widget states the desk's own limit ("50MB per file"), not the server's ceiling (1GB).
        max_upload_size=max(1, math.ceil(limit_mb())),
    )
    left, right = st.columns(2)
    tables = [None, *TABLES]
    table = left.selectbox(
        t("desk.table_choice", lang),
        tables,
        key="desk_table",
        format_func=lambda v: t("desk.table_auto", lang) if v is None else table_name(v, lang),
    )
    modes = [None, "replace", "append"]
    mode = right.selectbox(t("desk.mode_choice", lang), modes, key="desk_mode", format_func=lambda v: _mode_label(v, scope, lang))
    return upload, table, mode


def check(upload, table: str | None, mode: str | None, user: auth.User, lang: str) -> staging.Staged | None:
    """Check the upload once per (file, table, mode, account's districts); keep the result in the session."""
    payload = upload.getvalue()
    refused = limits.upload_too_large(len(payload))
    if refused is not None:
        st.error(t("desk.too_large", lang, size=fmt_num(refused.params["size_mb"], lang), limit=f"{limit_mb():g}"))
        return None
    token = (upload.file_id, table, mode, user.name, user.scope)
    held = st.session_state.get(STAGED_KEY)
    if held and held[0] == token:
        return held[1]
    with st.status(t("desk.checking", lang, name=md_escape(upload.name)), expanded=False) as status:
        actor = audit.Actor(user.name, "desk")
        staged = staging.stage(data.engine(), payload, upload.name, table, mode, scope=user.scope, actor=actor)
        status.update(label=t("desk.checked", lang, count=fmt_int(staged.report.rows, lang)), state="complete")
    st.session_state[STAGED_KEY] = (token, staged)
    return staged


def show_rejected(staged: staging.Staged, payload: bytes, lang: str) -> None:
    """Summary, sortable problem table, highlighted rows and the report to download."""
    report = staged.report
    rows = staging.problem_rows(report)
    if rows:
        st.error(
            t(
                "desk.rejected",
                lang,
                count=report.error_count,
                rows=fmt_count(rows, "rows", lang),
                file=md_escape(staged.file_name),
            )
        )
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
    # a problem of the whole file has no row, column or value: "—", never "None"
    st.dataframe(shown.style.format(na_rep="—"), hide_index=True, key="desk_problems", width="stretch")
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
            rows=fmt_count(staged.report.rows, "rows", lang),
            table=table_in_sentence(staged.table, lang),
            mode=_mode_label(staged.mode, staged.scope, lang),
        )
    )
    cols = flow.row("desk_counts", flow.even(4, 150))
    for col, key in zip(cols, ("added", "changed", "removed", "unchanged"), strict=True):
        col.metric(t(f"desk.{key}", lang), fmt_int(preview.summary[key], lang), border=True)
    key_cols = list(TABLES[table].key)
    if not preview.changed.empty:  # headers, codes and the changed fields as the reader's template names them
        changed = preview.changed.assign(fields=preview.changed["fields"].map(lambda f: field_names(f, table, lang)))
        with st.expander(counted(t("desk.changed", lang), len(changed), lang), expanded=True):
            st.dataframe(
                readable(changed, table, lang).rename(columns={"fields": t("desk.changed_fields", lang)}),
                hide_index=True,
                key="desk_changed",
            )
    for part in ("added", "removed"):
        frame = getattr(preview, part)
        if not frame.empty:
            rows = readable(frame[key_cols + [c for c in frame.columns if c not in key_cols]].head(500), table, lang)
            with st.expander(counted(t(f"desk.{part}", lang), len(frame), lang)):
                st.dataframe(  # blank cells of the file show "—", numbers through the null-safe path
                    components.in_words(rows, lang, {}), hide_index=True, key=f"desk_{part}"
                )
    if staged.removals is not None:
        removals_view.show(staged.removals, staged.kept, staged.scope, lang, key="desk")
    if staged.moved is not None and not staged.moved.empty:
        st.markdown(counted_heading(t("desk.moved_map", lang), len(staged.moved), lang))
        maps_view.compact_map(staged.moved, lang, key="desk_map")


def commit_form(staged: staging.Staged, lang: str) -> None:
    """Note and commit; a large removal first needs its number typed; a concurrent commit is refused and re-checked."""
    if staged.no_change:
        st.info(t("desk.no_changes", lang, table=table_in_sentence(staged.table, lang)), icon=":material/check:")
        return
    assert staged.removals is not None, "a file that passed the check has its removals counted"
    ready, typed = removals_view.confirmation(staged.removals, lang, key="desk_confirm_removals")
    with st.form("desk_commit"):
        note = st.text_area(t("desk.note", lang), key="desk_note", max_chars=500)
        submitted = st.form_submit_button(t("desk.commit", lang), type="primary", icon=":material/publish:", disabled=not ready)
    user = session.require("import", lang) if submitted else None
    if user is None:
        return
    try:
        version = staging.commit(data.engine(), staged, audit.Actor(user.name, "desk"), note, confirm_removals=typed)
    except staging.RemovalsNotConfirmed:
        st.error(t("desk.type_removed_wrong", lang, count=staged.removals.total))
        return
    except (store.OutOfScope, store.VersionConflict, store.UnknownCommunities) as moved_on:
        st.session_state.pop(STAGED_KEY, None)  # the rerun checks the file again against the data as it is now
        key, params = _why_checked_again(moved_on, staged, lang)
        flash.flash("warning", key, **params)
        st.rerun()
        return
    st.session_state.pop(STAGED_KEY, None)
    st.session_state.pop("desk_confirm_removals", None)
    data.preload_new_version()
    flash.flash(
        "success", "desk.committed", icon=":material/check_circle:", table=table_in_sentence(staged.table, lang), version=version
    )
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    st.rerun()


def _why_checked_again(moved_on: Exception, staged: staging.Staged, lang: str) -> tuple[str, dict]:
    """The notice (key and values) for a commit refused because the data changed since the check."""
    table = table_in_sentence(staged.table, lang)
    if isinstance(moved_on, store.VersionConflict):
        return "desk.conflict", {"table": table, "expected": moved_on.expected, "actual": moved_on.actual}
    if isinstance(moved_on, store.UnknownCommunities):
        return "desk.communities_gone", {"table": table, "count": len(moved_on.missing)}
    return "desk.scope_changed_meanwhile", {"table": table}
