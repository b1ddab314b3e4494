"""District offices: scoped imports and restores, the guard against removal, imports that change nothing.

Everything runs on SQLite and PostgreSQL (the ``engine`` fixture), through the
command line as staff use it (``import --as``, ``rollback --as``) and through
the storage functions underneath. Seven communities in three districts:
城西区 (chengxi) 2, 城东区 (chengdong) 3, 城中区 (chengzhong) 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher

from dashboard import auth
from dashboard.cli.main import main
from dashboard.ingest import guard
from dashboard.ingest.importing import check_bytes
from dashboard.scope import Scope
from dashboard.storage import audit, store

PASSWORD = "Scoped-pass-42"
HEAD = "community_id,name_zh,district,characteristic,stage,latitude,longitude,households\n"
XI = ["630104001001", "630104001002"]
DONG = ["630102001001", "630102001002", "630102001003"]
ZHONG = ["630103001001", "630103001002"]
DISTRICT_OF = {**dict.fromkeys(XI, "chengxi"), **dict.fromkeys(DONG, "chengdong"), **dict.fromkeys(ZHONG, "chengzhong")}


def community(cid: str, district: str | None = None, households: int = 100, name: str = "社区") -> str:
    return f"{cid},{name}{cid[-3:]},{district or DISTRICT_OF[cid]},caring,building,36.6,101.7,{households}\n"


def activity(aid: str, cid: str, participants: int = 10, title: str = "巡逻") -> str:
    return f"{aid},{cid},2026-10-0{1 + int(aid[-1]) % 9},patrol,{title},{participants}\n"


ACTIVITIES_HEAD = "activity_id,community_id,date,category,title,participants\n"


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def city(engine, tmp_path, capsys, monkeypatch):
    """Seven communities and one activity each, loaded by the operator; accounts for 城西区 and the city."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setenv("DASHBOARD_LANG", "en")
    communities = HEAD + "".join(community(c) for c in XI + DONG + ZHONG)
    assert run(capsys, "import", write(tmp_path, "communities.csv", communities))[0] == 0
    activities = ACTIVITIES_HEAD + "".join(activity(f"A{i}", c) for i, c in enumerate(XI + DONG + ZHONG))
    assert run(capsys, "import", write(tmp_path, "activities.csv", activities))[0] == 0
    chengxi = Scope.of(["chengxi"])
    auth.add_user(engine, "xi", PASSWORD, "editor", scope=chengxi)
    auth.add_user(engine, "xi.admin", PASSWORD, "admin", scope=chengxi)
    auth.add_user(engine, "boss", PASSWORD, "admin")
    auth.add_user(engine, "reader", PASSWORD, "viewer")
    return engine


def snapshot(engine) -> dict:
    return {"versions": store.list_versions(engine), **{t: store.load_table(engine, t) for t in ("communities", "activities")}}


def assert_unchanged(engine, before: dict) -> None:
    after = snapshot(engine)
    assert after["versions"] == before["versions"]
    for table in ("communities", "activities"):
        pd.testing.assert_frame_equal(after[table], before[table])


def rows_of(engine, table: str, ids: list[str], column: str = "community_id") -> pd.DataFrame:
    frame = store.load_table(engine, table)
    return frame[frame[column].isin(ids)].sort_values(list(frame.columns[:2])).reset_index(drop=True)


# --- a scoped editor's file is checked row by row against its districts ---------------------------------------

MIXED = (
    HEAD
    + community(XI[0], households=150)  # row 2: its own
    + community(DONG[0])  # row 3: 城东区's
    + community(XI[1])  # row 4: its own
    + community("630102009009", "chengdong")  # row 5: a new community, but in 城东区
    + community(ZHONG[0], "chengxi")  # row 6: 城中区's community, written as 城西区 (moving it in)
)
MIXED_MESSAGES = {
    "en": (
        "Row 3, column “community_id”: community “630102001001” belongs to Chengdong; this account may change Chengxi only. "
        "Remove the row, or ask the office of Chengdong or the city office to make this change."
    ),
    "zh": (
        "第 3 行，“community_id”列：社区“630102001001”属于城东区；本账号只能修改城西区的数据。"
        "请删除该行，或请城东区或市级账号修改。"
    ),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_scoped_editors_mixed_file_is_rejected_on_exactly_the_rows_outside_its_districts(city, tmp_path, capsys, lang):
    before = snapshot(city)
    code, out, _ = run(capsys, "import", write(tmp_path, "mixed.csv", MIXED), "--as", "xi", "--lang", lang, "--json")
    report = json.loads(out)
    assert code == 1 and report["version"] is None
    assert [(e["row"], e["code"]) for e in report["errors"]] == [
        (3, "out_of_scope_community"),
        (5, "out_of_scope_community"),
        (6, "out_of_scope_community"),
    ]
    assert report["errors"][0]["message"] == MIXED_MESSAGES[lang]
    assert ("城中区" if lang == "zh" else "Chengzhong") in report["errors"][2]["message"]  # where it belongs now
    assert_unchanged(city, before)
    checked = audit.entries(city, events=["file_checked"])[0]
    assert (checked["user"], checked["outcome"], checked["source"], checked["details"]["problems"]) == ("xi", "failure", "cli", 3)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Row 3, column “district”: this row moves the community to Chengdong; this account may change Chengxi only."),
        ("zh", "第 3 行，“district”列：该行把社区改到了城东区；本账号只能修改城西区的数据。"),
    ],
)
def test_moving_ones_own_community_to_another_district_blames_the_district_cell(city, tmp_path, capsys, lang, said):
    """Not "community … belongs to 城东区": it belongs to 城西区, and the district cell is the one at fault."""
    before = snapshot(city)
    moved = HEAD + community(XI[0]) + community(XI[1], "chengdong")
    code, out, _ = run(capsys, "import", write(tmp_path, "moved.csv", moved), "--as", "xi", "--lang", lang, "--json")
    report = json.loads(out)
    assert code == 1 and [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [(3, "district", "out_of_scope_move")]
    assert report["errors"][0]["message"].startswith(said)
    assert_unchanged(city, before)


@pytest.mark.parametrize(
    "table, text, rows, code",
    [
        ("activities", ACTIVITIES_HEAD + activity("N1", XI[0]) + activity("N2", DONG[1]) + activity("A2", XI[1]), [3, 4], None),
        ("surveys", "community_id,period,satisfaction\n" + f"{XI[0]},2026-10,90\n{ZHONG[1]},2026-10,80\n", [3], None),
        ("targets", "district,year,metric,target\nchengxi,2026,activities,10\n城东区,2026,activities,9\n", [3], None),
    ],
)
def test_activities_surveys_and_targets_outside_the_districts_are_rejected_by_row(
    city, tmp_path, capsys, table, text, rows, code
):
    before = snapshot(city)
    got, out, _ = run(capsys, "import", write(tmp_path, f"{table}.csv", text), "--as", "xi", "--json", "--table", table)
    errors = json.loads(out)["errors"]
    assert got == 1 and [e["row"] for e in errors] == rows
    assert_unchanged(city, before)
    if table == "activities":  # A2 is 城东区's activity: reusing its number would replace that row
        assert [e["code"] for e in errors] == ["out_of_scope_community", "out_of_scope_activity"]
        assert errors[1]["message"].startswith("Row 4, column “activity_id”: activity “A2” is already recorded for Chengdong")
    if table == "targets":
        assert errors[0]["message"].startswith("Row 3, column “district”: this target is for Chengdong; this account")


def test_the_same_file_is_valid_for_a_city_wide_account(city):
    assert check_bytes(city, MIXED.encode(), "mixed.csv", scope=Scope()).valid
    report = check_bytes(city, MIXED.encode(), "mixed.csv", scope=Scope.of(["chengxi", "chengdong", "chengzhong"]))
    assert report.valid  # every district it names is in scope


# --- replace within scope -------------------------------------------------------------------------------------


def test_a_scoped_replace_leaves_every_other_district_untouched(city, tmp_path, capsys):
    others = rows_of(city, "communities", DONG + ZHONG)
    text = HEAD + community(XI[0], households=999) + community(XI[1]) + community("630104001099", "chengxi")
    code, out, _ = run(capsys, "import", write(tmp_path, "xi.csv", text), "--as", "xi", "--mode", "replace")
    assert code == 0, out
    assert "5 rows of districts other than Chengxi stay as they were" in out
    pd.testing.assert_frame_equal(rows_of(city, "communities", DONG + ZHONG), others)
    mine = rows_of(city, "communities", [*XI, "630104001099"])
    assert mine["households"].tolist() == [999, 100, 100]
    assert len(store.load_table(city, "communities")) == 8
    newest = store.list_versions(city, "communities")[0]
    assert (newest["mode"], newest["user"], newest["rows"]) == ("scoped_replace", "xi", 3)
    assert len(store.load_table(city, "communities", 1)) == 7  # the version before is still whole


def test_a_scoped_replace_of_activities_keeps_the_other_districts_activities(city, tmp_path, capsys):
    others = rows_of(city, "activities", DONG + ZHONG)
    text = ACTIVITIES_HEAD + activity("X1", XI[0], 5) + activity("X2", XI[0], 6) + activity("X3", XI[1], 7)
    argv = ("import", write(tmp_path, "xi-acts.csv", text), "--as", "xi", "--mode", "replace", "--confirm-removals", "2")
    assert run(capsys, *argv)[0] == 0  # A0 and A1, 城西区's only two, are replaced: every row of the district
    pd.testing.assert_frame_equal(rows_of(city, "activities", DONG + ZHONG), others)
    assert sorted(rows_of(city, "activities", XI)["activity_id"]) == ["X1", "X2", "X3"]


def test_a_city_wide_replace_after_scoped_versions_starts_afresh_and_every_version_stays_readable(city, tmp_path, capsys):
    run(capsys, "import", write(tmp_path, "xi.csv", HEAD + community(XI[0], households=5) + community(XI[1])), "--as", "xi")
    whole = HEAD + "".join(community(c, households=7) for c in XI + DONG + ZHONG)
    assert run(capsys, "import", write(tmp_path, "all.csv", whole), "--as", "boss")[0] == 0
    assert store.load_table(city, "communities")["households"].tolist() == [7] * 7
    households = {v: sorted(store.load_table(city, "communities", v)["households"]) for v in (1, 2, 3)}
    assert households == {1: [100] * 7, 2: [5, *[100] * 6], 3: [7] * 7}


def test_the_store_refuses_rows_outside_the_scope_whatever_the_caller_checked(city):
    before = snapshot(city)
    frame = check_bytes(city, (HEAD + community(DONG[0], households=1)).encode(), "x.csv").frame
    meta = store.ImportMeta("xi", "x.csv", "")
    for mode in ("replace", "append"):
        with pytest.raises(store.OutOfScope):
            store.commit_frame(city, "communities", frame, mode, meta, scope=Scope.of(["chengxi"]))
    assert_unchanged(city, before)


# --- acting as an account from the command line ---------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--as", "nobody"], "There is no account named “nobody”"),
        (["--as", "reader"], "Account “reader” is a viewer and may not import files"),
    ],
)
def test_import_as_an_unknown_account_or_a_viewer_exits_1(city, tmp_path, capsys, argv, words):
    before = snapshot(city)
    code, _, err = run(capsys, "import", write(tmp_path, "c.csv", HEAD + community(XI[0], households=1)), *argv)
    assert code == 1 and words in err
    assert_unchanged(city, before)


def test_without_as_the_operator_imports_city_wide_and_is_recorded_as_such(city, tmp_path, capsys):
    assert run(capsys, "import", write(tmp_path, "c.csv", MIXED), "--mode", "append")[0] == 0
    done = audit.entries(city, events=["import"])[0]
    assert (done["user"], done["outcome"], done["source"]) == ("(operator)", "success", "cli")
    assert {k: done["details"][k] for k in ("table", "version", "added", "changed", "removed")} == {
        "table": "communities",
        "version": 2,
        "added": 1,
        "changed": 2,  # 150 households, and 城中区's community now in 城西区
        "removed": 0,
    }


def test_import_as_an_account_names_it_in_the_version_and_the_audit_log(city, tmp_path, capsys):
    assert (
        run(capsys, "import", write(tmp_path, "c.csv", HEAD + community(XI[0], households=1)), "--as", "XI", "--mode", "append")[
            0
        ]
        == 0
    )
    assert store.list_versions(city, "communities")[0]["user"] == "xi"  # the name in any letter case
    assert [(e["event"], e["user"], e["outcome"]) for e in audit.entries(city, limit=2)] == [
        ("import", "xi", "success"),
        ("file_checked", "xi", "success"),
    ]


# --- restore within scope -------------------------------------------------------------------------------------


def test_a_scoped_admins_restore_brings_back_only_its_districts(city, tmp_path, capsys):
    changed = HEAD + "".join(community(c, households=50) for c in XI + DONG + ZHONG)
    run(capsys, "import", write(tmp_path, "v2.csv", changed), "--as", "boss")
    code, out, _ = run(capsys, "rollback", "--table", "communities", "--to", "1", "--as", "xi.admin")
    assert code == 0, out
    assert "5 rows of districts other than Chengxi stay as they were" in out
    now = store.load_table(city, "communities").set_index("community_id")["households"]
    assert {c: now[c] for c in XI} == dict.fromkeys(XI, 100)  # back to version 1
    assert {c: now[c] for c in DONG + ZHONG} == dict.fromkeys(DONG + ZHONG, 50)  # as the city left them
    newest = store.list_versions(city, "communities")[0]
    assert (newest["mode"], newest["restored_from"], newest["user"]) == ("scoped_restore", 1, "xi.admin")
    restored = audit.entries(city, events=["restore"])[0]
    assert (restored["user"], restored["outcome"], restored["details"]["version"]) == ("xi.admin", "success", 3)


def test_a_scoped_restore_is_refused_when_an_old_row_now_belongs_to_another_district(city, tmp_path, capsys):
    moved = HEAD + "".join(community(c) for c in XI[1:] + DONG + ZHONG) + community(XI[0], "chengdong")
    run(capsys, "import", write(tmp_path, "moved.csv", moved), "--as", "boss")  # 城西区's first community moves east
    before = snapshot(city)
    code, _, err = run(capsys, "rollback", "--table", "communities", "--to", "1", "--as", "xi.admin")
    assert code == 1 and "1 row whose key now belongs to another district" in err
    assert_unchanged(city, before)


@pytest.mark.parametrize("name", ["xi", "reader"])
def test_only_admins_restore(city, capsys, name):
    before = snapshot(city)
    code, _, err = run(capsys, "rollback", "--table", "communities", "--to", "1", "--as", name)
    assert code == 1 and "may not restore versions" in err
    assert_unchanged(city, before)


# --- the guard against removal --------------------------------------------------------------------------------

SIX = HEAD + "".join(community(c) for c in XI + DONG + ZHONG[:1])  # 城中区 loses one of its two: 1 of 7 is 14%


@pytest.mark.parametrize(
    "lang, words",
    [
        (
            "en",
            [
                "This would remove 1 row of the communities table (14% of the 7 rows",
                "--confirm-removals 1",
                "Chengzhong: 1 of 2",
            ],
        ),
        ("zh", ["此操作将删除社区表的 1 行（占本账号范围内 7 行的 14%）", "--confirm-removals 1", "城中区：2 行中删除 1 行"]),
    ],
)
def test_a_large_removal_on_the_command_line_needs_its_number(city, tmp_path, capsys, lang, words):
    before = snapshot(city)
    path = write(tmp_path, "six.csv", SIX)
    code, _, err = run(capsys, "import", path, "--lang", lang)
    assert code == 1 and all(w in err for w in words), err
    code, _, err = run(capsys, "import", path, "--confirm-removals", "2", "--lang", lang)
    assert code == 1 and "2" in err and ("does not match" in err or "不符" in err)
    assert_unchanged(city, before)
    refused = audit.entries(city, events=["import"])[0]
    assert (refused["outcome"], refused["details"]["reason"], refused["details"]["removed_by_district"]) == (
        "refused",
        "removals_not_confirmed",
        {"chengzhong": 1},
    )
    assert run(capsys, "import", path, "--confirm-removals", "1")[0] == 0
    assert len(store.load_table(city, "communities")) == 6


def test_removing_every_row_of_a_district_is_large_even_under_the_limit(city, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DASHBOARD_REMOVAL_LIMIT_PERCENT", "50")
    text = HEAD + "".join(community(c) for c in XI + DONG)  # 2 of 7 (29%), but every row of 城中区
    code, _, err = run(capsys, "import", write(tmp_path, "five.csv", text))
    assert code == 1 and "Chengzhong: 2 of 2 rows removed (every row)" in err
    assert run(capsys, "import", write(tmp_path, "six.csv", SIX))[0] == 0  # 14% under 50%, 城中区 keeps one


def test_the_limit_counts_the_rows_of_the_accounts_own_districts(city, tmp_path, capsys):
    """城西区 has 2 communities: removing 1 is half of what the account may change, though 1 of 7 in the city."""
    code, _, err = run(capsys, "import", write(tmp_path, "xi.csv", HEAD + community(XI[0])), "--as", "xi", "--mode", "replace")
    assert code == 1 and "(50% of the 2 rows in this account's districts)" in err


def test_a_restore_that_removes_much_needs_the_number_too(city, tmp_path, capsys):
    run(capsys, "import", write(tmp_path, "more.csv", HEAD + community("630104001003", "chengxi")), "--mode", "append")
    run(capsys, "import", write(tmp_path, "more2.csv", HEAD + community("630104001004", "chengxi")), "--mode", "append")
    before = snapshot(city)
    code, _, err = run(capsys, "rollback", "--table", "communities", "--to", "1")  # removes 2 of 城西区's 4, 2 of 9 all told
    assert code == 1 and "--confirm-removals 2" in err and "Chengxi: 2 of 4" in err
    assert_unchanged(city, before)
    assert run(capsys, "rollback", "--table", "communities", "--to", "1", "--confirm-removals", "2")[0] == 0
    assert len(store.load_table(city, "communities")) == 7


@pytest.mark.parametrize(
    "removed, before, limit, large",
    [
        ({"a": 1}, {"a": 10, "b": 10}, 10, False),  # 5%
        ({"a": 3}, {"a": 10, "b": 10}, 10, True),  # 15%
        ({"a": 2}, {"a": 10, "b": 10}, 10, False),  # exactly 10% is not more than 10%
        ({"a": 1}, {"a": 1, "b": 99}, 10, True),  # every row of a
        ({}, {"a": 1}, 10, False),
        ({"": 5}, {"": 5, "b": 95}, 10, False),  # rows of no district never "wipe" one
    ],
)
def test_what_counts_as_a_large_removal(removed, before, limit, large):
    removals = guard.Removals(removed, before, limit)
    assert removals.large is large
    assert removals.confirmed_by(None) is not large and removals.confirmed_by(removals.total)


# --- imports that change nothing, and the apostrophe of exports ------------------------------------------------


@pytest.mark.parametrize("lang, words", [("en", "No changes"), ("zh", "没有变化")])
def test_an_import_identical_to_the_active_data_creates_no_version(city, tmp_path, capsys, lang, words):
    before = snapshot(city)
    code, out, _ = run(
        capsys, "import", write(tmp_path, "same.csv", HEAD + "".join(community(c) for c in XI + DONG + ZHONG)), "--lang", lang
    )
    assert code == 0 and words in out
    assert_unchanged(city, before)
    assert audit.entries(city, events=["import"])[0]["outcome"] == "no_change"


FORMULA_TEXT = ["=1+1", "+86 电话", "-5度巡逻", "@home", "''=twice", "'quoted'", "普通"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_every_table_exported_and_imported_again_changes_nothing(city, tmp_path, capsys, suffix):
    names = HEAD + "".join(community(c, name=FORMULA_TEXT[i % len(FORMULA_TEXT)]) for i, c in enumerate(XI + DONG + ZHONG))
    run(capsys, "import", write(tmp_path, "names.csv", names))
    titles = ACTIVITIES_HEAD + "".join(activity(f"A{i}", c, title=FORMULA_TEXT[i % 7]) for i, c in enumerate(XI + DONG + ZHONG))
    run(capsys, "import", write(tmp_path, "titles.csv", titles))
    run(capsys, "import", write(tmp_path, "s.csv", f"community_id,period,satisfaction,respondents\n{XI[0]},2026-10,91.5,30\n"))
    run(capsys, "import", write(tmp_path, "t.csv", "district,year,metric,target\nchengxi,2026,volunteer_hours,120.5\n"))
    assert store.load_table(city, "communities")["name_zh"].str.startswith("=").any()
    before = snapshot(city)
    for table in ("communities", "activities", "surveys", "targets"):
        out_file = tmp_path / f"{table}{suffix}"
        assert run(capsys, "export", "--table", table, "--out", out_file)[0] == 0
        code, out, _ = run(capsys, "import", out_file, "--table", table, "--lang", "en")
        assert code == 0 and "No changes" in out, (table, out)
    assert_unchanged(city, before)
    names = store.load_table(city, "communities")["name_zh"].tolist()
    assert "'=twice003" in names and "'quoted'001" in names  # apostrophes of the author's own stay
