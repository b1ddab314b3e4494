"""Edges a review found: text from data in Markdown, dates outside the data, restores that would orphan rows."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.briefing.content import _with_brand
from dashboard.i18n import fmt_int, fmt_num, fmt_pct
from dashboard.ingest.importing import import_bytes, import_path
from dashboard.storage import database, store
from dashboard.ui.text import counted, counted_heading, md_escape

FIXTURES = Path(__file__).parent / "fixtures"
APP = str(Path(__file__).parents[1] / "app.py")


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("[x](http://evil.example)", "\\[x\\]\\(http\\://evil\\.example\\)"),
        ("**bold**", "\\*\\*bold\\*\\*"),
        ("<img src=x>", "\\<img src=x\\>"),
        ("前营街社区", "前营街社区"),
    ],
)
def test_markdown_escape_makes_data_literal(raw, shown):
    assert md_escape(raw) == shown


@pytest.mark.parametrize(
    ("count", "lang", "shown"), [(3, "zh", "**社区** · 3"), (12_345, "en", "**社区** · 12,345"), (None, "en", "**社区** · —")]
)
def test_a_lists_heading_writes_its_count_as_every_figure(count, lang, shown):
    """At country size a list of quiet communities runs into thousands: "1,234", not "1234"."""
    assert counted_heading("社区", count, lang) == shown
    assert counted("社区", count, lang) == shown.replace("**", "")  # an expander's label (the desk's added rows)


@pytest.mark.parametrize("missing", [None, float("nan"), np.float64("nan"), pd.NA, pd.NaT], ids=repr)
@pytest.mark.parametrize("fmt", [fmt_int, fmt_num, fmt_pct])
def test_a_missing_figure_shows_as_a_dash(fmt, missing):
    # A blank households cell reaches the profile as pd.NA, which round() and format() refuse.
    assert fmt(missing, "en") == "—"


@pytest.mark.parametrize(
    "name, brand, lang, expected",
    [
        ("前营街社区", "好邻居", "zh", "前营街社区（好邻居）"),
        ("Qianying Street Community", "好邻居", "en", "Qianying Street Community (好邻居)"),
        ("Nameless brand", None, "en", "Nameless brand"),
    ],
)
def test_named_community_lines_with_and_without_a_brand(name, brand, lang, expected):
    assert _with_brand(name, brand, lang) == expected


@pytest.fixture
def app(sqlite_engine):
    """The app over a fresh database (the sample is loaded on its first run)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield AppTest.from_file(APP, default_timeout=90)
    st.cache_data.clear()
    st.cache_resource.clear()
    database.engine_for.cache_clear()


def test_a_link_in_the_profile_url_is_shown_as_text(app):
    app.query_params["community"] = "[x](http://evil.example)"
    app.query_params["lang"] = "en"
    app.run()
    app.switch_page("pages/profile.py").run()
    assert not app.exception
    assert "\\[x\\]\\(http" in app.error[0].value


@pytest.mark.parametrize("params", [{"from": "2030-01-01", "to": "2030-02-01"}, {"from": "2019-01-01"}])
def test_dates_outside_the_data_are_brought_inside(app, params):
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    f = app.session_state["filters"]
    assert f.start is None or f.start.year >= 2024
    assert f.end is None or f.end.year <= 2026
    assert app.metric[0].value == "179"


def test_restoring_activities_that_name_removed_communities_is_refused(engine):
    import_path(engine, FIXTURES / "v_communities.csv", table="communities", user="t")
    import_path(engine, FIXTURES / "v_activities.csv", table="activities", user="t")
    kept = (FIXTURES / "v_communities.csv").read_text(encoding="utf-8").splitlines()
    only_one = "\n".join(line for line in kept if not line.startswith("630103003002")) + "\n"
    assert import_bytes(engine, only_one.encode(), "one.csv", table="communities", user="t").version == 2
    with pytest.raises(store.UnknownCommunities):
        store.restore(engine, "activities", 1, user="t")
    assert [v["version"] for v in store.list_versions(engine, "activities")] == [1]
