"""What a commit would change (``diff``), the staff templates, and spreadsheet-safe files.

Frames come from ``check_bytes`` on small CSV texts, so they have exactly the
dtypes the desk compares; no database is needed except for ``staging``.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard import config
from dashboard.ingest import diff, staging
from dashboard.ingest.importing import check_bytes
from dashboard.render import templates
from dashboard.render.exports import safe_frame, table_bytes
from dashboard.schema import TABLES
from dashboard.storage import audit, store

FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "\t=1+1"]
SAMPLE_COMMUNITIES = set(pd.read_csv(config.SAMPLE_DIR / "communities.csv", dtype=str)["community_id"])
HEAD = "community_id,name_zh,district,characteristic,stage,latitude,longitude,households\n"


def frame_of(text: str, table: str | None = None, known: set[str] | None = None) -> pd.DataFrame:
    report = check_bytes(None, text.encode(), "f.csv", table, known_communities=known)
    assert report.valid, report.as_dict("en")["errors"]
    return report.frame


# --- diff ------------------------------------------------------------------------------------------------------

ACTIVE = frame_of(
    HEAD + "A1,甲,chengxi,caring,named,36.6,101.7,100\n"
    "A2,乙,chengxi,caring,named,36.6,101.7,200\n"
    "A3,丙,chengdong,health,applied,36.6,101.8,\n"
)


def test_replace_preview_counts_added_changed_removed_and_names_changed_fields():
    incoming = frame_of(
        HEAD + "A1,甲,chengxi,caring,named,36.6,101.7,100\n"
        "A2,乙二,chengxi,caring,assessed,36.6,101.7,200\n"
        "A4,丁,chengbei,green,applied,36.7,101.75,5\n"
    )
    preview = diff.preview("communities", ACTIVE, incoming, "replace")
    assert preview.summary == {"added": 1, "changed": 1, "removed": 1, "unchanged": 1}
    assert preview.changed.to_dict("records") == [{"community_id": "A2", "fields": "name_zh, stage"}]
    assert list(preview.added["community_id"]) == ["A4"] and list(preview.removed["community_id"]) == ["A3"]


def test_append_preview_never_removes():
    incoming = frame_of(HEAD + "A3,丙,chengdong,health,applied,36.6,101.8,7\n")
    preview = diff.preview("communities", ACTIVE, incoming, "append")
    assert preview.summary == {"added": 0, "changed": 1, "removed": 0, "unchanged": 0}
    assert preview.changed["fields"].tolist() == ["households"]


def test_same_values_written_differently_are_unchanged():
    """1 and 1.0, a blank and a missing value, 36.6 and 36.6000000001: no change."""
    incoming = frame_of(
        HEAD + "A1,甲,城西区,关爱,命名,36.6000000001,101.70,100\n"
        "A2,乙,Chengxi District,caring,named,36.6,101.7,200\n"
        "A3,丙,chengdong,health,applied,36.6,101.8,\n"
    )
    assert diff.preview("communities", ACTIVE, incoming, "replace").summary == {
        "added": 0,
        "changed": 0,
        "removed": 0,
        "unchanged": 3,
    }


def test_activities_without_an_id_are_always_added_and_dates_compare_as_days():
    head = "activity_id,community_id,date,category,participants\n"
    known = {"A1", "A2"}
    active = frame_of(head + "X1,A1,2026-03-05,cleanup,10\n", "activities", known)
    incoming = frame_of(
        head + "X1,A1,2026年3月5日,cleanup,10\n,A2,2026/3/6,patrol,4\n,A2,2026/3/6,patrol,4\n", "activities", known
    )
    preview = diff.preview("activities", active, incoming, "append")
    assert preview.summary == {"added": 2, "changed": 0, "removed": 0, "unchanged": 1}


def test_surveys_are_keyed_by_community_and_month():
    head = "community_id,period,satisfaction\n"
    known = {"A1", "A2"}
    active = frame_of(head + "A1,2026-03,80\nA1,2026-04,81\n", "surveys", known)
    incoming = frame_of(head + "A1,2026年3月,80\nA1,2026-04,85\nA2,2026-04,70\n", "surveys", known)
    preview = diff.preview("surveys", active, incoming, "append")
    assert preview.summary == {"added": 1, "changed": 1, "removed": 0, "unchanged": 1}
    assert preview.changed.iloc[0]["fields"] == "satisfaction"
    assert preview.changed.iloc[0]["period"] == pd.Timestamp("2026-04-01")


def test_moved_communities_are_the_new_ones_and_those_moved_over_50_metres():
    incoming = frame_of(
        HEAD + "A1,甲,chengxi,caring,named,36.6003,101.7,100\n"  # ~33 m: stays
        "A2,乙,chengxi,caring,named,36.601,101.7,200\n"  # ~111 m: moved
        "A4,丁,chengbei,green,applied,36.7,101.75,5\n"
    )  # new
    assert list(diff.moved_communities(ACTIVE, incoming)["community_id"]) == ["A2", "A4"]


# --- staging -----------------------------------------------------------------------------------------------------


def test_stage_previews_a_valid_file_against_the_active_version(sqlite_engine):
    first = frame_of(HEAD + "A1,甲,chengxi,caring,named,36.6,101.7,100\n")
    store.commit_frame(sqlite_engine, "communities", first, "replace", store.ImportMeta("t", "a.csv", ""))
    data = (HEAD + "A1,甲,chengxi,caring,named,36.6,101.7,101\nA2,乙,chengxi,caring,named,36.6,101.7,1\n").encode()
    staged = staging.stage(sqlite_engine, data, "dir/new.csv")
    assert (staged.table, staged.mode, staged.expected_version, staged.file_name, staged.size) == (
        "communities",
        "replace",
        1,
        "new.csv",
        len(data),
    )
    assert staged.preview.summary == {"added": 1, "changed": 1, "removed": 0, "unchanged": 0}
    assert list(staged.moved["community_id"]) == ["A2"]
    ed = audit.Actor("ed", "desk")
    assert staging.commit(sqlite_engine, staged, ed, "note") == 2
    with pytest.raises(store.VersionConflict):  # the same check committed twice
        staging.commit(sqlite_engine, staged, ed, "note")


def test_rows_with_problems_keep_spreadsheet_rows_and_mark_the_cells_at_fault():
    data = (
        "community_id,name_zh,district,characteristic,stage,latitude,longitude,,name_zh\n"
        "A1,甲,chengxi,caring,named,36.6,101.7,,x\n"
        "A2,乙,nowhere,caring,named,north,101.7,stray,y\n"
        "A3,丙,chengxi,caring,named,36.6,101.7,,z\n"
    ).encode()
    report = check_bytes(None, data, "f.csv")
    assert staging.problem_rows(report) == 1
    problems = staging.problems_frame(report, "en")
    assert list(problems.columns) == ["row", "column", "value", "code", "message"]
    rows, mask = staging.rows_with_problems(data, "f.csv", report)
    assert list(rows.index) == [3]
    assert list(rows.columns) == [
        "community_id",
        "name_zh",
        "district",
        "characteristic",
        "stage",
        "latitude",
        "longitude",
        "#8",
        "name_zh (2)",
    ]
    assert [c for c in mask.columns if mask.loc[3, c]] == ["district", "latitude"]
    rows.style.apply(lambda _: mask.replace({True: "color: red", False: ""}), axis=None).to_html()  # Styler accepts them


def test_rows_with_problems_of_an_unreadable_file_are_empty():
    report = check_bytes(None, b"\x89PNG\r\n\x1a\n\x00\x00", "p.csv")
    assert report.errors[0].code == "file_not_table"
    rows, mask = staging.rows_with_problems(b"\x89PNG\r\n\x1a\n\x00\x00", "p.csv", report)
    assert rows.empty and mask.empty


# --- templates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("table", list(TABLES))
def test_every_template_passes_validation_with_two_example_rows(table, lang, kind):
    data = templates.template_bytes(table, lang, kind)
    for chosen in (table, None):  # also recognised from its headers alone
        report = check_bytes(None, data, f"{table}-template.{kind}", chosen, known_communities=SAMPLE_COMMUNITIES)
        assert report.valid, report.as_dict("en")["errors"]
        assert report.table == table and report.rows == 2 and not report.warnings
    columns = TABLES[table].columns
    headers = [c.zh for c in columns] if lang == "zh" else [c.name for c in columns]
    if kind == "csv":
        assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese correctly
        assert data.decode("utf-8-sig").splitlines()[0].split(",") == headers
        return
    book = load_workbook(io.BytesIO(data))
    examples, dictionary = book.worksheets
    assert examples.title == (TABLES[table].zh if lang == "zh" else table)
    assert [c.value for c in examples[1]] == headers and examples.max_row == 3
    assert dictionary.title == ("数据字典" if lang == "zh" else "data dictionary")
    assert [r[0] for r in dictionary.iter_rows(min_row=2, values_only=True)] == [c.name for c in columns]


def test_data_dictionary_lists_allowed_values_and_rules():
    sheet = templates.dictionary_frame("communities", "en")
    stage = sheet[sheet["Column"] == "stage"].iloc[0]
    assert stage["Required"] == "yes" and "named / " in stage["Allowed values (code / English / 中文)"]
    assert sheet[sheet["Column"] == "latitude"].iloc[0]["Rule"] == "Latitude in degrees, inside Xining."
    zh = templates.dictionary_frame("surveys", "zh")
    assert list(zh["中文表头"]) == [c.zh for c in TABLES["surveys"].columns]


def test_template_examples_name_real_sample_communities():
    used = {row["community_id"] for rows in templates.EXAMPLES.values() for row in rows if "community_id" in row}
    assert used <= SAMPLE_COMMUNITIES


# --- files for spreadsheets ----------------------------------------------------------------------------------------


def test_downloaded_files_neutralise_formula_cells_but_keep_numbers():
    frame = pd.DataFrame({"text": [*FORMULAS, "plain"], "number": [-1.5, 1, 2, 3, 4, 5]})
    assert list(safe_frame(frame)["text"]) == ["'" + f for f in FORMULAS] + ["plain"]
    assert list(safe_frame(frame)["number"]) == [-1.5, 1, 2, 3, 4, 5]
    text = pd.read_csv(io.BytesIO(table_bytes(frame, "csv")), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(text["text"]) == ["'" + f for f in FORMULAS] + ["plain"] and text["number"][0] == "-1.5"
    sheet = load_workbook(io.BytesIO(table_bytes(frame, "xlsx"))).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert [c.value for c in cells if c.column == 1] == ["'" + f for f in FORMULAS] + ["plain"]
    assert sheet.cell(row=2, column=2).value == -1.5


def test_string_dtype_columns_are_neutralised_too():
    frame = pd.DataFrame({"text": pd.array(FORMULAS, dtype="string")})
    assert list(safe_frame(frame)["text"]) == ["'" + f for f in FORMULAS]


def test_problems_are_listed_in_the_files_row_order_and_a_blank_cell_is_said_in_words():
    data = (
        "community_id,name_zh,district,characteristic,stage,latitude,longitude\n"
        "A1,甲,chengxi,caring,named,36.6,101.7\n"
        "A2,乙,nowhere,caring,named,36.6,101.7\n"
        "A3,,chengxi,caring,named,north,101.7\n"
    ).encode()
    report = check_bytes(None, data, "f.csv")
    for lang, blank in (("zh", "（空白）"), ("en", "(blank)")):
        problems = staging.problems_frame(report, lang)
        assert problems["row"].tolist() == sorted(problems["row"].tolist())
        assert set(problems["row"]) == {3, 4}
        named = problems[problems["column"] == "name_zh"]
        assert named["value"].tolist() == [blank]  # not None: the cell is blank in the file
    rows, _ = staging.rows_with_problems(data, "f.csv", report)
    assert rows.loc[4, "name_zh"] == ""  # the file's row as it is: blank, not "None" nor NaN
