"""The data contract: the four tables staff upload, declared once.

Validation, import, export, templates and the data dictionary all read these
declarations, so the contract has a single source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import config

# Kinds of column value. Enumerated kinds name a vocabulary in campaign.toml.
TEXT, INTEGER, NUMBER, DATE, MONTH = "text", "integer", "number", "date", "month"
ENUM_KINDS = config.ENUM_VOCAB


@dataclass(frozen=True)
class Column:
    """One column of a table: its names, its kind and its rules.

    An input-only column (``stored=False``) is read from files and offered by the
    templates but never stored: stored rows hold its default (coordinates are
    stored in WGS84), and exports write that default.
    """

    name: str
    zh: str
    kind: str
    required: bool = False
    unique: bool = False
    minimum: float | None = None
    maximum: float | None = None
    default: str | None = None
    help_en: str = ""
    help_zh: str = ""
    stored: bool = True  # False: input only
    # False: an identity imports match rows on and no figure reads (an activity's id). It is stored and exported, but
    # left out of the pages' Dataset: at a million activities, a million distinct strings read at every new version.
    in_dataset: bool = True
    stage: str = ""  # a stage-date column: the stage (campaign.toml "stages") whose date it holds

    def header(self, lang: str) -> str:
        """The column's header in a file or table for a reader of ``lang``: its Chinese name, or its contract name."""
        return self.zh if lang == "zh" else self.name

    @property
    def vocabulary(self) -> str | None:
        """The campaign.toml vocabulary an enumerated column draws from."""
        return ENUM_KINDS.get(self.kind)

    def as_typed(self, value: object, lang: str) -> object:
        """A stored value as a reader of ``lang`` types it in a file: the vocabulary's name for a code (城中区 for
        chengzhong); a coordinate system keeps its code (WGS84), other values and blanks stay as they are. The
        import reads either back to the same code."""
        vocabulary = self.vocabulary
        if vocabulary and self.kind != "coord_system" and isinstance(value, str) and value:
            return config.label(vocabulary, value, lang)
        return value


@dataclass(frozen=True)
class Table:
    """One table of the contract."""

    name: str
    zh: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    default_mode: str  # "replace" or "append"
    point: tuple[str, ...] = ()  # (latitude, longitude): checked together, in WGS84, against their columns' bounds
    datum: str = ""  # the input-only column naming the point's coordinate system, converted to WGS84 on import

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> list[str]:
        """Column names in contract order."""
        return [c.name for c in self.columns]

    @property
    def stored_names(self) -> list[str]:
        """The columns kept in storage and in the data pages show: all but the input-only ones."""
        return [c.name for c in self.columns if c.stored]

    @property
    def dataset_names(self) -> list[str]:
        """The stored columns the pages' Dataset holds: all but identities no figure reads (``in_dataset``)."""
        return [c.name for c in self.columns if c.stored and c.in_dataset]

    @property
    def stage_dates(self) -> dict[str, str]:
        """Stage code → the column holding the day the community reached it, in the stages' order."""
        by_stage = {c.stage: c.name for c in self.columns if c.stage}
        return {code: by_stage[code] for code in config.codes("stages") if code in by_stage}


COMMUNITIES = Table(
    "communities",
    "社区",
    (
        Column(
            "community_id",
            "社区编号",
            TEXT,
            required=True,
            unique=True,
            help_en="The NBS 12-digit code where there is one.",
            help_zh="国家统计局12位区划代码（如有）。",
        ),
        Column("name_zh", "社区名称", TEXT, required=True, help_en="Chinese name.", help_zh="中文名称。"),
        Column("name_en", "英文名称", TEXT, help_en="English name.", help_zh="英文名称。"),
        Column(
            "district",
            "所属区县",
            "district",
            required=True,
            help_en="District code, English or Chinese name.",
            help_zh="区县代码、英文名或中文名。",
        ),
        Column("subdistrict", "街道", TEXT, help_en="Subdistrict (街道) or town (镇).", help_zh="街道或镇。"),
        Column("characteristic", "特色类型", "type", required=True, help_en="Characteristic type.", help_zh="特色类型。"),
        Column("brand_name", "品牌名称", TEXT, help_en="Brand name, e.g. 好邻居.", help_zh="品牌名称，如“好邻居”。"),
        Column("stage", "创建阶段", "stage", required=True, help_en="Brand-creation stage.", help_zh="创建阶段。"),
        Column(
            "latitude",
            "纬度",
            NUMBER,
            required=True,
            minimum=config.LAT_RANGE[0],
            maximum=config.LAT_RANGE[1],
            help_en="Latitude in degrees, inside Xining.",
            help_zh="纬度（度），须在西宁市范围内。",
        ),
        Column(
            "longitude",
            "经度",
            NUMBER,
            required=True,
            minimum=config.LON_RANGE[0],
            maximum=config.LON_RANGE[1],
            help_en="Longitude in degrees, inside Xining.",
            help_zh="经度（度），须在西宁市范围内。",
        ),
        Column(
            "coord_system",
            "坐标系",
            "coord_system",
            default="WGS84",
            stored=False,
            help_en="WGS84 (default), GCJ02 (AutoNavi/Tencent) or BD09 (Baidu); converted to WGS84 on import.",
            help_zh="WGS84（默认）、GCJ02（高德/腾讯）或 BD09（百度）；导入时转换为 WGS84。",
        ),
        Column("households", "户数", INTEGER, minimum=0, help_en="Households.", help_zh="户数。"),
        Column("residents", "人口", INTEGER, minimum=0, help_en="Residents.", help_zh="常住人口。"),
        # When the community reached each stage. Optional: a missing one is taken from the stored versions (the first
        # in which the community had reached the stage) and marked as derived wherever it is shown.
        Column(
            "applied_on",
            "申报日期",
            DATE,
            stage="applied",
            help_en="The day the community applied; not after today.",
            help_zh="申报的日期；不得晚于今天。",
        ),
        Column(
            "building_on",
            "创建日期",
            DATE,
            stage="building",
            help_en="The day brand building started; only at stage building or beyond; not before the application.",
            help_zh="开始创建的日期；创建阶段及以后才填；不得早于申报日期。",
        ),
        Column(
            "assessed_on",
            "验收日期",
            DATE,
            stage="assessed",
            help_en="The day the brand was assessed; only at stage assessed or named; not before building started.",
            help_zh="验收的日期；验收或命名阶段才填；不得早于创建日期。",
        ),
        Column(
            "named_on",
            "命名日期",
            DATE,
            stage="named",
            help_en="The day the brand was named; only at stage named; not before the assessment.",
            help_zh="命名的日期；命名阶段才填；不得早于验收日期。",
        ),
    ),
    key=("community_id",),
    default_mode="replace",
    point=("latitude", "longitude"),
    datum="coord_system",
)

ACTIVITIES = Table(
    "activities",
    "活动",
    (
        Column(
            "activity_id",
            "活动编号",
            TEXT,
            unique=True,
            in_dataset=False,
            help_en="Optional; unique when given. Importing the same id again replaces the activity.",
            help_zh="可选；填写时须唯一。再次导入相同编号将替换原活动。",
        ),
        Column(
            "community_id", "社区编号", TEXT, required=True, help_en="Must exist in communities.", help_zh="须为已有社区的编号。"
        ),
        Column(
            "date",
            "日期",
            DATE,
            required=True,
            help_en="2025-03-05, 2025/3/5 or 2025年3月5日.",
            help_zh="如 2025-03-05、2025/3/5 或 2025年3月5日。",
        ),
        Column("category", "活动类别", "category", required=True, help_en="Activity category.", help_zh="活动类别。"),
        Column("title", "活动名称", TEXT, help_en="Title.", help_zh="活动名称。"),
        Column(
            "participants", "参与人数", INTEGER, required=True, minimum=0, help_en="Number of participants.", help_zh="参与人数。"
        ),
        Column(
            "volunteer_hours",
            "志愿服务时长",
            NUMBER,
            minimum=0,
            help_en="Volunteer hours in total.",
            help_zh="志愿服务总时长（小时）。",
        ),
        Column("party_members", "党员人数", INTEGER, minimum=0, help_en="Party members taking part.", help_zh="参与党员人数。"),
    ),
    key=("activity_id",),
    default_mode="append",
)

SURVEYS = Table(
    "surveys",
    "满意度调查",
    (
        Column(
            "community_id", "社区编号", TEXT, required=True, help_en="Must exist in communities.", help_zh="须为已有社区的编号。"
        ),
        Column(
            "period",
            "期间",
            MONTH,
            required=True,
            help_en="Month: 2025-03, 2025/3 or 2025年3月.",
            help_zh="月份，如 2025-03、2025/3 或 2025年3月。",
        ),
        Column(
            "satisfaction",
            "满意度",
            NUMBER,
            required=True,
            minimum=0,
            maximum=100,
            help_en="Residents' satisfaction, 0–100.",
            help_zh="居民满意度，0–100。",
        ),
        Column("respondents", "样本数", INTEGER, minimum=1, help_en="Respondents.", help_zh="样本数。"),
    ),
    key=("community_id", "period"),
    default_mode="append",
)

TARGETS = Table(
    "targets",
    "年度目标",
    (
        Column(
            "district",
            "所属区县",
            "district",
            required=True,
            help_en="District code, English or Chinese name.",
            help_zh="区县代码、英文名或中文名。",
        ),
        Column("year", "年度", INTEGER, required=True, minimum=2000, maximum=2100, help_en="Year.", help_zh="年度。"),
        Column(
            "metric",
            "指标",
            "metric",
            required=True,
            help_en="named_communities, activities or volunteer_hours.",
            help_zh="命名社区数、活动次数或志愿服务时长。",
        ),
        Column("target", "目标值", NUMBER, required=True, minimum=0, help_en="Target value.", help_zh="目标值。"),
    ),
    key=("district", "year", "metric"),
    default_mode="append",
)

TABLES: dict[str, Table] = {t.name: t for t in (COMMUNITIES, ACTIVITIES, SURVEYS, TARGETS)}
