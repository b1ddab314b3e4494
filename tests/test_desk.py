"""The data desk and the history page under Streamlit's AppTest.

Every test starts from a copy of one database made once per session (the
sample data plus an editor ``ed`` and an administrator ``boss``), with the
Streamlit caches cleared, so tests never see each other's data. Passwords
use cheap argon2 parameters here (same format); ``test_auth`` checks the real ones.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import sqlite3
import time
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from argon2 import PasswordHasher
from openpyxl import load_workbook
from sqlalchemy import select, update
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from dashboard import auth, config, kept_signin, signin
from dashboard.i18n import fmt_count, t
from dashboard.ingest import sample, staging
from dashboard.ingest.importing import check_bytes
from dashboard.render import templates
from dashboard.render.exports import contract_frame
from dashboard.schema import TABLES
from dashboard.scope import Scope
from dashboard.storage import audit, database, store, tables
from dashboard.storage.tables import kept_signins
from dashboard.ui import history_view, session, session_route
from dashboard.ui.text import md_escape

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Desk-password-42"
XSS = "<img src=x onerror=alert(1)>"
MARKDOWN = "**bold**[link](javascript:alert(1))"
FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)"]
FAST_ARGON2 = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


# --- fixtures and helpers ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """The sample data and two accounts, made once; each test works on a copy."""
    path = tmp_path_factory.mktemp("desk") / "template.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", FAST_ARGON2)
        engine = database.engine_for(f"sqlite:///{path}")
        sample.ensure_data(engine)
        auth.add_user(engine, "ed", PASSWORD, "editor")
        auth.add_user(engine, "boss", PASSWORD, "admin")
        engine.dispose()
    database.engine_for.cache_clear()
    return path


def _clear_caches() -> None:
    database.engine_for.cache_clear()
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def db(template_db, tmp_path, monkeypatch):
    """This test's own database (a copy of the template), configured for the app."""
    monkeypatch.setattr(auth, "_hasher", FAST_ARGON2)
    target = tmp_path / "desk.db"
    with sqlite3.connect(template_db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", f"sqlite:///{target}")
    monkeypatch.setenv("DASHBOARD_LANG", "en")
    _clear_caches()
    engine = database.get_engine()
    yield engine
    engine.dispose()
    _clear_caches()


@pytest.fixture(autouse=True)
def served_like_a_running_server(monkeypatch):
    """Every AppTest run goes through app.py's ``st.navigation``, as on a server past its first run.

    AppTest resets Streamlit's "pages/ folder" mode before each run, so each
    run after the first would run the page file alone, ``state.require_app``
    would rerun it through app.py, and that rerun drops the click being
    tested. A real server is in that mode only for its very first run (the
    browser tier starts with one); clicks come later.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Bytes handed to download buttons (not callables), by file name: what a user would save."""
    saved: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        if filename and isinstance(path_or_data, bytes):
            saved[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return saved


def open_page(page: str = "pages/desk.py", **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page)
    return at.run()


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} in {[b.label for b in at.button]}"
    return matches[0]


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    button(at, "Sign in").click()
    return at.run()


def shown_text(at: AppTest) -> str:
    """Every message, caption and Markdown block of the page, as their Markdown source."""
    parts = [
        e.value
        for kind in ("title", "subheader", "markdown", "caption", "error", "warning", "success", "info")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def signed_in(at: AppTest) -> bool:
    return len(at.file_uploader) == 1


def assert_sign_in_form(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not signed_in(at)
    assert [w.label for w in at.text_input] == ["Account", "Password"]
    assert "Accounts" not in [s.value for s in at.subheader]


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, "text/csv"))
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def folium_script(at: AppTest) -> str:
    """The script of the (one) st_folium map on the page, with JSON's ``\\u0026`` read back as ``&``."""

    def walk(node):
        for child in getattr(node, "children", {}).values():
            yield child
            yield from walk(child)

    maps = [e for e in walk(at._tree) if e.type == "component_instance" and "folium" in e.proto.component_name]
    assert len(maps) == 1, [e.type for e in walk(at._tree)]
    return maps[0].proto.json_args.replace("\\\\u0026", "&").replace("\\u0026", "&")  # folium writes & as \u0026


def active_csv(engine, edit=None, encoding: str = "utf-8") -> tuple[pd.DataFrame, bytes]:
    """The active communities as a staff file (contract columns), optionally edited first."""
    frame = contract_frame("communities", store.load_table(engine, "communities"))
    frame = edit(frame) if edit else frame
    return frame, frame.to_csv(index=False).encode(encoding)


def new_community(community_id: str, name_zh: str, name_en: str = "") -> dict:
    return {
        "community_id": community_id,
        "name_zh": name_zh,
        "name_en": name_en,
        "district": "chengxi",
        "subdistrict": "西关大街街道",
        "characteristic": "caring",
        "brand_name": "",
        "stage": "applied",
        "latitude": 36.62,
        "longitude": 101.76,
        "coord_system": "WGS84",
        "households": 100,
        "residents": 300,
        "applied_on": "2025-01-10",  # in the campaign before the data's last day, so the Overview counts it
    }


def figures(engine) -> dict:
    ds = store.load_dataset(engine)
    return {
        "version": store.data_version(engine),
        "communities": len(ds.communities),
        "activities": len(ds.activities),
        "versions": store.list_versions(engine),
    }


# --- who may do what ---------------------------------------------------------------------------------------------


def test_viewers_need_no_account_and_see_only_the_sign_in_form(db):
    at = open_page()
    assert_sign_in_form(at)
    assert t("desk.viewers_note", "en") in shown_text(at)
    assert at.title[0].value == "Data desk"


def test_without_any_account_the_desk_explains_how_to_create_the_first(db):
    with db.begin() as conn:
        conn.execute(tables.users.delete())
    at = open_page()
    assert not at.exception and not signed_in(at) and not at.text_input
    assert at.info[0].value == t("desk.no_accounts", "en")
    assert at.code[0].value == "python -m dashboard users add NAME --role admin"


@pytest.mark.parametrize(
    "forged",
    [
        lambda now: {"name": "boss", "since": now, "sig": "forged"},
        lambda now: {"name": "boss", "since": now, "sig": "签名"},  # non-ASCII: must not crash compare_digest
        lambda now: {"name": "boss", "since": now, "sig": session._signature("ed", now, "", "")},  # someone else's signature
        lambda now: {"name": "boss", "since": now + 1, "sig": session._signature("boss", now, "", "")},  # time changed
        lambda now: {"name": "boss", "since": "now", "sig": ""},
        lambda now: "boss",
    ],
    ids=["forged", "non-ascii", "other-name", "other-time", "junk", "not-a-dict"],
)
def test_crafted_session_state_signs_nobody_in(db, forged):
    at = open_page(staff_session=forged(time.time()))
    assert_sign_in_form(at)
    at.switch_page("pages/history.py")
    at.run()
    assert not at.checkbox and not [b for b in at.button if b.label.startswith("Restore")]


def test_crafted_url_signs_nobody_in(db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for key, value in {"user": "boss", "role": "admin", "staff_session": "boss", "signed_in": "1"}.items():
        at.query_params[key] = value
    at.switch_page("pages/desk.py")
    assert_sign_in_form(at.run())


def test_editor_uploads_but_cannot_restore_or_manage_and_signs_out_in_one_click(db):
    at = sign_in(open_page(), "ed")
    assert not at.exception and signed_in(at)
    assert "Signed in as **ed** (editor) · may change: **the whole city**" in shown_text(at)
    assert "Accounts" not in [s.value for s in at.subheader] and not at.dataframe
    at.switch_page("pages/history.py")
    at.run()
    assert not at.checkbox and not [b for b in at.button if b.label.startswith("Restore")]
    assert t("history.admin_only_signed_in", "en") in shown_text(at)  # signed in: not told to sign in
    at.switch_page("pages/desk.py")
    at.run()
    button(at, "Sign out").click()
    at.run()
    assert_sign_in_form(at)
    assert "staff_session" not in at.session_state


def test_wrong_password_is_refused_and_five_from_one_client_block_it_even_for_the_right_one(db, monkeypatch):
    monkeypatch.setattr(signin, "slowdown_seconds", lambda _failures: 0)
    at = open_page()
    for name in ("ed", "nobody", "ed", "boss", "ed"):  # the same answer whether the account exists or not
        sign_in(at, name, "not-the-password")
        assert at.error[0].value == "Wrong account name or password."
    sign_in(at, "ed", PASSWORD)
    assert not signed_in(at)
    assert at.error[0].value == "Too many failed sign-ins from this address: try again in about 15 minutes."
    assert signin.authenticate(db, "ed", PASSWORD, client="10.9.9.9", sleep=lambda _s: None).name == "ed"  # not locked


def test_session_expires_after_the_configured_time(db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SESSION_MINUTES", "0.5")  # 30 s: fractions are allowed
    at = open_page(staff_session=signed_in_state(db, "ed", time.time() - 20))
    assert signed_in(at)
    at.session_state["staff_session"] = signed_in_state(db, "ed", time.time() - 40)
    at.run()
    assert_sign_in_form(at)
    assert t("auth.session_expired", "en") in shown_text(at)


def test_a_removed_account_stops_working_at_the_next_run(db):
    at = sign_in(open_page(), "ed")
    assert signed_in(at)
    auth.remove_user(db, "ed")
    assert_sign_in_form(at.run())


def test_admin_manages_accounts_with_escaped_names(db):
    at = sign_in(open_page(), "boss")
    assert "Signed in as **boss** (administrator) · may change: **the whole city**" in shown_text(at)
    assert "Accounts" in [s.value for s in at.subheader]
    listed = at.dataframe[0].value
    assert sorted(listed["Account"]) == ["boss", "ed"] and not any("argon2" in str(v) for v in listed.to_numpy().ravel())
    made = {row["name"]: row["created_at"] for row in auth.list_users(db)}  # stored in UTC
    created = dict(zip(listed["Account"], listed["Created (Beijing time)"], strict=True))
    assert created == {name: config.campaign_time(moment).strftime("%Y-%m-%d %H:%M") for name, moment in made.items()}

    at.text_input(key="acc_new_name").input(MARKDOWN)  # not a name an account may have
    at.text_input(key="acc_new_password").input("New-staff-pass-1")
    button(at, "Create").click()
    at.run()
    assert at.error[0].value == t("auth.bad_name", "en") and auth.account(db, MARKDOWN) is None

    at.text_input(key="acc_new_name").input("new.staff_1")
    at.selectbox(key="acc_new_role").set_value("editor")
    at.text_input(key="acc_new_password").input("New-staff-pass-1")
    button(at, "Create").click()
    at.run()
    assert not at.exception
    assert at.success[0].value == f"Account “{md_escape('new.staff_1')}” created (editor, the whole city)."
    with db.connect() as conn:
        stored = conn.execute(select(tables.users.c.password_hash).where(tables.users.c.name == "new.staff_1")).scalar()
    assert stored.startswith("$argon2") and stored != "New-staff-pass-1"
    assert auth.account(db, "new.staff_1").must_change_password  # the form's default for a new account

    at.text_input(key="acc_new_name").input("ed")
    at.text_input(key="acc_new_password").input("New-staff-pass-1")
    button(at, "Create").click()
    at.run()
    assert at.error[0].value == "An account named “ed” already exists (names are compared regardless of letter case)."

    at.selectbox(key="acc_rm_name").set_value("ed")
    button(at, "Remove").click()
    at.run()
    assert auth.role_of(db, "ed") is None and at.success[0].value == "Account “ed” removed."
    assert "boss" not in at.selectbox(key="acc_rm_name").options  # nobody removes themself


def test_an_admin_demoted_meanwhile_can_neither_restore_nor_add_accounts(db):
    at = sign_in(open_page(), "boss")
    at.text_input(key="acc_new_name").input("intruder")
    at.text_input(key="acc_new_password").input("New-staff-pass-1")
    with db.begin() as conn:
        conn.execute(update(tables.users).where(tables.users.c.name == "boss").values(role="editor"))
    button(at, "Create").click()
    at.run()
    assert auth.role_of(db, "intruder") is None and "Accounts" not in [s.value for s in at.subheader]

    with db.begin() as conn:
        conn.execute(update(tables.users).where(tables.users.c.name == "boss").values(role="admin"))
    at.switch_page("pages/history.py")
    at.run()
    at.checkbox(key="hist_confirm").check()
    at.run()
    restore = button(at, "Restore version 1")
    assert not restore.disabled
    with db.begin() as conn:
        conn.execute(update(tables.users).where(tables.users.c.name == "boss").values(role="editor"))
    restore.click()
    at.run()
    assert [v["version"] for v in store.list_versions(db, "communities")] == [1]
    assert not [b for b in at.button if b.label.startswith("Restore")]


def test_no_password_reaches_logs_output_or_session_state(db, capsys):
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage() + repr(record.args) + repr(record.__dict__))

    handler, loggers = Keep(level=logging.DEBUG), [logging.getLogger(), logging.getLogger("streamlit")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    try:
        at = sign_in(open_page(), "boss", "Wrong-password-77")
        sign_in(at, "boss")
        assert "signin_password" not in at.session_state
        at.text_input(key="acc_new_name").input("carol")
        at.text_input(key="acc_new_password").input("Carols-secret-9")
        button(at, "Create").click()
        at.run()
        assert auth.role_of(db, "carol") == "viewer"  # the least role is the default
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
    out, err = capsys.readouterr()
    everything = "\n".join(records) + out + err + shown_text(at)
    for secret in (PASSWORD, "Wrong-password-77", "Carols-secret-9", "$argon2"):
        assert secret not in everything


def _click_script() -> None:
    """A button whose click needs the role given in the session state (run by AppTest as a script)."""
    import streamlit as st  # imported inside: AppTest runs the function's body alone

    from dashboard.ui import session

    if st.button("Act", key="act"):
        user = session.require(st.session_state["action"], "en")
        st.markdown(f"done by {user.name}" if user else "refused")


def signed_in_state(engine, name: str, since: float | None = None) -> dict:
    """The session a sign-in of ``name`` at ``since`` (default now) leaves behind, with the account's token."""
    since = time.time() if since is None else since
    token = auth.account(engine, name).token
    return {"name": name, "since": since, "token": token, "kept": "", "sig": session._signature(name, since, token, "")}


@pytest.mark.parametrize(
    ("name", "action", "allowed"),
    [
        ("ed", "import", True),
        ("ed", "restore", False),
        ("ed", "manage", False),
        ("boss", "import", True),
        ("boss", "restore", True),
        ("boss", "manage", True),
        (None, "import", False),
    ],
)
def test_a_click_is_allowed_by_the_role_read_at_the_click(db, name, action, allowed):
    at = AppTest.from_function(_click_script)
    at.session_state["action"] = action
    if name:
        at.session_state["staff_session"] = signed_in_state(db, name)
    at.run()
    at.button(key="act").click().run()
    assert not at.exception
    if allowed:
        assert [m.value for m in at.markdown] == [f"done by {name}"] and not at.error
    else:
        assert [e.value for e in at.error] == [t("auth.not_allowed", "en")] and [m.value for m in at.markdown] == ["refused"]


def test_a_click_after_the_role_was_lowered_is_refused(db):
    at = AppTest.from_function(_click_script)
    at.session_state["action"] = "restore"
    at.session_state["staff_session"] = signed_in_state(db, "boss")
    at.run()
    with db.begin() as conn:
        conn.execute(update(tables.users).where(tables.users.c.name == "boss").values(role="editor"))
    at.button(key="act").click().run()
    assert [e.value for e in at.error] == [t("auth.not_allowed", "en")]


def _flash_script() -> None:
    """Keeps two notices at a click and reruns; shows kept notices in the language of the session state."""
    import streamlit as st  # imported inside: AppTest runs the function's body alone

    from dashboard.ui import flash

    if st.button("Keep", key="keep"):
        flash.flash("success", "desk.committed", icon=":material/check_circle:", table="communities", version=2)
        flash.flash("warning", "auth.session_expired")
        st.rerun()
    flash.show_flashes(st.session_state["reader"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_notices_kept_before_a_rerun_are_shown_once_after_it(lang):
    at = AppTest.from_function(_flash_script)
    at.session_state["reader"] = lang
    at.run()
    assert not at.success and not at.warning
    at.button(key="keep").click().run()
    assert [(s.value, s.icon) for s in at.success] == [
        (t("desk.committed", lang, table="communities", version=2), ":material/check_circle:")
    ]
    assert [w.value for w in at.warning] == [t("auth.session_expired", lang)]
    at.run()
    assert not at.success and not at.warning  # once


def test_signing_out_drops_notices_not_yet_shown(db):
    at = sign_in(open_page(), "ed")
    at.session_state["desk_flashes"] = [{"kind": "success", "key": "auth.session_expired", "icon": None, "params": {}}]
    button(at, "Sign out").click()
    at.run()
    assert_sign_in_form(at)
    assert not at.success and "desk_flashes" not in at.session_state


# --- district offices: scoped accounts, the removal guard, imports that change nothing, passwords -----------------


def scoped(db, name: str = "xi", role: str = "editor", **options) -> str:
    auth.add_user(db, name, PASSWORD, role, scope=Scope.of(["chengxi"]), **options)
    return name


def chengxi_csv(db, keep=lambda part: part) -> tuple[pd.DataFrame, bytes]:
    """城西区's active communities as a staff file (optionally cut down by ``keep``)."""
    frame = contract_frame("communities", store.load_table(db, "communities"))
    mine = keep(frame[frame["district"] == "chengxi"])
    return mine, mine.to_csv(index=False).encode()


def test_a_scoped_editor_sees_its_districts_and_a_mixed_file_is_rejected_on_exactly_the_rows_outside(db):
    at = sign_in(open_page(), scoped(db))
    assert "Signed in as **xi** (editor) · may change: **Chengxi**" in shown_text(at)
    assert at.selectbox(key="desk_mode").format_func("replace") == "Replace the rows of Chengxi; other districts stay"
    frame = contract_frame("communities", store.load_table(db, "communities"))
    mixed = pd.concat([frame[frame["district"] == "chengxi"].head(3), frame[frame["district"] == "chengdong"].head(2)])
    before = figures(db)
    at = upload(at, "mixed.csv", mixed.to_csv(index=False).encode())
    assert at.error[0].value.startswith("Rejected: 2 problems in 2 rows of mixed\\.csv")
    problems = at.dataframe[0].value
    assert problems["Row"].tolist() == [5, 6]
    outsider = mixed.iloc[3]["community_id"]
    assert problems["What to do"].iloc[0] == (
        f"Row 5, column “community_id”: community “{outsider}” belongs to Chengdong; this account may change Chengxi only. "
        "Remove the row, or ask the office of Chengdong or the city office to make this change."
    )
    assert figures(db) == before
    checked = audit.entries(db, events=["file_checked"])[0]
    assert (checked["user"], checked["outcome"], checked["source"], checked["details"]["file"]) == (
        "xi",
        "failure",
        "desk",
        "mixed.csv",
    )


def test_a_scoped_replace_previews_its_districts_and_a_large_removal_waits_for_its_number(db):
    others = store.load_table(db, "communities").query("district != 'chengxi'").reset_index(drop=True)
    mine, data = chengxi_csv(db, lambda part: part.iloc[5:])  # 5 of 城西区's 31 left out
    at = upload(sign_in(open_page(), scoped(db)), "chengxi.csv", data)
    assert not at.exception and not at.error
    assert metrics(at) == {"Added": "0", "Changed": "0", "Removed": "5", "Unchanged": "26"}
    assert t("desk.kept_other_districts", "en", count="148", scope="Chengxi") in [i.value for i in at.info]
    [removals] = [d.value for d in at.dataframe if "District" in d.value.columns]
    assert removals.to_dict("records") == [{"District": "Chengxi", "Rows now": 31, "Removed": 5, "Every row": ""}]
    assert at.warning[-1].value.startswith("This removes 5 rows, 16% of the 31 rows you may change.")
    commit = button(at, "Commit as a new version")
    assert commit.disabled
    at.text_input(key="desk_confirm_removals").input("4").run()
    assert button(at, "Commit as a new version").disabled
    assert t("desk.type_removed_wrong", "en", count=5) in [c.value for c in at.caption]
    at.text_input(key="desk_confirm_removals").input("5").run()
    button(at, "Commit as a new version").click()
    at.run()
    assert at.success[0].value == t("desk.committed", "en", table=t("validation.table_communities", "en"), version=2)
    newest = store.list_versions(db, "communities")[0]
    assert (newest["mode"], newest["user"], newest["rows"]) == ("scoped_replace", "xi", 26)
    after = store.load_table(db, "communities")
    pd.testing.assert_frame_equal(after.query("district != 'chengxi'").reset_index(drop=True), others)
    assert sorted(after.query("district == 'chengxi'")["community_id"]) == sorted(mine["community_id"])


def test_a_commit_whose_number_was_not_typed_is_refused_on_the_server(db):
    """The disabled button is the browser's; the server checks the number again at the click."""
    _, data = chengxi_csv(db, lambda part: part.iloc[5:])
    at = upload(sign_in(open_page(), scoped(db)), "chengxi.csv", data)
    staged = at.session_state["desk_staged"][1]
    with pytest.raises(staging.RemovalsNotConfirmed):
        staging.commit(db, staged, audit.Actor("xi", "desk"), "", confirm_removals=None)
    assert len(store.list_versions(db, "communities")) == 1
    assert audit.entries(db, events=["import"])[0]["outcome"] == "refused"


def test_a_file_identical_to_the_active_data_says_no_changes_and_offers_no_commit(db):
    _, data = active_csv(db)
    at = upload(sign_in(open_page(), "ed"), "same.csv", data)
    assert t("desk.no_changes", "en", table=t("validation.table_communities", "en")) in [i.value for i in at.info]
    assert not [b for b in at.button if b.label == "Commit as a new version"]
    assert len(store.list_versions(db, "communities")) == 1


def test_a_viewer_signs_in_and_reads_but_cannot_upload(db):
    auth.add_user(db, "reader", PASSWORD, "viewer")
    at = sign_in(open_page(), "reader")
    assert "Signed in as **reader** (viewer)" in shown_text(at)
    assert not at.file_uploader and t("desk.viewer_no_import", "en") in [i.value for i in at.info]


def test_an_account_flagged_to_change_its_password_does_so_first_and_other_sessions_end(db):
    auth.add_user(db, "new", PASSWORD, "editor", must_change_password=True)
    other = sign_in(open_page(), "new")  # another browser, signed in first
    at = sign_in(open_page(), "new")
    assert not at.file_uploader and t("desk.must_change_password", "en") in [w.value for w in at.warning]
    at.text_input(key="own_pw_1").input(PASSWORD)
    at.text_input(key="own_pw_2").input(PASSWORD)
    button(at, "Save").click()
    at.run()
    assert at.error[0].value == t("auth.password_reused", "en")
    at.text_input(key="own_pw_1").input("Fresh-password-7")
    at.text_input(key="own_pw_2").input("Fresh-password-7")
    button(at, "Save").click()
    at.run()
    assert signed_in(at) and t("auth.own_password_changed", "en") in [s.value for s in at.success]
    assert not auth.account(db, "new").must_change_password
    other.run()
    assert_sign_in_form(other)  # its session ended with the password change
    assert t("auth.session_ended", "en") in shown_text(other)


def test_an_admin_resetting_a_password_ends_that_accounts_sessions(db):
    at = sign_in(open_page(), "ed")
    auth.set_password(db, "ed", "Reset-by-boss-9", by=auth.account(db, "boss"), source="desk")
    assert_sign_in_form(at.run())
    assert auth.account(db, "ed").must_change_password is False  # only when asked (the desk's form asks by default)


def test_a_scoped_admin_manages_only_its_districts_accounts(db):
    scoped(db, "xi.ed")
    scoped(db, "xi.admin", "admin")
    at = sign_in(open_page(), "xi.admin")
    assert sorted(at.dataframe[-1].value["Account"]) == ["xi.admin", "xi.ed"]  # not boss, not ed (city-wide)
    assert at.multiselect(key="acc_new_districts").options == ["Chengxi"]


# --- upload: rejected ----------------------------------------------------------------------------------------------

BAD_FILE = (
    "community_id,name_zh,district,characteristic,stage,latitude,longitude\n"
    f'630199999001,{XSS},城西区,caring,named,"{FORMULAS[0]}",101.7\n'
    f"630199999002,{MARKDOWN},chengxi,caring,{FORMULAS[1]},36.6,101.7\n"
    f"630199999003,ok,chengxi,{FORMULAS[2]},named,36.6,{FORMULAS[3]}\n"
).encode()


def test_rejected_file_gets_a_row_level_report_and_changes_nothing(db, downloads):
    before = figures(db)
    name = f"{MARKDOWN}.csv"
    at = upload(sign_in(open_page(), "ed"), name, BAD_FILE)
    assert not at.exception
    assert at.error[0].value == t("desk.rejected", "en", count=4, rows=fmt_count(3, "rows", "en"), file=md_escape(name))
    assert MARKDOWN not in shown_text(at)  # the file name only ever shown escaped

    problems = at.dataframe[0].value
    assert list(problems.columns) == ["Row", "Column", "Value", "What to do"]
    assert sorted(zip(problems["Row"], problems["Column"], strict=True)) == [
        (2, "latitude"),
        (3, "stage"),
        (4, "characteristic"),
        (4, "longitude"),
    ]
    assert set(problems["Value"]) == set(FORMULAS)  # shown as the literal text, in a grid cell

    rows = at.dataframe[1]
    assert list(rows.value.index) == [2, 3, 4] and list(rows.value["name_zh"][:2]) == [XSS, MARKDOWN]
    styles = rows.proto.arrow_data.styler.styles
    assert styles.count("row") == 4 and "background-color: #fde2e1" in styles  # the four cells at fault

    report = pd.read_csv(io.BytesIO(downloads[f"{MARKDOWN}-report.csv"]), encoding="utf-8-sig", dtype=str)
    assert sorted(report["Value"]) == sorted("'" + f for f in FORMULAS)
    sheet = load_workbook(io.BytesIO(downloads[f"{MARKDOWN}-report.xlsx"])).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]  # no formula cell
    assert sorted(c.value for c in cells if c.column == 3 and c.row > 1) == sorted("'" + f for f in FORMULAS)

    assert figures(db) == before
    at.switch_page("pages/overview.py")
    at.run()
    assert metrics(at)["Communities enrolled"] == f"{before['communities']:,}"


def test_file_over_the_upload_limit_is_refused_before_any_check(db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_UPLOAD_LIMIT_MB", "0.002")
    before = figures(db)
    at = sign_in(open_page(), "ed")
    assert "at most 0.002 MB" in at.file_uploader[0].label
    _, data = active_csv(db)
    at = upload(at, "big.csv", data)
    assert not at.exception
    assert at.error[0].value == t("desk.too_large", "en", size=f"{len(data) / 1_048_576:.1f}", limit="0.002")
    assert "desk_staged" not in at.session_state and not at.get("status") and not at.dataframe and not at.metric
    assert figures(db) == before


def test_binary_file_named_csv_is_refused_cleanly(db):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" * 4
    before = figures(db)
    at = upload(sign_in(open_page(), "ed"), "photo.csv", png)
    assert not at.exception
    assert at.error[0].value == t("desk.rejected_file", "en", file="photo\\.csv")
    assert list(at.dataframe[0].value["What to do"]) == [t("validation.file_not_table", "en")]
    assert len(at.dataframe) == 1  # no rows to highlight
    assert figures(db) == before


def test_repeated_header_with_row_problems_still_highlights(db):
    data = (
        "community_id,name_zh,district,characteristic,stage,latitude,longitude,latitude\n"
        "630199999001,新社区,城西区,caring,named,99,101.7,36.6\n"
    ).encode()
    at = upload(sign_in(open_page(), "ed"), "dup.csv", data)
    assert not at.exception
    assert list(at.dataframe[1].value.columns)[-2:] == ["longitude", "latitude (2)"]
    assert at.dataframe[1].proto.arrow_data.styler.styles.count("row0_col5") == 1  # the first latitude, the one read


# --- upload: accepted, committed, conflicts ----------------------------------------------------------------------


def edited(frame: pd.DataFrame) -> pd.DataFrame:
    """One community removed, one changed (stage and brand), two added with hostile names; an extra column."""
    frame = frame.iloc[1:].copy()
    pick = next(i for i in range(len(frame)) if frame.iloc[i]["stage"] != "named")  # named: every stage date may stay
    frame = pd.concat([frame.iloc[[pick]], frame.drop(frame.index[pick])])  # the changed community first
    frame.iloc[0, frame.columns.get_loc("stage")] = "named"
    frame.iloc[0, frame.columns.get_loc("brand_name")] = "新品牌"
    added = pd.DataFrame([new_community("630199999001", XSS, MARKDOWN), new_community("630199999002", MARKDOWN, XSS)])
    frame = pd.concat([frame, added], ignore_index=True)
    frame[XSS] = ""
    return frame


def test_a_chinese_preview_names_columns_codes_and_fields_as_the_chinese_template_does(db):
    frame, data = active_csv(db, edited)
    at = sign_in(open_page(), "ed")
    at.sidebar.button_group(key="w_lang").set_value("zh").run()
    at = upload(at, "communities-new.csv", data)
    assert not at.exception and not at.error
    changed = at.dataframe[0].value
    assert changed.to_dict("records") == [{"社区编号": frame.iloc[0]["community_id"], "变更字段": "品牌名称、创建阶段"}]
    added, removed = [e.value for e in at.dataframe if "社区名称" in e.value.columns]
    stages = {config.label("stages", code, "zh") for code in config.codes("stages")}
    for rows in (added, removed):
        assert {"社区编号", "所属区县", "特色类型", "创建阶段"} <= set(rows.columns)
        assert set(rows["创建阶段"].dropna()) <= stages  # names, not codes


def test_accepted_file_previews_the_change_and_commit_makes_a_new_version(db):
    before = figures(db)
    frame, data = active_csv(db, edited)
    at = upload(sign_in(open_page(), "ed"), "communities-new.csv", data)
    assert not at.exception and not at.error
    assert metrics(at) == {"Added": "2", "Changed": "1", "Removed": "1", "Unchanged": f"{len(frame) - 3:,}"}
    changed = at.dataframe[0].value
    assert changed.to_dict("records") == [{"community_id": frame.iloc[0]["community_id"], "Changed fields": "brand_name, stage"}]
    assert md_escape(XSS) in at.warning[0].value and XSS not in shown_text(at)  # the unknown column, named escaped
    script = folium_script(at)  # new and moved communities on a map: names escaped in the popups
    assert "630199999001" in script and "&lt;img src=x onerror=alert(1)&gt;" in script and XSS not in script
    assert figures(db) == before  # nothing applied by the check

    at.text_area(key="desk_note").input("two new communities")
    button(at, "Commit as a new version").click()
    at.run()
    assert not at.exception
    assert at.success[0].value == t("desk.committed", "en", table=t("validation.table_communities", "en"), version=2)
    newest = store.list_versions(db, "communities")[0]
    assert (newest["version"], newest["user"], newest["file"], newest["note"], newest["rows"], newest["active"]) == (
        2,
        "ed",
        "communities-new.csv",
        "two new communities",
        len(frame),
        True,
    )
    assert store.data_version(db) != before["version"]
    assert not at.metric and "desk_staged" not in at.session_state  # the uploader is empty again

    at.switch_page("pages/map.py")
    at.run()
    script = folium_script(at)
    assert "630199999002" in script and XSS not in script
    at.switch_page("pages/overview.py")
    at.run()
    assert metrics(at)["Communities enrolled"] == f"{before['communities'] + 1:,}"


def test_commit_after_someone_elses_commit_is_refused_and_previewed_again(db):
    frame, data = active_csv(db, lambda f: f.assign(households=f["households"].where(f.index != 3, 1)))
    at = upload(sign_in(open_page(), "ed"), "households.csv", data)
    assert metrics(at)["Changed"] == "1" and at.session_state["desk_staged"][1].expected_version == 1

    meanwhile = store.load_table(db, "communities").iloc[:-1]  # someone else removes a community meanwhile
    store.commit_frame(db, "communities", meanwhile, "replace", store.ImportMeta("boss", "other.csv", "", "meanwhile"))
    at.text_area(key="desk_note").input("households fix")
    button(at, "Commit as a new version").click()
    at.run()
    assert not at.exception
    assert at.warning[0].value == t("desk.conflict", "en", table=t("validation.table_communities", "en"), expected=1, actual=2)
    assert [v["version"] for v in store.list_versions(db, "communities")] == [2, 1]  # nothing applied blind
    assert at.session_state["desk_staged"][1].expected_version == 2
    assert metrics(at)["Added"] == "1" and metrics(at)["Changed"] == "1"  # fresh preview: the removed one comes back

    at.text_area(key="desk_note").input("households fix, again")
    button(at, "Commit as a new version").click()
    at.run()
    newest = store.list_versions(db, "communities")[0]
    assert (newest["version"], newest["note"], newest["rows"]) == (3, "households fix, again", len(frame))


def test_activities_whose_community_was_removed_meanwhile_are_checked_again(db):
    communities = store.load_table(db, "communities")
    gone = communities["community_id"].iloc[0]
    data = f"activity_id,community_id,date,category,participants\nT-1,{gone},2026-03-05,cleanup,12\n".encode()
    at = upload(sign_in(open_page(), "ed"), "activities.csv", data)
    assert metrics(at)["Added"] == "1"
    store.commit_frame(db, "communities", communities.iloc[1:], "replace", store.ImportMeta("boss", "c.csv", ""))
    button(at, "Commit as a new version").click()
    at.run()
    assert not at.exception
    assert at.warning[0].value == t("desk.communities_gone", "en", table=t("validation.table_activities", "en"), count=1)
    assert list(at.dataframe[0].value["Column"]) == ["community_id"]  # the row-by-row report of the new check
    assert [v["version"] for v in store.list_versions(db, "activities")] == [1]


# --- history -----------------------------------------------------------------------------------------------------


def commit_edit(engine, note: str = "stage fix") -> pd.DataFrame:
    """A second communities version committed by the editor (as the desk would)."""
    frame = store.load_table(engine, "communities")
    frame = frame.assign(
        stage=frame["stage"].where(frame.index != 0, "named"), name_zh=frame["name_zh"].where(frame.index != 1, FORMULAS[0])
    )
    store.commit_frame(engine, "communities", frame, "replace", store.ImportMeta("ed", "c.csv", "abc", note))
    return frame


def test_history_lists_every_version_and_admins_restore_one(db):
    commit_edit(db)
    at = open_page("pages/history.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["Version", "Active", "When (Beijing time)", "File", "Rows"]  # no names or notes for readers
    assert table[["Version", "Active", "File"]].to_dict("records") == [
        {"Version": 2, "Active": "✔", "File": "c.csv"},
        {"Version": 1, "Active": "", "File": "communities.csv"},
    ]
    assert not at.checkbox  # not signed in: no restore, and only the templates to download
    assert [b.key for b in at.get("download_button")] == ["tpl_csv", "tpl_xlsx"]
    assert t("history.staff_downloads", "en") in shown_text(at)

    at.switch_page("pages/desk.py")
    sign_in(at.run(), "boss")
    at.switch_page("pages/history.py")
    at.run()
    table = at.dataframe[0].value
    assert list(table.columns) == ["Version", "Active", "When (Beijing time)", "Who", "File", "Rows", "Note"]
    assert table[["Version", "Who", "Note"]].to_dict("records") == [
        {"Version": 2, "Who": "ed", "Note": "stage fix"},
        {"Version": 1, "Who": "sample", "Note": sample.NOTE},
    ]
    assert [b.key for b in at.get("download_button")] == ["hist_csv", "hist_xlsx", "tpl_csv", "tpl_xlsx"]
    at.selectbox(key="hist_version").set_value(1)
    at.run()
    assert button(at, "Restore version 1").disabled  # needs the confirmation first
    at.checkbox(key="hist_confirm").check()
    at.run()
    button(at, "Restore version 1").click()
    at.run()
    assert not at.exception
    assert at.success[0].value == t("history.restored", "en", to=1, table=t("validation.table_communities", "en"), version=3)
    newest = store.list_versions(db, "communities")[0]
    assert (newest["version"], newest["mode"], newest["restored_from"], newest["user"]) == (3, "restore", 1, "boss")
    pd.testing.assert_frame_equal(store.load_table(db, "communities"), store.load_table(db, "communities", 1))


def test_any_version_downloads_as_its_own_rows_with_formulas_neutralised(db):
    commit_edit(db)
    boss = auth.account(db, "boss")
    version_bytes = functools.partial(history_view.version_bytes, user=boss)
    for version in (1, 2):
        expected = contract_frame("communities", store.load_table(db, "communities", version))
        got = pd.read_csv(
            io.BytesIO(version_bytes("communities", version, "csv")),
            encoding="utf-8-sig",
            dtype=str,
            keep_default_na=False,
        )
        assert list(got.columns) == TABLES["communities"].names and len(got) == len(expected)
        assert list(got["community_id"]) == list(expected["community_id"])
        assert list(got["stage"]) == list(expected["stage"])
        report = check_bytes(db, version_bytes("communities", version, "csv"), "v.csv")
        assert report.valid and report.rows == len(expected)  # a download imports back as it is
    newest = pd.read_csv(io.BytesIO(version_bytes("communities", 2, "csv")), encoding="utf-8-sig", dtype=str)
    assert newest["name_zh"].iloc[1] == "'" + FORMULAS[0]
    book = load_workbook(io.BytesIO(version_bytes("communities", 2, "xlsx")))
    cell = book.active.cell(row=3, column=2)
    assert cell.value == "'" + FORMULAS[0] and cell.data_type == "s"
    back = check_bytes(db, version_bytes("communities", 2, "csv"), "v.csv").frame
    assert back["name_zh"].iloc[1] == FORMULAS[0]  # the import takes exactly the export's apostrophe off
    exports = audit.entries(db, events=["export"])
    assert len(exports) == 7 and {(e["user"], e["source"]) for e in exports} == {("boss", "desk")}
    assert exports[0]["details"] == {"table": "communities", "version": 2, "format": "csv", "rows": len(back), "headers": "en"}


@pytest.mark.parametrize("table", list(TABLES))
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_download_on_the_chinese_page_reads_as_the_chinese_template_and_imports_back_to_the_same_rows(db, table, kind):
    boss = auth.account(db, "boss")
    version = 1
    if table == "activities":  # 40,000 rows written and read as workbooks took 38 s; 400 show the same
        meta = store.ImportMeta("boss", "fewer.csv", "")
        version = store.commit_frame(db, table, store.load_table(db, table).head(400), "replace", meta)
    chinese = history_view.version_bytes(table, version, kind, boss, "zh")
    english = history_view.version_bytes(table, version, kind, boss, "en")
    if kind == "csv":
        shown = pd.read_csv(io.BytesIO(chinese), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    else:
        assert load_workbook(io.BytesIO(chinese)).sheetnames == [TABLES[table].zh]
        shown = pd.read_excel(io.BytesIO(chinese), dtype=str, keep_default_na=False)
    assert list(shown.columns) == [column.zh for column in TABLES[table].columns]
    for column in TABLES[table].columns:  # names for codes, as a Chinese-speaking user types them
        if column.vocabulary and column.kind != "coord_system":
            assert set(shown[column.zh]) - {""} <= set(config.labels(column.kind, "zh")), column.name
    from_chinese = check_bytes(db, chinese, f"v.{kind}")
    from_english = check_bytes(db, english, f"v.{kind}")
    assert from_chinese.valid and from_chinese.table == table and from_chinese.rows > 0
    pd.testing.assert_frame_equal(from_chinese.frame, from_english.frame)
    assert [e["details"]["headers"] for e in audit.entries(db, events=["export"])[:2]] == ["en", "zh"]


def test_history_page_offers_templates_for_each_table(db, downloads):
    at = open_page("pages/history.py")
    for table in TABLES:
        at.selectbox(key="tpl_table").set_value(table)
        at.button_group(key="tpl_lang").set_value("en")
        at.run()
        assert downloads[f"{table}-template.csv"] == templates.template_bytes(table, "en", "csv")
        offered = load_workbook(io.BytesIO(downloads[f"{table}-template.xlsx"]))  # zip headers hold the time: compare cells
        expected = load_workbook(io.BytesIO(templates.template_bytes(table, "en", "xlsx")))
        assert [[list(r) for r in ws.iter_rows(values_only=True)] for ws in offered] == [
            [list(r) for r in ws.iter_rows(values_only=True)] for ws in expected
        ]
        assert not at.exception


@pytest.mark.parametrize(
    ("lang", "names"),
    [("en", ["Communities", "Activities", "Surveys", "Targets"]), ("zh", ["社区", "活动", "满意度调查", "年度目标"])],
)
def test_tables_standing_alone_as_options_are_named_as_names(db, lang, names):
    """Tabs and lists name a table as a name ("Communities"), not as the lower-case word of a sentence."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params["lang"] = lang
    at.switch_page("pages/history.py")
    at.run()
    assert at.selectbox(key="tpl_table").options == names
    assert at.button_group(key="hist_tbl").options == names


def test_history_tells_who_may_restore_whether_or_not_one_is_signed_in(db):
    at = open_page("pages/history.py")  # nobody signed in: told where to sign in
    assert t("history.admin_only", "en") in [c.value for c in at.caption]
    signed = sign_in(open_page(), "ed")
    signed.switch_page("pages/history.py")
    signed.run()
    captions = [c.value for c in signed.caption]
    assert t("history.admin_only_signed_in", "en") in captions and t("history.admin_only", "en") not in captions


@pytest.mark.parametrize(("lang", "note"), [("zh", "内置示例数据（示意）"), ("en", "bundled sample data (illustrative)")])
def test_the_samples_version_note_is_in_the_readers_language(db, lang, note):
    at = sign_in(open_page(), "ed")
    at.switch_page("pages/history.py")
    at.run()
    at.sidebar.button_group(key="w_lang").set_value(lang).run()
    [versions] = [frame.value for frame in at.dataframe if t("history.col_note", lang) in frame.value.columns]
    assert set(versions[t("history.col_note", lang)]) == {note}


# --- a sign-in kept across reloads (dashboard.kept_signin) ----------------------------------------------------
# AppTest has no browser: the cookie a browser would bring is handed over by replacing ``session_route.cookie_secret``,
# and the requests the page asks the browser to make are read from its ``st.html`` scripts.


def scripts(at) -> list[str]:
    return [element.proto.body for element in at.get("html")]


def asked(at, url: str) -> list[str]:
    """The scripts of the page that post to ``url`` (the browser runs each new one once)."""
    return [body for body in scripts(at) if url in body]


def ticket_of(at) -> str:
    return at.session_state[session.TICKET_KEY]["ticket"]


def cookie_of(engine, at) -> str:
    """What the browser's request would bring back: the cookie's secret for the page's ticket."""
    secret = kept_signin.redeem(engine, ticket_of(at))
    return secret


def latest_kept(engine) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(kept_signins).order_by(kept_signins.c.started_at.desc())).mappings().first())


def test_a_sign_in_asks_the_browser_to_keep_it_until_the_server_has_the_ticket(db):
    at = sign_in(open_page(), "ed")
    assert signed_in(at)
    ticket = ticket_of(at)
    [script] = asked(at, session_route.keep_url())
    assert f'"{ticket}"' in script and "method: 'POST'" in script
    assert latest_kept(db)["user_name"] == "ed" and latest_kept(db)["ticket_hash"] == hashlib.sha256(ticket.encode()).hexdigest()
    at.run()
    [again] = asked(at, session_route.keep_url())  # asked again until the browser's request arrives,
    assert again != script  # as a new script: the browser runs one only when it changes
    assert kept_signin.redeem(db, ticket) is not None
    at.run()
    assert not asked(at, session_route.keep_url()) and session.TICKET_KEY not in at.session_state


def test_a_ticket_that_was_never_traded_stops_being_asked_for_when_it_expires(db):
    at = sign_in(open_page(), "ed")
    at.session_state[session.TICKET_KEY] = {**at.session_state[session.TICKET_KEY], "until": time.time() - 1}
    at.run()
    assert signed_in(at) and not asked(at, session_route.keep_url()) and session.TICKET_KEY not in at.session_state


def test_a_new_session_with_the_cookie_resumes_the_sign_in_and_signing_out_ends_it(db, monkeypatch):
    secret = cookie_of(db, sign_in(open_page(), "ed"))
    kept_id = latest_kept(db)["id"]
    monkeypatch.setattr(session_route, "cookie_secret", lambda: secret)
    reloaded = open_page()  # a new session: what a reload or a new tab is
    assert signed_in(reloaded) and "Account" not in [w.label for w in reloaded.text_input]  # resumed, not asked
    assert not asked(reloaded, session_route.keep_url())  # the browser has its cookie already
    [resumed] = [e for e in audit.entries(db) if e["details"].get("resumed")]
    assert (resumed["user"], resumed["event"], resumed["outcome"]) == ("ed", "sign_in", "success")
    button(reloaded, "Sign out").click()
    reloaded.run()
    assert_sign_in_form(reloaded)
    [forget] = asked(reloaded, session_route.forget_url())  # the browser is asked to drop the cookie: signed out
    assert f'"{session_route.SIGNED_OUT}{kept_id}"' in forget
    assert latest_kept(db)["ended_at"] is not None
    reloaded.run()
    assert not asked(reloaded, session_route.forget_url())  # asked once
    assert_sign_in_form(reloaded)  # the stale cookie the session still sees signs no one in
    assert_sign_in_form(open_page())  # nor does a reload


@pytest.mark.parametrize("why", ["unknown", "password_changed"])
def test_a_cookie_that_keeps_nothing_shows_the_form_and_is_dropped(db, monkeypatch, why):
    secret = "not-a-secret"
    if why == "password_changed":
        secret = cookie_of(db, sign_in(open_page(), "ed"))
        auth.set_password(db, "ed", "Another-Horse-43")
    monkeypatch.setattr(session_route, "cookie_secret", lambda: secret)
    at = open_page()
    assert_sign_in_form(at)
    assert asked(at, session_route.forget_url())


def test_signing_out_in_one_tab_signs_out_the_tabs_that_resumed_the_same_sign_in(db, monkeypatch):
    first = sign_in(open_page(), "ed")
    secret = cookie_of(db, first)
    monkeypatch.setattr(session_route, "cookie_secret", lambda: secret)
    second = open_page()  # another tab of the same browser
    assert signed_in(second)
    button(first, "Sign out").click()
    first.run()
    second.run()  # its next run, without a reload
    assert_sign_in_form(second)
    assert t("auth.signed_out_elsewhere", "en") in shown_text(second)


def test_ones_own_password_change_keeps_that_tab_signed_in_under_a_new_cookie_and_ends_the_others(db, monkeypatch):
    first = sign_in(open_page(), "ed")
    secret = cookie_of(db, first)
    old_id = latest_kept(db)["id"]
    monkeypatch.setattr(session_route, "cookie_secret", lambda: secret)
    second = open_page()
    assert signed_in(second)
    first.text_input(key="own_pw_1").input("Another-Horse-43")
    first.text_input(key="own_pw_2").input("Another-Horse-43")
    button(first, "Save").click()
    first.run()
    assert signed_in(first) and t("auth.own_password_changed", "en") in shown_text(first)
    assert latest_kept(db)["id"] != old_id and asked(first, session_route.keep_url())  # a new cookie is asked for
    assert kept_signin.resume(db, secret) is None  # the old one signs no one in, wherever a copy of it is
    second.run()
    assert_sign_in_form(second)
    assert t("auth.session_ended", "en") in shown_text(second)
    [forget] = asked(second, session_route.forget_url())
    assert f'"{old_id}"' in forget  # names the old sign-in: the route keeps the first tab's new cookie
    assert not kept_signin.ended(db, latest_kept(db)["id"])
    first.run()
    assert signed_in(first)


def test_a_session_with_another_kept_sign_in_written_in_is_refused_and_ends_nothing(db):
    sign_in(open_page(), "ed")
    kept_id = latest_kept(db)["id"]
    crafted = {**signed_in_state(db, "ed"), "kept": kept_id}  # a genuine session, its kept id changed afterwards
    assert_sign_in_form(open_page(staff_session=crafted))  # the signature covers the kept id
    assert not kept_signin.ended(db, kept_id)  # and the sign-in it names is not ended on its word


def test_tabs_that_share_a_sign_in_expire_together_and_each_says_so(db, monkeypatch):
    first = sign_in(open_page(), "ed")
    secret = cookie_of(db, first)
    monkeypatch.setattr(session_route, "cookie_secret", lambda: secret)
    second = open_page()
    assert signed_in(second)
    later = time.time() + 481 * 60  # past DASHBOARD_SESSION_MINUTES (480)
    monkeypatch.setattr(session, "time", type("Clock", (), {"time": staticmethod(lambda: later)}))
    for tab in (first, second):  # the second runs after the first has ended the kept sign-in
        tab.run()
        assert_sign_in_form(tab)
        assert t("auth.session_expired", "en") in shown_text(tab)
        assert t("auth.signed_out_elsewhere", "en") not in shown_text(tab)


def test_signing_out_asks_the_browser_to_drop_its_cookie_whatever_sign_in_it_names(db):
    at = sign_in(open_page(), "ed")
    kept_id = latest_kept(db)["id"]
    button(at, "Sign out").click()
    at.run()
    [forget] = asked(at, session_route.forget_url())
    assert f'"{session_route.SIGNED_OUT}{kept_id}"' in forget


@pytest.mark.parametrize(
    ("page", "notice"), [("pages/audit.py", "audit.admins_only"), ("pages/reporting.py", "reporting.staff_only")]
)
def test_a_staff_page_says_why_its_reader_is_no_longer_signed_in(db, monkeypatch, page, notice):
    monkeypatch.setenv("DASHBOARD_SESSION_MINUTES", "0.5")
    at = open_page(page, staff_session=signed_in_state(db, "boss", time.time() - 40))
    assert not at.exception
    assert [w.value for w in at.warning] == [t("auth.session_expired", "en")]
    assert [i.value for i in at.info] == [t(notice, "en")]
