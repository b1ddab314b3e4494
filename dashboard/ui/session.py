"""Who is signed in, kept in the browser session and checked on every run.

The session holds a name, a time and an HMAC over both made with a key that
exists only in this server process, so crafting ``st.session_state`` cannot
sign anyone in; the account is read from the database each time, so a removed
account or a changed role or scope takes effect at once, and again at every
click that changes data or accounts (:func:`require`). The session also holds
the account's session token: a password change or the account's removal gives
it a new one (or none), which ends every other open session of that account.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import streamlit as st

from dashboard import auth, config, signin
from dashboard.i18n import t
from dashboard.ui import data, flash

_KEY = secrets.token_bytes(32)
SESSION_KEY = "staff_session"


def _signature(name: str, since: float, token: str) -> str:
    return hmac.new(_KEY, f"{name}\x1f{since}\x1f{token}".encode(), hashlib.sha256).hexdigest()


def client_address() -> str | None:
    """The address the browser connects from (None for a local connection): sign-in failures are counted by it.

    Behind a reverse proxy this is the proxy's address unless the proxy passes the client's on.
    """
    address = st.context.ip_address
    return address if isinstance(address, str) else None  # anything else (a test double) counts as local


def sign_in(user: auth.User) -> None:
    since = time.time()
    st.session_state[SESSION_KEY] = {
        "name": user.name,
        "since": since,
        "token": user.token,
        "sig": _signature(user.name, since, user.token),
    }


def renew(user: auth.User, token: str) -> None:
    """Keep this session after its own password change (which ended every other one)."""
    sign_in(auth.User(user.name, user.role, user.scope, False, token))


def _forget() -> None:
    st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop("desk_staged", None)
    flash.forget()


def sign_out() -> None:
    """The user's click: record it, forget the sign-in and what was staged (the next person here starts clean)."""
    user = current_user()
    if user is not None:
        signin.signed_out(data.engine(), user)
    _forget()


def current_user() -> auth.User | None:
    """The signed-in user, or None (expired, forged, ended by a password change, removed, or never signed in)."""
    info = st.session_state.get(SESSION_KEY)
    if not isinstance(info, dict):
        return None
    name, since, token, sig = info.get("name", ""), info.get("since", 0.0), info.get("token", ""), info.get("sig", "")
    # Bytes, not str: compare_digest raises on non-ASCII text, which a crafted state could hold.
    if not hmac.compare_digest(str(sig).encode(), _signature(str(name), since, str(token)).encode()):
        _forget()
        return None
    user = auth.account(data.engine(), name)
    if user is None or not hmac.compare_digest(user.token.encode(), str(token).encode()):
        _forget()
        flash.flash("warning", "auth.session_ended")
        return None
    if time.time() - float(since) > config.SESSION_MINUTES.value() * 60:
        signin.signed_out(data.engine(), user, "expired")
        _forget()
        flash.flash("warning", "auth.session_expired")
        return None
    return user


def require(action: str, lang: str) -> auth.User | None:
    """The signed-in user if their role, read again now, may ``action``; else None, after saying so.

    ``action`` is "import", "restore", "manage" or "audit" (:meth:`auth.User.can`). Call it at every click
    that changes data or accounts: the role at the click counts, not the one the page was drawn with.
    """
    user = current_user()
    if user is None or not user.can(action):
        st.error(t("auth.not_allowed", lang))
        return None
    return user
