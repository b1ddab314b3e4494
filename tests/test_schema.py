"""The contract's own declarations: input-only columns are read and offered but never stored, and every module
that keeps, shows or writes a table follows the column's declaration rather than its name."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.dataset import typed_frame
from dashboard.ingest.importing import check_bytes
from dashboard.render import templates
from dashboard.render.exports import contract_frame
from dashboard.schema import TABLES
from dashboard.storage.tables import STORED_COLUMNS, data_tables

INPUT_ONLY = {name: [c.name for c in table.columns if not c.stored] for name, table in TABLES.items()}


def test_coord_system_is_the_one_input_only_column_and_has_the_default_stored_rows_are_in():
    assert {name: cols for name, cols in INPUT_ONLY.items() if cols} == {"communities": ["coord_system"]}
    communities = TABLES["communities"]
    assert communities.datum == "coord_system" and communities.column("coord_system").default == "WGS84"


@pytest.mark.parametrize("table", TABLES)
def test_storage_and_typed_frames_have_every_column_but_the_input_only_ones(table):
    stored = [name for name in TABLES[table].names if name not in INPUT_ONLY[table]]
    assert TABLES[table].stored_names == stored == STORED_COLUMNS[table]
    assert [c.name for c in data_tables[table].columns if c.name in TABLES[table].names] == stored
    assert list(typed_frame(table, pd.DataFrame()).columns) == stored


@pytest.mark.parametrize("table", TABLES)
def test_exports_and_templates_offer_every_column_of_the_contract(table):
    assert list(contract_frame(table, typed_frame(table, pd.DataFrame())).columns) == TABLES[table].names
    assert list(templates.example_frame(table, "en").columns) == TABLES[table].names


def test_an_input_only_column_is_used_on_import_then_dropped_and_exported_as_its_default():
    text = (
        "community_id,name_zh,district,characteristic,stage,latitude,longitude,coord_system\n"
        "630103003002,前营街社区,城中区,harmony,named,36.6016,101.7693,GCJ02\n"
    )
    report = check_bytes(None, text.encode("utf-8"), "c.csv")
    assert report.valid and report.frame is not None
    assert "coord_system" not in report.frame
    assert report.frame.loc[0, "latitude"] != pytest.approx(36.6016, abs=1e-5)  # converted to WGS84
    exported = contract_frame("communities", typed_frame("communities", report.frame))
    assert exported.loc[0, "coord_system"] == "WGS84"
    assert exported.loc[0, "latitude"] == pytest.approx(report.frame.loc[0, "latitude"])
