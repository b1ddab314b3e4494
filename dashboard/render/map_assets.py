"""Leaflet and Leaflet.markercluster served by the app itself, never a CDN.

With no internet a folium map whose scripts come from a CDN stays blank, so
the app copies the files it needs out of the ``xstatic`` packages into
``static/vendor/`` at start-up (Streamlit serves ``static/`` at
``/app/static/`` when ``server.enableStaticServing`` is on). A standalone HTML
export cannot reach the app, so it gets the same files inlined instead.
"""

from __future__ import annotations

import base64
import re
import shutil
from functools import cache
from pathlib import Path

import folium
import xstatic.pkg.leaflet as _leaflet
import xstatic.pkg.leaflet_markercluster as _markercluster
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from dashboard import config

# Relative to the page the map runs in, streamlit-folium's <base URL path>/component/streamlit_folium.st_folium/
# index.html: an absolute /app/static/... would miss the app when it is served under a base URL path.
VENDOR_URL = "../../app/static/vendor"

# vendor sub-folder → (xstatic data dir, files the map needs from it).
_PACKAGES: dict[str, tuple[Path, tuple[str, ...]]] = {
    "leaflet": (
        Path(_leaflet.BASE_DIR),
        (
            "leaflet.js",
            "leaflet.css",
            "images/marker-icon.png",
            "images/marker-icon-2x.png",
            "images/marker-shadow.png",
            "images/layers.png",
            "images/layers-2x.png",
        ),
    ),
    "markercluster": (
        Path(_markercluster.BASE_DIR),
        ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"),
    ),
}

# Asset name (as folium names its links) → file under the vendor folder.
JS_ASSETS: dict[str, str] = {
    "leaflet": "leaflet/leaflet.js",
    "markerclusterjs": "markercluster/leaflet.markercluster.js",
}
CSS_ASSETS: dict[str, str] = {
    "leaflet_css": "leaflet/leaflet.css",
    "markerclustercss": "markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "markercluster/MarkerCluster.Default.css",
}
ICON_IMAGE_PATH = "leaflet/images/"


def _vendor_files() -> list[tuple[Path, str]]:
    """(source file, path relative to the vendor folder) for every asset."""
    return [(data_dir / name, f"{folder}/{name}") for folder, (data_dir, names) in _PACKAGES.items() for name in names]


def install_static_assets(static_dir: Path = config.STATIC_DIR) -> Path:
    """Copy the vendor files under ``static_dir/vendor``; return that folder.

    Idempotent and cheap when already present: a file is copied only when it
    is missing or its size differs from the packaged one (a new version).
    """
    vendor = Path(static_dir) / "vendor"
    for source, relative in _vendor_files():
        target = vendor / relative
        if target.is_file() and target.stat().st_size == source.stat().st_size:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return vendor


def local_asset_urls(base: str = VENDOR_URL) -> dict[str, dict[str, str]]:
    """{"js": {name: url}, "css": {name: url}} under ``base``, for folium's lists."""
    base = base.rstrip("/")
    return {
        "js": {name: f"{base}/{path}" for name, path in JS_ASSETS.items()},
        "css": {name: f"{base}/{path}" for name, path in CSS_ASSETS.items()},
    }


def icon_image_path(base: str = VENDOR_URL) -> str:
    """The folder Leaflet's default marker icons are loaded from."""
    return f"{base.rstrip('/')}/{ICON_IMAGE_PATH}"


def _source(relative: str) -> Path:
    """The packaged file behind a vendor path such as ``leaflet/leaflet.js``."""
    folder, name = relative.split("/", 1)
    return _PACKAGES[folder][0] / name


def _inline_js(relative: str) -> str:
    """Script text safe inside ``<script>``, without its source-map comment."""
    text = _source(relative).read_text(encoding="utf-8")
    text = re.sub(r"//# sourceMappingURL=\S+", "", text)
    return text.replace("</script", "<\\/script")


def _inline_css(relative: str) -> str:
    """Style text with its ``url(images/...)`` pictures turned into data URIs."""
    folder = _source(relative).parent

    def data_uri(match: re.Match[str]) -> str:
        picture = folder / match.group(1)
        encoded = base64.b64encode(picture.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    text = _source(relative).read_text(encoding="utf-8")
    return re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, text)


@cache
def inline_assets() -> dict[str, dict[str, str]]:
    """{"js": {name: text}, "css": {name: text}}: the same files, as text.

    For a standalone HTML file that opens from disk with no internet.
    """
    return {
        "js": {name: _inline_js(path) for name, path in JS_ASSETS.items()},
        "css": {name: _inline_css(path) for name, path in CSS_ASSETS.items()},
    }


class _IconPath(MacroElement):
    """Where Leaflet finds its default pin icons.

    A script added to the map itself: streamlit-folium never runs the scripts
    of the page header, and Leaflet's own guess fails off its CDN.
    """

    _template = Template("""{% macro script(this, kwargs) %}{% if this.path %}
L.Icon.Default.imagePath = {{ this.path|tojson }};
{% endif %}{% endmacro %}""")

    def __init__(self, path: str) -> None:
        super().__init__()
        self._name, self.path = "IconPath", path


def _walk(element: Element):
    """The element and everything under it."""
    yield element
    for child in element._children.values():
        yield from _walk(child)


def use_assets(m: folium.Map, assets: str = "local") -> folium.Map:
    """Load Leaflet from the app ("local") or from the page itself ("inline").

    Every element's CDN links are replaced or dropped (jQuery, Bootstrap, Font
    Awesome and Awesome Markers are not needed), so no URL leaves the app.
    Idempotent: call it again after adding elements to a built map.
    """
    if assets not in ("local", "inline"):
        raise ValueError(f"assets must be 'local' or 'inline', not {assets!r}")
    urls = local_asset_urls()
    needed: dict[str, list[str]] = {"js": [], "css": []}
    for element in list(_walk(m)):
        if isinstance(element, JSCSSMixin):
            for kind, attr in (("js", "default_js"), ("css", "default_css")):
                names = [name for name, _ in getattr(element, attr) if name in urls[kind]]
                needed[kind] += names
                setattr(element, attr, [(name, urls[kind][name]) for name in names] if assets == "local" else [])
        if isinstance(element, _IconPath):  # inlined styles carry the icons themselves
            element.path = icon_image_path() if assets == "local" else ""
    if assets == "local" and not any(isinstance(e, _IconPath) for e in _walk(m)):
        _IconPath(icon_image_path()).add_to(m)
    if assets == "inline":
        _inline(m, needed)
    return m


def _inline(m: folium.Map, needed: dict[str, list[str]]) -> None:
    """Put the text of the needed scripts and styles into the page header."""
    texts = inline_assets()
    figure = m.get_root()
    assert isinstance(figure, Figure), "a folium map sits in its page"
    header = figure.header
    for name in dict.fromkeys(needed["css"]):
        header.add_child(Element(f"<style>{texts['css'][name]}</style>"), name=f"inline_{name}")
    for name in dict.fromkeys(needed["js"]):
        header.add_child(Element(f"<script>{texts['js'][name]}</script>"), name=f"inline_{name}")


def save_standalone_map(m: folium.Map, path: Path | str) -> Path:
    """One HTML file that opens from disk with no internet (scripts inlined)."""
    use_assets(m, "inline")
    path = Path(path)
    path.write_text(m.get_root().render(), encoding="utf-8")
    return path
