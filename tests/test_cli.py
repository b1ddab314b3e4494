"""``python -m dashboard``: exit codes, reports in both languages, versions, rollback, export and sample.

Commands run in-process through ``dashboard.cli.main`` against the test
database the ``engine`` fixtures configure; one test starts the real module
to prove the entry point. Exit codes are a contract: 0 valid/done,
1 invalid/rejected, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dashboard import auth, coords
from dashboard.cli.common import lang_of
from dashboard.cli.main import build_parser, main
from dashboard.i18n import LANGS
from dashboard.schema import TABLES
from dashboard.storage import store

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def fixture(name: str) -> str:
    return str(FIXTURES / name)


# --- validate ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang, words", [("en", ["Valid", "5 data rows", "communities"]), ("zh", ["校验通过", "社区表", "5 行"])])
def test_validate_valid_file_exits_0(sqlite_engine, capsys, lang, words):
    code, out, _ = run(capsys, "validate", fixture("v_communities.csv"), "--lang", lang)
    assert code == 0
    assert all(w in out for w in words), out


@pytest.mark.parametrize(
    "lang, words",
    [
        (
            "en",
            [
                "Row 7, column “latitude”: latitude 101.728 looks like a longitude",
                "Warning: ",
                "“备注”",
                "Rejected: 12 problems",
                "Nothing was changed",
            ],
        ),
        ("zh", ["第 7 行，“latitude”列：纬度 101.728 看起来像经度", "提示：", "“备注”", "未通过：共 12 个问题", "未做任何更改"]),
    ],
)
def test_validate_invalid_file_exits_1_and_lists_every_problem(sqlite_engine, capsys, lang, words):
    code, out, _ = run(capsys, "validate", fixture("v_communities_bad.csv"), "--lang", lang)
    assert code == 1
    assert all(w in out for w in words), out
    assert len([line for line in out.splitlines() if line.startswith(("Row ", "第 "))]) == 12


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["validate", "v_targets.csv", "--bogus"], id="unknown option"),
        pytest.param(["validate"], id="no file given"),
        pytest.param(["validate", "v_targets.csv", "--table", "goals"], id="unknown table"),
        pytest.param(["validate", "v_targets.csv", "--lang", "fr"], id="unknown language"),
        pytest.param(["frobnicate"], id="unknown command"),
        pytest.param(["rollback", "--table", "targets"], id="rollback without --to"),
        pytest.param(["rollback", "--table", "targets", "--to", "two"], id="version not a number"),
    ],
)
def test_wrong_usage_exits_2_with_argparse_message(sqlite_engine, capsys, argv):
    argv = [fixture(a) if a.endswith(".csv") else a for a in argv]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "usage:" in err and "error:" in err


@pytest.mark.parametrize("lang, words", [("en", ["File not found", "nope.csv"]), ("zh", ["找不到文件", "nope.csv"])])
@pytest.mark.parametrize("command", ["validate", "import"])
def test_missing_file_exits_2(sqlite_engine, capsys, tmp_path, command, lang, words):
    code, out, err = run(capsys, command, tmp_path / "nope.csv", "--lang", lang)
    assert (code, out) == (2, "")
    assert all(w in err for w in words), err


def test_directory_instead_of_file_exits_2(sqlite_engine, capsys, tmp_path):
    code, _, err = run(capsys, "validate", tmp_path, "--lang", "en")
    assert code == 2 and "File not found" in err


def test_help_exits_0(capsys):
    assert main(["validate", "--help"]) == 0
    assert "--table" in capsys.readouterr().out


def test_validate_json_report_detects_table_from_headers(sqlite_engine, capsys):
    run(capsys, "import", fixture("v_communities.csv"))
    code, out, _ = run(capsys, "validate", fixture("v_surveys.csv"), "--json")
    report = json.loads(out)
    assert code == 0
    assert (report["valid"], report["table"], report["rows"]) == (True, "surveys", 3)
    assert (report["errors"], report["warnings"]) == ([], [])


@pytest.mark.parametrize("lang, word", [("en", "Row 7"), ("zh", "第 7 行")])
def test_validate_json_report_of_invalid_file(sqlite_engine, capsys, lang, word):
    code, out, _ = run(capsys, "validate", fixture("v_communities_bad.csv"), "--json", "--lang", lang)
    report = json.loads(out)
    assert code == 1
    assert (report["valid"], report["table"], report["rows"]) == (False, "communities", 8)
    assert all({"row", "column", "value", "message"} <= e.keys() for e in report["errors"] + report["warnings"])
    assert any(e["row"] == 7 and word in e["message"] for e in report["errors"])


def test_table_override_checks_the_file_against_the_chosen_table(sqlite_engine, capsys):
    code, out, _ = run(capsys, "validate", fixture("v_surveys.csv"), "--table", "targets", "--json", "--lang", "en")
    report = json.loads(out)
    assert (code, report["table"]) == (1, "targets")
    assert [e["column"] for e in report["errors"]] == ["district", "year", "metric", "target"]


def test_table_override_picks_the_workbook_sheet(sqlite_engine, capsys, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "communities"
    for row in csv.reader(io.StringIO((FIXTURES / "v_communities.csv").read_text(encoding="utf-8"))):
        book.active.append(row)
    targets = book.create_sheet("年度目标")
    for row in csv.reader(io.StringIO((FIXTURES / "v_targets.csv").read_text(encoding="utf-8"))):
        targets.append(row)
    path = tmp_path / "all.xlsx"
    book.save(path)
    assert json.loads(run(capsys, "validate", path, "--json")[1])["table"] == "communities"
    code, out, _ = run(capsys, "validate", path, "--table", "targets", "--json")
    assert (code, json.loads(out)["table"], json.loads(out)["rows"]) == (0, "targets", 3)


@pytest.mark.parametrize("name, code", [("v_activities.csv", 1), ("v_surveys.csv", 1), ("v_targets.csv", 0)])
def test_validate_checks_communities_against_the_database(sqlite_engine, capsys, name, code):
    """Before any communities are imported, activities and surveys refer to communities that do not exist."""
    assert run(capsys, "validate", fixture(name))[0] == code
    run(capsys, "import", fixture("v_communities.csv"))
    assert run(capsys, "validate", fixture(name))[0] == 0


# --- import, versions, rollback ----------------------------------------------------------------------------


def _versions(capsys, *extra: str) -> list[dict]:
    code, out, _ = run(capsys, "versions", "--json", *extra)
    assert code == 0
    return json.loads(out)


@pytest.mark.parametrize(
    "lang, words",
    [
        ("en", ["Imported 5 rows", "version 1", "replacing the table"]),
        ("zh", ["已将 5 行导入", "版本 1", "替换全表"]),
    ],
)
def test_import_exits_0_with_the_new_version(engine, capsys, lang, words):
    auth.add_user(engine, "wang", "Wang-password-1", "editor")
    code, out, _ = run(capsys, "import", fixture("v_communities.csv"), "--lang", lang, "--note", "首批", "--as", "wang")
    assert code == 0
    assert all(w in out for w in words), out
    [version] = _versions(capsys)
    assert (version["table"], version["version"], version["rows"], version["user"], version["note"]) == (
        "communities",
        1,
        5,
        "wang",
        "首批",
    )


def test_import_json_reports_version_and_mode(sqlite_engine, capsys):
    run(capsys, "import", fixture("v_communities.csv"))
    code, out, _ = run(capsys, "import", fixture("v_activities.csv"), "--json")
    report = json.loads(out)
    assert (code, report["valid"], report["table"], report["rows"], report["version"], report["mode"]) == (
        0,
        True,
        "activities",
        4,
        1,
        "append",
    )
    code, out, _ = run(capsys, "import", fixture("v_activities.csv"), "--json")
    again = json.loads(out)
    assert (code, again["version"], again["added"], again["changed"], again["unchanged"]) == (0, None, 0, 0, 4)  # no change
    assert len(store.load_table(sqlite_engine, "activities")) == 4 and len(_versions(capsys)) == 2


REJECTED_FILES = {
    "communities with problems": (FIXTURES / "v_communities_bad.csv").read_bytes(),
    "activities with problems": (FIXTURES / "v_activities_bad.csv").read_bytes(),
    "survey of a community not imported": "社区编号,期间,满意度\n630106102004,2025-03,90\n".encode("gbk"),
    "not a table": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
}


@pytest.mark.parametrize("data", REJECTED_FILES.values(), ids=REJECTED_FILES.keys())
def test_rejected_import_exits_1_and_changes_nothing(engine, capsys, tmp_path, data):
    run(capsys, "import", fixture("v_communities_zh.csv"))
    run(capsys, "import", fixture("v_surveys.csv"))
    before = _versions(capsys)
    rows_before = {t: store.load_table(engine, t) for t in TABLES}
    (tmp_path / "upload.csv").write_bytes(data)
    for lang, words in (("en", ["Rejected", "Nothing was changed"]), ("zh", ["未通过", "未做任何更改"])):
        code, out, _ = run(capsys, "import", tmp_path / "upload.csv", "--lang", lang)
        assert code == 1
        assert all(w in out for w in words), out
    assert _versions(capsys) == before
    for table, frame in rows_before.items():
        assert store.load_table(engine, table).equals(frame)


def test_rejected_import_json_has_no_version(sqlite_engine, capsys):
    code, out, _ = run(capsys, "import", fixture("v_targets.csv").replace("v_targets", "v_activities_bad"), "--json")
    report = json.loads(out)
    assert (code, report["valid"], report["version"]) == (1, False, None)
    assert _versions(capsys) == []


def test_versions_json_fields(engine, capsys):
    run(capsys, "import", fixture("v_communities.csv"), "--note", "first")
    run(capsys, "import", fixture("v_communities_zh.csv"), "--confirm-removals", "2")  # 2 of 5: a large removal
    run(capsys, "import", fixture("v_targets.csv"))
    rows = _versions(capsys)
    fields = {"table", "version", "created_at", "user", "file", "sha256", "rows", "note", "active"}
    assert all(fields <= row.keys() for row in rows)
    communities = [r for r in rows if r["table"] == "communities"]
    assert [(r["version"], r["rows"], r["active"], r["file"]) for r in communities] == [
        (2, 3, True, "v_communities_zh.csv"),
        (1, 5, False, "v_communities.csv"),
    ]
    assert communities[1]["note"] == "first" and communities[1]["user"] == "(operator)"
    assert len(communities[1]["sha256"]) == 64
    assert [r["table"] for r in _versions(capsys, "--table", "targets")] == ["targets"]


@pytest.mark.parametrize("lang, words", [("en", ["* communities", "v2", "v_communities_zh.csv"]), ("zh", ["* communities"])])
def test_versions_text_lists_active_versions(sqlite_engine, capsys, lang, words):
    assert run(capsys, "versions", "--lang", lang)[1].strip() in ("No versions yet.", "尚无版本。")
    run(capsys, "import", fixture("v_communities.csv"))
    run(capsys, "import", fixture("v_communities_zh.csv"), "--confirm-removals", "2")  # 2 of 5: a large removal
    code, out, _ = run(capsys, "versions", "--lang", lang)
    assert code == 0
    assert all(w in out for w in words), out


def test_rollback_restores_an_earlier_version_as_a_new_one(engine, capsys):
    run(capsys, "import", fixture("v_communities.csv"))
    run(capsys, "import", fixture("v_communities_zh.csv"), "--confirm-removals", "2")  # 2 of 5: a large removal
    assert len(store.load_table(engine, "communities")) == 3
    code, out, _ = run(capsys, "rollback", "--table", "communities", "--to", "1", "--lang", "en")
    assert code == 0
    assert "version 1" in out and "version 3" in out
    assert sorted(store.load_table(engine, "communities")["community_id"]) == sorted(
        store.load_table(engine, "communities", 1)["community_id"]
    )
    newest = _versions(capsys, "--table", "communities")[0]
    assert (newest["version"], newest["rows"], newest["active"]) == (3, 5, True)


@pytest.mark.parametrize("lang, words", [("en", ["targets has no version 9"]), ("zh", ["年度目标表没有版本 9"])])
def test_rollback_to_a_missing_version_exits_1(sqlite_engine, capsys, lang, words):
    run(capsys, "import", fixture("v_targets.csv"))
    code, _, err = run(capsys, "rollback", "--table", "targets", "--to", "9", "--lang", lang)
    assert code == 1
    assert all(w in err for w in words), err
    assert len(_versions(capsys)) == 1


# --- export ----------------------------------------------------------------------------------------------------


def test_export_csv_is_utf8_with_bom_in_contract_columns_with_wgs84_coordinates(engine, capsys, tmp_path):
    text = (FIXTURES / "v_communities.csv").read_text(encoding="utf-8").replace(",WGS84,", ",GCJ02,", 1)
    source = tmp_path / "gcj.csv"
    source.write_text(text, encoding="utf-8")
    run(capsys, "import", source)
    out = tmp_path / "communities.csv"
    code, printed, _ = run(capsys, "export", "--table", "communities", "--out", out, "--lang", "en")
    assert code == 0 and "Wrote 5 rows" in printed
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == TABLES["communities"].names
    assert {r["coord_system"] for r in rows} == {"WGS84"}
    want_lat, want_lon = coords.gcj02_to_wgs84(36.598406, 101.762765)
    assert float(rows[0]["latitude"]) == pytest.approx(float(want_lat), abs=1e-9)
    assert float(rows[0]["longitude"]) == pytest.approx(float(want_lon), abs=1e-9)
    assert (rows[0]["name_zh"], rows[0]["district"], rows[0]["households"]) == ("前营街社区", "chengzhong", "4294")


def test_exported_csv_imports_again_unchanged(sqlite_engine, capsys, tmp_path):
    for name in ("v_communities.csv", "v_activities.csv", "v_surveys.csv", "v_targets.csv"):
        run(capsys, "import", fixture(name))
    for table in ("communities", "activities", "surveys", "targets"):
        out = tmp_path / f"{table}.csv"
        before = store.load_table(sqlite_engine, table)
        assert run(capsys, "export", "--table", table, "--out", out)[0] == 0
        assert run(capsys, "import", out, "--mode", "replace")[0] == 0
        assert store.load_table(sqlite_engine, table).equals(before)


def test_export_xlsx_has_contract_columns(sqlite_engine, capsys, tmp_path):
    run(capsys, "import", fixture("v_communities.csv"))
    run(capsys, "import", fixture("v_surveys.csv"))
    out = tmp_path / "surveys.xlsx"
    assert run(capsys, "export", "--table", "surveys", "--out", out)[0] == 0
    book = load_workbook(out)
    rows = list(book["surveys"].iter_rows(values_only=True))
    assert list(rows[0]) == TABLES["surveys"].names
    assert [r[1] for r in rows[1:]] == ["2025-03"] * 3
    assert len(rows) == 4


def test_export_an_earlier_version(sqlite_engine, capsys, tmp_path):
    run(capsys, "import", fixture("v_communities.csv"))
    run(capsys, "import", fixture("v_communities_zh.csv"), "--confirm-removals", "2")  # 2 of 5: a large removal
    out = tmp_path / "v1.csv"
    assert run(capsys, "export", "--table", "communities", "--version", "1", "--out", out)[0] == 0
    assert len(list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))) == 5


@pytest.mark.parametrize("lang, words", [("en", ["communities has no version 7"]), ("zh", ["社区表没有版本 7"])])
def test_export_of_a_version_that_does_not_exist_exits_1_and_writes_nothing(sqlite_engine, capsys, tmp_path, lang, words):
    run(capsys, "import", fixture("v_communities.csv"))
    out = tmp_path / "v7.csv"
    code, _, err = run(capsys, "export", "--table", "communities", "--version", "7", "--out", out, "--lang", lang)
    assert code == 1 and not out.exists()
    assert all(w in err for w in words), err


FORMULAS = ['=HYPERLINK("x")', "+1", "-1", "@x", "=1+2"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_neutralises_names_a_spreadsheet_would_run(sqlite_engine, capsys, tmp_path, suffix):
    rows = [["community_id", "name_zh", "district", "characteristic", "stage", "latitude", "longitude"]]
    rows += [[f"63010300300{i}", name, "城中区", "harmony", "named", "36.6", "101.76"] for i, name in enumerate(FORMULAS)]
    source = tmp_path / "formulas.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    assert run(capsys, "import", source)[0] == 0
    out = tmp_path / f"communities{suffix}"
    assert run(capsys, "export", "--table", "communities", "--out", out)[0] == 0
    if suffix == ".csv":
        names = [r["name_zh"] for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))]
    else:
        cells = [row[1] for row in load_workbook(out)["communities"].iter_rows(min_row=2)]
        assert {c.data_type for c in cells} == {"s"}
        names = [c.value for c in cells]
    assert names == ["'" + name for name in FORMULAS]


@pytest.mark.parametrize("lang, words", [("en", ["Use a .csv or .xlsx"]), ("zh", [".csv 或 .xlsx"])])
def test_export_to_another_file_type_exits_2(sqlite_engine, capsys, tmp_path, lang, words):
    code, _, err = run(capsys, "export", "--table", "targets", "--out", tmp_path / "t.json", "--lang", lang)
    assert code == 2
    assert all(w in err for w in words), err


@pytest.mark.parametrize("lang, words", [("en", ["Cannot write", "folder exists"]), ("zh", ["无法写入", "文件夹存在"])])
def test_export_into_a_missing_folder_exits_2_without_traceback(sqlite_engine, capsys, tmp_path, lang, words):
    code, _, err = run(capsys, "export", "--table", "targets", "--out", tmp_path / "no" / "t.csv", "--lang", lang)
    assert code == 2
    assert all(w in err for w in words), err


@pytest.mark.parametrize(
    "lang, words",
    [("en", ["Cannot use the database", "DASHBOARD_DATABASE_URL"]), ("zh", ["无法使用数据库", "DASHBOARD_DATABASE_URL"])],
)
def test_unreachable_database_is_one_line_not_a_traceback(capsys, monkeypatch, tmp_path, lang, words):
    from dashboard.storage import database

    database.engine_for.cache_clear()
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", f"sqlite:///{tmp_path / 'missing' / 'folder' / 'x.db'}")
    try:
        code, out, err = run(capsys, "versions", "--lang", lang)
    finally:
        database.engine_for.cache_clear()
    assert (code, out) == (2, "")
    assert all(w in err for w in words), err


@pytest.mark.parametrize(
    "name, value, lang, words",
    [
        ("DASHBOARD_UPLOAD_LIMIT_MB", "abc", "en", ["DASHBOARD_UPLOAD_LIMIT_MB=abc", "a number greater than 0"]),
        ("DASHBOARD_UPLOAD_LIMIT_MB", "0", "zh", ["DASHBOARD_UPLOAD_LIMIT_MB=0", "大于 0 的数字"]),
        ("DASHBOARD_LOCKOUT_ATTEMPTS", "-2", "en", ["DASHBOARD_LOCKOUT_ATTEMPTS=-2", "whole number of at least 1"]),
        ("DASHBOARD_BASEMAP", "foo", "en", ["DASHBOARD_BASEMAP=foo", "one of none, osm, gaode, tianditu"]),
        ("DASHBOARD_LANG", "fr", "zh", ["DASHBOARD_LANG=fr", "zh, en 之一"]),
        ("DASHBOARD_TIMING", "maybe", "en", ["DASHBOARD_TIMING=maybe", "1, true, yes, on"]),
    ],
)
def test_a_refused_setting_stops_every_command_with_exit_2_and_one_line(
    sqlite_engine, capsys, monkeypatch, name, value, lang, words
):
    monkeypatch.setenv(name, value)
    code, out, err = run(capsys, "versions", "--lang", lang)
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1 and all(w in err for w in words), err


def test_a_refused_language_setting_is_reported_in_the_default_language(sqlite_engine, capsys, monkeypatch):
    monkeypatch.setenv("DASHBOARD_LANG", "fr")
    code, _, err = run(capsys, "versions")
    assert code == 2 and "设置 DASHBOARD_LANG=fr 不可用" in err


# --- --lang, written once for every command --------------------------------------------------------------------


def _parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every (sub-)command's parser with its words, e.g. ("users", "add")."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield (*path, name), child
                yield from _parsers(child, (*path, name))


def test_every_command_offers_the_same_lang_option():
    found = {words: [a for a in p._actions if a.dest == "lang"] for words, p in _parsers(build_parser())}
    assert {" ".join(w) for w in found} >= {"validate", "import", "versions", "rollback", "export", "sample", "map", "brief"}
    assert {" ".join(w) for w in found} >= {"users", "users add", "users list", "users remove", "users passwd"}
    for words, options in found.items():
        assert [(o.option_strings, list(o.choices)) for o in options] == [(["--lang"], sorted(LANGS))], words


ARGV = {
    "validate": ["validate", "f.csv"],
    "import": ["import", "f.csv"],
    "versions": ["versions"],
    "rollback": ["rollback", "--table", "targets", "--to", "1"],
    "export": ["export", "--table", "targets", "--out", "t.csv"],
    "sample": ["sample"],
    "map": ["map", "--out", "m.html"],
    "brief": ["brief", "--out", "b.pptx"],
    "users": ["users", "list"],
}


@pytest.mark.parametrize("configured", ["zh", "en"])
@pytest.mark.parametrize("given", [None, "zh", "en"])
@pytest.mark.parametrize("command", sorted(ARGV))
def test_lang_of_a_command_is_the_option_else_the_configured_language(monkeypatch, command, given, configured):
    monkeypatch.setenv("DASHBOARD_LANG", configured)
    args = build_parser().parse_args(ARGV[command] + (["--lang", given] if given else []))
    assert lang_of(args) == (given or configured)


@pytest.mark.parametrize(
    "argv",
    [["users", "--lang", "en", "add", "ed", "--role", "editor"], ["users", "add", "ed", "--role", "editor", "--lang", "en"]],
    ids=["before the action", "after the action"],
)
def test_users_takes_lang_before_or_after_its_action(monkeypatch, argv):
    monkeypatch.setenv("DASHBOARD_LANG", "zh")
    assert lang_of(build_parser().parse_args(argv)) == "en"


# --- sample and the real entry point ---------------------------------------------------------------------------


def test_sample_loads_all_four_tables(sqlite_engine, capsys):
    code, out, _ = run(capsys, "sample", "--lang", "en")
    assert code == 0 and "Loaded the sample data" in out
    versions = _versions(capsys)
    assert sorted(v["table"] for v in versions) == sorted(TABLES)
    assert all(v["version"] == 1 and v["rows"] > 0 and v["active"] for v in versions)
    assert "630103003002" in set(store.load_table(sqlite_engine, "communities")["community_id"])


def test_python_m_dashboard_validate_json_entry_point(tmp_path):
    env = {**os.environ, "DASHBOARD_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "dashboard", "validate", "--json", "--lang", "en"]
    done = subprocess.run(
        [*command, fixture("v_communities_bad.csv")], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    assert done.returncode == 1, done.stderr  # the exit code travels through sys.exit(main())
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert (report["valid"], report["table"], report["rows"], len(report["errors"])) == (False, "communities", 8, 12)


def test_python_m_dashboard_refuses_a_bad_setting_with_exit_2_and_no_traceback(tmp_path):
    env = {**os.environ, "DASHBOARD_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PYTHONPATH": str(ROOT)}
    env["DASHBOARD_UPLOAD_LIMIT_MB"] = "abc"
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "versions", "--lang", "en"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.strip() == (
        "Setting DASHBOARD_UPLOAD_LIMIT_MB=abc is not allowed: it must be a number greater than 0. Correct it and start again."
    )
    assert not (tmp_path / "cli.db").exists()  # stopped before touching the database
