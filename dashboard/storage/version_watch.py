"""Noticing a data version committed elsewhere, so that this server loads it before its next visitor comes.

The server that commits a file loads the new version in the background (``preload``). Replicas behind a
proxy, and every server when the command line imports, learn of a new version only when a visitor's run
asks for it, and that visitor waits for the whole load (seconds at country size). One daemon thread per
process asks the database for its version every few seconds (one small query) and, on a change this
server has not served yet, hands the engine to the preloader.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from sqlalchemy.engine import Engine

from dashboard.storage import store
from dashboard.storage.preload import Preloader


class VersionWatch:
    """Checks one engine's data version every ``interval`` seconds in a daemon thread while ``interval`` > 0."""

    def __init__(self, preloader: Preloader, served: Callable[[str], bool]) -> None:
        """``served(version)``: whether this server's pages already hold that version (then nothing is loaded)."""
        self._preloader = preloader
        self._served = served
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._interval = 0.0
        self._changed = threading.Event()  # wakes the thread early when the engine or interval changes
        self._thread: threading.Thread | None = None

    def watch(self, engine: Engine, interval: float) -> threading.Thread | None:
        """Watch ``engine`` from now on (the last one watched is left); ``interval`` 0 stops watching."""
        with self._lock:
            self._engine, self._interval = engine, interval
            self._changed.set()
            if interval <= 0 or (self._thread is not None and self._thread.is_alive()):
                return None
            thread = self._thread = threading.Thread(target=self._run, name="dashboard-version-watch", daemon=True)
        thread.start()
        return thread

    def _run(self) -> None:
        seen: tuple[Engine, str] | None = None  # (the engine, its version) at the last look
        failing: Engine | None = None  # a failure is logged once an engine, not at every look until it answers again
        while True:
            with self._lock:
                engine, interval = self._engine, self._interval
                self._changed.clear()
                if engine is None or interval <= 0:
                    self._thread = None
                    return
            try:
                version = store.data_version(engine)
                if seen is not None and seen[0] is engine and seen[1] != version and not self._served(version):
                    self._preloader.start(engine)  # it reads the version again: a newer one is what it loads
                seen, failing = (engine, version), None
            except Exception as error:  # the thread must outlive a database that does not answer now
                if failing is not engine:
                    print(f"[dashboard] looking at the data version failed: {error!r}", file=sys.stderr, flush=True)
                failing = engine
            self._changed.wait(interval)
