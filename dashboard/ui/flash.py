"""Notices that outlive a rerun: what a commit or a restore did, said on the page drawn after it.

A view calls :func:`flash` just before ``st.rerun()``; the page calls
:func:`show_flashes` where notices belong, and each is shown once. Messages are
kept as catalogue keys and translated when shown, in the reader's language.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

from dashboard.i18n import t

FLASH_KEY = "desk_flashes"
Kind = Literal["success", "info", "warning", "error"]
_SHOW = {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}


def flash(kind: Kind, key: str, *, icon: str | None = None, **params: object) -> None:
    """Keep the message ``key`` (filled in with ``params``) to show after the next rerun."""
    kept = list(st.session_state.get(FLASH_KEY, []))
    st.session_state[FLASH_KEY] = [*kept, {"kind": kind, "key": key, "icon": icon, "params": params}]


def show_flashes(lang: str) -> None:
    """Show every kept message once, in the order they were kept."""
    for note in st.session_state.pop(FLASH_KEY, []):
        _SHOW[note["kind"]](t(note["key"], lang, **note["params"]), icon=note["icon"])


def forget() -> None:
    """Drop kept messages unshown (at sign-out: the next person at this browser starts clean)."""
    st.session_state.pop(FLASH_KEY, None)
