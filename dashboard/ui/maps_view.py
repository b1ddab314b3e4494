"""Maps on pages: st_folium with only the click returned, so panning never reruns the app.

Building a map costs about 0.1 s at 10,000 points. The Overview and Map
pages therefore keep the built map per content (the points' columns that
reach the map, the district progress, the language, layer and base map) and
show it with ``st_folium(..., render=False)``, streamlit-folium's own option
for a cached map: a rerun that does not change the map builds nothing, and
turning it into the component's script takes about 0.05 s at 10,000 points.
The profile's small map is built on each run.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

import folium
import pandas as pd
import streamlit as st
import streamlit_folium
from streamlit_folium import st_folium

from dashboard import config
from dashboard.render import maps

RETURNED = ["last_active_drawing"]  # the clicked feature, whose properties carry the community id
MAP_COLUMNS = [
    "community_id",
    "name_zh",
    "name_en",
    "district",
    "subdistrict",
    "characteristic",
    "brand_name",
    "stage",
    "latitude",
    "longitude",
]  # every column build_map reads


@st.cache_resource(show_spinner=False)
def districts() -> dict:
    """The district outlines, read once per process."""
    return maps.load_districts()


def basemap() -> str:
    return config.BASEMAP.value()


def clicked_community(event: dict | None, communities: pd.DataFrame) -> str | None:
    """The community whose point was clicked (district outlines carry no community id)."""
    feature = (event or {}).get("last_active_drawing") or {}
    community_id = (feature.get("properties") or {}).get("id")
    if community_id and (communities["community_id"] == community_id).any():
        return str(community_id)
    return None


def _frame_digest(frame: pd.DataFrame | None, columns: list[str]) -> str:
    """A digest of the columns' values, row by row (equal data, equal digest)."""
    if frame is None:
        return "none"
    present = [c for c in columns if c in frame.columns]
    rows = pd.util.hash_pandas_object(frame[present], index=False).to_numpy()
    return hashlib.blake2b(rows.tobytes() + repr((present, len(frame))).encode(), digest_size=16).hexdigest()


# --- one built map per content, shown by st_folium --------------------------------------------------------


@dataclass(frozen=True)
class _PreparedMap:
    """A built and rendered map, and the lock that keeps two sessions from rendering it at once."""

    map: folium.Map
    lock: threading.Lock


@st.cache_resource(show_spinner=False, max_entries=48)
def _prepared(content: str, _build: Callable[[], folium.Map]) -> _PreparedMap:
    """The map for this content, built and rendered once per process.

    ``st_folium(..., render=False)`` needs the map rendered once before. It
    also renames the map's elements the first time it turns the map into a
    script: doing that here, once, gives every rerun the very same script and
    so the same component key, and a click is never lost to a remount.
    """
    m = _build()
    m.get_root().render()
    streamlit_folium.generate_leaflet_string(m)
    return _PreparedMap(m, threading.Lock())


def _show(content: str, key: str, height: int, build: Callable[[], folium.Map]) -> dict | None:
    """st_folium of the map ``build`` makes, built only when this content is new to the process."""
    prepared = _prepared(content, build)
    with prepared.lock:  # st_folium renders the map object again: one session at a time
        return st_folium(prepared.map, key=key, height=height, use_container_width=True, returned_objects=RETURNED, render=False)


def _content(communities: pd.DataFrame, lang: str, layer: str, progress: pd.DataFrame | None) -> str:
    """What the map shows depends on: the points, the progress, language, layer and base map."""
    base = basemap()
    key_set = bool(config.TIANDITU_KEY.value())  # decides whether Tianditu is drawn
    return "|".join(
        [
            _frame_digest(communities, MAP_COLUMNS),
            _frame_digest(progress, ["district", "progress"]),
            lang,
            layer,
            base,
            str(key_set),
        ]
    )


def full_map(communities: pd.DataFrame, lang: str, layer: str, progress: pd.DataFrame | None, key: str) -> str | None:
    """The Map page's map; returns the id of a clicked community."""

    def build() -> folium.Map:
        return maps.build_map(communities, districts(), lang=lang, layer=layer, basemap=basemap(), progress_by_district=progress)

    shown = progress if layer == "progress" else None  # build_map ignores the progress on other layers
    event = _show(_content(communities, lang, layer, shown), key, 620, build)
    return clicked_community(event, communities)


def compact_map(communities: pd.DataFrame, lang: str, key: str) -> str | None:
    """A smaller map of the filtered communities (Overview)."""

    def build() -> folium.Map:
        return maps.build_map(communities, districts(), lang=lang, basemap=basemap())

    event = _show(_content(communities, lang, "type", None), key, 380, build)
    return clicked_community(event, communities)


def small_map(communities: pd.DataFrame, focus_id: str, lang: str, key: str) -> None:
    """The profile's map, centred on one community."""
    m = maps.build_small_map(communities, districts(), lang, focus_id)
    st_folium(m, key=key, height=320, use_container_width=True, returned_objects=[])
