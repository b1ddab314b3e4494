"""A server notices a version committed elsewhere and loads it in the background before a visitor asks.

The looks run in a daemon thread (``storage.version_watch``); here with a short interval, on SQLite and
PostgreSQL, a commit made through another engine (as another replica or the command line would) and a
preloader whose loads are counted.
"""

from __future__ import annotations

import io
import sys
import threading
import time

import pytest
from sqlalchemy import create_engine, event
from test_bulk import META, communities

from dashboard import config
from dashboard.storage import store
from dashboard.storage.preload import Preloader
from dashboard.storage.version_watch import VersionWatch

INTERVAL = 0.05


class Counted:
    """A load that records the versions it read."""

    def __init__(self) -> None:
        self.versions: list[str] = []
        self.loaded = threading.Event()

    def __call__(self, engine):
        dataset = store.load_dataset(engine)
        self.versions.append(dataset.version)
        self.loaded.set()
        return dataset


class Served:
    """What this server's pages hold: the versions given, or (``all_of_them``) whatever is asked."""

    def __init__(self, version: str) -> None:
        self.versions, self.all_of_them = {version}, False

    def __call__(self, version: str) -> bool:
        return self.all_of_them or version in self.versions


def other_replica_commits(engine, count: int) -> str:
    """A commit through an engine of its own (another process's), and the version it made."""
    other = create_engine(engine.url)
    try:
        store.commit_frame(other, "communities", communities(count), "replace", META)
        return store.data_version(other)
    finally:
        other.dispose()


class Looks:
    """How many times the watch's thread asked ``engine`` for its version (SQLAlchemy's public event hook)."""

    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "after_cursor_execute", self._seen)

    def _seen(self, *args) -> None:
        if threading.current_thread().name == "dashboard-version-watch":
            self.count += 1

    def more_than(self, count: int) -> bool:
        """Wait until the watch has looked more than ``count`` times."""
        return looks_until(lambda: self.count > count)


def looks_until(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(INTERVAL)
    return False


@pytest.fixture
def watched(engine):
    store.commit_frame(engine, "communities", communities(), "replace", META)
    load, served = Counted(), Served(store.data_version(engine))  # the version the pages serve now
    preloader = Preloader(load)
    watch = VersionWatch(preloader, served)
    looks = Looks(engine)
    thread = watch.watch(engine, INTERVAL)
    assert thread is not None and thread.daemon
    assert looks.more_than(0), "the watch never looked"  # its first look found the version served
    yield engine, watch, preloader, load, served, looks
    watch.watch(engine, 0)  # the thread ends at its next look
    thread.join(5)
    assert not thread.is_alive()


def test_a_version_committed_elsewhere_is_loaded_before_the_next_visitor_asks(watched):
    engine, _, preloader, load, _, looks = watched
    assert looks.more_than(looks.count)
    assert load.versions == []  # the version served needs no load
    version = other_replica_commits(engine, 5)
    assert load.loaded.wait(10), "the new version was not loaded in the background"
    taken = preloader.take(engine, version)
    assert taken is not None and taken.version == version and len(taken.communities) == 5
    assert looks.more_than(looks.count + 1)  # two more looks at the same version
    assert load.versions == [version]  # once


def test_a_version_the_pages_already_serve_is_not_loaded_again(watched):
    engine, _, _, load, served, looks = watched
    served.all_of_them = True  # a visitor's run loads whatever comes next before the watch looks
    version = other_replica_commits(engine, 4)
    assert looks.more_than(looks.count + 1)  # the watch has seen the new version
    assert load.versions == [], f"{version} was loaded again"


def test_a_database_that_does_not_answer_is_looked_at_again_later(watched, monkeypatch):
    engine, watch, _, load, _, _ = watched
    # What the watch writes to stderr, kept whole: capfd.readouterr() empties its file after reading it, and a line
    # the thread wrote between the read and the emptying was lost (the test failed three times so, under load).
    said = io.StringIO()
    monkeypatch.setattr(sys, "stderr", said)
    failed = "looking at the data version failed"
    watch.watch(create_engine("sqlite:////nonexistent-folder/none.db"), INTERVAL)
    assert looks_until(lambda: failed in said.getvalue(), seconds=30), f"no failure logged: {said.getvalue()[-500:]!r}"
    time.sleep(10 * INTERVAL)
    assert said.getvalue().count(failed) == 1  # said once, not at every look
    watch.watch(create_engine("sqlite:////nonexistent-folder/other.db"), INTERVAL)  # another that does not answer
    assert looks_until(lambda: said.getvalue().count(failed) == 2, seconds=30), said.getvalue()[-500:]  # said too
    watch.watch(engine, INTERVAL)  # back to the real one: a change there is still noticed
    version = other_replica_commits(engine, 6)
    assert looks_until(lambda: version in load.versions)


def test_a_look_that_fails_after_reading_the_version_does_not_end_the_watch(engine):
    store.commit_frame(engine, "communities", communities(), "replace", META)
    broken, load = [], Counted()

    class Unwell(Preloader):
        def start(self, engine):
            if not broken:
                broken.append(1)
                raise RuntimeError("the database went away between two queries")
            return super().start(engine)

    preloader = Unwell(load)
    watch = VersionWatch(preloader, Served(store.data_version(engine)))
    looks = Looks(engine)
    thread = watch.watch(engine, INTERVAL)
    assert looks.more_than(0)
    first = other_replica_commits(engine, 5)
    assert looks_until(lambda: broken == [1])
    assert thread.is_alive()
    assert looks_until(lambda: first in load.versions)  # the next look tries that version again
    second = other_replica_commits(engine, 6)
    assert looks_until(lambda: second in load.versions), load.versions
    watch.watch(engine, 0)
    thread.join(5)


def test_a_load_the_pages_made_themselves_meanwhile_is_not_kept(engine):
    store.commit_frame(engine, "communities", communities(), "replace", META)
    release = threading.Event()

    def slow(engine):
        release.wait(10)
        return store.load_dataset(engine)

    preloader = Preloader(slow)
    version = store.data_version(engine)
    thread = preloader.start(engine)
    preloader.forget(engine, version)  # a visitor loaded this version itself while the background load ran
    release.set()
    thread.join(10)
    assert preloader.take(engine, version, timeout=1) is None  # nothing held for a version already served


def test_the_looks_are_off_at_zero_and_the_setting_is_checked(monkeypatch):
    watch = VersionWatch(Preloader(), lambda version: False)
    assert watch.watch(create_engine("sqlite://"), 0) is None
    monkeypatch.setenv("DASHBOARD_WATCH_SECONDS", "-1")
    with pytest.raises(config.SettingError):
        config.WATCH_SECONDS.value()
    monkeypatch.setenv("DASHBOARD_WATCH_SECONDS", "")
    assert config.WATCH_SECONDS.value() == 10
