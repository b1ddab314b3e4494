"""The dashboard as a server: ``streamlit run serve.py`` (what ``make run``, the tests and deploy/ start).

``app.py`` holds the pages; this file wraps it in ``st.App`` for two things a plain ``streamlit run app.py``
cannot do. It answers requests of its own: the cookie that keeps a staff sign-in across reloads
(``dashboard.ui.session_route``). And it works at the server's start, before any visitor: the start-up hook
loads the active data in a thread of its own (``dashboard.ui.background.warm_start``), so the first visitor
after a start or a deploy finds it loaded, or loading, instead of starting the load (seconds at country size).
The server answers at once: the hook does not wait for the load, and a failure is logged and left to the first
page run, which tries again (a refused setting is then shown in the reader's language, a database that does not
answer as Streamlit's error box, never a traceback).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st

from dashboard.ui import background, session_route


def _warm_start() -> None:
    try:
        background.warm_start()
    except Exception as error:  # the pages load the data themselves, and show what is wrong
        print(f"[dashboard] loading the data at start failed: {error!r}", file=sys.stderr, flush=True)


@asynccontextmanager
async def lifespan(_app: st.App) -> AsyncIterator[None]:
    """Start loading the data and go on serving."""
    threading.Thread(target=_warm_start, name="dashboard-warm-start", daemon=True).start()
    yield


app = st.App("app.py", lifespan=lifespan, routes=session_route.routes())
