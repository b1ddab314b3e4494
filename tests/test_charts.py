"""Charts: inspected through ``chart.to_dict()`` on tiny frames, plus a few real PNG/SVG exports."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from dashboard import config
from dashboard.dataset import Dataset, empty_dataset, read_csv_dir, typed_frame
from dashboard.figures import queries
from dashboard.i18n import catalogue, t
from dashboard.render import bars, chart_style, charts, community_charts, stage_charts
from dashboard.render.chart_export import EXPORT_WIDTH, chart_csv, chart_png, chart_svg, export_spec

DAY = date(2025, 3, 31)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _dataset() -> Dataset:
    """Four communities in two districts, a quarter of activities, two months of surveys, 2025 targets."""
    communities = pd.DataFrame(
        {
            "community_id": ["c1", "c2", "c3", "c4"],
            "name_zh": ["甲社区", "乙社区", "丙社区", "丁社区"],
            "district": ["chengdong", "chengdong", "chengxi", "chengxi"],
            "characteristic": ["caring", "green", "health", "caring"],
            "stage": ["named", "building", "applied", "named"],
        }
    )
    activities = pd.DataFrame(
        {
            "community_id": ["c1", "c1", "c2", "c3", "c4", "c4", "c1"],
            "date": ["2024-12-20", "2025-01-05", "2025-02-11", "2025-03-01", "2025-03-15", "2025-03-31", "2025-04-02"],
            "category": ["culture", "cleanup", "elderly_care", "culture", "cleanup", "patrol", "patrol"],
            "participants": [9, 10, 12, 30, 5, 6, 7],
            "volunteer_hours": [1.0, 5.0, 6.0, 10.0, 2.0, 3.0, 4.0],
        }
    )
    surveys = pd.DataFrame(
        {
            "community_id": ["c1", "c1", "c3", "c3", "c4", "c4"],
            "period": ["2025-01-01", "2025-02-01"] * 3,
            "satisfaction": [80, 82, 70, 72, 90, 91],
            "respondents": [30] * 6,
        }
    )
    targets = pd.DataFrame(
        {
            "district": ["chengdong", "chengdong", "chengxi", "chengxi"],
            "year": [2025] * 4,
            "metric": ["activities", "named_communities"] * 2,
            "target": [40, 2, 20, 1],
        }
    )
    frames = {"communities": communities, "activities": activities, "surveys": surveys, "targets": targets}
    return Dataset(**{name: typed_frame(name, frame) for name, frame in frames.items()})


DS = _dataset()
ONE = Dataset(
    DS.communities[DS.communities["district"] == "chengdong"],
    DS.activities,
    DS.surveys,
    DS.targets[DS.targets["district"] == "chengdong"],
)

BUILDERS = {
    "funnel": lambda ds, lang: charts.funnel_chart(queries.funnel(ds), lang),
    "pace": lambda ds, lang: bars.pace_chart(ds, DAY, lang),
    "categories": lambda ds, lang: bars.category_chart(ds.activities, lang),
    "monthly": lambda ds, lang: charts.monthly_chart(queries.monthly_activity(ds), lang),
    "satisfaction": lambda ds, lang: charts.satisfaction_chart(queries.satisfaction_trend(ds), lang, 75.0),
    "progress": lambda ds, lang: charts.district_progress_chart(queries.district_progress(ds, DAY), lang),
    "type_mix": lambda ds, lang: charts.type_mix_chart(ds.communities, lang),
    "community_activity": lambda ds, lang: community_charts.community_activity_chart(ds.activities, lang),
    "community_satisfaction": lambda ds, lang: community_charts.community_satisfaction_chart(
        ds.surveys[ds.surveys["community_id"] == ds.communities["community_id"].iloc[0]] if len(ds.communities) else ds.surveys,
        queries.satisfaction_trend(ds),
        lang,
    ),
}
TITLES = {
    "funnel": "funnel_title",
    "monthly": "monthly_title",
    "satisfaction": "satisfaction_title",
    "progress": "progress_title_named_share",
    "type_mix": "type_mix_title",
    "community_activity": "community_activity_title",
    "community_satisfaction": "community_satisfaction_title",
}


def _units(spec: dict) -> list[dict]:
    """The single-view specs of a chart (the chart itself, or its layers)."""
    return spec.get("layer", [spec])


def _encodings(spec: dict, channel: str) -> list[dict]:
    return [u["encoding"][channel] for u in _units(spec) if channel in u.get("encoding", {})]


def _rows(spec: dict, unit: dict | None = None) -> list[dict]:
    data = (unit or {}).get("data") or spec["data"]
    return spec["datasets"][data["name"]]


def _title(spec: dict) -> str:
    return spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]


def _tooltip_fields(spec: dict) -> set[str]:
    return {tip["field"] for tips in _encodings(spec, "tooltip") for tip in tips}


def _code_colours(spec: dict, channel: str, kind: str, lang: str) -> dict[str, str]:
    """Code → colour read back from the chart's scale (label → colour) and the vocabulary's labels."""
    scale = _encodings(spec, channel)[0]["scale"]
    by_label = dict(zip(scale["domain"], scale["range"], strict=True))
    icons = {term.code: term.icon for term in config.terms(kind)}
    out = {}
    for code in config.codes(kind):
        label = config.label(kind, code, lang)
        for shown in (label, f"{icons[code]} {label}".strip()):
            if shown in by_label:
                out[code] = by_label[shown]
    return out


@pytest.mark.parametrize(
    ("name", "kind"),
    [("funnel", "stages"), ("monthly", "categories"), ("type_mix", "types"), ("community_activity", "categories")],
)
def test_colours_are_the_config_colours_in_both_languages(name, kind):
    zh = _code_colours(BUILDERS[name](DS, "zh").to_dict(), "color", kind, "zh")
    en = _code_colours(BUILDERS[name](DS, "en").to_dict(), "color", kind, "en")
    assert zh == en
    assert zh and all(colour == config.colors(kind)[code] for code, colour in zh.items())


def test_funnel_shows_every_stage_in_order():
    spec = BUILDERS["funnel"](DS, "en").to_dict()
    assert _encodings(spec, "color")[0]["scale"]["domain"] == ["Applied", "Building", "Assessed", "Named"]
    assert _encodings(spec, "order")[0]["field"] == "stage_order"


def test_type_mix_labels_carry_the_icon():
    domain = _encodings(BUILDERS["type_mix"](DS, "zh").to_dict(), "color")[0]["scale"]["domain"]
    assert domain == ["✚ 医疗卫生", "♥ 关爱帮扶", "✿ 绿色环保"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(TITLES))
def test_titles_in_the_readers_language(name, lang):
    spec = BUILDERS[name](DS, lang).to_dict()
    key = TITLES[name]
    expected = t(f"charts.{key}", lang, measure=t("charts.participants", lang)) if name == "monthly" else t(f"charts.{key}", lang)
    assert _title(spec) == expected


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_english_chart_has_no_chinese_in_its_texts_and_chinese_chart_has(name):
    def texts(spec: dict) -> list[str]:
        found = [_title(spec)]
        for unit in _units(spec):
            for enc in unit.get("encoding", {}).values():
                for item in enc if isinstance(enc, list) else [enc]:
                    found += [item["title"]] if isinstance(item.get("title"), str) else []
                    found += [v for v in (item.get("scale") or {}).get("domain", []) if isinstance(v, str)]
        return found

    en, zh = texts(BUILDERS[name](DS, "en").to_dict()), texts(BUILDERS[name](DS, "zh").to_dict())
    assert not [x for x in en if CJK.search(x)]
    assert CJK.search(_title(BUILDERS[name](DS, "zh").to_dict()))
    assert len([x for x in zh if CJK.search(x)]) >= 2


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("funnel", {"district_label", "stage_label", "communities", "share"}),
        ("pace", {"label", "actual", "target", "rate"}),
        ("categories", {"label", "activities", "participants"}),
        ("monthly", {"month", "category_label", "participants"}),
        ("satisfaction", {"month", "mean", "p10", "p25", "p75", "p90", "communities"}),
        ("progress", {"district_label", "named", "target_text", "share_text", "progress_text"}),  # words where no target
        ("type_mix", {"type_label", "communities", "share", "named"}),
        ("community_activity", {"month", "category_label", "activities", "participants", "volunteer_hours"}),
        ("community_satisfaction", {"month", "series", "value", "respondents_text"}),
    ],
)
def test_tooltips(name, fields):
    assert fields <= _tooltip_fields(BUILDERS[name](DS, "zh").to_dict())


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_chart_is_themed_and_fills_its_container(name):
    spec = BUILDERS[name](DS, "en").to_dict()
    assert spec["config"]["font"] == chart_style.FONT
    assert spec["width"] == "container"


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_empty_input_gives_none(name):
    assert BUILDERS[name](empty_dataset(), "zh") is None


def test_empty_edge_cases_give_none():
    assert charts.funnel_chart(queries.funnel(DS).assign(communities=0), "en") is None
    no_targets = Dataset(DS.communities, DS.activities, DS.surveys, DS.targets.iloc[:0])
    chart = charts.district_progress_chart(queries.district_progress(no_targets, DAY), "en")  # says so for each district
    rows = next(rows for rows in chart.to_dict()["datasets"].values() if "text" in rows[0])
    assert {row["target_text"] for row in rows} == {"no target set"} and all(row["named_share"] == 0 for row in rows)
    no_target = Dataset(DS.communities, DS.activities, DS.surveys, DS.targets.iloc[:0])
    assert bars.pace_chart(no_target, DAY, "en") is None


def _pace_frame(chart) -> pd.DataFrame:
    """The bars' rows (the layers' data; the elapsed-year rule has its own one-row dataset)."""
    spec = chart.to_dict()
    return pd.DataFrame(next(rows for rows in spec["datasets"].values() if "rate" in rows[0]))


def test_pace_ranks_districts_by_their_share_of_the_annual_target():
    frame = _pace_frame(bars.pace_chart(DS, DAY, "zh"))
    assert frame["label"].tolist() == ["城西区", "城东区"]  # 3 / 20 ahead of 2 / 40
    assert frame["rate"].tolist() == [pytest.approx(3 / 20), pytest.approx(2 / 40)]
    assert frame["text"].tolist() == ["15%", "5%"]


def test_pace_marks_the_share_of_the_year_gone_and_colours_those_behind_it():
    spec = bars.pace_chart(DS, DAY, "en").to_dict()
    elapsed = [row for rows in spec["datasets"].values() for row in rows if "x" in row]
    assert elapsed == [{"x": pytest.approx(queries.year_fraction(DAY)), "label": "Year gone: 25%"}]
    frame = _pace_frame(bars.pace_chart(DS, DAY, "en"))
    assert set(frame["status"]) == {"Behind pace"}  # 15 % and 5 % against 25 % of the year


def test_pace_of_one_district_is_a_bar_per_target():
    frame = _pace_frame(bars.pace_chart(ONE, DAY, "en"))
    assert frame.set_index("label")["rate"].to_dict() == {
        "Activities": pytest.approx(2 / 40),  # c1 on 5 Jan and c2 on 11 Feb; 2024 and April are outside
        "Named communities": pytest.approx(1 / 2),
    }


def test_pace_notes_districts_without_a_target():
    ds = Dataset(DS.communities, DS.activities, DS.surveys, DS.targets[DS.targets["district"] == "chengdong"])
    spec = bars.pace_chart(ds, DAY, "en").to_dict()
    assert "Chengxi" in " ".join(spec["title"]["subtitle"])
    assert set(_pace_frame(bars.pace_chart(ds, DAY, "en"))["label"]) == {"Chengdong"}


@pytest.mark.parametrize(
    ("lang", "note"), [("en", "No target set for: Chengzhong, Chengxi."), ("zh", "未设年度目标：城中区、城西区。")]
)
def test_pace_lists_several_districts_without_a_target_the_readers_way(lang, note):
    communities = DS.communities.assign(district=DS.communities["district"].where(DS.communities.index != 0, "chengzhong"))
    ds = Dataset(communities, DS.activities, DS.surveys, DS.targets[DS.targets["district"] == "chengdong"])
    assert bars.pace_chart(ds, DAY, lang).to_dict()["title"]["subtitle"][-1] == note


def test_category_bars_are_ranked_with_their_counts():
    spec = bars.category_chart(DS.activities, "en").to_dict()
    frame = pd.DataFrame(_rows(spec))
    order = ["cleanup", "culture", "patrol", "elderly_care"]  # 2, 2, 2 and 1 activities; ties by code
    assert frame["label"].tolist() == [config.label("categories", c, "en") for c in order]
    assert frame["activities"].tolist() == [2, 2, 2, 1]


def test_district_colours_are_distinct_and_stable():
    colours = chart_style.colors("districts")
    assert len(set(colours.values())) == len(config.codes("districts"))
    scale = _encodings(charts.funnel_chart(queries.funnel(DS), "zh").to_dict(), "y")[0]
    assert scale["sort"] == ["城东区", "城西区"]


@pytest.mark.parametrize(
    ("builder", "args"),
    [
        (bars.pace_chart, (DS, DAY, "en", "participants")),
        (charts.monthly_chart, (queries.monthly_activity(DS), "en", "satisfaction")),
        (charts.district_progress_chart, (queries.district_progress(DS, DAY), "en", "named")),
    ],
)
def test_unknown_measures_are_refused(builder, args):
    with pytest.raises(ValueError, match="must be one of"):
        builder(*args)


def test_progress_marks_the_target_at_100_percent():
    spec = charts.district_progress_chart(queries.district_progress(DS, DAY), "zh", measure="progress").to_dict()
    rule = next(u for u in _units(spec) if u["mark"]["type"] == "rule")
    assert _rows(spec, rule)[0]["x"] == 1.0
    bars = _rows(spec, _units(spec)[0])
    assert [r["text"] for r in bars] == ["75%", "62%"]


def test_messages_have_both_languages():
    for key, texts in catalogue().items():
        if key.startswith("charts."):
            assert texts.get("zh") and texts.get("en"), key


@pytest.fixture(scope="module")
def sample() -> Dataset:
    return read_csv_dir(config.SAMPLE_DIR)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_sample_smoke(sample, name):
    spec = BUILDERS[name](sample, "zh").to_dict()
    assert spec["datasets"] and all(spec["datasets"].values())
    assert CJK.search(_title(spec))


def test_png_export():
    png = chart_png(BUILDERS["funnel"](DS, "zh"), scale=1)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_svg_export_keeps_chinese_text():
    svg = chart_svg(BUILDERS["type_mix"](DS, "zh"))
    assert svg.startswith("<svg") and "各特色类型社区数" in svg and "关爱帮扶" in svg


def test_export_spec_gives_a_file_a_width():
    assert export_spec(BUILDERS["funnel"](DS, "en"))["width"] == EXPORT_WIDTH


def test_csv_has_bom_and_no_formulas():
    data = chart_csv(pd.DataFrame({"name": ['=HYPERLINK("x")', "前营街社区"], "n": [1, 2]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["name,n", '"\'=HYPERLINK(""x"")",1', "前营街社区,2"]


def test_the_profile_time_line_leaves_room_above_its_busiest_month_for_the_stage_names():
    activities = pd.DataFrame({"date": pd.to_datetime(["2025-01-05", "2025-01-20", "2025-02-03"]), "participants": [5, 6, 7]})
    milestones = pd.DataFrame(
        {"stage": ["applied", "named"], "date": pd.to_datetime(["2025-01-01", "2025-02-01"]), "derived": [False, True]}
    )
    spec = stage_charts.profile_timeline_chart(milestones, activities, "zh").to_dict()
    [bars] = [layer for layer in spec["layer"] if layer["mark"]["type"] == "bar"]
    assert bars["encoding"]["y"]["scale"]["domain"] == [0, 2 * stage_charts.HEADROOM]  # January's two, with headroom
