"""A district office on the desk, in headless Chromium: a 城西区 editor's mixed file, a scoped replace held back by the
removal guard until the number is typed, then the admin's audit log and the reporting status.

This module starts its own ``streamlit run serve.py`` over an empty SQLite file
(the sample loads as the server starts), with a 城西区 editor ``xi`` and a city-wide
admin ``boss`` made beforehand with ``python -m dashboard users add``, the
password piped in. The tests run in file order and continue one story.
Screenshots: test-artifacts/screenshots/scoped-*.png.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from appserver import running_app
from harness import DESKTOP, ROOT, SAMPLE, Visit, app_env, expect, require_chromium, visiting
from sqlalchemy import create_engine

from dashboard.storage import store

pytestmark = pytest.mark.browser

PASSWORD = "Browser-scope-pass-1"
CHENGXI = [row for row in SAMPLE if row["district"] == "chengxi"]
CHENGDONG = [row for row in SAMPLE if row["district"] == "chengdong"]
LEFT_OUT = 5


@pytest.fixture(scope="module")
def scoped_server(tmp_path_factory):
    """The app over an empty database, with ``xi`` (editor, 城西区) and ``boss`` (admin, city-wide)."""
    require_chromium()
    folder = tmp_path_factory.mktemp("scoped-desk")
    env = app_env(folder / "scoped.db", "en")
    for name, options in (("xi", ["--role", "editor", "--district", "城西区"]), ("boss", ["--role", "admin"])):
        made = subprocess.run(
            [sys.executable, "-m", "dashboard", "users", "add", name, *options],
            cwd=ROOT,
            env=env,
            input=f"{PASSWORD}\n{PASSWORD}\n",
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert made.returncode == 0, made.stderr
    with running_app(env, folder / "streamlit.log") as base:
        yield {"base": base, "env": env}


@pytest.fixture
def session(browser, scoped_server, request):
    with visiting(browser, scoped_server["base"], request.node, locale=None) as current:
        yield current


# Every date field on the page shows all it holds (its fields scroll inside it when the box is too narrow).
DAYS_WHOLE = """() => {
  const fields = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stDateInputFieldsScroller"]')];
  return fields.length > 0 && fields.every(f => f.scrollWidth <= f.clientWidth + 1);
}"""


def sign_in(session: Visit, name: str):
    page = session.open("/desk?lang=en")
    page.get_by_label("Account", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    session.settle()
    return page


def upload(session: Visit, name: str, rows: list[dict]) -> None:
    data = pd.DataFrame(rows).to_csv(index=False).encode()
    session.page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    session.settle()


def communities(scoped_server) -> pd.DataFrame:
    engine = create_engine(scoped_server["env"]["DASHBOARD_DATABASE_URL"])
    try:
        return store.load_table(engine, "communities")
    finally:
        engine.dispose()


def test_a_district_editor_sees_its_scope_and_a_mixed_file_rejected_on_the_other_districts_rows(session, scoped_server):
    page = sign_in(session, "xi")
    expect(page.get_by_text("Signed in as xi (editor) · may change: Chengxi")).to_be_visible()
    session.shot("scoped-1-signed-in")
    before = communities(scoped_server)
    upload(session, "mixed.csv", CHENGXI[:3] + CHENGDONG[:2])
    expect(page.locator('[data-testid="stAlert"]').filter(has_text="Rejected:")).to_have_text(
        "Rejected: 2 problems in 2 rows of mixed.csv. Nothing was changed. Fix the file and upload it again.",
        use_inner_text=True,
    )
    first = CHENGDONG[0]["community_id"]
    problems = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first
    expect(problems).to_contain_text(f"community “{first}” belongs to Chengdong; this account may change Chengxi only")
    session.shot("scoped-2-mixed-rejected")
    pd.testing.assert_frame_equal(communities(scoped_server), before)


def test_a_scoped_replace_waits_for_the_number_of_rows_removed_then_commits_only_its_district(session, scoped_server):
    page = sign_in(session, "xi")
    upload(session, "chengxi.csv", CHENGXI[LEFT_OUT:])
    expect(page.get_by_text(f"Accepted: {len(CHENGXI) - LEFT_OUT} rows for the communities table")).to_be_visible()
    expect(
        page.get_by_text(f"{len(SAMPLE) - len(CHENGXI)} rows of districts other than Chengxi stay exactly as they are.")
    ).to_be_visible()
    expect(page.get_by_text("Rows to be removed, by district")).to_be_visible()
    expect(page.get_by_text("This removes 5 rows, 16% of the 31 rows you may change.")).to_be_visible()
    commit = page.get_by_role("button", name="Commit as a new version")
    expect(commit).to_be_disabled()
    session.shot("scoped-3-preview-guard")
    # Read only now: the sample is in the database once a page has loaded the data (the preview above has), not
    # necessarily when this test starts (the fresh-clone run at aedd6b7 read 0 rows here).
    others = communities(scoped_server).query("district != 'chengxi'").reset_index(drop=True)
    assert len(others) == len(SAMPLE) - len(CHENGXI)

    confirm = page.get_by_label(f"To confirm, type the number of rows to be removed ({LEFT_OUT})")
    confirm.fill("4")
    confirm.press("Enter")
    session.settle()
    expect(commit).to_be_disabled()  # the wrong number keeps it shut
    confirm.fill(str(LEFT_OUT))
    confirm.press("Enter")
    session.settle()
    expect(commit).to_be_enabled()
    session.shot("scoped-4-guard-confirmed")
    page.get_by_label("Note for the history (what and why)").fill("城西区名单更新")
    commit.click()
    session.settle()
    expect(page.get_by_text("Committed: communities is now at version 2.")).to_be_visible()
    session.shot("scoped-5-committed")

    after = communities(scoped_server)
    pd.testing.assert_frame_equal(after.query("district != 'chengxi'").reset_index(drop=True), others)
    assert sorted(after.query("district == 'chengxi'")["community_id"]) == sorted(r["community_id"] for r in CHENGXI[LEFT_OUT:])


def test_the_admin_reads_the_audit_log_and_the_reporting_status(session, scoped_server):
    page = sign_in(session, "boss")
    nav = page.locator('[data-testid="stSidebarNav"] a')
    expect(nav.filter(has_text="Audit log")).to_have_count(1)
    nav.filter(has_text="Audit log").click()
    session.settle()
    expect(page.get_by_role("heading", name="Security audit log")).to_be_visible()
    table = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first
    expect(table).to_be_visible()
    session.shot("scoped-6-audit-log")
    # on a tablet (800 px, the sidebar open) the filters wrap and the date range shows both its days (a third of the
    # page showed "2026/11/02 – 2", the rest scrolled out of its field)
    page.set_viewport_size({"width": 800, "height": 1000})
    page.wait_for_function(DAYS_WHOLE, timeout=15_000)
    session.shot("scoped-6-audit-log-tablet")
    page.set_viewport_size(DESKTOP)

    nav.filter(has_text="Reporting status").click()
    session.settle()
    expect(page.get_by_role("heading", name="Reporting status")).to_be_visible()
    expect(page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first).to_contain_text("xi")
    session.shot("scoped-7-reporting-status")
