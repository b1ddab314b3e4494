"""Who is signed in, kept in the browser session and checked on every run.

The session holds a name, a time and an HMAC over both made with a key that
exists only in this server process, so crafting ``st.session_state`` cannot
sign anyone in; the role is read from the database each time, so a removed
account or a changed role takes effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import streamlit as st

from dashboard import auth, config
from dashboard.ui import data

_KEY = secrets.token_bytes(32)
SESSION_KEY = "staff_session"


def _signature(name: str, since: float) -> str:
    return hmac.new(_KEY, f"{name}\x1f{since}".encode(), hashlib.sha256).hexdigest()


def sign_in(user: auth.User) -> None:
    since = time.time()
    st.session_state[SESSION_KEY] = {"name": user.name, "since": since, "sig": _signature(user.name, since)}


def sign_out() -> None:
    """Forget the sign-in and what this user had staged (the next person at this browser starts clean)."""
    st.session_state.pop(SESSION_KEY, None)
    for key in ("desk_staged", "desk_done", "desk_conflict", "desk_communities_gone"):
        st.session_state.pop(key, None)


def current_user() -> auth.User | None:
    """The signed-in user, or None (expired, forged, removed or never signed in)."""
    info = st.session_state.get(SESSION_KEY)
    if not isinstance(info, dict):
        return None
    name, since, sig = info.get("name", ""), info.get("since", 0.0), info.get("sig", "")
    # Bytes, not str: compare_digest raises on non-ASCII text, which a crafted state could hold.
    if not hmac.compare_digest(str(sig).encode(), _signature(str(name), since).encode()):
        sign_out()
        return None
    if time.time() - float(since) > config.SESSION_MINUTES.value() * 60:
        sign_out()
        st.session_state["session_expired"] = True
        return None
    role = auth.role_of(data.engine(), name)
    if role is None:
        sign_out()
        return None
    return auth.User(name, role)
