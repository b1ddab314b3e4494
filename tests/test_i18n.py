"""The small language rules written once: a community's name for the reader, and how a list is joined."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dashboard.i18n import community_name, community_names, join_list

MISSING = [None, math.nan, np.nan, pd.NA, "", "   "]
MISSING_IDS = ["None", "nan", "np.nan", "pd.NA", "empty", "blank"]


@pytest.mark.parametrize(
    ("row", "lang", "expected"),
    [
        ({"name_zh": "前营街社区", "name_en": "Qianying Street Community"}, "zh", "前营街社区"),
        ({"name_zh": "前营街社区", "name_en": "Qianying Street Community"}, "en", "Qianying Street Community"),
        ({"name_zh": "前营街社区"}, "en", "前营街社区"),  # no English column at all
        ({"name_zh": None, "name_en": "Only English"}, "zh", ""),  # the Chinese name is required: never guessed
        ({"name_zh": None, "name_en": None}, "en", ""),
    ],
)
def test_community_name(row, lang, expected):
    assert community_name(row, lang) == expected
    assert community_name(pd.Series(row, dtype=object), lang) == expected


@pytest.mark.parametrize("missing", MISSING, ids=MISSING_IDS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_community_name_without_an_english_name_is_the_chinese_one(missing, lang):
    row = {"name_zh": "晨光社区", "name_en": missing}
    assert community_name(row, lang) == "晨光社区"
    assert community_name(pd.Series(row, dtype=object), lang) == "晨光社区"


@pytest.mark.parametrize("dtype", [object, "string"])
@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh", ["金桥社区", "晨光社区", "前营街社区"]), ("en", ["Jinqiao Community", "晨光社区", "前营街社区"])],
)
def test_community_names_of_a_frame(dtype, lang, expected):
    english = pd.Series(["Jinqiao Community", pd.NA, "  "], dtype=dtype)
    frame = pd.DataFrame({"name_zh": pd.Series(["金桥社区", "晨光社区", "前营街社区"], dtype=dtype), "name_en": english})
    frame.index = [7, 3, 5]
    names = community_names(frame, lang)
    assert names.tolist() == expected
    assert names.index.tolist() == [7, 3, 5]
    assert names.dtype == object


@pytest.mark.parametrize("missing", MISSING, ids=MISSING_IDS)
def test_community_names_fall_back_for_every_kind_of_missing(missing):
    frame = pd.DataFrame({"name_zh": ["晨光社区"], "name_en": pd.Series([missing], dtype=object)})
    assert community_names(frame, "en").tolist() == ["晨光社区"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_community_names_of_no_rows_and_without_english_column(lang):
    assert community_names(pd.DataFrame({"name_zh": [], "name_en": []}), lang).tolist() == []
    assert community_names(pd.DataFrame({"name_zh": ["金桥社区"]}), lang).tolist() == ["金桥社区"]


@pytest.mark.parametrize(
    ("items", "lang", "expected"),
    [
        ([], "zh", ""),
        ([], "en", ""),
        (["城东区"], "zh", "城东区"),
        (["Chengdong"], "en", "Chengdong"),
        (["城东区", "城西区", "城中区"], "zh", "城东区、城西区、城中区"),
        (["Chengdong", "Chengxi", "Chengzhong"], "en", "Chengdong, Chengxi, Chengzhong"),
        ((code for code in ("a", "b")), "en", "a, b"),  # any iterable, once
        ([1, 2], "zh", "1、2"),
    ],
)
def test_join_list(items, lang, expected):
    assert join_list(items, lang) == expected
