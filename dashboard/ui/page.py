"""What every dashboard page does first: route through app.py, read the shared state, title, scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboard import config
from dashboard.dataset import Dataset
from dashboard.figures.filters import Filters
from dashboard.i18n import t
from dashboard.ui import components, data, state


def require_settings(lang: str) -> None:
    """Stop the app, before it touches the database, with one line per refused setting (no traceback)."""
    refused = config.check_settings()
    for error in refused:
        st.error(t(error.key, lang, **error.values), icon=":material/settings:")
    if refused:
        st.stop()


@dataclass(frozen=True)
class View:
    """The reader's language and filters, the data version, and the data seen through the filters."""

    lang: str
    filters: Filters
    version: str
    ds: Dataset
    day: date
    scoped: Dataset


def open_page(title_key: str, *, dates: bool) -> View:
    """Title and scope line; stops the page with a notice when no community matches the filters.

    ``dates=False`` keeps every date in ``scoped`` (pages that compare periods themselves).
    """
    state.require_app()
    lang, f = state.lang(), state.filters()
    version = data.data_version()
    ds = data.dataset()
    day = data.reference_day(ds, f)
    components.header(title_key, f, ds, day, lang)
    scoped = data.filtered(version, f, dates=dates)
    if scoped.communities.empty:
        components.empty_notice(lang)
        st.stop()
    return View(lang, f, version, ds, day, scoped)
