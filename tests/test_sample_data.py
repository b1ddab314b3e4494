"""The bundled sample data and district outlines keep the data contract.

Reads data/sample/*.csv and data/xining_districts.geojson with pandas and json
only (no shapely or pypinyin), so it runs with the runtime requirements.
"""

from __future__ import annotations

import json
from functools import cache
from itertools import pairwise

import pandas as pd
import pytest

from dashboard import config
from dashboard.schema import TABLES

EXPECTED_ADCODES = {"630102", "630103", "630104", "630105", "630106", "630121", "630123"}
REFERENCE_CSV = config.DATA_DIR / "reference" / "xining_communities_nbs2023.csv"
ARTICLE = {  # community_id -> (name_zh, district, characteristic)
    "630103003002": ("前营街社区", "chengzhong", "harmony"),
    "630104001002": ("南气象巷社区", "chengxi", "caring"),
}


@cache
def table(name: str) -> pd.DataFrame:
    """One sample table, ids kept as text."""
    return pd.read_csv(
        config.SAMPLE_DIR / f"{name}.csv",
        dtype={"community_id": str, "activity_id": str},
        encoding="utf-8",
        keep_default_na=False,
        na_values=[""],
    )


@cache
def outlines() -> dict[str, dict]:
    """District code -> GeoJSON feature."""
    collection = json.loads(config.DISTRICTS_GEOJSON.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: f for f in collection["features"]}


def rings(geometry: dict) -> list[list[list[float]]]:
    """Every ring (outer and holes) of a Polygon or MultiPolygon."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [ring for polygon in polygons for ring in polygon]


def inside(lon: float, lat: float, geometry: dict) -> bool:
    """Even-odd ray casting over all rings: True when the point is inside."""
    crossings = 0
    for ring in rings(geometry):
        for (x1, y1), (x2, y2) in pairwise(ring):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                crossings += 1
    return crossings % 2 == 1


def bbox(geometry: dict) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of a geometry."""
    points = [p for ring in rings(geometry) for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


@pytest.mark.parametrize("name", list(TABLES))
def test_files_are_utf8_without_bom_with_contract_headers(name: str) -> None:
    raw = (config.SAMPLE_DIR / f"{name}.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    header = raw.decode("utf-8").splitlines()[0].split(",")
    assert header == TABLES[name].names
    assert len(table(name)) > 0


def test_reference_lists_the_residents_committees() -> None:
    ref = pd.read_csv(REFERENCE_CSV, dtype=str)
    assert 175 <= len(ref) <= 183
    assert ref["unit_type"].str.startswith("residents_committee").all()
    assert not ref["unit_name"].str.contains("虚拟").any()
    assert ref["unit_code"].is_unique


def test_one_community_per_reference_row() -> None:
    com = table("communities")
    ref = pd.read_csv(REFERENCE_CSV, dtype=str)
    assert 175 <= len(com) <= 183
    assert com["community_id"].is_unique
    assert com["community_id"].str.fullmatch(r"\d{12}").all()
    assert set(com["community_id"]) == set(ref["unit_code"])
    assert com["name_zh"].str.endswith("社区").all()
    assert com["name_en"].str.endswith(" Community").all()


def test_article_communities() -> None:
    com = table("communities").set_index("community_id")
    for cid, (name, district, kind) in ARTICLE.items():
        row = com.loc[cid]
        assert (row["name_zh"], row["district"], row["characteristic"]) == (name, district, kind)
        assert row["stage"] == "named"
    assert com.loc["630103003002", "brand_name"] == "好邻居"
    assert com.loc["630103003002", "name_en"] == "Qianying Street Community"
    assert com.loc["630104001002", "name_en"] == "South Qixiang Lane Community"


@pytest.mark.parametrize(
    ("name", "column", "vocabulary"),
    [
        ("communities", "district", "districts"),
        ("communities", "characteristic", "types"),
        ("communities", "stage", "stages"),
        ("communities", "coord_system", "coord_systems"),
        ("activities", "category", "categories"),
        ("targets", "district", "districts"),
        ("targets", "metric", "metrics"),
    ],
)
def test_enumerations_use_codes(name: str, column: str, vocabulary: str) -> None:
    assert set(table(name)[column]) <= set(config.codes(vocabulary))


def test_every_type_stage_and_district_is_used() -> None:
    com = table("communities")
    for column, vocabulary in (("characteristic", "types"), ("stage", "stages"), ("district", "districts")):
        assert set(com[column]) == set(config.codes(vocabulary))


def test_coordinates_inside_municipality_and_district() -> None:
    com = table("communities")
    assert com["latitude"].between(*config.LAT_RANGE).all()
    assert com["longitude"].between(*config.LON_RANGE).all()
    for row in com.itertuples():
        geometry = outlines()[row.district]["geometry"]
        min_lon, min_lat, max_lon, max_lat = bbox(geometry)
        assert min_lon <= row.longitude <= max_lon and min_lat <= row.latitude <= max_lat, row.community_id
        assert inside(row.longitude, row.latitude, geometry), row.community_id


def test_households_and_residents() -> None:
    com = table("communities")
    assert com["households"].between(800, 6000).all()
    ratio = com["residents"] / com["households"]
    assert ratio.between(2.5, 3.1).all()


def test_activities_refer_to_communities_and_have_unique_ids() -> None:
    acts = table("activities")
    assert acts["activity_id"].is_unique
    assert acts["activity_id"].str.fullmatch(r"A\d{6}").all()
    assert set(acts["community_id"]) <= set(table("communities")["community_id"])
    assert 30_000 <= len(acts) <= 50_000
    assert (config.SAMPLE_DIR / "activities.csv").stat().st_size < 4_000_000


def test_activity_values() -> None:
    acts = table("activities")
    dates = pd.to_datetime(acts["date"], format="%Y-%m-%d")
    assert dates.min() >= pd.Timestamp("2024-12-01")
    assert dates.max() <= pd.Timestamp("2026-11-26")
    assert acts["participants"].between(5, 300).all()
    assert (acts["party_members"] <= acts["participants"]).all()
    assert (acts["party_members"] >= 0).all()
    assert (acts["volunteer_hours"] >= 0).all()
    assert ((acts["volunteer_hours"] * 2) % 1 == 0).all()


def test_some_communities_are_lagging() -> None:
    last = pd.to_datetime(table("activities").groupby("community_id")["date"].max())
    quiet = last[last < pd.Timestamp("2026-11-27") - pd.Timedelta(days=60)]
    assert 8 <= len(quiet) <= 12
    assert set(table("communities")["community_id"]) == set(last.index)


def test_surveys_cover_every_community_and_month() -> None:
    surveys = table("surveys")
    assert set(surveys["community_id"]) == set(table("communities")["community_id"])
    assert surveys["period"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert surveys["period"].min() == "2024-12" and surveys["period"].max() == "2026-10"
    assert not surveys.duplicated(["community_id", "period"]).any()
    assert len(surveys) == len(table("communities")) * 23
    assert surveys["satisfaction"].between(60, 98).all()
    assert surveys["respondents"].between(20, 200).all()


def test_targets_cover_every_district_year_and_metric() -> None:
    targets = table("targets")
    assert not targets.duplicated(["district", "year", "metric"]).any()
    assert len(targets) == len(config.codes("districts")) * 2 * len(config.codes("metrics"))
    assert set(targets["year"]) == {2025, 2026}
    assert (targets["target"] >= 0).all()


def test_district_outlines() -> None:
    features = outlines()
    assert len(features) == 7
    assert {f["properties"]["adcode"] for f in features.values()} == EXPECTED_ADCODES
    for district in config.terms("districts"):
        props = features[district.code]["properties"]
        assert props["adcode"] == district.adcode
        assert props["name_zh"] and props["name_en"]
        assert features[district.code]["geometry"]["type"] in ("Polygon", "MultiPolygon")
        min_lon, min_lat, max_lon, max_lat = bbox(features[district.code]["geometry"])
        assert config.LON_RANGE[0] <= min_lon < max_lon <= config.LON_RANGE[1]
        assert config.LAT_RANGE[0] <= min_lat < max_lat <= config.LAT_RANGE[1]
    assert config.DISTRICTS_GEOJSON.stat().st_size < 300_000


STAGE_DATES = list(TABLES["communities"].stage_dates.items())  # (stage, column) in the stages' order
SAMPLE_TODAY = pd.Timestamp("2026-11-27")  # the sample's "today" (scripts/make_sample.py)


def stage_dates() -> pd.DataFrame:
    return table("communities")[[c for _, c in STAGE_DATES]].apply(pd.to_datetime)


def test_stage_dates_are_in_order_within_the_campaign_and_before_today() -> None:
    dates = stage_dates()
    given = dates.stack().dropna()
    assert (given >= pd.Timestamp("2024-03-01")).all() and (given < SAMPLE_TODAY).all()
    for (_, earlier), (_, later) in pairwise(STAGE_DATES):
        both = dates[earlier].notna() & dates[later].notna()
        assert (dates.loc[both, earlier] <= dates.loc[both, later]).all(), (earlier, later)


def test_every_stage_reached_has_its_date_and_none_beyond() -> None:
    com, dates = table("communities"), stage_dates()
    rank = com["stage"].map({s: i for i, s in enumerate(config.codes("stages"))})
    for i, (_, column) in enumerate(STAGE_DATES):
        assert dates.loc[rank < i, column].isna().all(), column
        if i:  # only the application date is sometimes left blank, to be derived on import
            assert dates.loc[rank >= i, column].notna().all(), column
    blank = dates["applied_on"].isna()
    assert blank.sum() == 6 and (com.loc[blank, "stage"] != "applied").all()


def test_named_dates_follow_the_targets() -> None:
    named = stage_dates()["named_on"].dropna()
    assert 25 <= (named.dt.year == 2025).sum() <= 40 and 10 <= (named.dt.year == 2026).sum() <= 25
    targets = table("targets")
    target_2025 = targets[(targets["year"] == 2025) & (targets["metric"] == "named_communities")]["target"].sum()
    assert abs((named.dt.year == 2025).sum() - target_2025) <= 8  # some districts met 2025's target, some missed it


def test_lagging_communities_have_held_their_stage_longest() -> None:
    com, dates = table("communities"), stage_dates()
    since = pd.Series([dates.loc[i, column] for i, column in zip(com.index, com["stage"] + "_on", strict=True)])
    held = (SAMPLE_TODAY - since).dt.days[com["stage"] != "named"]
    last = pd.to_datetime(table("activities").groupby("community_id")["date"].max())
    quiet = com.index[com["community_id"].map(last) < SAMPLE_TODAY - pd.Timedelta(days=60)]
    assert (held[quiet] >= 320).all()
    assert 20 <= (held > 180).sum() <= 45
