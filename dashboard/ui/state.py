"""Language and filters shared by every page, mirrored in the URL.

Values live in our own ``st.session_state`` keys (widget keys reset when a page
is left) and are written to ``st.query_params`` on every run, so a presenter
can bookmark or send the exact view.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from dashboard import config
from dashboard.figures.filters import Filters
from dashboard.i18n import LANGS

PAGE_PARAMS = ("community", "slide", "layer", "show")  # page-specific parameters kept alongside the filters
EMBED_PARAMS = ("embed", "embed_options")  # Streamlit's own: left as they are


def require_app() -> None:
    """Send this run through app.py when Streamlit ran a page file on its own.

    Call it first on every page. Streamlit sees the folder named ``pages/``
    beside app.py and, until app.py's ``st.navigation`` has run once in the
    process, runs a page file by itself when the URL names it (its older
    multipage mode): the first visitor after a restart who opens a bookmark
    such as ``/progress?district=chengxi`` got the page without sidebar,
    language or filters, and every file of ``pages/`` in the menu. AppTest
    does the same on every run after the first. Switching that mode off, as
    ``st.navigation`` does, and rerunning sends the same URL through app.py.
    ``PagesManager`` is not public API: tests/test_pages.py fails if it changes.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


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
    current = {k: v for k, v in st.query_params.to_dict().items() if k not in EMBED_PARAMS}
    if current != wanted:
        for key in set(current) - set(wanted):
            del st.query_params[key]
        st.query_params.update(wanted)


def page_param(key: str) -> str | None:
    """A page-specific URL parameter (e.g. the community of the profile page)."""
    value = st.query_params.get(key)
    return str(value) if value else None
