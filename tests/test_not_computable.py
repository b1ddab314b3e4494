"""One null-safe path for every figure shown: missing, NaN, NA, NaT and inf never reach a reader as such.

A share of a target of 0 cannot be computed: it is NaN in the figures (never inf, never a ZeroDivisionError)
and the pages say why in words. The generated datasets of test_every_dataset.py check the pages whole;
these pin the path itself.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.briefing import wording
from dashboard.dataset import Dataset
from dashboard.figures import queries
from dashboard.i18n import fmt_date, fmt_int, fmt_month, fmt_num, fmt_pct, not_a_figure, unknown

MISSING = [None, float("nan"), np.nan, pd.NA, pd.NaT, math.inf, -math.inf, np.float64("inf")]


@pytest.mark.parametrize("value", MISSING, ids=repr)
@pytest.mark.parametrize("fmt", [fmt_int, fmt_num, fmt_pct])
def test_numbers_that_are_not_figures_show_the_missing_text(fmt, value):
    assert fmt(value, "zh") == "—"
    assert fmt(value, "en", missing=unknown("zero_target", "en")) == "target is 0"


@pytest.mark.parametrize(
    ("fmt", "value", "shown"),
    [
        (fmt_int, 9007199254740991, "9,007,199,254,740,991"),
        (fmt_num, 0.0, "0.0"),
        (fmt_pct, 12.5, "1,250%"),
        (fmt_int, -0.4, "0"),
    ],
)
def test_real_figures_are_formatted(fmt, value, shown):
    assert fmt(value, "en") == shown


def test_dates_missing_or_not():
    assert fmt_date(pd.NaT, "zh") == "—" and fmt_date(None, "en", missing="never") == "never"
    assert fmt_date(date(2024, 2, 29), "zh") == "2024年2月29日"
    assert not not_a_figure(date(2024, 2, 29)) and not not_a_figure("text")


@pytest.mark.parametrize("missing", [None, pd.NaT], ids=repr)
def test_months_missing_or_not(missing):
    assert fmt_month(missing, "zh") == "—" and fmt_month(missing, "en", missing="no data yet") == "no data yet"
    assert (fmt_month(date(2024, 2, 29), "zh"), fmt_month(pd.Timestamp("2026-10-01"), "en")) == ("2024年2月", "October 2026")


@pytest.mark.parametrize(
    ("reason", "zh", "en"), [("no_target", "未设目标", "no target set"), ("zero_target", "目标为 0", "target is 0")]
)
def test_the_reasons_in_both_languages(reason, zh, en):
    assert (unknown(reason, "zh"), unknown(reason, "en")) == (zh, en)


def _dataset(targets: list[tuple[str, int, str, float]]) -> Dataset:
    communities = pd.DataFrame(
        {
            "community_id": ["a", "b"],
            "name_zh": ["甲", "乙"],
            "name_en": [None, None],
            "district": ["chengdong", "chengxi"],
            "subdistrict": [None, None],
            "characteristic": ["caring", "green"],
            "brand_name": [None, None],
            "stage": ["named", "applied"],
            "latitude": [36.6, 36.6],
            "longitude": [101.7, 101.7],
            "households": pd.array([pd.NA, 0], dtype="Int64"),
            "residents": pd.array([pd.NA, pd.NA], dtype="Int64"),
        }
    )
    activities = pd.DataFrame(
        {
            "activity_id": ["x"],
            "community_id": ["a"],
            "date": pd.to_datetime(["2024-02-29"]),
            "category": ["cleanup"],
            "title": [None],
            "participants": pd.array([3], dtype="Int64"),
            "volunteer_hours": [np.nan],
            "party_members": pd.array([pd.NA], dtype="Int64"),
        }
    )
    surveys = pd.DataFrame({"community_id": [], "period": pd.to_datetime([]), "satisfaction": [], "respondents": []})
    frame = pd.DataFrame(targets, columns=["district", "year", "metric", "target"])
    return Dataset(communities, activities, surveys, frame)


@pytest.mark.parametrize(
    ("targets", "reason"),
    [
        ([], "no_target"),
        ([("chengdong", 2024, "named_communities", 0.0)], "zero_target"),
        ([("chengdong", 2023, "named_communities", 5.0)], "no_target"),  # another year's target
    ],
)
def test_a_share_of_no_target_or_of_0_has_no_value_and_says_why(targets, reason):
    figure = queries.headline(_dataset(targets), date(2024, 2, 29))["target_share"]
    assert figure.value is None and figure.reason == reason


def test_district_progress_with_targets_of_0_is_nan_never_inf():
    targets = [("chengdong", 2024, metric, 0.0) for metric in ("named_communities", "activities", "volunteer_hours")]
    progress = queries.district_progress(_dataset(targets), date(2024, 2, 29))
    shares = progress[["named_share", "activities_pace"]].to_numpy(dtype=float)
    assert np.isnan(shares).all() and not np.isinf(shares).any()
    assert queries.behind_pace(progress).empty  # a share that cannot be computed is not "behind"


def test_the_briefing_says_no_figure_for_inf_and_nan():
    for value in (math.inf, float("nan"), None):
        assert wording.amount(value, "activities", "zh") == wording.amount(None, "activities", "zh")
        assert "inf" not in wording.share(value, "en") and "nan" not in wording.share(value, "en")
    assert wording.number(1_397_384, "zh") == "139.7万" and wording.number(2_500_000, "en") == "2.5 million"
