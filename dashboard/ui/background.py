"""What a server does outside page runs: loading data before a visitor asks for it.

Three moments would otherwise leave the next visitor waiting for ``store.load_dataset`` (seconds at country size):
the server's start, a commit on this server, and a commit elsewhere (another replica, the command line). At the
first, ``serve.py``'s start-up hook calls :func:`warm_start`; at the second, the desk calls ``data.preload_new_version``;
the third, the :data:`WATCH` notices. Each hands the engine to one :data:`PRELOADER`, whose result the page's data
cache takes.

This module imports no page code: the start-up hook runs outside any script run, and a custom component (the map's
streamlit-folium) imported there would be declared without being registered with the server, and never load
(``map_content`` holds the map's points apart from ``maps_view`` for that reason).
"""

from __future__ import annotations

import importlib
import pkgutil
import threading

from sqlalchemy.engine import Engine

from dashboard import config, figures, render
from dashboard.dataset import Dataset
from dashboard.figures import stage_dating
from dashboard.ingest import sample
from dashboard.render.map_assets import install_static_assets
from dashboard.storage import database, store
from dashboard.storage.preload import Preloader
from dashboard.storage.version_watch import VersionWatch
from dashboard.ui import map_content, per_version


def prepared(eng: Engine) -> Dataset:
    """The active data with what a page's first run needs besides the rows, made in the background load.

    The stage dates of all communities (``stage_dating.stage_dates`` keeps them with the frame; four figures of the
    Overview ask for them) and the points of the Overview's map in the default language.
    """
    ds = store.load_dataset(eng)
    stage_dating.stage_dates(ds)
    map_content.warm_points(ds.communities, config.default_lang())
    return ds


PRELOADER = Preloader(prepared)
WATCH = VersionWatch(PRELOADER, per_version.served)  # versions committed by others, loaded before they are asked for


def ready(eng: Engine) -> None:
    """What every server needs before its pages: the sample in an empty database, the map's files, the watch on."""
    sample.ensure_data(eng)
    install_static_assets()
    WATCH.watch(eng, config.WATCH_SECONDS.value())


# Set while a start-up load is being set up (the sample going into an empty database takes seconds): a page run in
# that window waits until the load has begun and takes it, instead of loading the same version beside it.
_START_BEGUN, _START_CLAIMED = threading.Event(), threading.Event()
START_WAIT = 120.0  # seconds; far above the sample's load, which is all the setting up waits for


def wait_for_start() -> None:
    """Return once this server's start-up load has begun (at once where there is none, as under AppTest)."""
    if _START_BEGUN.is_set():
        _START_CLAIMED.wait(START_WAIT)


def warm_start() -> threading.Thread | None:
    """At a server's start: make it ready, load the active data for its first visitor, then import the code its first
    run needs; returns the (ended) loading thread. The imports wait for the load: beside it they slowed it by half."""
    _START_BEGUN.set()
    try:
        eng = database.get_engine()
        ready(eng)
        loading = PRELOADER.start(eng)
    finally:
        _START_CLAIMED.set()
    if loading is not None:
        loading.join()
    import_page_layers()
    return loading


def import_page_layers() -> None:
    """Import every module of the figure and drawing layers, Altair with them: what a page's first run would import
    (half a second at a start, off the first visitor's wait). They never declare a component (no Streamlit there:
    the import contracts keep it in ``dashboard.ui``); page code itself stays out (the module's docstring says why)."""
    for package in (figures, render):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    importlib.import_module("folium.plugins")  # what streamlit-folium imports (0.2 s); folium has no Streamlit in it
