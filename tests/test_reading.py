"""Reading staff files: every encoding and format the contract accepts, and files that are not tables.

Each accepted variant of a fixture must give exactly the rows the plain UTF-8
file gives; each unreadable file must be rejected with a message that says
what to do, in both languages.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from datetime import datetime
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from dashboard.ingest.importing import check_bytes
from dashboard.ingest.problems import FileProblem
from dashboard.ingest.reading import read_upload

FIXTURES = Path(__file__).parent / "fixtures"
VALID = {
    "v_communities.csv": ("communities", 5),
    "v_communities_zh.csv": ("communities", 3),
    "v_activities.csv": ("activities", 4),
    "v_surveys.csv": ("surveys", 3),
    "v_targets.csv": ("targets", 3),
}
ENCODINGS = ["utf-8", "utf-8-sig", "gbk", "gb18030"]
NEWLINES = {"LF": "\n", "CRLF": "\r\n"}


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@cache
def _reference(name: str) -> pd.DataFrame:
    report = check_bytes(None, (FIXTURES / name).read_bytes(), name)
    assert report.valid, [i.message("en") for i in report.errors]
    return report.frame


def reference_frame(name: str) -> pd.DataFrame:
    """The typed rows of the plain UTF-8, LF fixture: every variant must give the same."""
    return _reference(name).copy()


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with the given sheets, in order."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_rows(name: str) -> list[list[str]]:
    return pd.read_csv(FIXTURES / name, dtype=str, keep_default_na=False, header=None).values.tolist()


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("name", VALID)
def test_csv_in_every_encoding_and_line_ending_gives_the_same_rows(name, encoding, newline):
    data = fixture_text(name).replace("\n", newline).encode(encoding)
    report = check_bytes(None, data, name)
    table, rows = VALID[name]
    assert (report.valid, report.table, report.rows) == (True, table, rows), [i.message("en") for i in report.errors]
    pd.testing.assert_frame_equal(report.frame, reference_frame(name))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_chinese_text_survives_each_encoding(encoding):
    data = fixture_text("v_communities.csv").encode(encoding)
    frame = check_bytes(None, data).frame
    assert frame.loc[0, "name_zh"] == "前营街社区"
    assert frame.loc[0, "brand_name"] == "好邻居"


@pytest.mark.parametrize("name", VALID)
def test_xlsx_first_sheet_gives_the_same_rows_as_csv(name):
    report = check_bytes(None, xlsx_bytes({"Sheet1": csv_rows(name)}), name.replace(".csv", ".xlsx"))
    assert report.valid, [i.message("en") for i in report.errors]
    pd.testing.assert_frame_equal(report.frame, reference_frame(name))


@pytest.mark.parametrize("sheet", ["activities", "活动", " Activities "])
@pytest.mark.parametrize("table", [None, "activities"])
def test_xlsx_sheet_named_for_the_table_is_read_even_when_not_first(sheet, table):
    book = xlsx_bytes({"说明": [["本工作簿第二页为活动表"], ["readme"]], sheet: csv_rows("v_activities.csv")})
    report = check_bytes(None, book, "activities.xlsx", table)
    assert (report.valid, report.table, report.rows) == (True, "activities", 4)
    pd.testing.assert_frame_equal(report.frame, reference_frame("v_activities.csv"))


def test_xlsx_override_picks_the_sheet_of_the_chosen_table():
    book = xlsx_bytes({"communities": csv_rows("v_communities.csv"), "年度目标": csv_rows("v_targets.csv")})
    assert check_bytes(None, book, "all.xlsx").table == "communities"
    report = check_bytes(None, book, "all.xlsx", "targets")
    assert (report.valid, report.table, report.rows) == (True, "targets", 3)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ["只读取了工作表“活动”（作为活动表）", "其他工作表（“说明”、“满意度”）未读取", "再次上传"]),
        ("en", ["Only the sheet “活动” was read, as the activities table", "(“说明”, “满意度”) were not", "upload the"]),
    ],
)
def test_a_workbooks_other_sheets_are_named_as_not_read(lang, words):
    book = xlsx_bytes({"说明": [["readme"]], "活动": csv_rows("v_activities.csv"), "满意度": csv_rows("v_surveys.csv")})
    report = check_bytes(None, book, "two.xlsx", "activities")
    assert (report.valid, report.table, report.rows) == (True, "activities", 4)
    [warning] = [w for w in report.warnings if w.code == "other_sheets"]
    assert all(word in warning.message(lang) for word in words), warning.message(lang)
    single = check_bytes(None, xlsx_bytes({"活动": csv_rows("v_activities.csv")}), "one.xlsx")
    assert not [w for w in single.warnings if w.code == "other_sheets"]  # one sheet: nothing to say


def test_xlsx_typed_cells_read_as_the_user_typed_them():
    rows = [
        ["活动编号", "社区编号", "日期", "活动类别", "参与人数", "志愿服务时长（小时）"],
        ["X1", 630103003002, datetime(2025, 3, 5), "环境整治", 1200, 3.5],
        ["X2", "630103003002", "2025年3月5日", "cleanup", 12.0, None],
    ]
    frame = check_bytes(None, xlsx_bytes({"Sheet1": rows})).frame
    assert frame["community_id"].tolist() == ["630103003002", "630103003002"]
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-03-05", "2025-03-05"]
    assert frame["participants"].tolist() == [1200, 12]


def test_xlsx_blank_rows_keep_spreadsheet_row_numbers():
    rows = [["district", "year", "metric", "target"], ["城中区", 2025, "named", 1], [], [], ["城西区", 2025, "named", "x"]]
    raw = read_upload(xlsx_bytes({"Sheet1": rows}))
    assert raw.frame.index.tolist() == [2, 5]
    report = check_bytes(None, xlsx_bytes({"Sheet1": rows}))
    assert [(i.row, i.column, i.code) for i in report.errors] == [(5, "target", "not_number")]


def test_xlsx_with_a_wrong_stored_size_is_read_whole():
    """Some writers record the sheet's size as "A1"; read-only openpyxl would then see one cell."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"Sheet1": csv_rows("v_targets.csv")})))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
            target.writestr(item, data)
    report = check_bytes(None, buffer.getvalue(), "targets.xlsx")
    assert (report.valid, report.table, report.rows) == (True, "targets", 3)


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
def test_blank_lines_in_a_csv_do_not_shift_row_numbers(newline):
    data = (FIXTURES / "v_activities_bad.csv").read_text(encoding="utf-8").replace("\n", newline).encode("gb18030")
    raw = read_upload(data)
    assert raw.frame.index.tolist() == [2, 5, 6, 8, 9]
    assert raw.frame.loc[5, 0] == "B02"


def test_semicolon_and_tab_separated_files_are_read():
    text = fixture_text("v_targets.csv").replace('"3,920"', "3920").replace('"12,000.5"', "12000.5")
    for sep in (";", "\t"):
        report = check_bytes(None, text.replace(",", sep).encode("utf-8"))
        assert (report.valid, report.rows) == (True, 3)


def test_utf16_unicode_text_from_excel_is_read():
    text = fixture_text("v_surveys.csv").replace('"1,050"', "1050").replace(",", "\t")
    report = check_bytes(None, text.encode("utf-16"))
    assert (report.valid, report.table, report.rows) == (True, "surveys", 3)


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _random_bytes(size: int, low: int = 0) -> bytes:
    rng = random.Random(size)
    return bytes(rng.randrange(low, 256) for _ in range(size))


NOT_TABLES = {
    "random bytes": _random_bytes(2000),
    "random bytes without NUL": _random_bytes(3000, low=1),
    "PNG image": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _random_bytes(200),
    "zip that is not xlsx": _zip({"notes.txt": "hello"}),
    "Word document": _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
    "truncated zip": b"PK\x03\x04" + _random_bytes(100),
}
FILE_MESSAGES = {
    "file_not_table": (["CSV", ".xlsx", "Save as"], ["CSV", ".xlsx", "另存为"]),
    "file_old_excel": ([".xls", "97–2003", ".xlsx"], [".xls", "97–2003", "另存为"]),
    "file_empty": (["empty", "row 1"], ["空", "第 1 行"]),
}


def _assert_file_problem(report, code: str) -> None:
    assert not report.valid
    assert [i.code for i in report.errors] == [code]
    assert report.errors[0].row is None
    en_words, zh_words = FILE_MESSAGES[code]
    for lang, words in (("en", en_words), ("zh", zh_words)):
        message = report.errors[0].message(lang)
        assert all(w in message for w in words), message


@pytest.mark.parametrize("data", NOT_TABLES.values(), ids=NOT_TABLES.keys())
def test_files_that_are_not_tables_are_rejected_with_advice(data):
    _assert_file_problem(check_bytes(None, data, "upload.csv"), "file_not_table")


def test_old_excel_file_is_rejected_with_advice_to_save_as_xlsx():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    _assert_file_problem(check_bytes(None, data, "old.xls"), "file_old_excel")


EMPTY = {
    "no bytes": b"",
    "blank lines": b"\r\n\r\n  \n",
    "UTF-8 BOM only": b"\xef\xbb\xbf",
    "BOM and a newline": b"\xef\xbb\xbf\r\n",
    "UTF-16 BOM only": b"\xff\xfe",
}


@pytest.mark.parametrize("data", EMPTY.values(), ids=EMPTY.keys())
def test_empty_files_are_rejected_as_empty(data):
    _assert_file_problem(check_bytes(None, data, "empty.csv"), "file_empty")


def test_empty_workbook_is_rejected_as_empty():
    _assert_file_problem(check_bytes(None, xlsx_bytes({"Sheet1": []}), "empty.xlsx"), "file_empty")


def test_read_upload_raises_file_problem_for_callers_that_read_directly():
    with pytest.raises(FileProblem) as caught:
        read_upload(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert caught.value.issue.code == "file_not_table"


def test_a_row_longer_than_the_header_is_named_instead_of_failing_the_whole_parse():
    text = "district,year,metric,target\n城中区,2025,named,1\n城西区,2025,named,2,oops\n城北区,2025,named,3\n"
    report = check_bytes(None, text.encode("utf-8"))
    assert [i.code for i in report.errors] == ["blank_header"]
    en, zh = report.errors[0].message("en"), report.errors[0].message("zh")
    assert "Column 5" in en and "rows 3" in en and "row 1" in en
    assert "第 5 列" in zh and "第 3 行" in zh and "第 1 行" in zh
