"""Loading a new version's data in the background, for the next visitor of this server.

After a commit the data version changes, and whoever opens a page next would
wait for ``store.load_dataset``. The server that committed knows it first:
it starts that load at once, in a thread of its own, and the page run that
next asks for this version takes the result (waiting for the load to finish
if it is still going) instead of loading again.

Plain threads and no Streamlit call: Streamlit's API is not meant to be used
from a thread of one's own, so the page's cache asks :meth:`Preloader.take`
and keeps what it gets.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

from sqlalchemy.engine import Engine

from dashboard import config
from dashboard.dataset import Dataset
from dashboard.storage import store

# Seconds a page waits for a load in progress: a load of its own would wait for the same database, and a second
# full load beside the first would only slow both (at country size one takes 2–10 s; minutes on a starved machine).
TAKE_TIMEOUT = 600.0


class Preloader:
    """At most one background load at a time, keyed by database and data version.

    A load asked for while another runs (two commits in a row) waits for it, then is skipped if a newer one was asked
    for meanwhile: two loads at once would hold two versions' rows beside the cached one, on cores pages need.
    """

    def __init__(self, load: Callable[[Engine], Dataset] = store.load_dataset) -> None:
        """``load``: the active data of an engine (the pages pass one that also prepares what their first run needs)."""
        self._load = load
        self._lock = threading.Lock()
        self._key: tuple[str, str] | None = None
        self._done = threading.Event()
        self._result: Dataset | None = None
        self._thread: threading.Thread | None = None

    def start(self, engine: Engine) -> threading.Thread | None:
        """Load the active data of ``engine`` in a daemon thread; None when that version is already being loaded."""
        key = (_url(engine), store.data_version(engine))
        with self._lock:
            if self._key == key:
                return None
            self._key, self._result, self._done = key, None, threading.Event()
            args = (engine, key, self._done, self._thread)
            thread = self._thread = threading.Thread(target=self._run, args=args, name="dashboard-preload", daemon=True)
        thread.start()
        return thread

    def _run(self, engine: Engine, key: tuple[str, str], done: threading.Event, before: threading.Thread | None) -> None:
        if before is not None:
            before.join()  # the load this one replaces ends first (its result is dropped)
        with self._lock:
            replaced = self._key != key
        if replaced:  # a newer version was asked for while this one waited
            done.set()
            return
        started = time.perf_counter()
        try:
            dataset = self._load(engine)
            if config.TIMING.value():  # for benchmarks/: when a start's or a commit's load ends, and what it took
                print(
                    f"[dashboard timing] preload version={key[1]} seconds={time.perf_counter() - started:.4f}",
                    file=sys.stderr,
                    flush=True,
                )
        except Exception as error:  # a failed preload only means the next visitor loads it: said in the log, never to a user
            print(f"[dashboard] preloading data version {key[1]} failed: {error!r}", file=sys.stderr, flush=True)
            dataset = None
        with self._lock:
            if self._key == key and dataset is not None and dataset.version == key[1]:
                self._result = dataset
        done.set()

    def take(self, engine: Engine, version: str, timeout: float = TAKE_TIMEOUT) -> Dataset | None:
        """The preloaded data of ``version`` (waiting for a load in progress), once; None when there is none.

        A load still going after ``timeout`` seconds is given up: its result is dropped and the page loads the
        data itself.
        """
        key = (_url(engine), version)
        with self._lock:
            if self._key != key:
                return None
            done = self._done
        done.wait(timeout)
        with self._lock:
            if self._key != key:
                return None
            result, self._result, self._key = self._result, None, None
        return result

    def forget(self, engine: Engine, version: str) -> None:
        """Drop what is loaded or loading for ``version``: the pages serve it already (a visitor loaded it while
        the background load ran), so its result would only be held until the next version."""
        with self._lock:
            if self._key == (_url(engine), version):
                self._key, self._result = None, None


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
