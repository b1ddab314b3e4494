"""Keep Python's SQLite and ADBC's SQLite from having a database file open at the same time in one process.

The ADBC SQLite driver carries its own copy of the SQLite library, beside the
one Python's ``sqlite3`` (and so SQLAlchemy) uses. SQLite coordinates the
connections of one process through a table inside the library, and POSIX
file locks never conflict within a process, so two copies of the library
cannot see each other's locks: both could write at once, and closing a file
in one drops the locks the other holds (SQLite's "How To Corrupt" guide,
section 2.2.1, "Multiple copies of SQLite linked into the same
application"). Measured here: a pooled ``sqlite3`` connection went on
reading the state from before an ADBC commit.

So, per process, connections of the two kinds take turns: any number of one
kind, or of the other, never both. SQLAlchemy's SQLite connections are opened
per use (``NullPool``) through :class:`GuardedConnection`; ADBC's are opened
by ``bulk`` inside :func:`holding`. Between processes SQLite's own locking
works as always. A thread that holds one kind and asks for the other would
wait for itself: that is refused with an error instead.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SQLITE3, ADBC = "sqlite3", "adbc"
WAIT_SECONDS = 600.0  # far above any import; a wait this long means something is stuck, and is reported


class _Turns:
    """A lock shared by any number of holders of one kind at a time, handing over fairly between kinds."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._held = {SQLITE3: 0, ADBC: 0}
        self._waiting = {SQLITE3: 0, ADBC: 0}
        self._turn: str | None = None
        self._by_thread: dict[tuple[int, str], int] = {}  # (thread, kind) -> holds, for the checks below

    def acquire(self, kind: str) -> int:
        """Wait for the file to be free of the other kind; return the thread that holds it now."""
        other, me = _other(kind), threading.get_ident()
        with self._cond:
            if self._by_thread.get((me, other)):
                raise RuntimeError(f"this thread has the SQLite file open through {other}; close that before using {kind}")
            if not self._by_thread.get((me, kind)):  # a thread already holding this kind goes on: it must not wait for itself
                self._waiting[kind] += 1
                try:
                    if not self._cond.wait_for(lambda: not self._blocked(kind), timeout=WAIT_SECONDS):
                        raise TimeoutError(f"waited {WAIT_SECONDS:.0f} s for the SQLite file to be free of {other}")
                finally:
                    self._waiting[kind] -= 1
            self._held[kind] += 1
            self._by_thread[me, kind] = self._by_thread.get((me, kind), 0) + 1
        return me

    def waiting(self, kind: str) -> int:
        """How many threads wait to open the file for ``kind`` now."""
        with self._cond:
            return self._waiting[kind]

    def _blocked(self, kind: str) -> bool:
        other = _other(kind)
        return bool(self._held[other] or (self._waiting[other] and self._turn != kind))

    def release(self, kind: str, holder: int) -> None:
        """Give back one hold of ``kind`` taken by thread ``holder`` (from any thread)."""
        with self._cond:
            left = self._by_thread.get((holder, kind), 0) - 1
            if left > 0:
                self._by_thread[holder, kind] = left
            else:
                self._by_thread.pop((holder, kind), None)
            self._held[kind] -= 1
            if not self._held[kind]:
                other = _other(kind)
                self._turn = other if self._waiting[other] else None
                self._cond.notify_all()


def _other(kind: str) -> str:
    return ADBC if kind == SQLITE3 else SQLITE3


TURNS = _Turns()


@contextmanager
def holding(kind: str) -> Iterator[None]:
    """Hold the SQLite file for ``kind`` while the block runs."""
    holder = TURNS.acquire(kind)
    try:
        yield
    finally:
        TURNS.release(kind, holder)


class GuardedConnection(sqlite3.Connection):
    """Python's SQLite connection, opened only while no ADBC connection is (``sqlite3.connect(factory=...)``).

    Released when closed. A connection is closed by its own thread or by
    SQLAlchemy's pool (possibly in another thread), so the release is not
    tied to the thread that opened it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._guard_holder = TURNS.acquire(SQLITE3)
        try:
            super().__init__(*args, **kwargs)
        except BaseException:
            self._release()
            raise

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()

    def _release(self) -> None:
        holder = self.__dict__.pop("_guard_holder", None)
        if holder is not None:
            TURNS.release(SQLITE3, holder)

    def __del__(self) -> None:
        self._release()
