"""A community's stage on any date: stage dates typed or derived from the stored versions, against hand-computed cases.

The rule: the stage on day D is the highest stage whose date is on or before D; none on or before D means the
community was not yet in the campaign. A missing date is the day (in Xining) of the first stored version in which
the community had reached that stage, kept in stage order by the dates that were typed.
"""

from __future__ import annotations

import gc
import weakref
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import update

from dashboard.dataset import Dataset, empty_dataset, typed_frame
from dashboard.figures import queries, stage_dating, stages
from dashboard.figures.filters import Filters, apply_filters
from dashboard.ingest import importing
from dashboard.storage import milestones, store
from dashboard.storage.tables import versions

T = pd.Timestamp
NAT = pd.NaT


def communities(rows: list[dict]) -> pd.DataFrame:
    base = {"name_zh": "社区", "district": "chengzhong", "characteristic": "harmony", "latitude": 36.6, "longitude": 101.7}
    return typed_frame("communities", pd.DataFrame([{**base, **row} for row in rows]))


def reached(rows: dict[str, list[str | None]]) -> pd.DataFrame:
    """community id → the first-seen day at applied, building, assessed, named."""
    frame = pd.DataFrame(
        [[cid, *[T(d) if d else NAT for d in days]] for cid, days in rows.items()], columns=["community_id", *stage_dating.STAGES]
    )
    return frame.astype({s: "datetime64[ns]" for s in stage_dating.STAGES})


# Hand-made cases: each community with the dates typed, what the versions saw, and the expected dates and marks.
COMMUNITIES = communities(
    [
        {  # every date typed
            "community_id": "A",
            "stage": "named",
            "applied_on": "2024-03-01",
            "building_on": "2024-05-01",
            "assessed_on": "2025-03-01",
            "named_on": "2025-06-30",
        },
        {"community_id": "B", "stage": "building", "applied_on": "2025-01-10"},  # building from a later version
        {"community_id": "C", "stage": "assessed"},  # first imported at assessed: every date is that import's day
        {"community_id": "D", "stage": "named", "named_on": "2025-03-01"},  # imported after it was named
        {"community_id": "E", "stage": "building", "applied_on": "2025-08-01"},  # imported before the application date
        {"community_id": "F", "stage": "applied"},  # once stored as named by mistake, corrected back to applied
    ]
)
REACHED = reached(
    {
        "A": ["2024-01-01", "2024-01-01", "2024-01-01", "2024-01-01"],
        "B": ["2025-01-15", "2025-02-01", None, None],
        "C": ["2025-04-01", "2025-04-01", "2025-04-01", None],
        "D": ["2025-05-01", "2025-05-01", "2025-05-01", "2025-05-01"],
        "E": ["2025-06-01", "2025-06-01", None, None],
        "F": ["2025-02-01", "2025-03-01", "2025-03-01", "2025-03-01"],
    }
)
EMPTY = (empty_dataset().activities, empty_dataset().surveys, empty_dataset().targets)
DS = Dataset(COMMUNITIES, *EMPTY, reached=REACHED)

EXPECTED = {  # community → (dates, derived stages, observed stages)
    "A": (["2024-03-01", "2024-05-01", "2025-03-01", "2025-06-30"], set(), {"applied", "building", "assessed", "named"}),
    "B": (["2025-01-10", "2025-02-01", None, None], {"building"}, {"applied", "building"}),
    "C": (["2025-04-01", "2025-04-01", "2025-04-01", None], {"applied", "building", "assessed"}, set()),
    "D": (["2025-03-01", "2025-03-01", "2025-03-01", "2025-03-01"], {"applied", "building", "assessed"}, {"named"}),
    "E": (["2025-08-01", "2025-08-01", None, None], {"building"}, {"applied"}),  # stored at building from the first
    "F": (["2025-02-01", None, None, None], {"applied"}, set()),
}


@pytest.mark.parametrize("community", list(EXPECTED))
def test_stage_dates_typed_or_derived_from_the_versions(community):
    result = stage_dating.stage_dates(DS)
    row = COMMUNITIES.index[COMMUNITIES["community_id"] == community][0]
    days, derived, observed = EXPECTED[community]
    assert [None if pd.isna(v) else v.date().isoformat() for v in result.dates.loc[row]] == days
    assert {s for s in stage_dating.STAGES if result.derived.loc[row, s]} == derived
    assert {s for s in stage_dating.STAGES if result.observed.loc[row, s]} == observed
    assert not result.assumed.loc[row].any()


STAGE_ON = [
    ("2024-02-29", {"A": None, "B": None, "C": None, "D": None, "E": None, "F": None}),
    ("2024-03-01", {"A": "applied"}),
    ("2024-05-01", {"A": "building"}),
    ("2025-01-10", {"A": "building", "B": "applied"}),
    ("2025-02-01", {"B": "building", "F": "applied"}),
    ("2025-03-01", {"A": "assessed", "D": "named"}),
    ("2025-06-29", {"A": "assessed", "C": "assessed", "E": None}),
    ("2025-06-30", {"A": "named"}),
    ("2025-08-01", {"E": "building", "F": "applied"}),
]


@pytest.mark.parametrize("day, expected", STAGE_ON)
def test_stage_on_a_day_is_the_highest_stage_dated_on_or_before_it(day, expected):
    on = stage_dating.stage_on(stage_dating.stage_dates(DS), date.fromisoformat(day))
    got = dict(zip(COMMUNITIES["community_id"], on, strict=True))
    assert {k: got[k] for k in expected} == expected


def test_as_at_leaves_out_communities_not_yet_in_the_campaign():
    frame = stage_dating.as_at(DS, date(2025, 1, 31))
    assert dict(zip(frame["community_id"], frame["stage"], strict=True)) == {"A": "building", "B": "applied"}


def test_without_stored_history_a_missing_date_is_assumed_not_derived_and_never_shown():
    ds = Dataset(COMMUNITIES, DS.activities, DS.surveys, DS.targets, reached=None)
    result = stage_dating.stage_dates(ds)
    b = COMMUNITIES.index[COMMUNITIES["community_id"] == "B"][0]
    c = COMMUNITIES.index[COMMUNITIES["community_id"] == "C"][0]
    assert not result.derived.any().any()
    assert result.assumed.loc[b, "building"] and result.dates.loc[b, "building"] == T("2025-01-10")  # not before applying
    assert pd.isna(result.shown().loc[b, "building"])
    assert result.assumed.loc[c, ["applied", "building", "assessed"]].all()
    on = stage_dating.stage_on(result, date(2000, 1, 1))
    assert on[c] == "assessed"  # with nothing known, the stage it holds now, at any date
    assert on[b] is None  # it applied on 10 January 2025


def test_counts_by_month_end():
    frame = stages.stage_counts_by_month(DS, date(2025, 3, 15))
    march = frame[frame["month"] == T("2025-03-01")].set_index("stage")["communities"].to_dict()
    assert march == {"applied": 1, "building": 1, "assessed": 1, "named": 1}  # F, B, A, D on 15 March
    assert frame["month"].min() == T("2024-03-01") and frame["month"].max() == T("2025-03-01")
    assert (frame.groupby("month").size() == 4).all()


def test_durations_use_only_dates_a_change_was_seen_on():
    frame = stages.durations(DS)
    got = {(r.community_id, r.step): r.days for r in frame.itertuples()}
    assert got == {
        ("A", "applied→building"): 61,
        ("A", "building→assessed"): 304,
        ("A", "assessed→named"): 121,
        ("A", "applied→named"): 486,
        ("B", "applied→building"): 22,
    }
    assert frame.loc[frame["community_id"] == "B", "derived"].all()


def test_time_in_stage_gives_median_and_spread_per_group():
    frame = stages.time_in_stage(DS, by="district")
    row = frame[frame["step"] == "applied→building"].iloc[0]
    assert (row["communities"], row["median"], row["min"], row["max"], row["derived"]) == (2, 41.5, 22, 61, 1)


def test_stuck_counts_days_in_the_stage_held_on_the_day():
    frame = stages.stuck(DS, date(2025, 12, 31), days=180)
    got = {r.community_id: (r.stage, r.days_in_stage, r.derived) for r in frame.itertuples()}
    assert got == {
        "F": ("applied", 333, True),
        "B": ("building", 333, True),
        "C": ("assessed", 274, True),
    }  # E has been building 152 days; A and D are named
    assert list(frame["community_id"]) == ["B", "F", "C"]  # longest first, then by code
    assert stages.stuck(DS, date(2025, 12, 31), days=400).empty


def test_the_stuck_threshold_is_the_setting(monkeypatch):
    monkeypatch.setenv("DASHBOARD_STUCK_DAYS", "300")
    assert set(stages.stuck(DS, date(2025, 12, 31))["community_id"]) == {"B", "F"}


def test_named_by_month_is_cumulative_from_the_year_start():
    frame = stages.named_by_month(DS, date(2025, 7, 15), by_district=False)
    assert list(frame["month"]) == [T(f"2025-{m:02d}-01") for m in range(1, 8)]
    assert list(frame["cumulative"]) == [0, 0, 1, 1, 1, 2, 2]
    assert list(frame["named"]) == [0, 0, 1, 0, 0, 1, 0]
    assert set(frame["start"]) == {0}


def test_projection_scales_this_years_count_to_the_whole_year():
    assert stages.projection(10, 16, date(2025, 7, 2)) == pytest.approx(10 + 6 / (183 / 365))
    assert stages.projection(4, 4, date(2025, 12, 31)) == 4


# --- derived dates from real stored versions, on SQLite and PostgreSQL ----------------------------------------

HEADER = "community_id,name_zh,district,characteristic,stage,latitude,longitude,assessed_on"


def _import(engine, rows: list[str], when: datetime) -> None:
    data = (HEADER + "\n" + "\n".join(rows) + "\n").encode("utf-8")
    result = importing.import_bytes(engine, data, "communities.csv", table="communities", user="test")
    assert result.version, [i.message("en") for i in result.report.errors]
    with engine.begin() as conn:  # the version's time, as if imported then
        conn.execute(
            update(versions)
            .where((versions.c.table_name == "communities") & (versions.c.version == result.version))
            .values(created_at=when)
        )


def _row(cid: str, stage: str, assessed_on: str = "") -> str:
    return f"{cid},社区{cid},chengzhong,harmony,{stage},36.6,101.7,{assessed_on}"


def test_derived_dates_come_from_the_first_version_at_each_stage(engine):
    _import(engine, [_row("X", "applied"), _row("Y", "building")], datetime(2025, 1, 5, 10, tzinfo=UTC))
    _import(engine, [_row("X", "building"), _row("Y", "building")], datetime(2025, 3, 1, 20, tzinfo=UTC))  # 2 March in Xining
    _import(engine, [_row("X", "named"), _row("Y", "applied"), _row("Z", "assessed")], datetime(2025, 6, 10, 2, tzinfo=UTC))
    _import(
        engine,
        [_row("X", "named"), _row("Y", "building"), _row("Z", "assessed", "2025-05-20")],
        datetime(2025, 9, 1, 3, tzinfo=UTC),
    )
    ds = store.load_dataset(engine)
    seen = ds.reached.set_index("community_id")
    assert [None if pd.isna(v) else v.date().isoformat() for v in seen.loc["X"]] == [
        "2025-01-05",
        "2025-03-02",
        "2025-06-10",
        "2025-06-10",
    ]
    assert [None if pd.isna(v) else v.date().isoformat() for v in seen.loc["Y"]] == ["2025-01-05", "2025-01-05", None, None]
    result = stage_dating.stage_dates(ds)
    by_id = {cid: i for i, cid in zip(ds.communities.index, ds.communities["community_id"], strict=True)}
    days = {cid: [None if pd.isna(v) else v.date().isoformat() for v in result.dates.loc[i]] for cid, i in by_id.items()}
    assert days == {
        "X": ["2025-01-05", "2025-03-02", "2025-06-10", "2025-06-10"],
        "Y": ["2025-01-05", "2025-01-05", None, None],
        "Z": ["2025-05-20", "2025-05-20", "2025-05-20", None],  # not after the assessment date typed
    }
    assert result.derived.loc[by_id["Z"]].tolist() == [True, True, False, False]
    on = {
        d: dict(zip(ds.communities["community_id"], stage_dating.stage_on(result, d), strict=True))
        for d in ("2025-03-01", "2025-05-31")
    }
    assert on["2025-03-01"] == {"X": "applied", "Y": "building", "Z": None}
    assert on["2025-05-31"] == {"X": "building", "Y": "building", "Z": "assessed"}


def test_a_dataset_without_communities_has_an_empty_history(engine):
    ds = store.load_dataset(engine)
    assert ds.reached is not None and ds.reached.empty
    assert list(ds.reached.columns) == ["community_id", *stage_dating.STAGES]


def test_communities_missing_from_the_history_have_no_derived_dates():
    ds = Dataset(COMMUNITIES, DS.activities, DS.surveys, DS.targets, reached=milestones.empty())
    result = stage_dating.stage_dates(ds)
    a = COMMUNITIES.index[COMMUNITIES["community_id"] == "A"][0]
    assert result.dates.loc[a].notna().all() and not result.derived.any().any()
    assert stage_dating.stage_on(result, date(2030, 1, 1)).tolist() == ["named", "applied", None, "named", "applied", None]


def test_a_version_where_no_community_reached_a_stage_yet(sqlite_engine):
    _import(sqlite_engine, [_row("X", "building"), _row("Y", "building")], datetime(2025, 1, 5, 10, tzinfo=UTC))
    seen = store.load_dataset(sqlite_engine).reached.set_index("community_id")
    assert seen["assessed"].isna().all() and seen["named"].isna().all()
    assert (seen["building"] == T("2025-01-05")).all()


# --- the page figures as at a day ------------------------------------------------------------------------------


def _with_district(ds: Dataset, district: dict[str, str]) -> Dataset:
    c = ds.communities.assign(district=ds.communities["community_id"].map(district))
    targets = typed_frame(
        "targets",
        pd.DataFrame(
            [
                {"district": "chengdong", "year": "2025", "metric": "named_communities", "target": "4"},
                {"district": "chengxi", "year": "2025", "metric": "named_communities", "target": "2"},
            ]
        ),
    )
    return Dataset(c, ds.activities, ds.surveys, targets, reached=ds.reached)


TWO = _with_district(DS, {"A": "chengdong", "B": "chengdong", "C": "chengxi", "D": "chengxi", "E": "chengxi", "F": "chengdong"})


@pytest.mark.parametrize(
    "day, communities, named, share",
    [("2024-12-31", 1, 0, None), ("2025-03-01", 4, 1, 1 / 6), ("2025-06-30", 5, 2, 2 / 6), ("2025-08-01", 6, 2, 2 / 6)],
)
def test_headline_counts_communities_and_named_as_at_the_day(day, communities, named, share):
    figures = queries.headline(TWO, date.fromisoformat(day))
    assert (figures["communities"].value, figures["named"].value) == (communities, named)
    assert figures["target_share"].value == (None if share is None else pytest.approx(share))  # no 2024 target


def test_district_progress_is_as_at_the_day_and_keeps_districts_not_yet_in():
    frame = queries.district_progress(TWO, date(2025, 2, 15)).set_index("district")
    assert frame.loc["chengdong", ["communities", "named"]].tolist() == [3, 0]  # A building, B building, F applied
    assert frame.loc["chengdong", "progress"] == pytest.approx((0.5 + 0.5 + 0.25) / 3)
    assert frame.loc["chengxi", ["communities", "named"]].tolist() == [0, 0]  # C, D and E had not entered yet
    later = queries.district_progress(TWO, date(2025, 6, 30)).set_index("district")
    assert later["named"].to_dict() == {"chengdong": 1, "chengxi": 1}
    assert later.loc["chengdong", "named_share"] == pytest.approx(1 / 4)


def test_funnel_as_at_the_day_and_now():
    then = queries.funnel(TWO, date(2025, 3, 1)).set_index(["district", "stage"])["communities"]
    assert then[("chengdong", "assessed")] == 1 and then[("chengxi", "named")] == 1 and then[("chengxi", "assessed")] == 0
    assert then.sum() == 4
    now = queries.funnel(TWO).set_index(["district", "stage"])["communities"]
    assert now.sum() == 6 and now[("chengxi", "assessed")] == 1


def test_stage_dates_are_computed_once_per_communities_frame_and_go_with_it():
    """A page asks for the same data's dates several times: the second ask returns the kept dates, a new frame (even
    with equal content) gets its own, and the kept dates are let go with their frame."""
    ds = Dataset(COMMUNITIES.copy(), *EMPTY, reached=REACHED.copy())
    first = stage_dating.stage_dates(ds)
    assert stage_dating.stage_dates(Dataset(ds.communities, *EMPTY, reached=ds.reached)) is first
    again = stage_dating.stage_dates(Dataset(ds.communities.copy(), *EMPTY, reached=ds.reached))
    assert again is not first
    pd.testing.assert_frame_equal(again.dates, first.dates)
    without_history = stage_dating.stage_dates(Dataset(ds.communities, *EMPTY, reached=None))
    assert without_history is not first and without_history.assumed.any().any()
    kept = weakref.ref(first)
    del ds, first, again, without_history
    gc.collect()
    assert kept() is None


def test_dates_kept_with_a_history_are_not_given_to_the_same_frame_without_one_once_that_history_is_gone():
    frame, history = COMMUNITIES.copy(), REACHED.copy()
    with_history = stage_dating.stage_dates(Dataset(frame, *EMPTY, reached=history))
    del history
    gc.collect()
    without = stage_dating.stage_dates(Dataset(frame, *EMPTY, reached=None))
    assert without is not with_history
    assert without.assumed.any().any() and not with_history.assumed.any().any()


def test_a_filter_that_keeps_every_community_keeps_the_frame_and_its_stage_dates():
    ds = Dataset(COMMUNITIES, *EMPTY, reached=REACHED)
    assert apply_filters(ds, Filters()).communities is ds.communities
    assert stage_dating.stage_dates(apply_filters(ds, Filters(), dates=False)) is stage_dating.stage_dates(ds)
    narrowed = apply_filters(ds, Filters(stages=("named",)))
    assert list(narrowed.communities["community_id"]) == ["A", "D"]


def test_dates_made_again_for_a_live_frame_register_no_second_finalizer(monkeypatch):
    """Each recompute for the same frame (another history) used to add one more finalizer to it: a slow leak."""
    registered = []
    real = stage_dating.weakref.finalize
    monkeypatch.setattr(stage_dating.weakref, "finalize", lambda obj, *args: registered.append(obj) or real(obj, *args))
    frame = COMMUNITIES.copy()
    histories = [REACHED.copy() for _ in range(3)]
    for history in histories:
        stage_dating.stage_dates(Dataset(frame, *EMPTY, reached=history))
    assert len(registered) == 1 and registered[0] is frame
