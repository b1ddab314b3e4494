"""Files for people: contract columns and formats, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard.ingest.importing import check_bytes
from dashboard.render.exports import contract_frame, neutralise, safe_frame, table_bytes, write_table_file
from dashboard.schema import TABLES

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("=1+2", "'=1+2"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("前营街社区", "前营街社区"),
        ("a=b", "a=b"),
        ("", ""),
        ("1-2", "1-2"),
        (None, None),
        (-1, -1),
        (36.6, 36.6),
    ],
)
def test_neutralise_prefixes_only_text_a_spreadsheet_would_run(value, expected):
    assert neutralise(value) == expected


def test_safe_frame_leaves_numbers_alone_and_does_not_change_its_input():
    frame = pd.DataFrame({"name": ["=1+2", "ok", None], "n": [-1, 2, 3], "x": [-1.5, 0.0, None]})
    safe = safe_frame(frame)
    assert safe["name"].tolist()[:2] == ["'=1+2", "ok"] and pd.isna(safe.loc[2, "name"])
    assert safe["n"].tolist() == [-1, 2, 3]
    assert frame.loc[0, "name"] == "=1+2"


def _stored(name: str) -> tuple[str, pd.DataFrame]:
    """A fixture as validation types it (what storage gives back has the same columns)."""
    report = check_bytes(None, (FIXTURES / name).read_bytes(), name)
    return report.table, report.frame


@pytest.mark.parametrize("name", ["v_communities.csv", "v_activities.csv", "v_surveys.csv", "v_targets.csv"])
def test_contract_frame_has_the_contract_columns_in_order(name):
    table, frame = _stored(name)
    assert list(contract_frame(table, frame).columns) == TABLES[table].names


def test_contract_frame_writes_dates_and_months_as_iso_text():
    _, activities = _stored("v_activities.csv")
    assert contract_frame("activities", activities)["date"].tolist() == ["2025-03-05"] * 3 + ["2025-03-06"]
    _, surveys = _stored("v_surveys.csv")
    assert contract_frame("surveys", surveys)["period"].tolist() == ["2025-03"] * 3


def test_contract_frame_says_coordinates_are_wgs84():
    _, communities = _stored("v_communities.csv")
    assert set(contract_frame("communities", communities)["coord_system"]) == {"WGS84"}


def test_contract_frame_of_an_empty_table():
    from dashboard.dataset import typed_frame

    for table in TABLES:
        assert list(contract_frame(table, typed_frame(table, pd.DataFrame())).columns) == TABLES[table].names


FRAME = pd.DataFrame({"name_zh": ['=HYPERLINK("x")', "+1", "-1", "@x", "前营街社区"], "households": [1, 2, 3, 4, 5]})


def test_csv_bytes_have_a_bom_and_neutralised_cells():
    data = table_bytes(FRAME, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    assert back["name_zh"].tolist() == ['\'=HYPERLINK("x")', "'+1", "'-1", "'@x", "前营街社区"]


@pytest.mark.parametrize("write", ["bytes", "file"])
def test_xlsx_cells_are_text_not_formulas(tmp_path, write):
    if write == "bytes":
        book = load_workbook(io.BytesIO(table_bytes(FRAME, "xlsx", sheet="社区")))
    else:
        book = load_workbook(write_table_file(FRAME, tmp_path / "c.xlsx", sheet="社区"))
    cells = [row[0] for row in book["社区"].iter_rows(min_row=2)]
    assert {c.data_type for c in cells} == {"s"}
    assert [c.value for c in cells] == ['\'=HYPERLINK("x")', "'+1", "'-1", "'@x", "前营街社区"]


def test_write_table_file_csv_is_utf8_with_bom(tmp_path):
    out = write_table_file(FRAME, tmp_path / "c.CSV")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "前营街社区" in out.read_text(encoding="utf-8-sig")


def test_write_table_file_refuses_other_types(tmp_path):
    with pytest.raises(ValueError, match=r"\.csv or \.xlsx"):
        write_table_file(FRAME, tmp_path / "c.json")
