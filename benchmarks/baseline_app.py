"""The naive baseline the page benchmark compares against (not part of the dashboard).

What a first Streamlit version of the Overview and Map would do: read the
four tables from the database on every rerun (no cache), compute the same
headline figures and district progress with ``dashboard.figures.queries``, and draw
one ``folium.Marker`` (with a tooltip and a popup) per community. It has the
same sidebar district filter, the same seven ``st.metric`` boxes, progress
chart and three attention tables (plain ``st.dataframe``), so
``bench_pages.py`` measures both apps with the same code.
``?page=map`` shows the map alone, taller.

Leaflet itself is served locally like the dashboard's (``static/``, via
``dashboard.render.map_assets.use_assets``): with no internet a CDN map never draws,
which would measure nothing. The bench copies this file into a scratch folder
beside a link to the repository's ``static/`` (Streamlit serves the folder
next to the main script) and sets ``BENCH_REPO``.

Reads the rows of the newest version of each table (``vfrom`` = the largest
and ``vto`` empty): right for the benchmark's databases, where every table
has one ``replace`` version.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

STARTED = time.perf_counter(), time.thread_time()
REPO = Path(os.environ.get("BENCH_REPO") or Path(__file__).resolve().parent.parent)
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import folium  # noqa: E402
import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from dashboard import config  # noqa: E402
from dashboard.dataset import Dataset, typed_frame  # noqa: E402
from dashboard.figures import queries  # noqa: E402
from dashboard.figures.filters import Filters, apply_filters, data_range  # noqa: E402
from dashboard.i18n import fmt_int, fmt_num, fmt_pct  # noqa: E402
from dashboard.render import charts  # noqa: E402
from dashboard.render.map_assets import install_static_assets, use_assets  # noqa: E402
from dashboard.schema import TABLES  # noqa: E402
from dashboard.storage import database, tables  # noqa: E402

LANG = "zh"


def read_everything() -> Dataset:
    """Every table from the database, parsed by pandas, on every rerun."""
    engine = database.get_engine()
    frames = {}
    for name in TABLES:
        columns = ", ".join(tables.STORED_COLUMNS[name])
        sql = (
            f"SELECT {columns} FROM {name} WHERE vto IS NULL "  # noqa: S608 - names from the schema
            f"AND vfrom = (SELECT max(vfrom) FROM {name})"
        )
        frames[name] = typed_frame(name, pd.read_sql(sql, engine))
    return Dataset(**frames, version="baseline")


def marker_map(communities: pd.DataFrame) -> folium.Map:
    """One folium.Marker (a pin with a tooltip) per community.

    No popups: folium's popups need jQuery, which is not served offline.
    ``use_assets`` first, so that Leaflet knows where its pin pictures are
    before the first pin is made, and again at the end for the pins' links.
    """
    m = use_assets(folium.Map(location=config.CITY_CENTER, zoom_start=9, tiles=None), "local")
    m.options["max_zoom"] = 18
    for row in communities.itertuples():
        folium.Marker(
            [row.latitude, row.longitude], tooltip=f"{row.name_zh} · {row.district} · {row.characteristic} · {row.stage}"
        ).add_to(m)
    return use_assets(m, "local")


def main() -> None:
    st.set_page_config(page_title="baseline", layout="wide")
    install_static_assets()
    ds = read_everything()
    with st.sidebar:
        chosen = st.multiselect(
            "区县", config.codes("districts"), key="f_district", format_func=lambda code: config.label("districts", code, LANG)
        )
    f = Filters(districts=tuple(chosen))
    day = data_range(ds)[1]
    scoped = apply_filters(ds, f, dates=False)
    if st.query_params.get("page") == "map":
        st.title("地图 (baseline)")
        st_folium(
            marker_map(scoped.communities),
            key="map",
            height=620,
            use_container_width=True,
            returned_objects=["last_object_clicked"],
        )
        return
    st.title("概览 (baseline)")
    figures = queries.headline(scoped, day, f.start)
    row1, row2 = st.columns(4), st.columns(3)
    shown = [
        ("communities", fmt_int),
        ("named", fmt_int),
        ("target_share", fmt_pct),
        ("satisfaction", fmt_num),
        ("activities_month", fmt_int),
        ("participants_month", fmt_int),
        ("volunteer_hours", fmt_int),
    ]
    for box, (name, fmt) in zip([*row1, *row2], shown, strict=True):
        figure = figures[name]
        box.metric(name, fmt(figure.value, LANG), delta=None if figure.delta is None else fmt(figure.delta, LANG), border=True)
    progress = queries.district_progress(scoped, day)
    left, right = st.columns([3, 2])
    with left:
        st_folium(
            marker_map(scoped.communities),
            key="overview_map",
            height=380,
            use_container_width=True,
            returned_objects=["last_object_clicked"],
        )
    with right:
        st.altair_chart(charts.district_progress_chart(progress, LANG), width="stretch")
    lists = (queries.inactive_communities(scoped, day), queries.behind_pace(progress), queries.falling_satisfaction(scoped, day))
    for box, frame in zip(st.columns(3), lists, strict=True):
        if frame.empty:
            box.success("—")
        else:
            box.dataframe(frame, hide_index=True, height=300)


try:
    main()
finally:
    if os.environ.get("DASHBOARD_TIMING"):
        print(
            f"[dashboard timing] page=baseline seconds={time.perf_counter() - STARTED[0]:.4f} "
            f"cpu={time.thread_time() - STARTED[1]:.4f} end=ok",
            file=sys.stderr,
            flush=True,
        )
