"""Synthetic campaign data at any size, for the benchmarks.

``make_dataset(communities, activities)`` returns the four tables as typed
frames (``dashboard.dataset.typed_frame``): communities spread over the seven
districts, each point drawn inside its district's outline
(``data/xining_districts.geojson``), with valid types, stages and categories
from ``dashboard/campaign.toml``; activities over the sample's dates
(2024-12-01 to 2026-11-26); a monthly survey per community; and targets per
district, year and metric scaled to the size. Same arguments and seed, same
data.

``build_database(path, communities, activities)`` writes them into a new
SQLite file through ``dashboard.storage.store.commit_frames`` (one transaction, the
bulk path imports use) and returns its URL; ``communities=None`` loads the
bundled sample instead (``dashboard.ingest.sample.load_sample``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the dashboard package is beside this folder

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from dashboard import config  # noqa: E402
from dashboard.dataset import typed_frame  # noqa: E402

SEED = 20251127
FIRST_DAY, LAST_DAY = "2024-12-01", "2026-11-26"  # the sample's activity dates
SURVEY_MONTHS = pd.date_range("2024-12-01", "2026-10-01", freq="MS")
DISTRICT_SHARE = {
    "chengdong": 0.16,
    "chengzhong": 0.16,
    "chengxi": 0.16,
    "chengbei": 0.14,
    "huangzhong": 0.16,
    "datong": 0.13,
    "huangyuan": 0.09,
}
STAGE_SHARE = {"applied": 0.13, "building": 0.34, "assessed": 0.25, "named": 0.28}  # about the sample's mix
SYLLABLES = (
    "东",
    "西",
    "南",
    "北",
    "和",
    "平",
    "安",
    "康",
    "乐",
    "福",
    "兴",
    "华",
    "新",
    "建",
    "民",
    "宁",
    "湟",
    "光",
    "明",
    "春",
    "晓",
    "园",
    "林",
    "泉",
    "山",
    "河",
    "桥",
    "关",
    "营",
    "台",
)
PINYIN = (
    "Dong",
    "Xi",
    "Nan",
    "Bei",
    "He",
    "Ping",
    "An",
    "Kang",
    "Le",
    "Fu",
    "Xing",
    "Hua",
    "Xin",
    "Jian",
    "Min",
    "Ning",
    "Huang",
    "Guang",
    "Ming",
    "Chun",
    "Xiao",
    "Yuan",
    "Lin",
    "Quan",
    "Shan",
    "He",
    "Qiao",
    "Guan",
    "Ying",
    "Tai",
)
BRANDS = ("好邻居", "康乐小屋", "幸福里", "红石榴家园", "夕阳红", "绿色家园", "和美之家", "清风驿站", None, None, None)
TITLES = (
    "楼道清扫",
    "夜间治安巡逻",
    "高龄老人生日会",
    "四点半课堂",
    "政策宣讲进小区",
    "社区篮球友谊赛",
    "义诊进社区",
    "民族团结联欢会",
    "主题党日",
    "邻里议事会",
    "5号院环境整治",
    None,
)


def district_outlines() -> dict[str, list[np.ndarray]]:
    """Per district code its outer rings as (n, 2) arrays of (lon, lat)."""
    geo = json.loads(config.DISTRICTS_GEOJSON.read_text(encoding="utf-8"))
    outlines: dict[str, list[np.ndarray]] = {}
    for feature in geo["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        outlines[feature["properties"]["code"]] = [np.asarray(polygon[0], dtype=float) for polygon in polygons]
    return outlines


def _inside(lon: np.ndarray, lat: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """Even-odd ray casting of many points against one ring."""
    inside = np.zeros(len(lon), dtype=bool)
    x1, y1 = ring[:-1, 0], ring[:-1, 1]
    x2, y2 = ring[1:, 0], ring[1:, 1]
    for ax, ay, bx, by in zip(x1, y1, x2, y2, strict=True):
        crosses = (ay > lat) != (by > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = ax + (lat - ay) * (bx - ax) / (by - ay)
        inside ^= crosses & (lon < x_at)
    return inside


def points_in(rings: list[np.ndarray], count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``count`` random (lat, lon) points inside the rings (rejection sampling in their bounding box)."""
    every = np.vstack(rings)
    lo, hi = every.min(axis=0), every.max(axis=0)
    lat_out: list[np.ndarray] = []
    lon_out: list[np.ndarray] = []
    found = 0
    while found < count:
        lon = rng.uniform(lo[0], hi[0], count * 3)
        lat = rng.uniform(lo[1], hi[1], count * 3)
        keep = np.zeros(len(lon), dtype=bool)
        for ring in rings:
            keep |= _inside(lon, lat, ring)
        lat_out.append(lat[keep])
        lon_out.append(lon[keep])
        found += int(keep.sum())
    lat, lon = np.concatenate(lat_out)[:count], np.concatenate(lon_out)[:count]
    lat = np.clip(lat, config.LAT_RANGE[0] + 1e-6, config.LAT_RANGE[1] - 1e-6)
    lon = np.clip(lon, config.LON_RANGE[0] + 1e-6, config.LON_RANGE[1] - 1e-6)
    return np.round(lat, 6), np.round(lon, 6)


def make_communities(count: int, rng: np.random.Generator) -> pd.DataFrame:
    """``count`` communities over the seven districts, each inside its outline."""
    outlines = district_outlines()
    codes = list(DISTRICT_SHARE)
    per = np.floor(np.array(list(DISTRICT_SHARE.values())) * count).astype(int)
    per[0] += count - per.sum()
    adcodes = {t.code: t.adcode for t in config.terms("districts")}
    types, stages = config.codes("types"), list(STAGE_SHARE)
    parts = []
    for code, n in zip(codes, per, strict=True):
        lat, lon = points_in(outlines[code], int(n), rng)
        subs = np.arange(n) // 60 + 1  # about 60 communities per subdistrict
        seq = np.arange(n) % 60 + 1
        ids = [f"{adcodes[code]}{s:03d}{q:03d}" for s, q in zip(subs, seq, strict=True)]
        first, second = rng.integers(0, len(SYLLABLES), n), rng.integers(0, len(SYLLABLES), n)
        parts.append(
            pd.DataFrame(
                {
                    "community_id": ids,
                    "name_zh": [f"{SYLLABLES[a]}{SYLLABLES[b]}社区" for a, b in zip(first, second, strict=True)],
                    "name_en": [f"{PINYIN[a]}{PINYIN[b].lower()} Community" for a, b in zip(first, second, strict=True)],
                    "district": code,
                    "subdistrict": [f"{config.label('districts', code, 'zh')}第{s}街道" for s in subs],
                    "characteristic": np.array(types)[rng.integers(0, len(types), n)],
                    "brand_name": np.array(BRANDS, dtype=object)[rng.integers(0, len(BRANDS), n)],
                    "stage": rng.choice(stages, n, p=list(STAGE_SHARE.values())),
                    "latitude": lat,
                    "longitude": lon,
                    "coord_system": "WGS84",
                    "households": rng.integers(300, 6000, n),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame["residents"] = (frame["households"] * rng.uniform(2.4, 3.4, len(frame))).round().astype(int)
    return typed_frame("communities", frame)


def make_activities(count: int, community_ids: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """``count`` activities of those communities over the sample's dates."""
    days = pd.date_range(FIRST_DAY, LAST_DAY, freq="D").to_numpy()
    categories = np.array(config.codes("categories"))
    participants = rng.integers(5, 200, count)
    frame = pd.DataFrame(
        {
            "activity_id": [f"G{i:07d}" for i in range(1, count + 1)],
            "community_id": community_ids[rng.integers(0, len(community_ids), count)],
            "date": days[rng.integers(0, len(days), count)],
            "category": categories[rng.integers(0, len(categories), count)],
            "title": np.array(TITLES, dtype=object)[rng.integers(0, len(TITLES), count)],
            "participants": participants,
            "volunteer_hours": np.round(participants * rng.uniform(0.5, 2.0, count) * 2) / 2,
            "party_members": rng.integers(0, 20, count),
        }
    )
    frame.loc[frame.index[-1], "date"] = days[-1]  # the data's last day is the sample's
    return typed_frame("activities", frame)


def make_surveys(community_ids: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """One survey per community and month, a slow random walk around 80."""
    months, n = len(SURVEY_MONTHS), len(community_ids)
    level = rng.uniform(65, 92, n)[:, None] + np.cumsum(rng.normal(0, 1.2, (n, months)), axis=1)
    frame = pd.DataFrame(
        {
            "community_id": np.repeat(community_ids, months),
            "period": np.tile(SURVEY_MONTHS.to_numpy(), n),
            "satisfaction": np.round(np.clip(level, 0, 100), 1).ravel(),
            "respondents": rng.integers(20, 120, n * months),
        }
    )
    return typed_frame("surveys", frame)


def make_targets(communities: pd.DataFrame, activities: int) -> pd.DataFrame:
    """Per district, 2025 and 2026: named communities, activities and volunteer hours, scaled to the data."""
    per_district = communities.groupby("district").size()
    yearly_activities = activities / 2  # two years of activities
    rows = []
    for year in (2025, 2026):
        for district, n in per_district.items():
            share = n / len(communities)
            rows += [
                (district, year, "named_communities", round(n * 0.35)),
                (district, year, "activities", round(yearly_activities * share * 1.05)),
                (district, year, "volunteer_hours", round(yearly_activities * share * 1.05 * 130)),
            ]
    return typed_frame("targets", pd.DataFrame(rows, columns=["district", "year", "metric", "target"]))


def make_dataset(communities: int, activities: int, seed: int = SEED) -> dict[str, pd.DataFrame]:
    """The four tables at that size, typed as the store expects."""
    rng = np.random.default_rng(seed)
    c = make_communities(communities, rng)
    ids = c["community_id"].to_numpy(dtype=object)
    return {
        "communities": c,
        "activities": make_activities(activities, ids, rng),
        "surveys": make_surveys(ids, rng),
        "targets": make_targets(c, activities),
    }


def build_database(path: Path, communities: int | None, activities: int = 0, seed: int = SEED) -> str:
    """A new SQLite file with that data (``communities=None``: the bundled sample); its URL."""
    from dashboard.ingest import sample  # noqa: PLC0415 - engines are made here, not on import
    from dashboard.storage import database, store  # noqa: PLC0415 - engines are made here, not on import

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    engine = database.engine_for(url)
    try:
        if communities is None:
            results = sample.load_sample(engine, user="bench")
            if not all(r.version for r in results):
                raise RuntimeError("the bundled sample did not load")
        else:
            frames = make_dataset(communities, activities, seed)
            meta = store.ImportMeta("bench", "generated", "", f"benchmark data, seed {seed}")
            store.commit_frames(
                engine,
                [
                    store.Commit(name, frames[name], "replace", meta)
                    for name in ("communities", "activities", "surveys", "targets")
                ],
            )
    finally:
        engine.dispose()
        database.engine_for.cache_clear()
    return url


if __name__ == "__main__":
    start = time.perf_counter()
    data = make_dataset(int(sys.argv[1]) if len(sys.argv) > 1 else 2000, int(sys.argv[2]) if len(sys.argv) > 2 else 200_000)
    print({name: len(frame) for name, frame in data.items()}, f"{time.perf_counter() - start:.1f} s")
