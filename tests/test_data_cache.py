"""The app's caches keyed by data version let an old version's data go once a newer one is served.

``ui.data.filtered`` (and the figures built on it) keep up to 64 entries each;
the unfiltered view of a version is that version's Dataset itself. Before
``ui.per_version`` every import left the old Dataset alive there after
``_dataset`` (two entries) had let it go: the server's memory grew by about one
dataset per import under benchmarks/load.py. ``_dataset`` itself now lets the
old version go as soon as the new one is served. Every cache keyed by the data
version, in any ui module, must be registered there. Streamlit's caches work
without a running app, so the modules are called directly.
"""

from __future__ import annotations

import gc
import importlib
import inspect
import pkgutil
import threading
import weakref

import pytest
import streamlit as st

from dashboard import config, ui
from dashboard.figures import stage_dating
from dashboard.figures.filters import Filters
from dashboard.ingest import importing, sample
from dashboard.ui import data, map_content, per_version, stage_data

ACTIVITY = "activity_id,community_id,date,category,title,participants\n{id},{community},2025-05-0{day},patrol,巡逻,3\n"


@pytest.fixture
def app_data(sqlite_engine):
    sample.ensure_data(sqlite_engine)
    st.cache_data.clear()
    st.cache_resource.clear()
    per_version.reset()
    yield sqlite_engine
    st.cache_data.clear()
    st.cache_resource.clear()


def new_version(engine, number: int) -> None:
    community = data.dataset().communities["community_id"].iloc[0]
    body = ACTIVITY.format(id=f"CACHE{number}", community=community, day=number).encode()
    assert importing.import_bytes(engine, body, f"more-{number}.csv", table="activities").version


def test_an_old_versions_data_is_let_go_once_a_newer_one_is_served(app_data):
    first = data.dataset()
    version = data.data_version()
    assert data.filtered(version, Filters()) is not None
    gone = weakref.ref(first.activities)  # a filter that keeps every row passes the frame on, not a copy
    del first
    new_version(app_data, 1)
    ds = data.dataset()
    data.progress_table(data.data_version(), Filters(), data.reference_day(ds, Filters()))
    gc.collect()
    assert gone() is None, "a cache still holds the first version's activities after the second was served"


def test_a_run_still_on_the_old_version_does_not_drop_the_new_ones_data(app_data, monkeypatch):
    old = data.data_version()
    data.dataset()
    new_version(app_data, 1)
    newest = data.dataset()  # another session serves the new version
    real = data.data_version
    reads = iter([old])  # this run read the version just before the commit; every later read sees the new one
    monkeypatch.setattr(data, "data_version", lambda: next(reads, None) or real())
    data.dataset()
    monkeypatch.setattr(data, "data_version", real)
    assert data.dataset() is newest  # still cached: the stale run did not evict it


def test_the_same_version_keeps_its_cached_figures(app_data):
    ds = data.dataset()
    version = data.data_version()
    first = data.filtered(version, Filters())
    data.dataset()  # a rerun on the same version
    assert data.filtered(version, Filters()) is first
    assert len(ds.communities) > 0


def test_after_a_commit_the_new_version_is_loaded_once_in_the_background_with_its_stage_dates_and_map_points(
    app_data, monkeypatch
):
    data.dataset()  # the version before
    loads = []
    real = data.store.load_dataset

    def counted(engine):
        loads.append(threading.current_thread().name)
        return real(engine)

    monkeypatch.setattr(data.store, "load_dataset", counted)
    new_version(app_data, 1)
    data.preload_new_version()  # as the desk does after its commit
    ds = data.dataset()  # the next run takes what the background load made
    assert loads == ["dashboard-preload"]
    assert id(ds.communities) in stage_dating._KEPT  # its stage dates were made there, kept with the frame
    assert map_content.warmed() == [map_content.content(ds.communities, config.default_lang(), "type")]
    assert data.dataset() is ds  # a rerun loads nothing more
    assert loads == ["dashboard-preload"]


def version_keyed_caches() -> list[tuple[str, object]]:
    """Every Streamlit-cached function in dashboard.ui whose first parameter is the data version."""
    found = []
    for info in pkgutil.iter_modules(ui.__path__):
        module = importlib.import_module(f"dashboard.ui.{info.name}")
        for name, value in vars(module).items():
            wrapped = getattr(value, "__wrapped__", None)
            if callable(value) and hasattr(value, "clear") and wrapped is not None and value.__module__ == module.__name__:
                first = next(iter(inspect.signature(wrapped).parameters), "")
                if first in {"version", "data_version"}:
                    found.append((f"{module.__name__}.{name}", value))
    return found


def test_every_cache_keyed_by_the_data_version_is_forgotten_with_it():
    caches = version_keyed_caches()
    names = {name for name, _ in caches}
    assert {"dashboard.ui.stage_data.naming_pace", "dashboard.ui.present_view.briefing", "dashboard.ui.data.filtered"} <= names
    registered = per_version.registered()
    missing = [name for name, cached in caches if cached not in registered and not name.endswith("._dataset")]
    assert not missing, f"caches keyed by data version that a new version does not clear: {missing}"


def test_a_new_version_clears_the_stage_figures_too(app_data):
    ds = data.dataset()
    version = data.data_version()
    day = data.reference_day(ds, Filters())
    first = stage_data.naming_pace(version, Filters(), day)
    assert stage_data.naming_pace(version, Filters(), day) is first  # cached within the version
    gone = weakref.ref(first)
    del first
    new_version(app_data, 1)
    data.dataset()  # the next run sees the new version
    gc.collect()
    assert gone() is None, "the stage figures of the old version are still held"
