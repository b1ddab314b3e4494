"""Maps on pages: st_folium with only the click returned, so panning never reruns the app.

Turning 10,000 communities into the map's points costs about 0.1 s. The
Overview and Map pages keep the serialised points per content (the
columns of the communities that reach the map, language, layer and base map)
and build a fresh folium map around them on each run, which streamlit-folium
then renders as usual (about 0.05 s at 10,000 points, the points' text passed
through as it is). A fresh map each time matters: streamlit-folium renames a
map's elements when it reads it, so showing one map object twice breaks its
script. The profile's small map is built whole on each run.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import config
from dashboard.i18n import community_names, t
from dashboard.render import maps
from dashboard.render.map_points import profile_href
from dashboard.ui import map_content, state
from dashboard.ui.map_content import basemap

RETURNED = ["last_active_drawing"]  # the clicked feature, whose properties carry the community id


@st.cache_resource(show_spinner=False)
def districts() -> dict:
    """The district outlines, read once per process."""
    return maps.load_districts()


def clicked_community(event: dict | None, communities: pd.DataFrame) -> str | None:
    """The community whose point was clicked (district outlines carry no community id)."""
    feature = (event or {}).get("last_active_drawing") or {}
    community_id = (feature.get("properties") or {}).get("id")
    if community_id and (communities["community_id"] == community_id).any():
        return str(community_id)
    return None


# --- the points, serialised once per content; a fresh map around them on each run ----------------------------


@st.cache_resource(show_spinner=False, max_entries=48)
def _payload(content: str, _communities: pd.DataFrame, lang: str, layer: str) -> maps.PointPayload:
    """The map's points for this content, made once per process (immutable text, shared by sessions)."""
    return map_content.take_warmed(content) or maps.map_payload(_communities, lang=lang, layer=layer, basemap=basemap())


def _show(key: str, height: int, m: folium.Map) -> dict | None:
    """The map through streamlit-folium, returning only the clicked feature."""
    return st_folium(m, key=key, height=height, use_container_width=True, returned_objects=RETURNED)


def _points(communities: pd.DataFrame, lang: str, layer: str) -> maps.PointPayload:
    """The kept points for this content: which communities (the columns the map reads), language, layer, base map."""
    return _payload(map_content.content(communities, lang, layer), communities, lang, layer)


def full_map(communities: pd.DataFrame, lang: str, layer: str, progress: pd.DataFrame | None, key: str) -> str | None:
    """The Map page's map, after the list of its communities; returns the id of a clicked community."""
    finder(communities, lang, key)
    m = maps.build_map(
        communities,
        districts(),
        lang=lang,
        layer=layer,
        basemap=basemap(),
        progress_by_district=progress,
        payload=_points(communities, lang, layer),
        link_params=state.filters().to_params(),
    )
    return clicked_community(_show(key, 620, m), communities)


def compact_map(communities: pd.DataFrame, lang: str, key: str) -> str | None:
    """A smaller map of the filtered communities (Overview), after the list of its communities."""
    finder(communities, lang, key)
    m = maps.build_map(
        communities,
        districts(),
        lang=lang,
        basemap=basemap(),
        payload=_points(communities, lang, "type"),
        link_params=state.filters().to_params(),
    )
    return clicked_community(_show(key, 380, m), communities)


def finder(communities: pd.DataFrame, lang: str, key: str) -> None:
    """The map's communities for the keyboard: a list to type in or arrow through, then a link to the profile.

    The same names as the map's tooltips (with the district, as in the popups) and the same link as the
    popups' (``map_points.profile_href``), opened in the same tab. It comes before the map in the Tab order.
    """
    rows = communities.dropna(subset=["latitude", "longitude"]).assign(name=community_names(communities, lang))
    rows = rows.sort_values(["name", "community_id"])
    names = dict(zip(rows["community_id"], rows["name"], strict=True))
    places = {code: config.label("districts", code, lang) for code in rows["district"].dropna().unique()}
    where = dict(zip(rows["community_id"], rows["district"].map(places).fillna(""), strict=True))
    chosen = st.selectbox(
        t("maps.find_label", lang),
        list(names),
        index=None,
        format_func=lambda cid: " · ".join(part for part in (names[cid], where[cid]) if part),
        placeholder=t("maps.find_placeholder", lang),
        help=t("maps.find_help", lang),
        key=f"{key}_finder",
    )
    if chosen is not None and chosen in names:
        href = profile_href(chosen, lang, state.filters().to_params())
        st.page_link(
            "pages/profile.py",
            label=t("maps.open_profile_of", lang, name=names[chosen]),
            icon=":material/arrow_forward:",
            query_params=dict(parse_qsl(urlsplit(href).query)),
        )


def small_map(communities: pd.DataFrame, focus_id: str, lang: str, key: str) -> None:
    """The profile's map, centred on one community."""
    m = maps.build_small_map(communities, districts(), lang, focus_id)
    st_folium(m, key=key, height=320, use_container_width=True, returned_objects=[])
