"""What a commit or restore removes, district by district, and the typed number a large removal needs.

Shared by the desk's preview and the restore on Version history. The button
stays disabled until the number is typed; the click is checked again on the
server (``guard.Removals.confirmed_by``), whatever the browser sent.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import config
from dashboard.i18n import fmt_int, fmt_pct, join_list, t
from dashboard.ingest.guard import Removals
from dashboard.scope import Scope


def _district(code: str, lang: str) -> str:
    return config.label("districts", code, lang) if code else t("scope.district_unknown", lang)


def show(removals: Removals, kept: int, scope: Scope, lang: str, key: str) -> None:
    """Rows of other districts left alone (scoped accounts), the removals by district, and the warning when large."""
    if kept:
        st.info(
            t("desk.kept_other_districts", lang, count=fmt_int(kept, lang), scope=scope.label(lang)), icon=":material/shield:"
        )
    if not removals.total:
        return
    st.markdown(f"**{t('desk.removed_by_district', lang)}**")
    rows = removals.rows()
    st.dataframe(
        pd.DataFrame(
            {
                t("desk.col_district", lang): [_district(r["district"], lang) for r in rows],
                t("desk.col_rows_before", lang): [r["before"] for r in rows],
                t("desk.removed", lang): [r["removed"] for r in rows],
                t("desk.col_all_removed", lang): ["✔" if r["all"] else "" for r in rows],
            }
        ),
        hide_index=True,
        key=f"{key}_removals",
    )
    if removals.large:
        wiped = join_list((_district(d, lang) for d in removals.wiped), lang)
        share = fmt_pct(removals.total / removals.in_scope if removals.in_scope else None, lang)
        text = t(
            "desk.large_removal", lang, count=fmt_int(removals.total, lang), share=share, total=fmt_int(removals.in_scope, lang)
        )
        if wiped:
            text += " " + t("desk.large_removal_wiped", lang, districts=wiped)
        st.warning(text, icon=":material/warning:")


def confirmation(removals: Removals, lang: str, key: str) -> tuple[bool, int | None]:
    """For a large removal, ask for the number of rows it removes: (whether it was typed right, the number typed)."""
    if not removals.large:
        return True, None
    typed = st.text_input(t("desk.type_removed", lang, count=removals.total), key=key, max_chars=12)
    number = int(typed.strip()) if typed.strip().isdigit() else None
    if typed.strip() and number != removals.total:
        st.caption(t("desk.type_removed_wrong", lang, count=removals.total))
    return number == removals.total, number
