"""Who is signed in, kept in the browser session and checked on every run.

The session holds a name, a time and an HMAC over both made with a key that
exists only in this server process, so crafting ``st.session_state`` cannot
sign anyone in; the role is read from the database each time, so a removed
account or a changed role takes effect at once, and again at every click that
changes data or accounts (:func:`require`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import streamlit as st

from dashboard import auth, config
from dashboard.i18n import t
from dashboard.ui import data, flash

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
    st.session_state.pop("desk_staged", None)
    flash.forget()


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
        flash.flash("warning", "auth.session_expired")
        return None
    role = auth.role_of(data.engine(), name)
    if role is None:
        sign_out()
        return None
    return auth.User(name, role)


def require(action: str, lang: str) -> auth.User | None:
    """The signed-in user if their role, read again now, may ``action``; else None, after saying so.

    ``action`` is "import", "restore" or "manage" (:meth:`auth.User.can`). Call it at every click
    that changes data or accounts: the role at the click counts, not the one the page was drawn with.
    """
    user = current_user()
    if user is None or not user.can(action):
        st.error(t("auth.not_allowed", lang))
        return None
    return user
