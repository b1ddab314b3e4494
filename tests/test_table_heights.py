"""A short list is as high as its rows: the Overview's attention lists drew 300 px of empty grid under one row."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.ui import components


@pytest.mark.parametrize(("rows", "height"), [(0, 38), (1, 73), (3, 143), (8, 300), (100, 300)])
def test_a_table_is_as_high_as_its_rows_up_to_its_most(rows, height):
    assert components.fitted_height(rows, 300) == height


def test_a_community_list_asks_for_its_fitted_height(monkeypatch):
    asked: dict[str, object] = {}
    monkeypatch.setattr(components.st, "dataframe", lambda data, **options: asked.update(options))
    one = pd.DataFrame({"community_id": ["630104009002"], "name_zh": ["静安社区"], "name_en": ["Jing'an"], "days": [97]})
    components.community_table(one, {"days": "ui.col_days_since"}, "zh", key="t", height=300)
    assert asked["height"] == 2 * components.ROW_PX + 3
    components.community_table(one, {"days": "ui.col_days_since"}, "zh", key="t")
    assert asked["height"] == "auto"
