"""Maps on pages: st_folium with only the click returned, so panning never reruns the app."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import config, maps

RETURNED = ["last_active_drawing"]  # the clicked feature, whose properties carry the community id


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


def full_map(communities: pd.DataFrame, lang: str, layer: str, progress: pd.DataFrame | None, key: str) -> str | None:
    """The Map page's map; returns the id of a clicked community."""
    m = maps.build_map(communities, districts(), lang=lang, layer=layer, basemap=basemap(),
                       progress_by_district=progress)
    event = st_folium(m, key=key, height=620, use_container_width=True, returned_objects=RETURNED)
    return clicked_community(event, communities)


def compact_map(communities: pd.DataFrame, lang: str, key: str) -> str | None:
    """A smaller map of the filtered communities (Overview)."""
    m = maps.build_map(communities, districts(), lang=lang, basemap=basemap())
    event = st_folium(m, key=key, height=380, use_container_width=True, returned_objects=RETURNED)
    return clicked_community(event, communities)


def small_map(communities: pd.DataFrame, focus_id: str, lang: str, key: str) -> None:
    """The profile's map, centred on one community."""
    m = maps.build_small_map(communities, districts(), lang, focus_id)
    st_folium(m, key=key, height=320, use_container_width=True, returned_objects=[])
