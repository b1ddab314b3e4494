"""The server loads the data as it starts (serve.py's start-up hook), so its first visitor does not wait for the load.

The hook runs outside any script run: it must neither block the server's start nor import page code that declares
a custom component (streamlit-folium's map would then never be registered with the server, and no map would load;
a browser check found exactly that).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import streamlit as st

from dashboard import config
from dashboard.figures import stage_dating
from dashboard.storage import store
from dashboard.ui import background, data, map_content, per_version

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    per_version.reset()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def test_warm_start_fills_an_empty_database_with_the_sample_and_loads_it_for_the_first_run(
    sqlite_engine, fresh_caches, monkeypatch
):
    loads = []
    real = store.load_dataset
    monkeypatch.setattr(store, "load_dataset", lambda eng: loads.append(threading.current_thread().name) or real(eng))
    background.warm_start()
    assert store.list_versions(sqlite_engine), "the sample was not loaded into the empty database"
    ds = data.dataset()  # the first page run takes what the start loaded
    assert loads == ["dashboard-preload"]
    assert len(ds.communities) > 100
    assert id(ds.communities) in stage_dating._KEPT  # stage dates made in the background too, and the Overview map's points
    assert map_content.warmed() == [map_content.content(ds.communities, config.default_lang(), "type")]
    assert data.dataset() is ds
    assert loads == ["dashboard-preload"]


def test_a_first_run_during_the_start_s_setting_up_waits_and_takes_its_load(sqlite_engine, fresh_caches, monkeypatch):
    """The sample going into an empty database delays the start's load; a page run meanwhile must not load beside it."""
    loads = []
    real_load, real_ready = store.load_dataset, background.ready
    monkeypatch.setattr(store, "load_dataset", lambda eng: loads.append(threading.current_thread().name) or real_load(eng))
    setting_up = threading.Event()

    def slow_ready(eng):
        setting_up.set()
        time.sleep(1.0)  # as the sample's import into an empty database
        real_ready(eng)

    monkeypatch.setattr(background, "ready", slow_ready)
    monkeypatch.setattr(background, "_START_BEGUN", threading.Event())
    monkeypatch.setattr(background, "_START_CLAIMED", threading.Event())
    starting = threading.Thread(target=background.warm_start)
    starting.start()
    assert setting_up.wait(5)
    ds = data.dataset()  # a visitor's first run, while the start is still setting up
    starting.join(30)
    assert loads == ["dashboard-preload"], f"loaded {len(loads)} times: {loads}"
    assert len(ds.communities) > 100


def run_probe(code: str, tmp_path: Path) -> str:
    """``code`` in a new Python process, as a server's start (serve.py's st.App belongs to one process); its stdout."""
    env = {**os.environ, "DASHBOARD_DATABASE_URL": f"sqlite:///{tmp_path / 'start.db'}", "DASHBOARD_WATCH_SECONDS": "0"}
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout + done.stderr


HOOK_PROBE = """
import asyncio, threading, time, serve
from dashboard.ui import background
started, release, ended = threading.Event(), threading.Event(), threading.Event()
def slow_start():
    started.set()
    release.wait(10)
    ended.set()
background.warm_start = slow_start
async def serving():
    entered = time.monotonic()
    async with serve.lifespan(serve.app):
        assert time.monotonic() - entered < 2, "the hook waited for the load"
        assert started.wait(5), "the hook did not start the load"
        assert not ended.is_set()  # the server is serving while the load goes on
asyncio.run(serving())
release.set()
assert ended.wait(5)
def broken():
    raise RuntimeError("database away")
background.warm_start = broken
serve._warm_start()
print("served")
"""


def test_the_start_up_hook_returns_at_once_loads_in_a_thread_and_logs_a_failure(tmp_path):
    said = run_probe(HOOK_PROBE, tmp_path)
    assert "served" in said
    assert "loading the data at start failed: RuntimeError('database away')" in said


def test_the_start_load_imports_no_page_code_that_declares_a_component(tmp_path):
    """In a new process, as a server's start: after the hook's work, streamlit-folium is still not imported."""
    probe = (
        "import sys, serve\n"
        "from dashboard.ui import background\n"
        "background.warm_start().join(60)\n"
        "from dashboard.storage import database, store\n"
        "version = store.data_version(database.get_engine())\n"
        "assert background.PRELOADER.take(database.get_engine(), version, timeout=60) is not None, 'nothing loaded'\n"
        "loaded = [m for m in sys.modules if m.startswith(('streamlit_folium', 'dashboard.ui.maps_view', 'pages'))]\n"
        "assert not loaded, loaded\n"
        "print('ok')\n"
    )
    assert run_probe(probe, tmp_path).strip().endswith("ok")
