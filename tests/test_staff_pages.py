"""Pages for staff: the audit log (admins), reporting status (any account), and DASHBOARD_PUBLIC=0 (sign in first).

AppTest on a copy of the desk's template database (the sample data, ``ed`` an
editor and ``boss`` an admin), with test_desk's fixtures and helpers; the
reporting figures and the uploads query on small data, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
import test_desk as desk

from dashboard import auth
from dashboard.dataset import Dataset, empty_dataset
from dashboard.figures import reporting
from dashboard.i18n import t
from dashboard.ingest.importing import check_bytes
from dashboard.scope import CITY, Scope
from dashboard.storage import audit, store, uploads
from dashboard.ui import audit_view, gate, reporting_view

template_db, db, served_like_a_running_server = desk.template_db, desk.db, desk.served_like_a_running_server  # fixtures
PASSWORD, open_page, sign_in = desk.PASSWORD, desk.open_page, desk.sign_in

# --- the audit log page ---------------------------------------------------------------------------------------


def test_the_audit_log_is_for_admins_only(db):
    at = open_page("pages/audit.py")
    assert at.info[0].value == t("audit.admins_only", "en") and not at.dataframe
    at.switch_page("pages/desk.py")
    sign_in(at.run(), "ed")
    at.switch_page("pages/audit.py")
    at.run()
    assert at.info[0].value == t("audit.admins_only", "en") and not at.dataframe


def test_an_admin_reads_filters_and_downloads_the_log(db):
    auth.add_user(db, "xi", PASSWORD, "editor", scope=Scope.of(["chengxi"]))
    at = sign_in(open_page(), "boss")
    at.switch_page("pages/audit.py")
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["Time (Beijing time)", "Account", "Event", "Outcome", "Where", "Details"]
    assert table[["Account", "Event", "Outcome", "Where"]].head(2).to_dict("records") == [
        {"Account": "boss", "Event": "Sign-in", "Outcome": "Success", "Where": "Desk"},
        {"Account": "(operator)", "Event": "Account added", "Outcome": "Success", "Where": "Command line"},
    ]
    assert '"districts": "chengxi"' in table["Details"].iloc[1]

    at.text_input(key="audit_user").input("(operator)").run()
    assert set(at.dataframe[0].value["Account"]) == {"(operator)"}
    at.text_input(key="audit_user").input("").run()
    at.multiselect(key="audit_events").select("sign_in").run()
    assert set(at.dataframe[0].value["Event"]) == {"Sign-in"}
    at.multiselect(key="audit_outcomes").select("failure").run()
    assert at.dataframe[0].value.empty and at.get("download_button")[0].disabled

    data = audit_view._download(audit.entries(db), auth.account(db, "boss"))
    listed = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(listed.columns) == ["time", "user", "event", "outcome", "source", "details"]
    exported = audit.entries(db, events=["export"])[0]
    assert (exported["user"], exported["details"]["table"], exported["details"]["rows"]) == ("boss", "audit_log", len(listed))


def test_the_menu_lists_reporting_for_staff_and_the_audit_log_for_admins(db):
    assert gate.pages_for(None) == {"reporting": False, "audit": False}
    assert gate.pages_for(auth.account(db, "ed")) == {"reporting": True, "audit": False}
    assert gate.pages_for(auth.account(db, "boss")) == {"reporting": True, "audit": True}


# --- reporting status -----------------------------------------------------------------------------------------


def test_reporting_status_is_for_signed_in_staff(db):
    at = open_page("pages/reporting.py")
    assert at.info[0].value == t("reporting.staff_only", "en") and not at.dataframe


def test_reporting_status_shows_each_districts_last_uploads_and_quiet_communities(db, monkeypatch):
    monkeypatch.setattr("dashboard.config.today", lambda: date(2026, 11, 30))
    at = sign_in(open_page(), "ed")
    at.switch_page("pages/reporting.py")
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "District",
        "Communities",
        "No activity in October 2026",
        "Last upload: communities",
        "Last upload: activities",
        "Last upload: surveys",
        "Last upload: targets",
    ]
    assert table["District"].tolist()[:3] == ["Chengdong", "Chengzhong", "Chengxi"]
    assert table["Communities"].tolist() == ["39", "29", "31", "31", "17", "24", "8"]
    assert all(cell.endswith(" · sample") for cell in table["Last upload: communities"])
    ds = store.load_dataset(db)
    expected = reporting.status([], ds, date(2026, 11, 30))["quiet"].astype(str).tolist()
    assert table["No activity in October 2026"].tolist() == expected
    quiet = at.dataframe[1].value
    assert len(quiet) == sum(map(int, expected))


def small_dataset(activity_days: dict[str, list[str]]) -> Dataset:
    """Communities C1 and C2 in 城西区, C3 in 城东区, with activities on the given days."""
    head = "community_id,name_zh,district,characteristic,stage,latitude,longitude\n"
    places = {"C1": "chengxi", "C2": "chengxi", "C3": "chengdong"}
    communities = "".join(f"{c},{c}社区,{d},caring,named,36.6,101.7\n" for c, d in places.items())
    rows = "".join(f"{cid},{day},patrol,5\n" for cid, days in activity_days.items() for day in days)
    empty = empty_dataset()
    return Dataset(
        communities=check_bytes(None, (head + communities).encode(), "c.csv").frame,
        activities=check_bytes(None, f"community_id,date,category,participants\n{rows}".encode(), "a.csv", "activities").frame,
        surveys=empty.surveys,
        targets=empty.targets,
        version="t",
    )


def test_quiet_communities_had_no_activity_in_the_last_full_month():
    ds = small_dataset({"C1": ["2026-10-31"], "C2": ["2026-09-30", "2026-11-02"], "C3": ["2026-10-01"]})
    status = reporting.status([], ds, date(2026, 11, 15)).set_index("district")
    assert status.loc["chengxi", ["communities", "quiet"]].tolist() == [2, 1]  # C2: September and November only
    assert status.loc["chengdong", ["communities", "quiet"]].tolist() == [1, 0]
    assert status.loc["datong", ["communities", "quiet"]].tolist() == [0, 0]
    quiet = reporting.quiet(ds, date(2026, 11, 15))
    assert quiet["community_id"].tolist() == ["C2"] and quiet["last_activity"].iloc[0] == pd.Timestamp("2026-11-02")


def test_with_no_activities_at_all_every_community_is_quiet_and_never_active():
    silent = replace(small_dataset({"C1": ["2026-10-05"]}), activities=empty_dataset().activities)
    quiet = reporting.quiet(silent, date(2026, 11, 15))
    assert quiet["community_id"].tolist() == ["C3", "C1", "C2"] and quiet["last_activity"].isna().all()


def test_a_table_never_uploaded_for_a_district_shows_a_dash_not_nan():
    """pandas 3 reads a column of texts and Nones as a str column of NaNs: the cell still says "—"."""
    uploads = [{"table": "communities", "district": "chengxi", "created_at": "2026-11-25T08:00:00", "user": "xi"}]
    frame = reporting.status(uploads, small_dataset({"C1": ["2026-10-05"]}), date(2026, 11, 15)).set_index("district")
    assert pd.isna(frame.loc["chengdong", "communities_at"])
    shown = {d: reporting_view._upload(frame.loc[d, "communities_at"], frame.loc[d, "communities_by"]) for d in frame.index}
    assert shown["chengxi"] == "2026-11-25 · xi" and shown["chengdong"] == shown["datong"] == "—"
    assert reporting_view._upload(float("nan"), None) == reporting_view._upload(pd.NA, "xi") == "—"


@pytest.mark.parametrize(
    "today, month",
    [(date(2026, 11, 30), (date(2026, 10, 1), date(2026, 11, 1))), (date(2026, 1, 1), (date(2025, 12, 1), date(2026, 1, 1)))],
)
def test_the_last_full_month_is_the_calendar_month_before_today(today, month):
    assert reporting.last_full_month(today) == month


# --- who uploaded what, by district (storage, both databases) ---------------------------------------------------

HEAD = "community_id,name_zh,district,characteristic,stage,latitude,longitude\n"


def test_last_uploads_count_for_the_districts_whose_rows_they_brought_and_not_restores(engine):
    def commit(table: str, text: str, user: str, mode: str, scope: Scope = CITY) -> int:
        frame = check_bytes(engine, text.encode(), "f.csv", table).frame
        return store.commit_frame(engine, table, frame, mode, store.ImportMeta(user, "f.csv", ""), scope=scope)

    both = HEAD + "X1,甲,chengxi,caring,named,36.6,101.7\nD1,乙,chengdong,caring,named,36.6,101.7\n"
    commit("communities", both, "city", "replace")
    commit("communities", HEAD + "X1,甲2,chengxi,caring,named,36.6,101.7\n", "xi", "replace", Scope.of(["chengxi"]))
    commit("activities", "community_id,date,category,participants\nD1,2026-10-02,patrol,5\n", "dong", "append")
    store.restore(engine, "communities", 1, "boss")  # a restore is no upload
    got = {(u["table"], u["district"]): (u["version"], u["user"]) for u in uploads.last_uploads(engine)}
    assert got == {
        ("communities", "chengxi"): (2, "xi"),
        ("communities", "chengdong"): (1, "city"),
        ("activities", "chengdong"): (1, "dong"),
    }


# --- DASHBOARD_PUBLIC=0: sign in first, the viewer reads ---------------------------------------------------------


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/map.py", "pages/profile.py", "pages/history.py", "pages/desk.py"])
def test_with_public_off_every_page_asks_for_sign_in_first(db, monkeypatch, page):
    monkeypatch.setenv("DASHBOARD_PUBLIC", "0")
    at = open_page(page)
    assert not at.exception
    assert at.title[0].value == t("ui.sign_in_first", "en")
    assert [w.label for w in at.text_input] == ["Account", "Password"]
    assert not at.dataframe and not at.metric and not at.sidebar.children  # nothing of the data, not even filters


def test_with_public_off_a_viewer_reads_everything_but_changes_nothing(db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_PUBLIC", "0")
    auth.add_user(db, "reader", PASSWORD, "viewer")
    at = sign_in(open_page("pages/overview.py"), "reader")
    assert not at.exception and at.metric and at.title[0].value != t("ui.sign_in_first", "en")
    at.switch_page("pages/desk.py")
    at.run()
    assert not at.file_uploader and t("desk.viewer_no_import", "en") in [i.value for i in at.info]
    at.switch_page("pages/history.py")
    at.run()
    assert not at.checkbox and t("history.admin_only_signed_in", "en") in [c.value for c in at.caption]


def test_with_public_on_anonymous_readers_see_the_dashboard_as_before(db):
    at = open_page("pages/overview.py")
    assert not at.exception and at.metric and at.sidebar.children


def test_signing_in_and_out_on_the_desk_is_recorded(db):
    at = sign_in(open_page(), "ed")
    desk.button(at, "Sign out").click()
    at.run()
    logged = [(e["user"], e["event"], e["outcome"], e["source"], e["details"]) for e in audit.entries(db, limit=2)]
    assert logged == [
        ("ed", "sign_out", "success", "desk", {"reason": "signed_out"}),
        ("ed", "sign_in", "success", "desk", {"client": "local"}),
    ]


# --- a restore on Version history: the guard, and a scoped admin's districts ------------------------------------


def test_a_large_restore_on_the_history_page_waits_for_the_number_and_a_scoped_admin_restores_its_districts(db):
    """Version 2 adds 20 communities to 城西区; 城西区's admin restoring version 1 removes them again: 20 of the 51
    rows it may change, a large removal. The other districts' rows stay as they are."""
    auth.add_user(db, "xi.admin", PASSWORD, "admin", scope=Scope.of(["chengxi"]))
    frame = store.load_table(db, "communities")
    extra = frame[frame["district"] == "chengxi"].head(20).assign(community_id=[f"6301049990{i:02d}" for i in range(20)])
    store.commit_frame(db, "communities", extra, "append", store.ImportMeta("ed", "more.csv", ""))
    others = store.load_table(db, "communities").query("district != 'chengxi'").reset_index(drop=True)
    at = sign_in(open_page(), "xi.admin")
    at.switch_page("pages/history.py")
    at.run()
    at.selectbox(key="hist_version").set_value(1).run()
    assert t("history.restore_scoped", "en", scope="Chengxi") in [c.value for c in at.caption]
    at.checkbox(key="hist_confirm").check().run()
    [removals] = [d.value for d in at.dataframe if "District" in d.value.columns]
    assert removals.to_dict("records") == [{"District": "Chengxi", "Rows now": 51, "Removed": 20, "Every row": ""}]
    restore = desk.button(at, "Restore version 1")
    assert restore.disabled
    at.text_input(key="hist_confirm_removals").input("20").run()
    desk.button(at, "Restore version 1").click()
    at.run()
    assert not at.exception and at.success, [e.value for e in at.error]
    newest = store.list_versions(db, "communities")[0]
    assert (newest["version"], newest["mode"], newest["user"]) == (3, "scoped_restore", "xi.admin")
    after = store.load_table(db, "communities")
    assert len(after.query("district == 'chengxi'")) == 31
    pd.testing.assert_frame_equal(after.query("district != 'chengxi'").reset_index(drop=True), others)
