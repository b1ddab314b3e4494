"""Reporting status for district offices and the city: last uploads by district, communities gone quiet.

For signed-in staff only: it names accounts. Cached per data version and day.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import config
from dashboard.figures import reporting
from dashboard.i18n import community_names, fmt_date, fmt_int, fmt_month, pd_isna, t
from dashboard.schema import TABLES
from dashboard.storage import uploads
from dashboard.ui import data, per_version
from dashboard.ui.text import local_stamp, table_in_sentence


@per_version.cache
@st.cache_data(show_spinner=False, max_entries=4)
def _status(version: str, today: date) -> pd.DataFrame:
    return reporting.status(uploads.last_uploads(data.engine()), data.dataset(), today)


@per_version.cache
@st.cache_data(show_spinner=False, max_entries=4)
def _quiet(version: str, today: date) -> pd.DataFrame:
    return reporting.quiet(data.dataset(), today)


def _upload(at: object, by: object) -> str:
    """When and by whom, "2026-11-25 · xi", or a dash when the table never had an upload for the district.

    A missing cell comes as None or as NaN: pandas 3 makes a column of texts and Nones a ``str`` column of NaNs.
    """
    if pd_isna(at) or pd_isna(by) or not at or not by:
        return "—"
    return f"{local_stamp(at)[:10]} · {by}"  # the day on the campaign's clock


def month_label(today: date, lang: str) -> str:
    return fmt_month(reporting.last_full_month(today)[0], lang)


def status_table(today: date, lang: str) -> None:
    """One row per district: communities, those quiet last month, and each table's last upload."""
    frame = _status(data.data_version(), today)
    month = month_label(today, lang)
    shown = pd.DataFrame(
        {
            t("reporting.col_district", lang): [config.label("districts", d, lang) for d in frame["district"]],
            t("reporting.col_communities", lang): [fmt_int(n, lang) for n in frame["communities"]],
            t("reporting.col_quiet", lang, month=month): [fmt_int(n, lang) for n in frame["quiet"]],
            **{
                t("reporting.col_upload", lang, table=table_in_sentence(table, lang)): [
                    _upload(at, by) for at, by in zip(frame[f"{table}_at"], frame[f"{table}_by"], strict=True)
                ]
                for table in TABLES
            },
        }
    )
    st.dataframe(shown, hide_index=True, key="reporting_table", width="stretch")
    st.caption(t("reporting.how", lang, month=month))


def quiet_list(today: date, lang: str) -> None:
    """The quiet communities by district, with their last activity: the list organisers call round."""
    frame = _quiet(data.data_version(), today)
    month = month_label(today, lang)
    with st.expander(t("reporting.quiet_list", lang, month=month, count=len(frame))):
        st.dataframe(
            pd.DataFrame(
                {
                    t("reporting.col_district", lang): [config.label("districts", d, lang) for d in frame["district"]],
                    t("reporting.col_community", lang): community_names(frame, lang).tolist(),
                    t("reporting.col_code", lang): frame["community_id"].tolist(),
                    t("reporting.col_last_activity", lang): [
                        fmt_date(d.date(), lang) if pd.notna(d) else "—" for d in frame["last_activity"]
                    ],
                }
            ),
            hide_index=True,
            key="reporting_quiet",
            width="stretch",
        )
