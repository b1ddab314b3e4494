"""Cached access to the data, keyed by the data version.

The version is one cheap query per rerun, so an import shows at once, while a
rerun that changed nothing recomputes nothing. The Dataset is cached as a
resource (no copy per rerun: at a million activities a copy would cost more
than the page); nothing downstream mutates it — filters return new frames.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import streamlit as st
from sqlalchemy.engine import Engine

from dashboard import config
from dashboard.briefing.period import import_day
from dashboard.dataset import Dataset
from dashboard.figures import profiles, queries
from dashboard.figures.filters import Filters, apply_filters, data_range
from dashboard.i18n import fmt_date, t
from dashboard.render import bars, charts, community_charts
from dashboard.storage import database, store
from dashboard.ui import background, per_version


def run_clock() -> tuple[float, float, float]:
    """The wall, thread CPU and process CPU clocks at the start of a run (for ``timed_run``)."""
    return time.perf_counter(), time.thread_time(), time.process_time()


@contextmanager
def timed_run(page: str, started: tuple[float, float, float]) -> Iterator[None]:
    """With DASHBOARD_TIMING=1, log each script run's server time to stderr; for benchmarks/.

    ``cpu`` is the script thread's; ``process_cpu`` every thread's during the run, which includes a data load
    in the background that the run waited for (and, with several visitors at once, their runs too).
    """
    end = "ok"
    try:
        yield
    except BaseException as exc:  # st.stop, st.rerun and st.switch_page end a run by raising
        end = type(exc).__name__
        raise
    finally:
        if config.TIMING.value():
            print(
                f"[dashboard timing] page={page or 'default'} seconds={time.perf_counter() - started[0]:.4f} "
                f"cpu={time.thread_time() - started[1]:.4f} process_cpu={time.process_time() - started[2]:.4f} end={end}",
                file=sys.stderr,
                flush=True,
            )


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """The database, with the sample loaded when it is empty, map assets in place and the version watch on."""
    eng = database.get_engine()
    background.ready(eng)
    return eng


def data_version() -> str:
    return store.data_version(engine())


@st.cache_resource(show_spinner=False, max_entries=2)
def _dataset(version: str) -> Dataset:
    background.wait_for_start()  # a first run while the server's start sets up its load takes that load
    return background.PRELOADER.take(engine(), version) or store.load_dataset(engine())  # the rest as the page asks


def preload_new_version() -> None:
    """After this server committed: load the new version's data in the background for the next visitor."""
    background.PRELOADER.start(engine())


@per_version.cache
@st.cache_data(show_spinner=False, max_entries=4)
def last_import(version: str) -> date | None:
    """The day of the newest import (in the server's time zone), per data version: a briefing's data date."""
    return import_day(store.last_import(engine()))


def dataset() -> Dataset:
    """The active data (reloaded only when a new version was committed)."""
    version = data_version()
    previous = per_version.forget_other_versions(version)
    served = _dataset(version)
    # The new version is ready: the old one's rows go as soon as the runs still on it end. Unless this run's version
    # is itself already old (it read the version just before a commit another run has served): then keep the newer.
    if previous and data_version() == version:
        _dataset.clear(previous)
    background.PRELOADER.forget(engine(), version)  # a background load of it that the cache did not take is not needed
    return served


def full_range(ds: Dataset) -> tuple[date, date]:
    """The first and last day of activity data (bounds of the date filter)."""
    return data_range(ds)


def reference_day(ds: Dataset, f: Filters) -> date:
    """The day "this month" and "60 days" count back from: the range's end, else the last activity."""
    return f.end or data_range(ds)[1]


@per_version.cache
@st.cache_resource(show_spinner=False, max_entries=64)
def filtered(version: str, f: Filters, dates: bool = True) -> Dataset:
    """The dataset through the filters, once per version and filter set."""
    return apply_filters(_dataset(version), f, dates=dates)


@per_version.cache
@st.cache_data(show_spinner=False, max_entries=64)
def progress_table(version: str, f: Filters, day: date):
    return queries.district_progress(filtered(version, f, dates=False), day)


# Charts: the query frames are cached per data version and filters; building the
# Altair object from a small frame takes milliseconds, so most are not cached.
# The Overview's chart is, as an object (nothing changes a built chart): with
# Altair's validation it cost a fifth of every Overview rerun.


@per_version.cache
@st.cache_data(show_spinner=False, max_entries=64)
def _funnel(version: str, f: Filters, day: date):
    return queries.funnel(filtered(version, f), day)


@per_version.cache
@st.cache_data(show_spinner=False, max_entries=64)
def _monthly(version: str, f: Filters):
    return queries.monthly_activity(filtered(version, f))


@per_version.cache
@st.cache_data(show_spinner=False, max_entries=64)
def _trend(version: str, f: Filters):
    return queries.satisfaction_trend(filtered(version, f))


@per_version.cache
@st.cache_resource(show_spinner=False, max_entries=64)
def district_progress_chart(version: str, f: Filters, day: date, lang: str):
    return charts.district_progress_chart(progress_table(version, f, day), lang)


def funnel_chart(version: str, f: Filters, day: date, lang: str):
    """The funnel as at ``day``: each community at the stage it held then."""
    return charts.funnel_chart(_funnel(version, f, day), lang, subtitle=t("stage_charts.as_at", lang, day=fmt_date(day, lang)))


def pace_chart(version: str, f: Filters, day: date, lang: str):
    return bars.pace_chart(filtered(version, f, dates=False), day, lang)


def monthly_chart(version: str, f: Filters, lang: str, measure: str):
    return charts.monthly_chart(_monthly(version, f), lang, measure=measure)


def satisfaction_chart(version: str, f: Filters, lang: str):
    return charts.satisfaction_chart(_trend(version, f), lang)


def _profile(version: str, community_id: str):
    return profiles.build(_dataset(version), community_id)


def community_activity_chart(version: str, community_id: str, lang: str):
    profile = _profile(version, community_id)
    return community_charts.community_activity_chart(profile.activities, lang) if profile else None


def community_satisfaction_chart(version: str, community_id: str, lang: str):
    profile = _profile(version, community_id)
    return community_charts.community_satisfaction_chart(profile.surveys, profile.district_surveys, lang) if profile else None


@per_version.cache
@st.cache_data(show_spinner=False, max_entries=8)
def sample_is_active(version: str) -> bool:
    """Whether the active communities are the bundled sample (its loader records the user "sample")."""
    active = [v for v in store.list_versions(engine(), "communities") if v["active"]]
    return bool(active) and active[0]["user"] == "sample"
