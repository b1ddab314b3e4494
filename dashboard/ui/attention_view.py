"""The Overview's "needs attention" lists: silent communities, districts behind pace, falling satisfaction, and
communities stuck in one stage (``stage_view.stuck_list``)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.dataset import Dataset
from dashboard.figures import queries
from dashboard.i18n import t
from dashboard.ui import components, flow, stage_view
from dashboard.ui.text import counted_heading


def _column(title: str, count: int, none_message: str, draw, lang: str) -> None:
    """A heading with its count, then the list or a line saying there is nothing to worry about."""
    st.markdown(counted_heading(title, count, lang))
    if count:
        draw()
    else:
        st.success(none_message)


def show(scoped: Dataset, progress: pd.DataFrame, day: date, lang: str) -> None:
    """Three lists side by side (one under the other where the page has no room for three of 250 px), each with its
    key figure right after the name (it must show in a third of a 1280 px screen), then the communities stuck in one
    stage."""
    inactive = queries.inactive_communities(scoped, day)
    behind = queries.behind_pace(progress)
    falling = queries.falling_satisfaction(scoped, day)
    days = queries.INACTIVE_DAYS
    left, middle, right = flow.row("attention", flow.even(3, 250))
    with left:
        _column(
            t("ui.inactive", lang, days=days),
            len(inactive),
            t("ui.none_inactive", lang, days=days),
            lambda: components.community_table(
                inactive,
                {"days_since": "ui.col_days_since", "district": "ui.col_district"},
                lang,
                key="tbl_inactive",
                height=300,
                figures={"days_since": ("int", "no_activity")},  # a community that never reported
            ),
            lang,
        )
    with middle:
        _column(
            t("ui.behind_pace", lang, year=day.year),
            len(behind),
            t("ui.none_behind", lang),
            lambda: components.district_pace_table(behind, lang),
            lang,
        )
    with right:
        _column(
            t("ui.falling", lang),
            len(falling),
            t("ui.none_falling", lang),
            lambda: components.community_table(
                falling,
                {"change": "ui.col_change", "latest": "ui.col_satisfaction", "district": "ui.col_district"},
                lang,
                key="tbl_falling",
                height=300,
            ),
            lang,
        )
    stage_view.stuck_list(scoped, day, lang)
