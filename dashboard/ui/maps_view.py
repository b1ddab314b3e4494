"""Maps on pages: st_folium with only the click returned, so panning never reruns the app.

Building a map and turning it into what ``st_folium`` sends to the browser
costs a fraction of a second per thousand points, on every rerun. The
Overview and Map pages therefore keep what ``st_folium`` would send, per map
content (the points' columns that reach the map, the district progress, the
language, layer and base map) and per component key, and hand the very same
arguments to streamlit-folium's component: a rerun that does not change the
map builds nothing. The profile's small map is drawn as before.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections.abc import Callable

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
    return config.setting("DASHBOARD_BASEMAP")


def clicked_community(event: dict | None, communities: pd.DataFrame) -> str | None:
    """The community whose point was clicked (district outlines carry no community id)."""
    feature = (event or {}).get("last_active_drawing") or {}
    community_id = (feature.get("properties") or {}).get("id")
    if community_id and (communities["community_id"] == community_id).any():
        return str(community_id)
    return None


# --- what st_folium sends, kept per map -----------------------------------------------------------------


def _install_capture():
    """Wrap streamlit-folium's component once per process so st_folium can prepare arguments without showing.

    While the wrapper's thread-local ``capture.active`` is set, a call only
    keeps its arguments; otherwise it is the component itself (``real``).
    """
    current = streamlit_folium._component_func
    if getattr(current, "capture", None) is not None:  # already wrapped (this module imported again)
        return current
    capture, real = threading.local(), current

    def component(**kwargs):
        if getattr(capture, "active", False):
            capture.kwargs = kwargs
            return None
        return real(**kwargs)

    component.capture, component.real = capture, real
    streamlit_folium._component_func = component
    return component


_COMPONENT = _install_capture()


def _frame_digest(frame: pd.DataFrame | None, columns: list[str]) -> str:
    """A digest of the columns' values, row by row (equal data, equal digest)."""
    if frame is None:
        return "none"
    present = [c for c in columns if c in frame.columns]
    rows = pd.util.hash_pandas_object(frame[present], index=False).to_numpy()
    return hashlib.blake2b(rows.tobytes() + repr((present, len(frame))).encode(), digest_size=16).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=48)
def _prepared(content: str, key: str, height: int, _build: Callable[[], folium.Map]) -> dict:
    """The arguments st_folium gives its component for this map, prepared once."""
    capture = _COMPONENT.capture
    capture.active, capture.kwargs = True, None
    try:
        st_folium(_build(), key=key, height=height, use_container_width=True, returned_objects=RETURNED)
        return capture.kwargs
    finally:
        capture.active = False


def _show(content: str, key: str, height: int, build: Callable[[], folium.Map]) -> dict | None:
    """st_folium of the map ``build`` makes, from the kept arguments when this content was shown before."""
    kwargs = dict(_prepared(content, key, height, build))
    kwargs["default"] = copy.deepcopy(kwargs["default"])  # each session gets its own initial value
    return _COMPONENT.real(**kwargs)


def _content(communities: pd.DataFrame, lang: str, layer: str, progress: pd.DataFrame | None) -> str:
    """What the map shows depends on: the points, the progress, language, layer and base map."""
    base = basemap()
    key_set = bool(config.setting("DASHBOARD_TIANDITU_KEY"))  # decides whether Tianditu is drawn
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
