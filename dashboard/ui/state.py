"""Language and filters shared by every page, mirrored in the URL.

Values live in our own ``st.session_state`` keys (widget keys reset when a page
is left) and are written to ``st.query_params`` on every run, so a presenter
can bookmark or send the exact view.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import config
from dashboard.filters import Filters
from dashboard.i18n import LANGS

PAGE_PARAMS = ("community", "slide", "layer")  # page-specific parameters kept alongside the filters


def init() -> None:
    """Read language and filters from the URL once per browser session."""
    if "filters" not in st.session_state:
        params = st.query_params.to_dict()
        st.session_state["filters"] = Filters.from_params(params)
        lang = params.get("lang", "")
        st.session_state["lang"] = lang if lang in LANGS else config.default_lang()


def lang() -> str:
    """The reader's language: "zh" or "en"."""
    return st.session_state.get("lang", config.default_lang())


def filters() -> Filters:
    return st.session_state.get("filters", Filters())


def set_filters(new: Filters) -> None:
    st.session_state["filters"] = new


def set_lang(code: str) -> None:
    st.session_state["lang"] = code if code in LANGS else config.default_lang()


def sync_url(**page_params: str | None) -> None:
    """Write the shared state (and this page's own parameters) into the URL."""
    wanted = {"lang": lang(), **filters().to_params()}
    for key, value in page_params.items():
        if value:
            wanted[key] = str(value)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def page_param(key: str) -> str | None:
    """A page-specific URL parameter (e.g. the community of the profile page)."""
    value = st.query_params.get(key)
    return str(value) if value else None


def date_or_none(value: object) -> date | None:
    return value if isinstance(value, date) else None
