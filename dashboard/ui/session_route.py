"""The server's two requests for a kept sign-in (``dashboard.kept_signin``): set its cookie, and clear it.

A page run cannot set a cookie (Streamlit answers over a WebSocket), so after a sign-in the page asks the browser to
post the sign-in's one-time ticket here (``session.browser_requests``); the answer sets an HttpOnly, SameSite=Strict
cookie that scripts cannot read and other sites cannot send. Both requests are taken only from the app's own pages
(the browser's ``Sec-Fetch-Site``, or else ``Origin``, must say so): no other page, not even a sibling subdomain's,
can post a ticket of its own into a colleague's browser or clear the cookie. ``serve.py`` adds these routes to
``st.App``, under the server's base path (``server.baseUrlPath``, as nginx passes it through in deploy/). A server
started as ``streamlit run app.py`` has no such routes: its sign-ins simply end with the page, as they always did.
A database that does not answer gets a 503 and one line in the server's log, never a traceback.
"""

from __future__ import annotations

import functools
import sys
from urllib.parse import urlsplit

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dashboard import kept_signin
from dashboard.storage import database

COOKIE = "juping_signin"
MAX_BODY = 100  # bytes: a ticket is 43, a sign-in's id 32 (36 with "out:"); anything longer is not one
SIGNED_OUT = "out:"  # the forget request's body starts so after a click on "sign out" (the browser signs out whole)


def base_path() -> str:
    """``/`` or ``/<server.baseUrlPath>/``: where the app's pages, and these requests, live."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


def keep_url() -> str:
    return base_path() + "_dashboard/signin/keep"


def forget_url() -> str:
    return base_path() + "_dashboard/signin/forget"


def _secure(request: Request) -> bool:
    """Mark the cookie Secure when the browser reached the app over HTTPS (directly, or through the proxy)."""
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "").lower() == "https"


def _from_our_pages(request: Request) -> bool:
    """Whether the request comes from a page of this app, as the browser tells: ``Sec-Fetch-Site`` (every current
    browser sends it), else an ``Origin`` naming the request's own host (and its port, where ``Host`` gives one:
    nginx passes the host without it)."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin, host = request.headers.get("origin"), request.headers.get("host")
    if origin is None or host is None:
        return False
    theirs, ours = urlsplit(origin), urlsplit(f"//{host}")
    return theirs.hostname == ours.hostname and (ours.port is None or theirs.port == ours.port)


async def _short_body(request: Request) -> str | None:
    """The request's text if it is at most MAX_BODY bytes (read no further than that), else None."""
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY:
            return None
    return data.decode("ascii", "replace").strip()


def _answer(status: int) -> Response:
    return Response(status_code=status, headers={"Cache-Control": "no-store"})


def _unavailable(error: SQLAlchemyError) -> Response:
    print(f"[dashboard] a sign-in cookie request found the database unavailable: {error!r}", file=sys.stderr, flush=True)
    return _answer(503)


async def keep(request: Request) -> Response:
    """Trade the posted ticket for the sign-in's cookie (no Max-Age: the browser drops it when it closes; the server
    ends the sign-in after DASHBOARD_SESSION_MINUTES whatever the browser keeps)."""
    ticket = await _short_body(request) if _from_our_pages(request) else None
    if not ticket:
        return _answer(403)
    try:
        secret = await run_in_threadpool(kept_signin.redeem, database.get_engine(), ticket)
    except SQLAlchemyError as error:  # the page asks again at its next run
        return _unavailable(error)
    if secret is None:
        return _answer(403)
    response = _answer(204)
    response.set_cookie(COOKIE, secret, path=base_path(), httponly=True, samesite="strict", secure=_secure(request))
    return response


async def forget(request: Request) -> Response:
    """Clear the cookie after a sign-in ended: always after a click on "sign out" (ending whatever sign-in the cookie
    names), otherwise unless it now keeps another, live sign-in (made in another tab since)."""
    body = await _short_body(request) if _from_our_pages(request) else None
    if body is None:
        return _answer(403)
    secret, signed_out = request.cookies.get(COOKIE), body.startswith(SIGNED_OUT)
    kept_id = body.removeprefix(SIGNED_OUT)
    response = _answer(204)
    if not secret:
        return response
    try:
        released = await run_in_threadpool(
            functools.partial(kept_signin.release, signed_out=signed_out), database.get_engine(), secret, kept_id
        )
    except SQLAlchemyError as error:  # the sign-in itself was ended by the page already
        return _unavailable(error)
    if released:
        response.delete_cookie(COOKIE, path=base_path(), httponly=True, samesite="strict", secure=_secure(request))
    return response


def routes() -> list[Route]:
    """The two routes, for ``st.App(routes=...)``; POST only, so neither a link nor a prefetch can trigger them."""
    return [Route(keep_url(), keep, methods=["POST"]), Route(forget_url(), forget, methods=["POST"])]


def cookie_secret() -> str | None:
    """The kept sign-in's secret this browser sent when the page opened (None without one)."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and value else None
