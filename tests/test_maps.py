"""The map builders: markup checks on small fixtures, no browser, no network."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import folium
import folium.plugins
import pandas as pd
import pytest

from dashboard import config, i18n
from dashboard.dataset import typed_frame
from dashboard.render import map_access, map_assets, map_legend, map_points, maps
from dashboard.ui.map_content import MAP_COLUMNS

FIXTURES = Path(__file__).parent / "fixtures"
CDN = re.compile(r"cdn|jsdelivr|unpkg|cloudflare|googleapis|bootstrapcdn|code\.jquery", re.IGNORECASE)
EVIL = "<script>alert(1)</script>"

ROWS = [
    # id, name_zh, name_en, district, subdistrict, characteristic, brand, stage, lat, lon
    (
        "630103003002",
        "前营街社区",
        "Qianying Street Community",
        "chengzhong",
        "南滩街道",
        "caring",
        "好邻居",
        "named",
        36.6199,
        101.7788,
    ),
    (
        "630104001001",
        "南气象巷社区",
        "South Qixiang Lane Community",
        "chengxi",
        "西关大街街道",
        "health",
        "",
        "building",
        36.6237,
        101.7552,
    ),
    ("c3", EVIL, 'A & "B"', "chengxi", "<b>sub</b>", "green", "<img src=x onerror=alert(2)>", "applied", 36.64, 101.70),
    ("c4", "绿洲社区", "Oasis", "chengzhong", None, "green", "绿色家园", "assessed", 36.59, 101.80),
    ("c 5/?", "和谐社区", None, "chengzhong", "", "harmony", None, "named", 36.60, 101.76),
    ("c6", "团结社区", "Unity", "chengxi", "", "ethnic_unity", "", "applied", 36.65, 101.72),
]


@pytest.fixture(scope="module")
def districts() -> dict:
    return json.loads((FIXTURES / "mini_districts.geojson").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def communities() -> pd.DataFrame:
    return typed_frame("communities", pd.DataFrame(ROWS, columns=MAP_COLUMNS))  # the columns a map reads


def layers(m: folium.Map) -> dict:
    """The map's GeoJSON layers by name ("districts", "communities"), each with its ``data``."""
    return {c.layer_name: c for c in m._children.values() if hasattr(c, "layer_name") and hasattr(c, "data")}


def points(m: folium.Map) -> tuple[list[dict], dict]:
    """The point features and the lookup tables the browser script reads."""
    kit = next(c for c in m._children.values() if type(c).__name__ == "_PointKit")
    return layers(m)["communities"].data["features"], json.loads(kit.vocab)


def rendered(m: folium.Map) -> str:
    return m.get_root().render()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (None, 6),
        ("district == 'chengxi'", 3),
        ("characteristic == 'green'", 2),
        ("stage == 'named'", 2),
        ("community_id == 'none'", 0),
    ],
)
def test_one_point_per_community_in_the_markup(communities, districts, query, expected):
    frame = communities.query(query) if query else communities
    html = rendered(maps.build_map(frame, districts, lang="zh"))
    assert html.count('"Point"') == expected
    assert html.count("new Shape(latlng") == 1  # one layer whose script draws every point, not one object per community


def test_rows_without_coordinates_are_left_out(communities, districts):
    frame = communities.copy()
    frame.loc[0, "latitude"] = None
    assert rendered(maps.build_map(frame, districts, lang="zh")).count('"Point"') == len(frame) - 1


def test_points_are_coloured_by_type_and_by_stage(communities, districts):
    for layer, column, kind in (("type", "characteristic", "types"), ("stage", "stage", "stages")):
        features, vocab = points(maps.build_map(communities, districts, lang="en", layer=layer))
        key = {"types": "t", "stages": "s"}[kind]
        assert vocab["by"] == key
        colours = {f["properties"]["id"]: vocab[kind][f["properties"][key]][2] for f in features}
        expected = dict(zip(communities["community_id"], communities[column].map(config.colors(kind)), strict=True))
        assert colours == expected


def test_progress_layer_draws_grey_points_over_a_choropleth(communities, districts):
    progress = pd.DataFrame({"district": ["chengzhong"], "progress": [0.62]})
    m = maps.build_map(communities, districts, lang="zh", layer="progress", progress_by_district=progress)
    styles = {f["properties"]["code"]: f["properties"]["style"] for f in layers(m)["districts"].data["features"]}
    assert styles["chengzhong"]["fillColor"] == map_legend.PROGRESS_COLORS[3]
    assert styles["chengxi"]["fillColor"] == map_legend.NO_DATA_COLOR
    assert points(m)[1]["by"] is None
    html = rendered(m)
    assert "品牌创建进度" in html and "暂无数据" in html
    tips = [f["properties"]["tip"] for f in layers(m)["districts"].data["features"]]
    assert tips == ["城中区：创建进度 62%", "城西区：创建进度 —"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, map_legend.NO_DATA_COLOR),
        (0.0, map_legend.PROGRESS_COLORS[0]),
        (0.5, map_legend.PROGRESS_COLORS[2]),
        (1.0, map_legend.PROGRESS_COLORS[4]),
    ],
)
def test_progress_colour_scale(value, expected):
    assert map_legend.progress_color(value) == expected


def test_text_from_the_data_is_escaped(communities, districts):
    m = maps.build_map(communities, districts, lang="en")
    html = rendered(m)
    for raw in (EVIL, "<b>sub</b>", "<img src=x", '"B"'):
        assert raw not in html
    props = next(f["properties"] for f in points(m)[0] if f["properties"]["id"] == "c3")
    assert props["z"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert props["e"] == "A &amp; &quot;B&quot;"
    assert props["b"] == "&lt;img src=x onerror=alert(2)&gt;"
    assert points(m)[1]["subs"][props["sd"]] == "&lt;b&gt;sub&lt;/b&gt;"


@pytest.mark.parametrize("layer", ["type", "stage"])
def test_jinja_syntax_in_the_data_is_text_not_a_template(communities, districts, layer):
    """branca compiles a MacroElement's script as a template once more: braces from the data must not reach Jinja."""
    odd = communities.assign(
        subdistrict=["{% 居和 %}", "{{ 7*7 }}街道", "{# note", "{{ cycler.__init__ }}", "{x}", None][: len(communities)],
        name_zh="{{ 6*7 }}社区",
    )
    m = maps.build_map(odd, districts, lang="zh", layer=layer)
    html = rendered(m)  # "{% 居和 %}" raised TemplateSyntaxError here
    # evaluated, the names would read 49街道 and 42社区 (bare 49 or 42 also occur in the map's random element ids)
    assert "{{" not in html.split("<script")[-1] and "49街道" not in html and "42社区" not in html
    assert {"{% 居和 %}", "{{ 7*7 }}街道", "{# note", "{{ cycler.__init__ }}", "{x}"} <= set(points(m)[1]["subs"])
    assert {f["properties"]["z"] for f in points(m)[0]} == {"{{ 6*7 }}社区"}


def test_popup_links_to_the_profile_page(communities, districts):
    features, vocab = points(maps.build_map(communities, districts, lang="zh"))
    assert vocab["href"] == "./profile?community="
    by_id = {f["properties"]["id"]: f["properties"] for f in features}
    assert "u" not in by_id["630103003002"]  # plain ids go into the URL as they are
    assert by_id["c 5/?"]["u"] == "c%205%2F%3F"


def test_legend_escapes_its_text():
    html = map_legend.legend_html("<t>", [("#000000", "", "<i>x</i>")])
    assert "<i>x</i>" not in html and "&lt;i&gt;x&lt;/i&gt;" in html and "&lt;t&gt;" in html


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("layer", "kind"), [("type", "types"), ("stage", "stages")])
def test_legend_labels_in_both_languages(communities, districts, lang, layer, kind):
    html = rendered(maps.build_map(communities, districts, lang=lang, layer=layer))
    title, entries = map_legend.legend_entries(layer, lang)
    assert title in html
    for term in config.terms(kind):
        assert term.label(lang) in html
        assert (term.color, term.icon, term.label(lang)) in entries


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_district_names_as_tooltips(communities, districts, lang):
    outlines = layers(maps.build_map(communities, districts, lang=lang))["districts"]
    tips = [f["properties"]["tip"] for f in outlines.data["features"]]
    assert tips == (["城中区", "城西区"] if lang == "zh" else ["Chengzhong", "Chengxi"])


@pytest.mark.parametrize("layer", maps.LAYERS)
@pytest.mark.parametrize("basemap", ["none", "osm", "gaode"])
def test_no_cdn_url_with_local_assets(communities, districts, layer, basemap):
    html = rendered(maps.build_map(communities, districts, lang="zh", layer=layer, basemap=basemap))
    urls = re.findall(r"https?://[^\s\"'<>)]+", html)
    assert not [u for u in urls if CDN.search(u)]
    links = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert links and all(link.startswith(map_assets.VENDOR_URL + "/") for link in links)


def test_local_asset_urls_exist_after_install(tmp_path, communities, districts):
    vendor = map_assets.install_static_assets(tmp_path)
    urls = map_assets.local_asset_urls()
    wanted = [*urls["js"].values(), *urls["css"].values(), map_assets.icon_image_path() + "marker-icon.png"]
    html = rendered(maps.build_map(communities, districts, lang="zh"))
    wanted += re.findall(r'(?:src|href)="(\.\./\.\./app/static/[^"]+)"', html)
    for url in wanted:
        assert (tmp_path / url.removeprefix("../../app/static/")).is_file(), url
    before = {p: p.stat().st_mtime_ns for p in vendor.rglob("*") if p.is_file()}
    map_assets.install_static_assets(tmp_path)
    assert {p: p.stat().st_mtime_ns for p in vendor.rglob("*") if p.is_file()} == before


def test_standalone_file_needs_no_network(tmp_path, communities, districts):
    path = maps.save_standalone_map(maps.build_map(communities, districts, lang="zh"), tmp_path / "map.html")
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=\"https?:", html)
    assert "L.map(" in html and "Leaflet" in html and ".leaflet-container" in html
    assert "/app/static" not in html


def test_gaode_moves_points_and_outlines_onto_gcj02(communities, districts):
    wgs = points(maps.build_map(communities, districts, lang="zh", basemap="none"))[0]
    gcj_map = maps.build_map(communities, districts, lang="zh", basemap="gaode")
    for a, b in zip(wgs, points(gcj_map)[0], strict=True):
        (lon0, lat0), (lon1, lat1) = a["geometry"]["coordinates"], b["geometry"]["coordinates"]
        assert 0.0015 <= lon1 - lon0 <= 0.0025
        assert abs(lat1 - lat0) < 0.002
    ring = layers(gcj_map)["districts"].data["features"][0]["geometry"]["coordinates"][0]
    assert 0.0015 <= ring[0][0] - 101.74 <= 0.0025
    assert "autonavi.com" in rendered(gcj_map)


def test_no_basemap_means_no_tiles_and_a_max_zoom(communities, districts):
    m = maps.build_map(communities, districts, lang="zh")
    assert not [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert m.options["max_zoom"] == maps.MAX_ZOOM


def test_tianditu_needs_a_key(monkeypatch, communities, districts):
    monkeypatch.delenv("DASHBOARD_TIANDITU_KEY", raising=False)
    assert maps.resolve_basemap("tianditu").code == "none"
    monkeypatch.setenv("DASHBOARD_TIANDITU_KEY", "k123")
    assert "tk=k123" in rendered(maps.build_map(communities, districts, lang="zh", basemap="tianditu"))


def test_selected_community_is_centred_and_highlighted(communities, districts):
    m = maps.build_map(communities, districts, lang="zh", selected="c4")
    assert m.location == [36.59, 101.80]
    features = points(m)[0]
    assert features[-1]["properties"]["id"] == "c4" and features[-1]["properties"]["sel"] == 1
    assert sum("sel" in f["properties"] for f in features) == 1


def test_fits_the_points_or_the_city(communities, districts):
    def fit(m):
        return next(c for c in m._children.values() if type(c).__name__ == "FitBounds").bounds

    assert fit(maps.build_map(communities, districts, lang="zh")) == [[36.59, 101.7], [36.65, 101.8]]
    assert fit(maps.build_map(communities.iloc[0:0], districts, lang="zh")) == [[36.56, 101.66], [36.68, 101.82]]


def test_small_map_focuses_one_community(communities, districts):
    m = maps.build_small_map(communities, districts, "en", focus_id="630103003002", basemap="none")
    assert m.location == [36.6199, 101.7788]
    assert m.options["scroll_wheel_zoom"] is False
    assert "ju-map-legend" not in rendered(m)
    assert "ju-map-legend" in rendered(maps.build_small_map(communities, districts, "en", basemap="none"))


def test_map_texts_are_translated():
    catalogue = tomllib.loads((i18n.MESSAGES_DIR / "maps.toml").read_text(encoding="utf-8"))
    assert all(texts.get("en") and texts.get("zh") for texts in catalogue.values())


def test_a_marker_cluster_added_by_a_page_is_served_locally(communities, districts):
    m = maps.build_map(communities, districts, lang="zh")
    folium.plugins.MarkerCluster().add_to(m)
    html = rendered(maps.use_assets(m))
    assert "/app/static/vendor/markercluster/leaflet.markercluster.js" in html
    assert "/app/static/vendor/markercluster/MarkerCluster.Default.css" in html
    assert not CDN.search(html)


# --- keyboard and screen readers (render/map_access.py) -------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "tag", "title", "zoom_in"),
    [("zh", "zh-CN", "社区分布地图", "放大"), ("en", "en", "Map of the communities", "Zoom in")],
)
def test_the_map_names_itself_in_the_readers_language(communities, districts, lang, tag, title, zoom_in):
    m = maps.build_map(communities, districts, lang=lang)
    access = next(c for c in m._children.values() if isinstance(c, map_access.MapAccess))
    names = [type(child).__name__ for child in m._children.values()]
    assert names.index("MapAccess") > max(names.index("_PointsLayer"), names.index("Legend"))  # after every layer
    texts = json.loads(access.texts)
    assert (texts["lang"], texts["title"], texts["zoomIn"]) == (tag, title, zoom_in)
    assert texts["label"] == i18n.t("maps.map_label", lang, count=len(communities))
    html = rendered(m)
    assert "setPrefix(false)" in html  # the base map's credit only, no Leaflet prefix
    assert "setAttribute('tabindex', '-1')" in html and "aria-hidden" in html


def test_one_community_is_named_in_the_singular():
    assert map_access.access_texts("en", 1)["label"].startswith("Map of 1 community.")


@pytest.mark.parametrize(
    ("community", "params", "expected"),
    [
        ("630103003002", None, "./profile?community=630103003002&lang=zh"),
        ("c 5/?", {"district": "chengxi,chengzhong"}, "./profile?community=c%205%2F%3F&lang=zh&district=chengxi%2Cchengzhong"),
    ],
)
def test_profile_links_of_the_popups_and_the_list_are_one(communities, districts, community, params, expected):
    assert map_points.profile_href(community, "zh", params) == expected
    html = rendered(maps.build_map(communities, districts, lang="zh", link_params=params))
    query = expected.split(community if community.isalnum() else "c%205%2F%3F", 1)[1]
    assert i18n_escaped(query) in html  # the kit's query: the same text, escaped for the popup's HTML


def i18n_escaped(text: str) -> str:
    return json.dumps(text.replace("&", "&amp;"))[1:-1].replace("&", "\\u0026")


def test_the_attribution_is_the_base_maps_credit_and_its_review_number(communities, districts, monkeypatch):
    gaode = config.term("basemaps", "gaode")
    assert maps.attribution(gaode) == "© 高德地图 AutoNavi"  # no number is guessed: a deployment fills it in
    monkeypatch.setitem(gaode.extra, "approval", "审图号：GS(2024)0000号")
    html = rendered(maps.build_map(communities, districts, lang="zh", basemap="gaode"))
    assert json.dumps("© 高德地图 AutoNavi · 审图号：GS(2024)0000号") in html  # folium writes it as JSON
    assert "setPrefix(false)" in html  # and no "Leaflet" prefix, flag included


def test_the_scale_bar_is_in_metres_only(communities, districts):
    """Readers here measure in metres and kilometres: one scale bar, without Leaflet's miles and feet."""
    html = rendered(maps.build_map(communities, districts, lang="zh"))
    assert html.count("L.control.scale(") == 1 and "L.control.scale({imperial: false})" in html


def test_the_legend_sits_in_the_corner_the_city_leaves_empty(communities, districts):
    """Top right: Xining's outline leaves its north-east empty; bottom right covered the urban districts' points."""
    html = rendered(maps.build_map(communities, districts, lang="en"))
    assert "L.control({position: 'topright'})" in html and "bottomright" not in html
