"""Validating staff files against the data contract.

Accepted forms (headers, enum labels, dates, months, numbers, coordinate
systems) must give the same typed values; every problem of a rejected file is
reported at once, at the spreadsheet's row (header = row 1), under the column
as the file writes it, with a message in Chinese and English that says what to do.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard import config, coords
from dashboard.ingest.importing import check_bytes, import_bytes
from dashboard.ingest.reading import read_upload
from dashboard.ingest.validation import validate
from dashboard.schema import TABLES

FIXTURES = Path(__file__).parent / "fixtures"

# One valid row per table; tests change one cell at a time.
BASE = {
    "communities": {
        "community_id": "630103003002",
        "name_zh": "前营街社区",
        "district": "城中区",
        "characteristic": "harmony",
        "stage": "named",
        "latitude": "36.598406",
        "longitude": "101.762765",
    },
    "activities": {
        "activity_id": "A1",
        "community_id": "630103003002",
        "date": "2025-03-05",
        "category": "cleanup",
        "participants": "10",
    },
    "surveys": {"community_id": "630103003002", "period": "2025-03", "satisfaction": "90"},
    "targets": {"district": "城中区", "year": "2025", "metric": "activities", "target": "10"},
}
TABLE_OF = {
    "district": "communities",
    "characteristic": "communities",
    "stage": "communities",
    "households": "communities",
    "category": "activities",
    "date": "activities",
    "participants": "activities",
    "volunteer_hours": "activities",
    "period": "surveys",
    "satisfaction": "surveys",
    "respondents": "surveys",
    "metric": "targets",
    "target": "targets",
    "year": "targets",
}


def csv_bytes(rows: list[dict], encoding: str = "utf-8") -> bytes:
    """A CSV of ``rows`` (dicts sharing their keys), quoted as Excel quotes."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def one_row(table: str, **cells: str) -> bytes:
    return csv_bytes([{**BASE[table], **cells}])


def check(data: bytes | str, table: str | None = None):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return check_bytes(None, data, "upload.csv", table)


def problems(report) -> list[tuple]:
    return [(i.row, i.column, i.code) for i in report.errors]


def assert_words(message: str, words: list[str]) -> None:
    missing = [w for w in words if w not in message]
    assert not missing, f"{missing} not in {message!r}"


# --- accepted forms ---------------------------------------------------------------------------------------

HEADERS = [
    ("community_id", "Community ID"),
    ("community_id", " community id "),
    ("community_id", "COMMUNITY_ID"),
    ("community_id", "Community-ID"),
    ("community_id", "社区编号"),
    ("community_id", " 社区 编号 "),
    ("period", "Period"),
    ("period", "期间（月）"),
    ("satisfaction", "满意度（%）"),
    ("satisfaction", "Satisfaction (0-100)"),
    ("satisfaction", "满意度【分】"),
    ("satisfaction", "ＳＡＴＩＳＦＡＣＴＩＯＮ"),
]


@pytest.mark.parametrize("column, header", HEADERS)
def test_headers_in_either_language_any_case_spaces_and_units(column, header):
    row = {("__h" if k == column else k): v for k, v in BASE["surveys"].items()}
    data = csv_bytes([row]).replace(b"__h", header.encode("utf-8"))
    report = check(data)
    assert (report.valid, report.table, report.warnings) == (True, "surveys", [])
    assert report.frame.loc[0, "satisfaction"] == 90


ENUMS = [
    ("district", "城中区", "chengzhong"),
    ("district", "Chengzhong", "chengzhong"),
    ("district", "chengzhong", "chengzhong"),
    ("district", "Chengxi District", "chengxi"),
    ("district", "CHENGXI  district", "chengxi"),
    ("district", "城西", "chengxi"),
    ("district", "大通回族土族自治县", "datong"),
    ("district", "大通县", "datong"),
    ("district", "Datong County", "datong"),
    ("district", "630121", "datong"),
    ("district", "湟中县", "huangzhong"),
    ("characteristic", "廉政文化示范型", "clean_government"),
    ("characteristic", "Clean-government culture", "clean_government"),
    ("characteristic", "clean_government", "clean_government"),
    ("characteristic", "医疗卫生服务型", "health"),
    ("characteristic", "关爱帮扶", "caring"),
    ("characteristic", "关爱型", "caring"),
    ("characteristic", "绿色环保型", "green"),
    ("characteristic", "民族团结", "ethnic_unity"),
    ("characteristic", "Harmonious neighbourhood", "harmony"),
    ("characteristic", "和谐", "harmony"),
    ("stage", "申报", "applied"),
    ("stage", "Building", "building"),
    ("stage", "已验收", "assessed"),
    ("stage", "命名", "named"),
    ("stage", "NAMED", "named"),
    ("category", "环境整治", "cleanup"),
    ("category", "Environmental clean-up", "cleanup"),
    ("category", "治安巡逻", "patrol"),
    ("category", "party_building", "party_building"),
    ("category", "党建活动", "party_building"),
    ("category", "民族团结", "ethnic_unity"),
    ("category", "其它", "other"),
    ("metric", "命名社区数", "named_communities"),
    ("metric", "Volunteer hours", "volunteer_hours"),
    ("metric", "activities", "activities"),
    ("metric", "活动次数", "activities"),
]


@pytest.mark.parametrize("column, written, code", ENUMS)
def test_enum_values_as_code_english_label_or_chinese_form(column, written, code):
    report = check(one_row(TABLE_OF[column], **{column: written}))
    assert report.valid, [i.message("en") for i in report.errors]
    assert report.frame.loc[0, column] == code


DATES = [
    "2025-03-05",
    "2025/3/5",
    "2025年3月5日",
    "2025-3-5",
    "2025.3.5",
    "2025年03月05日",
    "２０２５年３月５日",
    "2025/03/05 00:00:00",
]


@pytest.mark.parametrize("written", DATES)
def test_dates_in_every_accepted_form(written):
    report = check(one_row("activities", date=written))
    assert report.valid, [i.message("en") for i in report.errors]
    assert report.frame.loc[0, "date"] == pd.Timestamp("2025-03-05")


MONTHS = ["2025-03", "2025/3", "2025年3月", "2025-3", "2025.03", "2025年03月", "2025-03-01", "2025/3/15"]


@pytest.mark.parametrize("written", MONTHS)
def test_months_in_every_accepted_form(written):
    report = check(one_row("surveys", period=written))
    assert report.valid, [i.message("en") for i in report.errors]
    assert report.frame.loc[0, "period"] == pd.Timestamp("2025-03-01")


NUMBERS = [
    ("participants", "1,200", 1200),
    ("participants", "1200", 1200),
    ("participants", "１，２００", 1200),
    ("participants", "1 200", 1200),
    ("participants", "1200.0", 1200),
    ("households", "4,294", 4294),
    ("target", "12,000.5", 12000.5),
    ("satisfaction", " 88.5 ", 88.5),
    ("volunteer_hours", "1,234.25", 1234.25),
    ("respondents", "1,050", 1050),
    ("year", "2,025", 2025),
]


@pytest.mark.parametrize("column, written, value", NUMBERS)
def test_numbers_with_thousands_separators_and_full_width_digits(column, written, value):
    report = check(one_row(TABLE_OF[column], **{column: written}))
    assert report.valid, [i.message("en") for i in report.errors]
    assert report.frame.loc[0, column] == value


XINING_POINTS = [(36.598406, 101.762765), (37.282725, 101.182035), (36.516181, 101.479518)]
SYSTEMS = [
    ("", None),
    ("WGS84", None),
    ("gps", None),
    ("GCJ02", coords.gcj02_to_wgs84),
    ("高德", coords.gcj02_to_wgs84),
    ("Tencent", coords.gcj02_to_wgs84),
    ("BD09", coords.bd09_to_wgs84),
    ("百度", coords.bd09_to_wgs84),
]


@pytest.mark.parametrize("system, convert", SYSTEMS)
@pytest.mark.parametrize("lat, lon", XINING_POINTS)
def test_coordinates_are_converted_to_wgs84_on_import(lat, lon, system, convert):
    report = check(one_row("communities", latitude=str(lat), longitude=str(lon), coord_system=system))
    assert report.valid, [i.message("en") for i in report.errors]
    assert "coord_system" not in report.frame
    want_lat, want_lon = convert(lat, lon) if convert else (lat, lon)
    assert report.frame.loc[0, "latitude"] == pytest.approx(float(want_lat), abs=1e-9)
    assert report.frame.loc[0, "longitude"] == pytest.approx(float(want_lon), abs=1e-9)


@pytest.mark.parametrize("lat, lon", XINING_POINTS)
def test_gcj02_point_in_xining_comes_back_about_two_thousandths_of_a_degree_west(lat, lon):
    frame = check(one_row("communities", latitude=str(lat), longitude=str(lon), coord_system="GCJ02")).frame
    shift_west = lon - frame.loc[0, "longitude"]
    assert 0.0015 <= shift_west <= 0.0025
    assert abs(frame.loc[0, "latitude"] - lat) < 0.002


@pytest.mark.parametrize(
    "name, table",
    [
        ("v_communities.csv", "communities"),
        ("v_communities_zh.csv", "communities"),
        ("v_activities.csv", "activities"),
        ("v_surveys.csv", "surveys"),
        ("v_targets.csv", "targets"),
    ],
)
def test_table_is_detected_from_headers(name, table):
    report = check((FIXTURES / name).read_bytes())
    assert (report.valid, report.table) == (True, table)


def test_fixture_values_are_typed_as_the_contract_says():
    frame = check((FIXTURES / "v_communities.csv").read_bytes()).frame
    assert frame["district"].tolist() == ["chengzhong", "chengxi", "datong", "huangzhong", "chengdong"]
    assert frame["characteristic"].tolist() == ["clean_government", "caring", "green", "clean_government", "ethnic_unity"]
    assert frame["stage"].tolist() == ["named", "building", "building", "assessed", "applied"]
    assert frame["households"].tolist() == [4294, 1952, 2440, 2558, 4488]
    assert frame.loc[4, "brand_name"] is None


def test_unknown_column_is_a_warning_and_the_file_stays_valid():
    row = {**BASE["targets"], "备注": "上级下达"}
    report = check(csv_bytes([row]))
    assert report.valid and report.errors == []
    [warning] = report.warnings
    assert (warning.code, warning.column) == ("unknown_column", "备注")
    assert_words(warning.message("en"), ["“备注”", "targets", "ignored", "district, year, metric, target"])
    assert_words(warning.message("zh"), ["“备注”", "年度目标", "将被忽略", "所属区县、年度、指标、目标值"])


# --- rejected: one problem at a time, both languages -----------------------------------------------------


def _row2(table: str, **cells: str) -> str:
    return one_row(table, **cells).decode("utf-8")


REJECTED = [
    pytest.param(
        "district,year,metric\n城中区,2025,named\n",
        "targets",
        "missing_column",
        None,
        "target",
        None,
        ["“target”", "目标值", "missing", "row 1"],
        ["“目标值”", "target", "缺少", "第 1 行"],
        id="missing column",
    ),
    pytest.param(
        _row2("targets", year="twenty"),
        None,
        "not_integer",
        2,
        "year",
        "twenty",
        ["Row 2", "“year”", "“twenty”", "whole number", "120"],
        ["第 2 行", "“year”", "“twenty”", "不是整数"],
        id="not an integer",
    ),
    pytest.param(
        _row2("communities", households="12.5"),
        None,
        "not_integer",
        2,
        "households",
        "12.5",
        ["Row 2", "“households”", "12.5", "whole number"],
        ["第 2 行", "“households”", "12.5", "整数"],
        id="fraction where a count is needed",
    ),
    pytest.param(
        "社区编号,期间,满意度（%）\n630103003002,2025-03,很好\n",
        None,
        "not_number",
        2,
        "满意度（%）",
        "很好",
        ["Row 2", "“满意度（%）”", "“很好”", "not a number", "36.62"],
        ["第 2 行", "“满意度（%）”", "“很好”", "不是数字"],
        id="not a number, column as written",
    ),
    pytest.param(
        _row2("surveys", satisfaction="120"),
        None,
        "above_maximum",
        2,
        "satisfaction",
        "120",
        ["Row 2", "120", "largest", "100"],
        ["第 2 行", "120", "最大值 100"],
        id="above maximum",
    ),
    pytest.param(
        _row2("surveys", respondents="0"),
        None,
        "below_minimum",
        2,
        "respondents",
        "0",
        ["Row 2", "“respondents”", "smallest", "1"],
        ["第 2 行", "最小值 1"],
        id="below minimum 1",
    ),
    pytest.param(
        _row2("activities", participants="-3"),
        None,
        "below_minimum",
        2,
        "participants",
        "-3",
        ["Row 2", "-3", "smallest allowed value 0"],
        ["第 2 行", "-3", "最小值 0"],
        id="negative count",
    ),
    pytest.param(
        _row2("targets", year="1999"),
        None,
        "below_minimum",
        2,
        "year",
        "1999",
        ["Row 2", "1999", "2000"],
        ["第 2 行", "1999", "2000"],
        id="year out of range",
    ),
    pytest.param(
        _row2("communities", households="99999999999999999999"),
        None,
        "above_maximum",
        2,
        "households",
        "99999999999999999999",
        ["Row 2", "99999999999999999999", "largest allowed value 9007199254740991"],
        ["第 2 行", "最大值 9007199254740991"],
        id="pasted code in a count",
    ),
    pytest.param(
        _row2("communities", latitude="39.915", longitude="116.404"),
        None,
        "outside_city",
        2,
        "latitude",
        "39.915",
        ["Row 2", "(39.915, 116.404)", "outside Xining", "coordinate system"],
        ["第 2 行", "39.915", "116.404", "不在西宁市范围内", "坐标系"],
        id="outside the municipality",
    ),
    pytest.param(
        _row2("communities", latitude="36.06", longitude="103.83", coord_system="GCJ02"),
        None,
        "outside_city",
        2,
        "latitude",
        "36.06",
        ["Row 2", "36.06", "103.83", "outside Xining"],
        ["第 2 行", "不在西宁市范围内"],
        id="outside after conversion",
    ),
    pytest.param(
        _row2("communities", latitude="101.728", longitude="36.61"),
        None,
        "lat_looks_like_lon",
        2,
        "latitude",
        "101.728",
        ["Row 2", "latitude 101.728 looks like a longitude", "swapped"],
        ["第 2 行", "纬度 101.728 看起来像经度", "填反"],
        id="latitude and longitude swapped",
    ),
    pytest.param(
        _row2("communities", longitude="36.61"),
        None,
        "lon_looks_like_lat",
        2,
        "longitude",
        "36.61",
        ["Row 2", "longitude 36.61 looks like a latitude", "swapped"],
        ["第 2 行", "经度 36.61", "填反"],
        id="latitude in the longitude column",
    ),
    pytest.param(
        _row2("communities", district="Chengxi Distrct"),
        None,
        "bad_choice_suggest",
        2,
        "district",
        "Chengxi Distrct",
        ["Row 2", "“Chengxi Distrct”", "not a known district", "Did you mean “Chengxi”?"],
        ["第 2 行", "“Chengxi Distrct”", "不是有效的区县", "您是否想填“城西区”"],
        id="unknown district",
    ),
    pytest.param(
        _row2("communities", characteristic="廉政文化示范"),
        None,
        "bad_choice_suggest",
        2,
        "characteristic",
        "廉政文化示范",
        ["“廉政文化示范”", "characteristic type", "Did you mean “Clean-government culture”?"],
        ["“廉政文化示范”", "特色类型", "您是否想填“廉政文化”"],
        id="unknown type",
    ),
    pytest.param(
        _row2("communities", stage="nameed"),
        None,
        "bad_choice_suggest",
        2,
        "stage",
        "nameed",
        ["“nameed”", "stage", "Did you mean “Named”?", "Applied, Building, Assessed, Named"],
        ["“nameed”", "创建阶段", "您是否想填“命名”", "申报、创建、验收、命名"],
        id="unknown stage",
    ),
    pytest.param(
        _row2("activities", category="patroll"),
        None,
        "bad_choice_suggest",
        2,
        "category",
        "patroll",
        ["“patroll”", "activity category", "Did you mean “Safety patrol”?"],
        ["“patroll”", "活动类别", "您是否想填“治安巡逻”"],
        id="unknown category",
    ),
    pytest.param(
        _row2("targets", metric="activitys"),
        None,
        "bad_choice_suggest",
        2,
        "metric",
        "activitys",
        ["“activitys”", "target metric", "Did you mean “Activities”?"],
        ["“activitys”", "指标", "您是否想填“活动次数”"],
        id="unknown metric",
    ),
    pytest.param(
        _row2("activities", category="xyzzy"),
        None,
        "bad_choice",
        2,
        "category",
        "xyzzy",
        ["“xyzzy”", "Allowed:", "Environmental clean-up"],
        ["“xyzzy”", "可选值", "环境整治"],
        id="unknown, nothing near",
    ),
    pytest.param(
        _row2("activities", date="2025-02-30"),
        None,
        "impossible_date",
        2,
        "date",
        "2025-02-30",
        ["Row 2", "“2025-02-30”", "not a real date"],
        ["第 2 行", "“2025-02-30”", "不是真实存在的日期"],
        id="impossible date",
    ),
    pytest.param(
        _row2("activities", date="2025年2月30日"),
        None,
        "impossible_date",
        2,
        "date",
        "2025年2月30日",
        ["Row 2", "“2025年2月30日”", "not a real date"],
        ["第 2 行", "不是真实存在的日期"],
        id="impossible Chinese date",
    ),
    pytest.param(
        _row2("activities", date="下周二"),
        None,
        "bad_date",
        2,
        "date",
        "下周二",
        ["“下周二”", "not a date", "2025-03-05", "2025/3/5", "2025年3月5日"],
        ["“下周二”", "不是日期", "2025-03-05、2025/3/5 或 2025年3月5日"],
        id="not a date",
    ),
    pytest.param(
        _row2("surveys", period="March"),
        None,
        "bad_month",
        2,
        "period",
        "March",
        ["“March”", "not a month", "2025-03", "2025年3月"],
        ["“March”", "不是月份", "2025年3月"],
        id="not a month",
    ),
    pytest.param(
        _row2("surveys", period="2025-13"),
        None,
        "impossible_date",
        2,
        "period",
        "2025-13",
        ["“2025-13”", "not a real date"],
        ["“2025-13”", "不是真实存在的日期"],
        id="impossible month",
    ),
    pytest.param(
        _row2("activities", participants=""),
        None,
        "required",
        2,
        "participants",
        None,
        ["Row 2", "“participants”", "required", "Fill it in"],
        ["第 2 行", "“participants”", "必填"],
        id="required cell empty",
    ),
    pytest.param(
        "district,year,metric,target\n",
        None,
        "file_no_rows",
        None,
        None,
        None,
        ["no data rows", "row 2"],
        ["没有数据行", "第 2 行"],
        id="header only",
    ),
    pytest.param(
        "district,year,metric,target\n\n\n",
        None,
        "file_no_rows",
        None,
        None,
        None,
        ["no data rows"],
        ["没有数据行"],
        id="header and blank lines",
    ),
    pytest.param(
        "社区编号,期间,满意度,社区编号\n630103003002,2025-03,90,630103003002\n",
        None,
        "duplicate_column",
        None,
        "社区编号",
        None,
        ["“社区编号”", "more than once", "keep only one"],
        ["“社区编号”", "不止一次", "只保留一列"],
        id="same column twice",
    ),
    pytest.param(
        "name,colour\nx,y\n",
        None,
        "table_unknown",
        None,
        None,
        None,
        ["row 1", "communities, activities, surveys or targets", "choose the table"],
        ["第 1 行", "社区、活动、满意度调查、年度目标", "手动选择"],
        id="headers of no table",
    ),
]


@pytest.mark.parametrize("text, table, code, row, column, value, en_words, zh_words", REJECTED)
def test_each_problem_is_reported_where_the_user_sees_it(text, table, code, row, column, value, en_words, zh_words):
    report = check(text, table)
    assert not report.valid
    [issue] = report.errors
    assert (issue.code, issue.row, issue.column, issue.value) == (code, row, column, value)
    assert_words(issue.message("en"), en_words)
    assert_words(issue.message("zh"), zh_words)


def test_swapped_coordinates_name_the_spreadsheet_row_with_header_as_row_1():
    rows = [{**BASE["communities"], "community_id": f"63010300300{i}"} for i in range(5)]
    rows.append({**BASE["communities"], "community_id": "630103003009", "latitude": "101.728", "longitude": "36.6"})
    report = check(csv_bytes(rows))
    assert problems(report) == [(7, "latitude", "lat_looks_like_lon")]
    assert report.errors[0].message("en").startswith("Row 7, column “latitude”: latitude 101.728 looks like a longitude")
    assert report.errors[0].message("zh").startswith("第 7 行，“latitude”列：纬度 101.728 看起来像经度")


def test_the_point_bounds_are_the_municipality_box_declared_once():
    communities = TABLES["communities"]
    latitude, longitude = (communities.column(name) for name in communities.point)
    assert ((latitude.minimum, latitude.maximum), (longitude.minimum, longitude.maximum)) == (config.LAT_RANGE, config.LON_RANGE)
    message = check(one_row("communities", latitude="39.915", longitude="116.404")).errors[0].message("en")
    assert (
        f"latitude {config.LAT_RANGE[0]}–{config.LAT_RANGE[1]}, longitude {config.LON_RANGE[0]}–{config.LON_RANGE[1]}" in message
    )


@pytest.mark.parametrize(
    "lat, lon, codes",
    [
        (36.0, 100.8, []),  # the corners are inside
        (37.7, 102.1, []),
        (35.99, 101.7, ["outside_city"]),
        (37.71, 101.7, ["outside_city"]),
        (36.6, 100.79, ["outside_city"]),
        (36.6, 102.11, ["outside_city"]),
    ],
)
def test_the_point_is_checked_against_the_bounds_of_its_columns(lat, lon, codes):
    report = check(one_row("communities", latitude=str(lat), longitude=str(lon)))
    assert [i.code for i in report.errors] == codes


def test_the_validator_reads_the_point_bounds_from_the_schema(monkeypatch):
    communities = TABLES["communities"]
    narrower = {"latitude": (36.5, 36.7), "longitude": (101.7, 101.8)}
    columns = tuple(
        dataclasses.replace(c, minimum=narrower[c.name][0], maximum=narrower[c.name][1]) if c.name in narrower else c
        for c in communities.columns
    )
    monkeypatch.setitem(TABLES, "communities", dataclasses.replace(communities, columns=columns))
    assert check(one_row("communities", latitude="36.6", longitude="101.75")).valid
    [issue] = check(one_row("communities", latitude="36.8", longitude="101.75")).errors
    assert issue.code == "outside_city" and "latitude 36.5–36.7, longitude 101.7–101.8" in issue.message("en")


DUPLICATES = [
    pytest.param(
        [
            {**BASE["communities"]},
            {**BASE["communities"], "community_id": "630104001002"},
            {**BASE["communities"], "name_zh": "另一个"},
        ],
        "630103003002",
        id="communities",
    ),
    pytest.param(
        [BASE["activities"], {**BASE["activities"], "activity_id": "A2"}, {**BASE["activities"], "date": "2025/3/6"}],
        "A1",
        id="activities",
    ),
    pytest.param(
        [BASE["surveys"], {**BASE["surveys"], "period": "2025-04"}, {**BASE["surveys"], "period": "2025年3月"}],
        "630103003002",
        id="surveys, month written differently",
    ),
    pytest.param(
        [BASE["targets"], {**BASE["targets"], "year": "2026"}, {**BASE["targets"], "district": "Chengzhong District"}],
        "城中区",
        id="targets, district written differently",
    ),
]


@pytest.mark.parametrize("rows, shown", DUPLICATES)
def test_duplicate_keys_name_both_rows(rows, shown):
    report = check(csv_bytes(rows))
    assert [(i.row, i.code) for i in report.errors] == [(2, "duplicate_key"), (4, "duplicate_key")]
    for issue in report.errors:
        assert shown in issue.value
        assert_words(issue.message("en"), [f"Row {issue.row}", "more than once (rows 2, 4)", "unique"])
        assert_words(issue.message("zh"), [f"第 {issue.row} 行", "重复出现（第 2, 4 行）", "唯一"])


def test_activities_without_id_are_never_duplicates():
    rows = [{k: v for k, v in BASE["activities"].items() if k != "activity_id"}] * 3
    assert check(csv_bytes(rows)).valid


# --- rejected: every problem at once ---------------------------------------------------------------------


def test_every_problem_in_a_file_is_reported_at_once():
    report = check((FIXTURES / "v_communities_bad.csv").read_bytes())
    assert (report.valid, report.table, report.rows, report.frame) == (False, "communities", 8, None)
    assert sorted(problems(report)) == [
        (2, "community_id", "duplicate_key"),
        (3, "district", "bad_choice_suggest"),
        (4, "characteristic", "bad_choice_suggest"),
        (4, "latitude", "not_number"),
        (5, "households", "below_minimum"),
        (5, "stage", "bad_choice_suggest"),
        (6, "community_id", "duplicate_key"),
        (6, "households", "not_integer"),
        (7, "latitude", "lat_looks_like_lon"),
        (8, "latitude", "outside_city"),
        (9, "coord_system", "bad_choice_suggest"),
        (9, "name_zh", "required"),
    ]
    assert [(w.code, w.column) for w in report.warnings] == [("unknown_column", "备注")]


def test_blank_lines_in_the_middle_keep_row_numbers_of_every_problem():
    report = check((FIXTURES / "v_activities_bad.csv").read_bytes())
    assert sorted(problems(report)) == [
        (2, "activity_id", "duplicate_key"),
        (5, "date", "impossible_date"),
        (6, "category", "bad_choice_suggest"),
        (6, "participants", "not_integer"),
        (8, "date", "impossible_date"),
        (8, "participants", "below_minimum"),
        (9, "activity_id", "duplicate_key"),
    ]
    assert "rows 2, 9" in report.errors[-1].message("en")


def test_missing_column_does_not_hide_the_problems_in_other_columns():
    text = (
        "community_id,name_zh,district,characteristic,latitude,longitude\n"
        "1,a,城南区,harmony,36.6,116.4\n1,b,城中区,x,36.6,101.7\n"
    )
    report = check(text, "communities")
    assert sorted(problems(report), key=str) == [
        (2, "community_id", "duplicate_key"),
        (2, "district", "bad_choice_suggest"),
        (2, "latitude", "outside_city"),
        (3, "characteristic", "bad_choice"),
        (3, "community_id", "duplicate_key"),
        (None, "stage", "missing_column"),
    ]


def test_missing_coordinate_column_is_reported_once_and_other_cells_still_checked():
    text = "community_id,name_zh,district,characteristic,stage,latitude\n1,a,城中区,harmony,nope,36.6\n"
    report = check(text)
    assert sorted(problems(report), key=str) == [(2, "stage", "bad_choice"), (None, "longitude", "missing_column")]


def test_header_only_file_with_missing_columns_reports_both():
    report = check("community_id,name_zh\n", "communities")
    codes = [i.code for i in report.errors]
    assert codes.count("missing_column") == 5 and codes[-1] == "file_no_rows"


def test_unknown_table_name_is_rejected_with_the_choices():
    report = validate(read_upload((FIXTURES / "v_targets.csv").read_bytes()), "goals")
    [issue] = report.errors
    assert issue.code == "table_wrong_name"
    assert_words(issue.message("en"), ["“goals”", "communities, activities, surveys, targets"])
    assert_words(issue.message("zh"), ["“goals”", "communities, activities, surveys, targets"])


def test_override_table_that_does_not_fit_lists_every_missing_column():
    report = check((FIXTURES / "v_surveys.csv").read_bytes(), "targets")
    assert [(i.column, i.code) for i in report.errors] == [
        ("district", "missing_column"),
        ("year", "missing_column"),
        ("metric", "missing_column"),
        ("target", "missing_column"),
    ]
    assert {w.column for w in report.warnings} == {"community_id", "period", "satisfaction", "respondents"}


# --- the JSON report ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_json_report_shape(lang):
    report = check((FIXTURES / "v_communities_bad.csv").read_bytes())
    shaped = json.loads(json.dumps(report.as_dict(lang), ensure_ascii=False))
    assert {"valid", "table", "rows", "errors", "warnings"} <= shaped.keys()
    assert (shaped["valid"], shaped["table"], shaped["rows"]) == (False, "communities", 8)
    assert len(shaped["errors"]) == 12 and len(shaped["warnings"]) == 1
    for issue in shaped["errors"] + shaped["warnings"]:
        assert {"row", "column", "value", "message"} <= issue.keys()
        assert isinstance(issue["message"], str) and issue["message"]
    swapped = next(i for i in shaped["errors"] if i["row"] == 7)
    assert (swapped["column"], swapped["value"]) == ("latitude", "101.728")
    assert ("第 7 行" if lang == "zh" else "Row 7") in swapped["message"]


def test_json_report_of_a_valid_file():
    shaped = check((FIXTURES / "v_targets.csv").read_bytes()).as_dict("en")
    assert (shaped["valid"], shaped["table"], shaped["rows"]) == (True, "targets", 3)
    assert (shaped["errors"], shaped["warnings"]) == ([], [])


# --- communities that do not exist (needs the database) ---------------------------------------------------


@pytest.fixture
def with_communities(engine):
    result = import_bytes(engine, (FIXTURES / "v_communities.csv").read_bytes(), "v_communities.csv")
    assert result.version == 1
    return engine


def test_activity_for_a_community_that_does_not_exist_is_reported_with_the_rest(with_communities):
    report = check_bytes(with_communities, (FIXTURES / "v_activities_bad.csv").read_bytes(), "a.csv")
    assert (6, "community_id", "unknown_community") in problems(report)
    assert len(report.errors) == 8
    issue = next(i for i in report.errors if i.code == "unknown_community")
    assert issue.value == "630199999999"
    assert_words(issue.message("en"), ["Row 6", "“630199999999”", "does not exist", "communities table first"])
    assert_words(issue.message("zh"), ["第 6 行", "“630199999999”", "不存在", "先在社区表中导入"])


@pytest.mark.parametrize(
    "table, text",
    [
        ("activities", "社区编号,日期,活动类别,参与人数\n630103003002,2025-03-05,cleanup,3\n630000000000,2025-03-05,cleanup,3\n"),
        ("surveys", "社区编号,期间,满意度\n630103003002,2025-03,90\n630000000000,2025-03,90\n"),
    ],
)
def test_survey_or_activity_for_unknown_community_names_its_row(with_communities, table, text):
    report = check_bytes(with_communities, text.encode("gbk"), "x.csv")
    assert (report.table, problems(report)) == (table, [(3, "社区编号", "unknown_community")])


def test_communities_of_a_replaced_version_no_longer_exist(with_communities):
    kept = (FIXTURES / "v_communities_zh.csv").read_bytes()  # has no 630106102004
    assert import_bytes(with_communities, kept, "v_communities_zh.csv").version == 2
    text = "community_id,period,satisfaction\n630106102004,2025-03,90\n630121100001,2025-03,80\n"
    assert problems(check_bytes(with_communities, text.encode(), "s.csv")) == [(2, "community_id", "unknown_community")]


def test_known_communities_are_accepted(with_communities):
    report = check_bytes(with_communities, (FIXTURES / "v_activities.csv").read_bytes(), "a.csv")
    assert report.valid and report.rows == 4
    assert np.isnan(report.frame.loc[3, "volunteer_hours"])
