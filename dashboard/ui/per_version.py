"""Caches keyed by the data version, all forgotten together when the version changes.

A page's figures are cached per data version and filters, up to 16–128 entries a cache. After an import
nothing asks for the old version's entries again, yet each cache kept them until newer ones pushed them
out: under benchmarks/load.py the server grew with every import. Every such cache is registered here
once, where it is declared, and the first run that sees a new version clears them all; a run still on
the old version just computes its figures again.
"""

from __future__ import annotations

import threading
from typing import Protocol, TypeVar


class Clearable(Protocol):
    """A Streamlit-cached function: ``clear()`` drops every entry."""

    def clear(self) -> None: ...


C = TypeVar("C", bound=Clearable)

_caches: list[Clearable] = []
_served = {"version": ""}  # the data version this process served last
_lock = threading.Lock()  # several sessions' runs may see a new version at once


def cache(cached: C) -> C:
    """Register a ``st.cache_data``/``st.cache_resource`` function whose first argument is the data version."""
    _caches.append(cached)
    return cached


def forget_other_versions(version: str) -> str:
    """When ``version`` is new to this process, clear every registered cache; the version served before ("" when
    none, or when it is ``version`` itself)."""
    with _lock:
        previous = _served["version"]
        if previous == version:
            return ""
        _served["version"] = version
    if previous:
        _clear_all()
    return previous


def reset() -> None:
    """Forget the version served and clear every registered cache (a new database, as in each test)."""
    with _lock:
        _served["version"] = ""
    _clear_all()


def _clear_all() -> None:
    for cached in _caches:
        cached.clear()


def served(version: str) -> bool:
    """Whether ``version`` is the one this process's pages serve now (its caches hold it or are filling)."""
    return _served["version"] == version


def registered() -> tuple[Clearable, ...]:
    """The registered caches (for tests)."""
    return tuple(_caches)
