"""``python -m dashboard figures``: the headline stage figures as at a day, for scripts (JSON) and people (text)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dashboard import config
from dashboard.cli.main import main
from dashboard.ingest import importing

COMMUNITIES = """community_id,name_zh,district,characteristic,stage,latitude,longitude,applied_on,building_on,assessed_on,named_on
C1,一社区,chengdong,harmony,named,36.6,101.8,2024-03-01,2024-05-01,2025-03-01,2025-06-30
C2,二社区,chengdong,caring,building,36.6,101.8,2025-01-10,2025-02-01,,
C3,三社区,chengxi,green,assessed,36.6,101.7,2024-09-01,2024-10-01,2025-09-01,
C4,四社区,chengxi,health,applied,36.6,101.7,2025-08-01,,,
"""
TARGETS = """district,year,metric,target
chengdong,2025,named_communities,2
chengxi,2025,named_communities,1
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def loaded(engine):
    for table, text in (("communities", COMMUNITIES), ("targets", TARGETS)):
        result = importing.import_bytes(engine, text.encode("utf-8"), f"{table}.csv", table=table, user="test")
        assert result.version, [i.message("en") for i in result.report.errors]
    return engine


def stages(applied: int, building: int, assessed: int, named: int) -> dict[str, int]:
    return {"applied": applied, "building": building, "assessed": assessed, "named": named}


CASES = [  # --at, whole city's stages, chengdong's, chengxi's
    ("2024-02-29", stages(0, 0, 0, 0), stages(0, 0, 0, 0), stages(0, 0, 0, 0)),
    ("2024-08-31", stages(0, 1, 0, 0), stages(0, 1, 0, 0), stages(0, 0, 0, 0)),
    ("2024-09-01", stages(1, 1, 0, 0), stages(0, 1, 0, 0), stages(1, 0, 0, 0)),
    ("2024/9/30", stages(1, 1, 0, 0), stages(0, 1, 0, 0), stages(1, 0, 0, 0)),
    ("2025-06-30", stages(0, 2, 0, 1), stages(0, 1, 0, 1), stages(0, 1, 0, 0)),
    ("2025年9月30日", stages(1, 1, 1, 1), stages(0, 1, 0, 1), stages(1, 0, 1, 0)),
]


@pytest.mark.parametrize("at, city, chengdong, chengxi", CASES)
def test_json_gives_the_stages_as_at_the_day_in_all_and_per_district(loaded, capsys, at, city, chengdong, chengxi):
    code, out, _ = run(capsys, "figures", "--at", at, "--json")
    assert code == 0
    result = json.loads(out)
    assert result["stages"] == city and result["communities"] == sum(city.values())
    by = {row["district"]: row for row in result["by_district"]}
    assert set(by) == {"chengdong", "chengxi"}
    assert by["chengdong"]["stages"] == chengdong and by["chengdong"]["communities"] == sum(chengdong.values())
    assert by["chengxi"]["stages"] == chengxi
    assert result["derived"] == 0


def test_the_named_target_is_that_years(loaded, capsys):
    result = json.loads(run(capsys, "figures", "--at", "2025-12-31", "--json")[1])
    assert result["at"] == "2025-12-31" and result["district"] is None
    assert result["named_target"] == {"year": 2025, "target": 3.0, "share": round(1 / 3, 4)}
    by = {row["district"]: row["named_target"] for row in result["by_district"]}
    assert by == {
        "chengdong": {"year": 2025, "target": 2.0, "share": 0.5},
        "chengxi": {"year": 2025, "target": 1.0, "share": 0.0},
    }
    later = json.loads(run(capsys, "figures", "--at", "2026-01-01", "--json")[1])
    assert later["named_target"] == {"year": 2026, "target": None, "share": None}


def test_one_district_by_any_name(loaded, capsys):
    for name in ("chengxi", "城西区", "Chengxi District"):
        result = json.loads(run(capsys, "figures", "--at", "2025-09-30", "--district", name, "--json")[1])
        assert result["district"] == "chengxi"
        assert result["stages"] == stages(1, 0, 1, 0)
        assert [row["district"] for row in result["by_district"]] == ["chengxi"]


def test_the_default_day_is_today_in_xining(loaded, capsys):
    result = json.loads(run(capsys, "figures", "--json")[1])
    assert result["at"] == config.today().isoformat()
    assert result["stages"] == stages(1, 1, 1, 1)


@pytest.mark.parametrize(
    "lang, words",
    [
        (
            "zh",
            [
                "截至2025年9月30日 · 西宁市：在创社区 4 个",
                "申报 1、创建 1、验收 1、命名 1",
                "2025年命名社区目标 3 个",
                "城东区 2 个",
            ],
        ),
        ("en", ["As at 30 Sep 2025 · Xining: 4 communities in the campaign", "Applied 1", "target 2025: 3", "Chengdong 2:"]),
    ],
)
def test_text_for_people_in_both_languages(loaded, capsys, lang, words):
    code, out, _ = run(capsys, "figures", "--at", "2025-09-30", "--lang", lang)
    assert code == 0
    assert [w for w in words if w not in out] == [], out


def test_derived_dates_are_counted_and_said(engine, capsys):
    text = "community_id,name_zh,district,characteristic,stage,latitude,longitude\nD1,社区,chengbei,green,building,36.7,101.8\n"
    assert importing.import_bytes(engine, text.encode("utf-8"), "c.csv", table="communities", user="t").version
    result = json.loads(run(capsys, "figures", "--json")[1])
    assert result["stages"] == stages(0, 1, 0, 0) and result["derived"] == 1
    out = run(capsys, "figures", "--lang", "en")[1]
    assert "taken from the stored versions" in out


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--at", "2025-13-01"], ["Not a date", "2025-13-01", "2026/9/30"]),
        (["--at", "yesterday"], ["Not a date"]),
        (["--district", "Atlantis"], ["Unknown district", "Atlantis", "chengdong"]),
    ],
)
def test_a_wrong_request_is_usage_exit_2_in_one_line(sqlite_engine, capsys, argv, words):
    code, out, err = run(capsys, "figures", *argv, "--lang", "en")
    assert code == 2 and not out
    assert [w for w in words if w not in err] == [], err


def test_an_empty_database_has_no_communities(sqlite_engine, capsys):
    result = json.loads(run(capsys, "figures", "--at", date(2025, 1, 1).isoformat(), "--json")[1])
    assert result["communities"] == 0 and result["by_district"] == []
