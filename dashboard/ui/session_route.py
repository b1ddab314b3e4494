"""The server's two requests for a kept sign-in (``dashboard.kept_signin``): set its cookie, and clear it.

A page run cannot set a cookie (Streamlit answers over a WebSocket), so after a sign-in the page asks the browser to
post the sign-in's one-time ticket here (``session.cookie_script``); the answer sets an HttpOnly, SameSite=Strict
cookie that scripts cannot read and other sites cannot send. ``serve.py`` adds these routes to ``st.App``, under the
server's base path (``server.baseUrlPath``, as nginx passes it through in deploy/). A server started as
``streamlit run app.py`` has no such routes: its sign-ins simply end with the page, as they always did.
"""

from __future__ import annotations

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dashboard import kept_signin
from dashboard.storage import database

COOKIE = "juping_signin"
MAX_TICKET = 100  # characters: a ticket is 43; anything longer is not one


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


async def keep(request: Request) -> Response:
    """Trade the posted ticket for the sign-in's cookie (no Max-Age: it ends when the browser closes)."""
    ticket = (await request.body())[: MAX_TICKET + 1].decode("ascii", "replace").strip()
    redeemed = None
    if 0 < len(ticket) <= MAX_TICKET:
        redeemed = await run_in_threadpool(kept_signin.redeem, database.get_engine(), ticket)
    if redeemed is None:
        return Response(status_code=403)
    secret, _ = redeemed
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(COOKIE, secret, path=base_path(), httponly=True, samesite="strict", secure=_secure(request))
    return response


async def forget(request: Request) -> Response:
    """End the sign-in the cookie keeps (if any) and clear the cookie: what signing out asks of the browser."""
    secret = request.cookies.get(COOKIE)
    if secret:
        await run_in_threadpool(kept_signin.end_secret, database.get_engine(), secret)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(COOKIE, path=base_path(), httponly=True, samesite="strict", secure=_secure(request))
    return response


def routes() -> list[Route]:
    """The two routes, for ``st.App(routes=...)``; POST only, so neither a link nor a prefetch can trigger them."""
    return [Route(keep_url(), keep, methods=["POST"]), Route(forget_url(), forget, methods=["POST"])]


def cookie_secret() -> str | None:
    """The kept sign-in's secret this browser sent when the page opened (None without one)."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and value else None
