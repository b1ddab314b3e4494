"""Cached stage figures for the pages, keyed by the data version and the filters (like ``ui.data``).

Each frame is small (months × stages, districts × steps); the work is reading every community's stage dates,
done once per data version, filter set and day.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.figures import pace, stages
from dashboard.figures.filters import Filters
from dashboard.ui import per_version
from dashboard.ui.data import filtered


@per_version.cache
@st.cache_resource(show_spinner=False, max_entries=32)
def naming_pace(version: str, f: Filters, day: date) -> pace.NamingPace:
    """The year's naming pace in the filters' scope (nothing changes it after it is built)."""
    return pace.naming_pace(filtered(version, f, dates=False), day)


@per_version.cache
@st.cache_data(show_spinner=False, max_entries=32)
def counts_by_month(version: str, f: Filters, day: date) -> pd.DataFrame:
    return stages.stage_counts_by_month(filtered(version, f, dates=False), day)


@per_version.cache
@st.cache_data(show_spinner=False, max_entries=32)
def time_in_stage(version: str, f: Filters, by: str) -> pd.DataFrame:
    return stages.time_in_stage(filtered(version, f, dates=False), by)


@per_version.cache
@st.cache_data(show_spinner=False, max_entries=64)
def milestones(version: str, community_id: str) -> pd.DataFrame:
    """One community's stages with their dates, derived ones marked (from the unfiltered data)."""
    return stages.milestones(filtered(version, Filters(), dates=False), community_id)
