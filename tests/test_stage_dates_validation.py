"""The stage-date columns of communities: accepted forms and every rule, reported in both languages.

Rules (DOMAIN.md): every date is a real date, not after today; the dates given are in stage order;
no date for a stage beyond the community's current stage.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pandas as pd
import pytest

from dashboard import config
from dashboard.i18n import fmt_date
from dashboard.ingest.importing import check_bytes
from dashboard.schema import COMMUNITIES

ROW = {
    "community_id": "630103003002",
    "name_zh": "前营街社区",
    "district": "城中区",
    "characteristic": "harmony",
    "stage": "named",
    "latitude": "36.598406",
    "longitude": "101.762765",
}


def check(*rows: dict[str, str], headers: dict[str, str] | None = None):
    """Validate a communities CSV of ``rows`` (each ROW with some cells changed); ``headers`` renames columns."""
    full = [{**ROW, **row} for row in rows]
    names = list(dict.fromkeys(k for row in full for k in row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([(headers or {}).get(n, n) for n in names])
    writer.writerows([[row.get(n, "") for n in names] for row in full])
    return check_bytes(None, out.getvalue().encode("utf-8"), "communities.csv", "communities")


def test_the_contract_declares_a_date_for_every_stage_in_order():
    assert list(COMMUNITIES.stage_dates) == config.codes("stages")
    assert list(COMMUNITIES.stage_dates.values()) == ["applied_on", "building_on", "assessed_on", "named_on"]
    assert [COMMUNITIES.column(c).zh for c in COMMUNITIES.stage_dates.values()] == [
        "申报日期",
        "创建日期",
        "验收日期",
        "命名日期",
    ]
    assert not any(COMMUNITIES.column(c).required for c in COMMUNITIES.stage_dates.values())


ACCEPTED = [
    pytest.param({}, {}, id="no stage dates at all"),
    pytest.param(
        {"applied_on": "2024-03-05", "building_on": "2024/6/1", "assessed_on": "2025年3月5日", "named_on": "2025.9.30"},
        {"applied_on": "2024-03-05", "building_on": "2024-06-01", "assessed_on": "2025-03-05", "named_on": "2025-09-30"},
        id="every form, in order",
    ),
    pytest.param(
        {"applied_on": "2025-03-05", "building_on": "2025-03-05"},
        {"applied_on": "2025-03-05", "building_on": "2025-03-05"},
        id="two stages on one day",
    ),
    pytest.param({"named_on": "2025-09-30"}, {"named_on": "2025-09-30"}, id="only the latest stage dated"),
    pytest.param(
        {"stage": "building", "applied_on": "2025-01-02", "building_on": "2025-02-03"},
        {"applied_on": "2025-01-02", "building_on": "2025-02-03"},
        id="building with its two dates",
    ),
    pytest.param(
        {"applied_on": config.today().isoformat()}, {"applied_on": config.today().isoformat()}, id="today is not the future"
    ),
]


@pytest.mark.parametrize("cells, typed", ACCEPTED)
def test_stage_dates_in_order_and_in_the_past_are_accepted(cells, typed):
    report = check(cells)
    assert report.valid, [i.message("en") for i in report.errors]
    row = report.frame.iloc[0]
    for name in COMMUNITIES.stage_dates.values():
        expected = pd.Timestamp(typed[name]) if name in typed else None
        assert (row[name] if pd.notna(row[name]) else None) == expected, name


def test_chinese_headers_are_read_as_the_stage_dates():
    headers = {"applied_on": "申报日期", "building_on": "创建日期", "assessed_on": "验收日期", "named_on": "命名日期"}
    report = check({"applied_on": "2024-01-02", "building_on": "2024-03-04", "assessed_on": "", "named_on": ""}, headers=headers)
    assert report.valid
    assert report.frame.loc[0, "building_on"] == pd.Timestamp("2024-03-04")
    assert pd.isna(report.frame.loc[0, "named_on"])


# "Today" is pinned for these cases: computed when the tests are collected, a run crossing midnight in Xining (16:00
# UTC) once found "tomorrow" to be today.
TODAY = date(2026, 11, 30)
FUTURE = (TODAY + timedelta(days=1)).isoformat()
REJECTED = [
    pytest.param(
        {"applied_on": "2099-12-31"},
        None,
        ("stage_date_future", "applied_on", "2099-12-31"),
        ["Row 2", "“applied_on”", "“2099-12-31”", "after today", "already happened"],
        ["第 2 行", "“applied_on”", "晚于今天", "已经发生"],
        id="a date in a later year",
    ),
    pytest.param(
        {"named_on": FUTURE},
        None,
        ("stage_date_future", "named_on", FUTURE),
        ["after today", fmt_date(TODAY, "en")],
        ["晚于今天", fmt_date(TODAY, "zh")],
        id="tomorrow",
    ),
    pytest.param(
        {"named_on": "2099年1月1日"},
        {"named_on": "命名日期"},
        ("stage_date_future", "命名日期", "2099年1月1日"),
        ["“命名日期”", "after today"],
        ["“命名日期”", "“2099年1月1日”晚于今天"],
        id="a Chinese date under a Chinese header",
    ),
    pytest.param(
        {"applied_on": "2025-05-01", "building_on": "2025-04-30"},
        None,
        ("stage_dates_order", "building_on", "2025-04-30"),
        ["Row 2", "“building_on”", "“2025-04-30” is before “applied_on” (2025-05-01)", "Correct whichever date"],
        ["“2025-04-30”早于“applied_on”（2025-05-01）", "不能早于前一阶段"],
        id="building before applying",
    ),
    pytest.param(
        {"applied_on": "2025/5/1", "assessed_on": "2025-03-01"},
        None,
        ("stage_dates_order", "assessed_on", "2025-03-01"),
        ["is before “applied_on” (2025/5/1)"],
        ["早于“applied_on”（2025/5/1）"],
        id="a stage left blank between the two",
    ),
    pytest.param(
        {"applied_on": "2024-01-01", "building_on": "2024-06-01", "assessed_on": "2025-06-01", "named_on": "2025-05-31"},
        {"assessed_on": "验收日期", "named_on": "命名日期"},
        ("stage_dates_order", "命名日期", "2025-05-31"),
        ["“2025-05-31” is before “验收日期” (2025-06-01)"],
        ["“2025-05-31”早于“验收日期”（2025-06-01）"],
        id="named before assessed, Chinese headers",
    ),
    pytest.param(
        {"stage": "building", "named_on": "2025-01-01"},
        None,
        ("stage_date_beyond_stage", "named_on", "2025-01-01"),
        ["Row 2", "“named_on”", "stage “Named”", "stage is “Building”", "Remove the date"],
        ["“命名”阶段的日期", "创建阶段是“创建”", "请删除该日期"],
        id="named_on on a community at building",
    ),
    pytest.param(
        {"stage": "申报", "building_on": "2025-01-01"},
        None,
        ("stage_date_beyond_stage", "building_on", "2025-01-01"),
        ["stage “Building”", "stage is “Applied”"],
        ["“创建”阶段的日期", "创建阶段是“申报”"],
        id="building_on on a community that has only applied",
    ),
    pytest.param(
        {"stage": "assessed", "named_on": "2025-01-01", "assessed_on": "2024-12-01"},
        None,
        ("stage_date_beyond_stage", "named_on", "2025-01-01"),
        ["stage “Named”", "stage is “Assessed”"],
        ["“命名”阶段的日期", "创建阶段是“验收”"],
        id="named_on on an assessed community",
    ),
]


@pytest.mark.parametrize("cells, headers, where, en_words, zh_words", REJECTED)
def test_each_stage_date_rule_is_reported_at_its_cell_in_both_languages(cells, headers, where, en_words, zh_words, monkeypatch):
    monkeypatch.setattr(config, "today", lambda: TODAY)
    report = check(cells, headers=headers)
    assert not report.valid
    [issue] = report.errors
    assert (issue.code, issue.column, issue.value) == where
    assert issue.row == 2
    words_en, words_zh = issue.message("en"), issue.message("zh")
    assert [w for w in en_words if w not in words_en] == [], words_en
    assert [w for w in zh_words if w not in words_zh] == [], words_zh


def test_every_rule_has_a_message_in_both_languages_that_names_no_placeholder():
    cases = [({"applied_on": "2099-12-31"},), ({"applied_on": "2025-05-01", "building_on": "2025-04-30"},)]
    cases.append(({"stage": "building", "named_on": "2025-01-01"},))
    for (cells,) in cases:
        [issue] = check(cells).errors
        for lang in ("en", "zh"):
            assert "{" not in issue.message(lang)


def test_every_row_breaking_a_rule_is_named_with_its_own_earlier_date():
    rows = [
        {"community_id": "630103003001", "applied_on": "2025-05-01", "building_on": "2025-04-01"},
        {"community_id": "630103003002", "applied_on": "2025-05-01", "building_on": "2025-04-02"},
        {"community_id": "630103003003", "applied_on": "2025-06-01", "building_on": "2025-04-03"},
        {"community_id": "630103003004", "applied_on": "2025-01-01", "building_on": "2025-04-04"},
    ]
    report = check(*rows)
    found = sorted((i.row, i.value, i.params["earlier_value"]) for i in report.errors)
    assert found == [(2, "2025-04-01", "2025-05-01"), (3, "2025-04-02", "2025-05-01"), (4, "2025-04-03", "2025-06-01")]


def test_one_row_can_break_several_rules_and_all_are_reported():
    report = check({"stage": "building", "applied_on": "2099-12-31", "building_on": "2025-01-01", "named_on": "2025-02-01"})
    codes = sorted((i.code.value, i.column) for i in report.errors)
    assert codes == [
        ("stage_date_beyond_stage", "named_on"),
        ("stage_date_future", "applied_on"),
        ("stage_dates_order", "building_on"),
        ("stage_dates_order", "named_on"),  # also before the application
    ]


def test_an_unreadable_date_or_stage_is_reported_once_not_again_by_the_stage_rules():
    report = check({"stage": "qqq", "applied_on": "2025-02-30", "building_on": "soon", "named_on": "2025-01-01"})
    assert sorted(i.code.value for i in report.errors) == ["bad_choice", "bad_date", "impossible_date"]


def test_the_order_rule_compares_days_not_text():
    assert check({"applied_on": "2025/12/1", "building_on": "2025-12-01"}).valid
    assert check({"applied_on": "2025/9/30", "building_on": "2025/10/1"}).valid  # "2025/9/30" > "2025/10/1" as text


@pytest.mark.parametrize(
    "table, cells, column, value",
    [
        ("communities", {"applied_on": "2999-01-01"}, "applied_on", "2999-01-01"),
        ("communities", {"named_on": "1899/12/31"}, "named_on", "1899/12/31"),
        ("activities", {"date": "2999年1月1日"}, "date", "2999年1月1日"),
        ("surveys", {"period": "3025-03"}, "period", "3025-03"),
    ],
)
def test_a_year_far_from_the_campaign_is_reported_not_a_crash(table, cells, column, value):
    base = {
        "communities": ROW,
        "activities": {"community_id": "630103003002", "date": "2025-03-05", "category": "cleanup", "participants": "10"},
        "surveys": {"community_id": "630103003002", "period": "2025-03", "satisfaction": "90"},
    }[table]
    row = {**base, **cells}
    text = ",".join(row) + "\n" + ",".join(row.values()) + "\n"
    report = check_bytes(None, text.encode("utf-8"), f"{table}.csv", table)
    [issue] = report.errors
    assert (issue.code, issue.column, issue.value) == ("date_out_of_range", column, value)
    assert "1900–2100" in issue.message("en") and "1900–2100 年之间" in issue.message("zh")
