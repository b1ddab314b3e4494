"""The sortable ranking of communities; selecting a row opens its profile."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import config
from dashboard.i18n import community_names, t
from dashboard.ui import a11y, components


def table(ranked: pd.DataFrame, lang: str) -> str | None:
    """Show the ranking; return the id of a selected community, if any."""
    shown = pd.DataFrame(
        {
            "#": range(1, len(ranked) + 1),
            t("ui.col_community", lang): community_names(ranked, lang),
            t("ui.col_district", lang): ranked["district"].map(lambda d: config.label("districts", d, lang)),
            t("ui.col_type", lang): ranked["characteristic"].map(lambda c: _type_label(c, lang)),
            t("ui.col_stage", lang): ranked["stage"].map(lambda s: config.label("stages", s, lang)),
            t("ui.col_activities", lang): ranked["activities"].astype(int),
            t("ui.col_participants", lang): ranked["participants"].astype(int),
            t("ui.col_hours", lang): ranked["volunteer_hours"].round(1),
            t("ui.col_satisfaction", lang): ranked["satisfaction"],
            t("ui.col_days_since", lang): ranked["days_since"],
        }
    )
    st.caption(t("ui.ranking_keys", lang))
    a11y.enter_selects_row("tbl_ranking")
    figures = {
        t("ui.col_hours", lang): ("num", "no_data"),
        t("ui.col_satisfaction", lang): ("num", "no_survey"),
        t("ui.col_days_since", lang): ("int", "no_activity"),
    }
    event = st.dataframe(
        components.in_words(shown, lang, figures),
        hide_index=True,
        key="tbl_ranking",
        on_select="rerun",
        selection_mode="single-row",
        height=420,
    )
    rows = event.selection.rows if event and event.selection else []
    return str(ranked.iloc[rows[0]]["community_id"]) if rows else None


def _type_label(code: str, lang: str) -> str:
    term = config.term("types", code)
    return f"{term.icon} {term.label(lang)}"
