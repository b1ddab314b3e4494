"""Versioned storage, on SQLite and PostgreSQL: modes, history, restore, conflicts, concurrency.

Each test runs on both databases through the ``engine`` fixture. Files go
through ``importing`` (read, validate, commit) as staff files do, except
where a test needs a frame the validator would refuse.
"""

from __future__ import annotations

import hashlib
import random
import threading
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import inspect

from dashboard import config
from dashboard.dataset import typed_frame
from dashboard.ingest import importing, sample
from dashboard.schema import TABLES
from dashboard.storage import commit, database, store, tables

COMMUNITY_HEADER = "community_id,name_zh,district,characteristic,stage,latitude,longitude,households"
ACTIVITY_HEADER = "activity_id,community_id,date,category,participants,volunteer_hours,title"


def csv_bytes(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def community_rows(ids: list[str], name: str = "社区", households: int = 100) -> list[str]:
    return [f"{cid},{name}{cid[-3:]},chengxi,caring,building,36.62,101.77,{households}" for cid in ids]


def ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i:03d}" for i in range(count)]


BASE_COMMUNITIES = ids("630104001", 5)


def load(engine, table: str, data: bytes, name: str = "file.csv", **options) -> importing.ImportResult:
    """Import ``data`` and insist it was accepted."""
    result = importing.import_bytes(engine, data, name, table=table, user="tester", **options)
    assert result.version, [i.message("en") for i in result.report.errors]
    return result


def with_communities(engine) -> None:
    load(engine, "communities", csv_bytes(COMMUNITY_HEADER, community_rows(BASE_COMMUNITIES)))


def activity_rows(keys: list[str | None], participants: int = 10, community: str = BASE_COMMUNITIES[0]) -> list[str]:
    return [f"{key or ''},{community},2025-03-{i % 28 + 1:02d},patrol,{participants},1.5,巡逻" for i, key in enumerate(keys)]


def active(engine, table: str, column: str) -> list:
    return sorted(store.load_table(engine, table)[column].tolist(), key=str)


# --- versions and modes -----------------------------------------------------------------------------------


def test_every_import_is_a_version_with_who_when_file_checksum_rows_and_note(engine):
    data = csv_bytes(COMMUNITY_HEADER, community_rows(BASE_COMMUNITIES))
    before = datetime.now(UTC) - timedelta(seconds=5)
    load(engine, "communities", data, name="upload/社区.csv", note="first upload")
    [row] = store.list_versions(engine, "communities")
    assert row["version"] == 1 and row["active"]
    assert row["user"] == "tester" and row["file"] == "社区.csv" and row["note"] == "first upload"
    assert row["sha256"] == hashlib.sha256(data).hexdigest()
    assert row["rows"] == 5 and row["mode"] == "replace"
    assert before <= datetime.fromisoformat(row["created_at"]) <= datetime.now(UTC) + timedelta(seconds=5)


def test_communities_replace_by_default(engine):
    with_communities(engine)
    load(engine, "communities", csv_bytes(COMMUNITY_HEADER, community_rows(["630104002001", BASE_COMMUNITIES[0]])))
    assert active(engine, "communities", "community_id") == sorted(["630104002001", BASE_COMMUNITIES[0]])
    assert [v["mode"] for v in store.list_versions(engine, "communities")] == ["replace", "replace"]


def test_activities_append_by_default_and_the_same_id_replaces(engine):
    with_communities(engine)
    load(engine, "activities", csv_bytes(ACTIVITY_HEADER, activity_rows(["A1", "A2", None], participants=10)))
    load(engine, "activities", csv_bytes(ACTIVITY_HEADER, activity_rows(["A2", "A3", None], participants=20)))
    frame = store.load_table(engine, "activities")
    assert len(frame) == 5  # A1, new A2, A3 and both rows without an id
    by_id = frame.dropna(subset=["activity_id"]).set_index("activity_id")["participants"].to_dict()
    assert by_id == {"A1": 10, "A2": 20, "A3": 20}
    assert frame["activity_id"].isna().sum() == 2
    assert store.list_versions(engine, "activities")[0]["mode"] == "append"


def test_surveys_append_with_community_and_period_as_key(engine):
    with_communities(engine)
    header = "community_id,period,satisfaction"
    c1, c2 = BASE_COMMUNITIES[:2]
    load(engine, "surveys", csv_bytes(header, [f"{c1},2025-01,70", f"{c1},2025-02,71", f"{c2},2025-01,60"]))
    load(engine, "surveys", csv_bytes(header, [f"{c1},2025年2月,90", f"{c2},2025/3,65"]))
    frame = store.load_table(engine, "surveys")
    got = {(r.community_id, r.period.strftime("%Y-%m")): r.satisfaction for r in frame.itertuples()}
    assert got == {(c1, "2025-01"): 70, (c1, "2025-02"): 90, (c2, "2025-01"): 60, (c2, "2025-03"): 65}


def test_targets_append_with_district_year_and_metric_as_key(engine):
    header = "district,year,metric,target"
    load(
        engine,
        "targets",
        csv_bytes(header, ["chengxi,2025,activities,100", "城西区,2026,activities,120", "chengdong,2025,activities,80"]),
    )
    load(engine, "targets", csv_bytes(header, ["Chengxi District,2025,activities,150", "chengxi,2025,volunteer_hours,9"]))
    frame = store.load_table(engine, "targets")
    got = {(r.district, r.year, r.metric): r.target for r in frame.itertuples()}
    assert got == {
        ("chengxi", 2025, "activities"): 150,
        ("chengxi", 2026, "activities"): 120,
        ("chengdong", 2025, "activities"): 80,
        ("chengxi", 2025, "volunteer_hours"): 9,
    }


def test_mode_overrides_the_default(engine):
    with_communities(engine)
    load(engine, "activities", csv_bytes(ACTIVITY_HEADER, activity_rows(["A1", "A2"])))
    load(engine, "activities", csv_bytes(ACTIVITY_HEADER, activity_rows(["A3"])), mode="replace")
    assert active(engine, "activities", "activity_id") == ["A3"]
    extra = community_rows(["630104009001", BASE_COMMUNITIES[1]], name="新")
    load(engine, "communities", csv_bytes(COMMUNITY_HEADER, extra), mode="append")
    frame = store.load_table(engine, "communities").set_index("community_id")
    assert sorted(frame.index) == sorted([*BASE_COMMUNITIES, "630104009001"])
    assert frame.loc[BASE_COMMUNITIES[1], "name_zh"].startswith("新")


def test_an_unknown_mode_is_refused(engine):
    with pytest.raises(ValueError, match="mode"):
        importing.import_bytes(
            engine, csv_bytes(COMMUNITY_HEADER, community_rows(BASE_COMMUNITIES)), "c.csv", table="communities", mode="merge"
        )
    assert store.list_versions(engine) == []


# --- history and restore ----------------------------------------------------------------------------------


def test_load_table_returns_each_past_version_after_mixed_replaces_and_appends(engine):
    """A model of the rules in pandas, checked against the database at every version."""
    with_communities(engine)
    rng = random.Random(7)
    model: dict[str, int] = {}  # activity_id -> participants
    snapshots: dict[int, dict[str, int]] = {}
    for step in range(8):
        keys = rng.sample(ids("A", 30), rng.randint(1, 10))
        mode = "replace" if step in (3, 6) else "append"
        result = load(engine, "activities", csv_bytes(ACTIVITY_HEADER, activity_rows(keys, participants=step)), mode=mode)
        model = {k: step for k in keys} if mode == "replace" else {**model, **dict.fromkeys(keys, step)}
        snapshots[result.version] = dict(model)
    for version, expected in snapshots.items():
        frame = store.load_table(engine, "activities", version)
        assert len(frame) == len(expected), version
        assert dict(zip(frame["activity_id"], frame["participants"], strict=True)) == expected, version
    assert store.load_table(engine, "activities").equals(store.load_table(engine, "activities", max(snapshots)))


def test_restore_makes_an_earlier_version_active_as_a_new_version(engine):
    with_communities(engine)
    load(engine, "activities", csv_bytes(ACTIVITY_HEADER, activity_rows(["A1", "A2"], participants=1)))
    load(engine, "activities", csv_bytes(ACTIVITY_HEADER, activity_rows(["A2", "A3"], participants=2)))
    load(engine, "activities", csv_bytes(ACTIVITY_HEADER, activity_rows(["A9"], participants=3)), mode="replace")
    v1, v3 = store.load_table(engine, "activities", 1), store.load_table(engine, "activities", 3)
    assert store.restore(engine, "activities", 1, user="boss", note="undo") == 4
    assert store.load_table(engine, "activities").equals(v1)
    assert store.load_table(engine, "activities", 3).equals(v3)  # history is not rewritten
    newest = store.list_versions(engine, "activities")[0]
    assert (newest["version"], newest["mode"], newest["restored_from"], newest["rows"]) == (4, "restore", 1, 2)
    assert (newest["user"], newest["note"], newest["active"]) == ("boss", "undo", True)
    load(engine, "activities", csv_bytes(ACTIVITY_HEADER, activity_rows(["A1"], participants=5)))  # append on top
    frame = store.load_table(engine, "activities")
    assert dict(zip(frame["activity_id"], frame["participants"], strict=True)) == {"A1": 5, "A2": 1}


def test_restore_and_load_refuse_a_version_that_does_not_exist(engine):
    with_communities(engine)
    for bad in (0, 2):
        with pytest.raises(ValueError, match="no version"):
            store.restore(engine, "communities", bad, user="x")
    with pytest.raises(ValueError, match="no version"):
        store.load_table(engine, "communities", 5)
    assert len(store.list_versions(engine)) == 1


def test_an_empty_table_loads_with_the_contract_columns(engine):
    for name in TABLES:
        frame = store.load_table(engine, name)
        assert frame.empty and frame.dtypes.equals(typed_frame(name, pd.DataFrame()).dtypes)


# --- integrity --------------------------------------------------------------------------------------------


def test_a_stale_expected_version_raises_version_conflict_and_changes_nothing(engine):
    with_communities(engine)
    data = csv_bytes(COMMUNITY_HEADER, community_rows(["630104002001"]))
    with pytest.raises(store.VersionConflict) as caught:
        importing.import_bytes(engine, data, "c.csv", table="communities", expected_version=0)
    assert (caught.value.expected, caught.value.actual) == (0, 1)
    assert len(store.list_versions(engine)) == 1
    assert load(engine, "communities", data, expected_version=1).version == 2


def test_a_failing_commit_leaves_the_active_version_and_history_untouched(engine):
    with_communities(engine)
    before = store.load_table(engine, "communities")
    bad = typed_frame("communities", pd.DataFrame({"community_id": ["1", "2"], "name_zh": ["a", None]}))
    meta = store.ImportMeta("x", "bad.csv", "0" * 64)
    with pytest.raises(Exception, match=r"(?i)null"):
        store.commit_frame(engine, "communities", bad, "replace", meta)
    assert store.load_table(engine, "communities").equals(before)
    assert len(store.list_versions(engine)) == 1


def test_the_big_load_path_keeps_indexes_and_rolls_back_whole(engine, monkeypatch):
    monkeypatch.setattr(commit, "BIG_LOAD", 2)
    with_communities(engine)
    bad = typed_frame("communities", pd.DataFrame({"community_id": list("123456"), "name_zh": [*"abcde", None]}))
    with pytest.raises(Exception, match=r"(?i)null"):
        store.commit_frame(engine, "communities", bad, "replace", store.ImportMeta("x", "bad.csv", ""))
    load(engine, "communities", csv_bytes(COMMUNITY_HEADER, community_rows(ids("630104003", 20))))
    assert len(store.load_table(engine, "communities")) == 20
    wanted = {ix.name for ix in tables.data_tables["communities"].indexes}
    assert wanted <= {ix["name"] for ix in inspect(engine).get_indexes("communities")}


def test_activities_naming_a_community_removed_meanwhile_are_rejected(engine, monkeypatch):
    """Validation runs before the lock; the codes are checked again under it."""
    with_communities(engine)
    frame = typed_frame(
        "activities",
        pd.DataFrame({"community_id": ["630104999999"], "date": ["2025-03-01"], "category": ["patrol"], "participants": [3]}),
    )
    with pytest.raises(store.UnknownCommunities):
        store.commit_frame(engine, "activities", frame, "append", store.ImportMeta("x", "a.csv", ""))
    stale = iter([{*BASE_COMMUNITIES, "630104999999"}])  # the first check sees a community that is gone
    real = store.community_ids
    monkeypatch.setattr(store, "community_ids", lambda eng: next(stale, None) or real(eng))
    data = csv_bytes(ACTIVITY_HEADER, activity_rows(["A1"], community="630104999999"))
    result = importing.import_bytes(engine, data, "a.csv", table="activities")
    assert result.version is None and [i.code for i in result.report.errors] == ["unknown_community"]
    assert store.list_versions(engine, "activities") == []


def test_loaded_frames_have_the_contract_dtypes_and_round_trip_the_committed_frame(engine, small_sample):
    sample.load_sample(engine)
    for name in TABLES:
        frame = store.load_table(engine, name)
        assert not frame.empty
        pd.testing.assert_frame_equal(frame, typed_frame(name, frame))
    frame = typed_frame(
        "activities",
        pd.DataFrame(
            {
                "activity_id": ["X1", None, "X3"],
                "community_id": [store.load_table(engine, "communities").community_id[0]] * 3,
                "date": ["2025-01-31", "2024-02-29", "2025-12-01"],
                "category": ["culture", "other", "patrol"],
                "title": ['篮球, "友谊"赛', None, ""],
                "participants": [1, 0, 2**40],
                "volunteer_hours": [1.25, None, 0.0],
                "party_members": [None, 3, None],
            }
        ),
    )
    store.commit_frame(engine, "activities", frame, "replace", store.ImportMeta("x", "a.csv", ""))
    pd.testing.assert_frame_equal(store.load_table(engine, "activities"), frame)


def test_load_dataset_matches_its_version_token(engine, small_sample):
    assert store.load_dataset(engine).version == store.data_version(engine) == "0.0"
    sample.load_sample(engine)
    dataset = store.load_dataset(engine)
    assert dataset.version == store.data_version(engine) == "4.4"
    assert len(dataset.communities) == len(store.load_table(engine, "communities"))


def test_the_pages_dataset_leaves_out_the_activity_id_that_exports_and_imports_keep(engine, small_sample):
    sample.load_sample(engine)
    dataset = store.load_dataset(engine)
    stored = store.load_table(engine, "activities")
    assert "activity_id" in stored and stored["activity_id"].notna().any()
    assert list(dataset.activities.columns) == [c for c in stored.columns if c != "activity_id"]
    pd.testing.assert_frame_equal(dataset.activities, stored.drop(columns="activity_id"))
    for table in ("communities", "surveys", "targets"):
        pd.testing.assert_frame_equal(getattr(dataset, table), store.load_table(engine, table))


def test_obsolete_indexes_are_dropped_and_new_ones_made_when_an_old_database_opens(engine):
    url = engine.url.render_as_string(hide_password=False)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_activities_version")
        conn.exec_driver_sql("CREATE INDEX ix_activities_current ON activities (vto, community_id, date)")
    database.engine_for.cache_clear()
    reopened = database.engine_for(url)
    names = {ix["name"] for ix in inspect(reopened).get_indexes("activities")}
    assert "ix_activities_version" in names and "ix_activities_current" not in names
    reopened.dispose()


# --- concurrency ------------------------------------------------------------------------------------------


def run_threads(target, count: int) -> list:
    """Start ``count`` threads at the same moment; return what each returned or raised."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = target(i)
        except Exception as exc:  # the test inspects it
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_simultaneous_replace_imports_leave_exactly_one_file_and_consecutive_versions(engine):
    files = {i: csv_bytes(COMMUNITY_HEADER, community_rows(ids(f"63010400{i}", 50 + i), name=f"F{i}")) for i in range(4)}
    results = run_threads(lambda i: importing.import_bytes(engine, files[i], f"f{i}.csv", table="communities"), 4)
    assert sorted(r.version for r in results) == [1, 2, 3, 4]
    history = store.list_versions(engine, "communities")
    assert [v["version"] for v in history] == [4, 3, 2, 1]
    winner = next(i for i, r in enumerate(results) if r.version == 4)
    assert history[0]["sha256"] == hashlib.sha256(files[winner]).hexdigest()
    frame = store.load_table(engine, "communities")
    assert sorted(frame["community_id"]) == ids(f"63010400{winner}", 50 + winner)
    assert set(frame["name_zh"].str[:2]) == {f"F{winner}"}


def test_simultaneous_commits_expecting_the_same_version_let_exactly_one_through(engine):
    with_communities(engine)
    data = csv_bytes(ACTIVITY_HEADER, activity_rows(["A1"]))
    results = run_threads(lambda i: importing.import_bytes(engine, data, "a.csv", table="activities", expected_version=0), 3)
    assert sum(isinstance(r, importing.ImportResult) and r.version == 1 for r in results) == 1
    assert sum(isinstance(r, store.VersionConflict) for r in results) == 2


@pytest.fixture
def small_sample(tmp_path, monkeypatch):
    """The bundled sample cut to a few hundred rows per table, so loading it takes milliseconds."""
    folder = tmp_path / "sample"
    folder.mkdir()
    for name in TABLES:
        lines = (config.SAMPLE_DIR / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        (folder / f"{name}.csv").write_text("\n".join(lines[:300]) + "\n", encoding="utf-8")
    monkeypatch.setattr(config, "SAMPLE_DIR", folder)
    return folder


def test_ensure_data_loads_the_sample_once_when_replicas_start_together(engine, small_sample):
    results = run_threads(lambda i: sample.ensure_data(engine), 3)
    assert sorted(results) == [False, False, True]
    history = store.list_versions(engine)
    assert sorted(v["table"] for v in history) == sorted(TABLES)
    assert not sample.ensure_data(engine)


def test_load_sample_commits_all_four_tables_or_none(engine, small_sample):
    results = sample.load_sample(engine)
    assert [(r.report.table, r.version) for r in results] == [(t, 1) for t in sample.LOAD_ORDER]
    (small_sample / "targets.csv").write_text("district,year,metric,target\nnowhere,2025,activities,1\n", encoding="utf-8")
    results = sample.load_sample(engine)
    assert [r.version for r in results] == [None] * 4 and not results[-1].report.valid
    assert len(store.list_versions(engine)) == 4


def test_threads_asking_for_a_new_database_at_the_same_moment_share_one_engine(tmp_path, monkeypatch):
    made = []
    real = database._make_engine

    def counted(url):
        made.append(url)
        return real(url)

    monkeypatch.setattr(database, "_make_engine", counted)
    url = f"sqlite:///{tmp_path / 'together.db'}"
    engines = run_threads(lambda i: database.engine_for(url), 4)
    assert all(engine is engines[0] for engine in engines) and made == [url]
    engines[0].dispose()
    database.engine_for.cache_clear()
