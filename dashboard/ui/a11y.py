"""What Streamlit has no option for: the page's declared language, Enter on a table row.

Streamlit's page is ``<html lang="en">`` whatever it shows (streamlit/streamlit#15726; a ``page_lang`` for
``st.set_page_config`` was proposed in #16024 and not merged), so screen readers read Chinese pages with
English rules. ``st.html`` with ``unsafe_allow_javascript`` (a public option) runs one line in the page that
sets the attribute; the text is ours, never data. The map's frame declares its own (render/map_access.py).
"""

from __future__ import annotations

import json

import streamlit as st

from dashboard.render.map_access import html_lang


def declare_language(lang: str) -> None:
    """Set ``<html lang>`` to ``zh-CN`` or ``en`` for this page view (rerun when the reader switches)."""
    st.html(f"<script>document.documentElement.lang = {html_lang(lang)!r};</script>", unsafe_allow_javascript=True)


_ENTER_SELECTS = """<script>
(function (key) {
  var flag = '__juEnterSelects_' + key;
  if (window[flag]) { return; }
  window[flag] = true;
  document.addEventListener('keydown', function (event) {
    var grid = event.target.closest && event.target.closest('.st-key-' + key);
    if (!grid || event.key !== 'Enter' || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) { return; }
    event.preventDefault();
    event.stopPropagation();
    var shiftSpace = {key: ' ', code: 'Space', keyCode: 32, shiftKey: true, bubbles: true, cancelable: true};
    event.target.dispatchEvent(new KeyboardEvent('keydown', shiftSpace));
  }, true);
})(%s);
</script>"""


def enter_selects_row(key: str) -> None:
    """Enter on a row of the table ``key`` selects it, as Shift+Space does (Streamlit's table has no option for it).

    The table's own key handling is kept: Enter is handed to it as the Shift+Space it already understands.
    """
    st.html(_ENTER_SELECTS % json.dumps(key), unsafe_allow_javascript=True)
