"""Who is signed in, kept in the browser session and checked on every run.

The session holds a name, a time, the account's session token and the id of the sign-in the browser keeps, with an
HMAC over them made with a key that exists only in this server process, so crafting ``st.session_state`` cannot
sign anyone in; the account is read from the database each time, so a removed account or a changed role or scope
takes effect at once, and again at every click that changes data or accounts (:func:`require`). A password change
or the account's removal gives the account a new session token (or none), which ends every other open session of
that account.

A reload or a new tab starts a new browser session: it resumes the sign-in the browser's cookie keeps
(``dashboard.kept_signin``; the cookie is set and cleared by ``ui.session_route`` at the page's request,
:func:`browser_requests`), with the same checks and the same end.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime

import streamlit as st

from dashboard import auth, config, kept_signin, signin
from dashboard.i18n import t
from dashboard.ui import data, flash, session_route

_KEY = secrets.token_bytes(32)
SESSION_KEY = "staff_session"
TICKET_KEY = "staff_kept_ticket"  # the one-time ticket the browser is still to trade for its cookie
FORGET_KEY = "staff_forget_cookie"  # the forget request's body (an ended sign-in's id, "out:" first after a sign-out click)
NO_RESUME_KEY = "staff_no_resume"  # this browser session signed out, or its cookie keeps nothing: do not look again


def _signature(name: str, since: float, token: str, kept: str) -> str:
    return hmac.new(_KEY, f"{name}\x1f{since}\x1f{token}\x1f{kept}".encode(), hashlib.sha256).hexdigest()


def client_address() -> str | None:
    """The address the browser connects from (None for a local connection): sign-in failures are counted by it.

    Behind a reverse proxy this is the proxy's address unless the proxy passes the client's on.
    """
    address = st.context.ip_address
    return address if isinstance(address, str) else None  # anything else (a test double) counts as local


def _hold(user: auth.User, since: float, kept: str) -> None:
    st.session_state[SESSION_KEY] = {
        "name": user.name,
        "since": since,
        "token": user.token,
        "kept": kept,
        "sig": _signature(user.name, since, user.token, kept),
    }


def _keep_ticket(ticket: str) -> None:
    """The ticket the browser is to trade for its cookie, with the moment it stops being worth asking for."""
    st.session_state[TICKET_KEY] = {"ticket": ticket, "until": time.time() + kept_signin.TICKET_SECONDS, "asked": 0}


def sign_in(user: auth.User) -> None:
    """A sign-in on the desk: held in this session and kept for the browser (a reload or a new tab resumes it)."""
    kept, ticket = kept_signin.open_session(data.engine(), user)
    _hold(user, time.time(), kept)
    _keep_ticket(ticket)
    st.session_state.pop(NO_RESUME_KEY, None)
    st.session_state.pop(FORGET_KEY, None)


def renew(user: auth.User, token: str) -> None:
    """Keep this session after its own password change, which ended every other one: the browser's kept sign-in too,
    so a new one is kept for this session (the old cookie, wherever a copy of it is, signs no one in again)."""
    info = st.session_state.get(SESSION_KEY) or {}
    since = float(info.get("since", time.time()))
    renewed = auth.User(user.name, user.role, user.scope, False, token)
    kept = str(info.get("kept", ""))
    if kept:
        kept, ticket = kept_signin.renew(data.engine(), kept, renewed, datetime.fromtimestamp(since, UTC))
        _keep_ticket(ticket)
    _hold(renewed, since, kept)


def _resumed() -> auth.User | None:
    """The sign-in this browser's cookie keeps, held again in this new session (and noted in the audit log); None
    without one."""
    secret = None if st.session_state.get(NO_RESUME_KEY) else session_route.cookie_secret()
    if secret is None:
        return None
    kept = kept_signin.resume(data.engine(), secret)
    if kept is None:  # ended, expired, or from before a password change: the browser may drop the cookie
        st.session_state[NO_RESUME_KEY] = True
        st.session_state[FORGET_KEY] = ""
        return None
    _hold(kept.user, kept.started.timestamp(), kept.id)
    signin.resumed(data.engine(), kept.user, client_address())
    return current_user()


def _forget(*, genuine: bool = True, signed_out: bool = False) -> None:
    """End the sign-in here and in the browser's keeping (the browser drops the cookie on the next run).

    ``signed_out`` for the click on "sign out": the browser then drops its cookie whatever sign-in it names, so no
    tab of it stays signed in. ``genuine=False`` for a session whose signature failed: the sign-in it names is not
    ended on its word. The session stops resuming first, so a database error below cannot undo the end.
    """
    st.session_state[NO_RESUME_KEY] = True
    st.session_state.pop(TICKET_KEY, None)
    info = st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop("desk_staged", None)
    flash.forget()
    if genuine and isinstance(info, dict) and info.get("kept"):
        kept = str(info["kept"])
        st.session_state[FORGET_KEY] = (session_route.SIGNED_OUT if signed_out else "") + kept
        kept_signin.end(data.engine(), kept)


def sign_out() -> None:
    """The user's click: record it, forget the sign-in and what was staged (the next person here starts clean), and
    have the browser drop its kept sign-in, so that no tab of it stays signed in."""
    user = current_user()
    if user is not None:
        signin.signed_out(data.engine(), user)
    _forget(signed_out=True)


def current_user() -> auth.User | None:
    """The signed-in user, or None (expired, forged, ended by a password change, removed, signed out in another tab of
    the browser, or never signed in)."""
    info = st.session_state.get(SESSION_KEY)
    if not isinstance(info, dict):
        return _resumed()
    name, since, token, sig = info.get("name", ""), info.get("since", 0.0), info.get("token", ""), info.get("sig", "")
    kept = str(info.get("kept", ""))
    # Bytes, not str: compare_digest raises on non-ASCII text, which a crafted state could hold.
    if not hmac.compare_digest(str(sig).encode(), _signature(str(name), since, str(token), kept).encode()):
        _forget(genuine=False)
        return None
    user = auth.account(data.engine(), name)
    if user is None or not hmac.compare_digest(user.token.encode(), str(token).encode()):
        _forget()
        flash.flash("warning", "auth.session_ended")
        return None
    if time.time() - float(since) > config.SESSION_MINUTES.value() * 60:  # before "ended": tabs expire together
        signin.signed_out(data.engine(), user, "expired")
        _forget()
        flash.flash("warning", "auth.session_expired")
        return None
    if kept and kept_signin.ended(data.engine(), kept):  # signed out in another tab: the same sign-in, ended
        _forget()
        flash.flash("warning", "auth.signed_out_elsewhere")
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


_POST = (
    "<script>fetch(%s, {method: 'POST', body: %s, credentials: 'same-origin', cache: 'no-store'})"
    ".catch(function () {}); /* %d */</script>"
)


def browser_requests() -> None:
    """Ask the browser to trade a new sign-in's ticket for its cookie, or to drop the cookie after a sign-out.

    The ticket's request is asked for at each run until the server has seen it or the ticket has expired, each time
    as a script of its own (the count makes it new: the browser runs a script again only when it changes), so a
    request lost to a replica restarting is made again at the next click; a used ticket is refused and changes
    nothing. Only our own text, the ticket (URL-safe Base64) and a sign-in's id (hex) go into the script, as JSON.
    """
    info = st.session_state.get(SESSION_KEY)
    pending = st.session_state.get(TICKET_KEY)
    if (
        isinstance(pending, dict)
        and isinstance(info, dict)
        and time.time() < float(pending.get("until", 0))
        and not kept_signin.redeemed(data.engine(), str(info.get("kept", "")))
    ):
        pending["asked"] = int(pending.get("asked", 0)) + 1
        body = json.dumps(str(pending["ticket"]))
        st.html(_POST % (json.dumps(session_route.keep_url()), body, pending["asked"]), unsafe_allow_javascript=True)
        return
    st.session_state.pop(TICKET_KEY, None)
    kept = st.session_state.pop(FORGET_KEY, None)
    if kept is not None:
        st.html(_POST % (json.dumps(session_route.forget_url()), json.dumps(str(kept)), 1), unsafe_allow_javascript=True)
