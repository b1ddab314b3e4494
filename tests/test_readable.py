"""The desk's preview shows rows as staff wrote them: their template's headers, names for codes, plain days."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.dataset import typed_frame
from dashboard.render.readable import field_names, readable

ADDED = typed_frame(
    "activities",
    pd.DataFrame(
        {
            "activity_id": ["A1", "A2"],
            "community_id": ["630104009002", "630104009002"],
            "date": ["2025-03-01", "2025-03-09"],
            "category": ["culture", None],
            "participants": [12, None],
        }
    ),
)


@pytest.mark.parametrize(
    ("lang", "headers", "category"),
    [
        ("zh", ["活动编号", "社区编号", "日期", "活动类别", "参与人数"], "文体活动"),
        ("en", ["activity_id", "community_id", "date", "category", "participants"], "Culture and sports"),
    ],
)
def test_rows_read_as_the_readers_template_writes_them(lang, headers, category):
    shown = readable(ADDED[["activity_id", "community_id", "date", "category", "participants"]], "activities", lang)
    assert list(shown.columns) == headers
    assert shown.iloc[:, 2].tolist() == ["2025-03-01", "2025-03-09"]  # days, not "2025-03-01 00:00:00"
    assert shown.iloc[0, 3] == category and pd.isna(shown.iloc[1, 3])  # a blank cell stays blank, for "—"
    assert shown.iloc[0, 4] == 12


def test_months_and_columns_outside_the_contract():
    surveys = typed_frame("surveys", pd.DataFrame({"community_id": ["c"], "period": ["2025-03"], "satisfaction": [80.0]}))
    shown = readable(surveys[["community_id", "period"]].assign(fields="x"), "surveys", "zh")
    assert shown.iloc[0, 1] == "2025-03" and shown["fields"].tolist() == ["x"]


@pytest.mark.parametrize(("lang", "said"), [("zh", "纬度、经度、人口"), ("en", "latitude, longitude, residents")])
def test_changed_fields_are_named_by_their_headers(lang, said):
    assert field_names("latitude,longitude,residents", "communities", lang) == said
