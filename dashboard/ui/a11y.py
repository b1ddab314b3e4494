"""The page's declared language, which Streamlit has no option for.

Streamlit's page is ``<html lang="en">`` whatever it shows (streamlit/streamlit#15726; a ``page_lang`` for
``st.set_page_config`` was proposed in #16024 and not merged), so screen readers read Chinese pages with
English rules. ``st.html`` with ``unsafe_allow_javascript`` (a public option) runs one line in the page that
sets the attribute; the text is ours, never data. The map's frame declares its own (render/map_access.py).
"""

from __future__ import annotations

import streamlit as st

from dashboard.render.map_access import html_lang


def declare_language(lang: str) -> None:
    """Set ``<html lang>`` to ``zh-CN`` or ``en`` for this page view (rerun when the reader switches)."""
    st.html(f"<script>document.documentElement.lang = {html_lang(lang)!r};</script>", unsafe_allow_javascript=True)
