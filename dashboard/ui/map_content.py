"""What a map's points are made of, and points made ahead of the run that shows them.

Kept apart from ``maps_view`` (which imports streamlit-folium) so that the background load of a new data version,
at a server's start too, can make the Overview map's points: a custom component imported outside a script run
is never registered with the server (``background`` says more).
"""

from __future__ import annotations

import hashlib
import threading

import pandas as pd

from dashboard import config
from dashboard.render import maps

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


def basemap() -> str:
    return config.BASEMAP.value()


def frame_digest(frame: pd.DataFrame | None, columns: list[str]) -> str:
    """A digest of the columns' values, row by row (equal data, equal digest)."""
    if frame is None:
        return "none"
    present = [c for c in columns if c in frame.columns]
    rows = pd.util.hash_pandas_object(frame[present], index=False).to_numpy()
    return hashlib.blake2b(rows.tobytes() + repr((present, len(frame))).encode(), digest_size=16).hexdigest()


def content(communities: pd.DataFrame, lang: str, layer: str) -> str:
    """The key of a map's points: the communities' mapped columns, language, layer and base map."""
    return "|".join([frame_digest(communities, MAP_COLUMNS), lang, layer, basemap()])


# Points made ahead, in a background load, by content: the first run that shows them takes them into its own
# cache (maps_view). No Streamlit call is made from that thread.
_WARMED: dict[str, maps.PointPayload] = {}
_WARMED_LOCK = threading.Lock()


def warm_points(communities: pd.DataFrame, lang: str, layer: str = "type") -> None:
    """Make the points of a map of ``communities`` ahead of its first run (the last content warmed only)."""
    key = content(communities, lang, layer)
    payload = maps.map_payload(communities, lang=lang, layer=layer, basemap=basemap())
    with _WARMED_LOCK:
        _WARMED.clear()
        _WARMED[key] = payload


def warmed() -> list[str]:
    """The contents whose points are waiting for their first run."""
    with _WARMED_LOCK:
        return list(_WARMED)


def take_warmed(key: str) -> maps.PointPayload | None:
    """The points made ahead for ``key``, once; None when there are none."""
    with _WARMED_LOCK:
        return _WARMED.pop(key, None)
