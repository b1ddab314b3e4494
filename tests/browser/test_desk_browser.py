"""The data desk in headless Chromium: sign in, upload, read the report or the preview, commit, restore, and a sign-in
kept across reloads and tabs until sign-out.

This module starts its own ``streamlit run serve.py`` (the shared ``server`` of
conftest.py keeps the bundled sample unchanged for the page tests, and its
database is not reachable for creating accounts): an empty SQLite file, the
two accounts made beforehand with ``python -m dashboard users add`` and the
password piped in, exactly as an administrator would. The tests run in file
order and continue one story: editor rejects and commits, admin restores.
Screenshots go to test-artifacts/screenshots/desk-*.png; the harness (harness.py)
is the page tests' own.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from appserver import running_app
from harness import MAP_FRAME, POINTS, ROOT, SAMPLE, Visit, app_env, expect, require_chromium, visiting
from sqlalchemy import create_engine

from dashboard.schema import COMMUNITIES
from dashboard.storage import store
from dashboard.ui import session_route

pytestmark = pytest.mark.browser

PASSWORD = "Browser-desk-pass-1"
NEW_ID = "630199999001"
XSS = "<img src=x onerror=alert(1)>"
FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def desk_server(tmp_path_factory):
    """The app on a free port over an empty database, with accounts ``ed`` (editor) and ``boss`` (admin)."""
    require_chromium()
    folder = tmp_path_factory.mktemp("desk-browser")
    env = app_env(folder / "desk.db", "en")
    for name, role in (("ed", "editor"), ("boss", "admin")):
        made = subprocess.run(
            [sys.executable, "-m", "dashboard", "users", "add", name, "--role", role],
            cwd=ROOT,
            env=env,
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert made.returncode == 0 and PASSWORD not in made.stdout + made.stderr, made.stderr
    log = folder / "streamlit.log"
    with running_app(env, log) as base:
        yield {"base": base, "env": env, "log": log}
    assert PASSWORD not in log.read_text(errors="replace")  # nothing logged a password


@pytest.fixture
def session(browser, desk_server, request):
    """A fresh browser context on this module's server."""
    with visiting(browser, desk_server["base"], request.node, locale=None) as current:
        yield current


def sign_in(session: Visit, name: str):
    page = session.open("/desk?lang=en")
    page.get_by_label("Account", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    session.settle()
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible()
    return page


def upload(session: Visit, name: str, data: bytes) -> None:
    session.page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    session.settle()


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text(label, exact=True))
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def communities_enrolled(session: Visit) -> int:
    """The Overview's figure (the default page lives at "/": "/overview" shows "Page not found")."""
    page = session.open("/?lang=en", session.new_page())
    value = int(metric(page, "Communities enrolled").replace(",", ""))
    page.close()
    return value


def map_points(session: Visit, name: str) -> int:
    page = session.open("/map?lang=en", session.new_page())
    points = page.frame_locator(MAP_FRAME).locator(POINTS)
    expect(points.first).to_be_attached()
    page.wait_for_timeout(300)
    count = points.count()
    session.shot(f"desk-{name}", page)
    page.close()
    return count


def gbk_file_with_a_new_community() -> bytes:
    """Every sample community plus 630199999001 in 城西区 with GCJ-02 coordinates: Chinese headers, GBK."""
    frame = pd.DataFrame(SAMPLE)
    frame.loc[len(frame)] = {
        "community_id": NEW_ID,
        "name_zh": "测试新社区",
        "name_en": "Test New Community",
        "district": "城西区",
        "subdistrict": "西关大街街道",
        "characteristic": "关爱型",
        "brand_name": "新邻里",
        "stage": "申报",
        "latitude": "36.6236",
        "longitude": "101.7625",
        "coord_system": "GCJ02",
        "households": "1,200",
        "residents": "3,400",
    }
    frame.columns = [COMMUNITIES.column(name).zh for name in frame.columns]
    return frame.to_csv(index=False).encode("gbk")


BROKEN = (
    "community_id,name_zh,district,characteristic,stage,latitude,longitude\n"
    f'630199999002,{XSS},城西区,caring,named,"{FORMULA}",101.7\n'
    "630199999003,**bold**[link](javascript:alert(1)),chengxi,caring,+1,36.6,101.7\n"
    "630199999004,ok,chengxi,-1,named,36.6,@SUM(A1)\n"
).encode()


def active_communities(desk_server) -> int:
    """Read from the server's database directly (cheaper than drawing the Overview where no page is at stake)."""
    engine = create_engine(desk_server["env"]["DASHBOARD_DATABASE_URL"])
    try:
        return len(store.load_table(engine, "communities"))
    finally:
        engine.dispose()


def test_editor_sees_a_broken_file_rejected_row_by_row_then_commits_a_gbk_file(session, desk_server):
    before = len(SAMPLE)  # the bundled sample, loaded by the server as it starts (the page tests check it is drawn)
    page = sign_in(session, "ed")
    assert active_communities(desk_server) == before
    session.shot("desk-signed-in-editor")
    upload(session, f"{XSS}.csv", BROKEN)
    rejected = page.locator('[data-testid="stAlert"]').filter(has_text="Rejected:")
    expect(rejected).to_have_text(
        f"Rejected: 4 problems in 3 rows of {XSS}.csv. Nothing was changed. Fix the file and upload it again.",
        use_inner_text=True,
    )
    expect(page.get_by_text("The rows with problems (cells at fault highlighted)")).to_be_visible()
    expect(page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')).to_have_count(2)  # problems, rows
    assert page.locator('img[src="x"]').count() == 0  # the name is text, not an element
    with page.expect_download() as caught:
        page.get_by_role("button", name="Download the report (CSV)").click()
    report = Path(caught.value.path()).read_text(encoding="utf-8-sig")
    assert f"'{FORMULA}" in report and "'@SUM(A1)" in report and "\n4,longitude,@SUM" not in report
    session.shot("desk-rejected")
    assert communities_enrolled(session) == before  # nothing changed

    upload(session, "社区名单-GBK.csv", gbk_file_with_a_new_community())
    expect(page.get_by_text(f"Accepted: {len(SAMPLE) + 1} rows for the communities table")).to_be_visible()
    assert (metric(page, "Added"), metric(page, "Changed"), metric(page, "Removed")) == ("1", "0", "0")
    expect(page.get_by_text("New or moved communities")).to_be_visible()
    expect(page.frame_locator(MAP_FRAME).locator(POINTS)).to_have_count(1)  # the new one, on the preview map
    session.shot("desk-accepted-preview")
    page.get_by_label("Note for the history (what and why)").fill("新社区 630199999001 (GBK file)")
    page.get_by_role("button", name="Commit as a new version").click()
    session.settle()
    expect(page.get_by_text("Committed: communities is now at version 2.")).to_be_visible()
    expect(page.locator('[data-testid="stMetric"]')).to_have_count(0)  # the uploader is empty again
    session.shot("desk-committed")

    assert active_communities(desk_server) == before + 1
    assert map_points(session, "map-after-commit") == before + 1  # one more marker


def test_admin_restores_the_earlier_communities_version_on_the_history_page(session, desk_server):
    page = sign_in(session, "boss")  # the server loads the sample as it starts: counted after it, not before
    expect(page.get_by_role("heading", name="Accounts")).to_be_visible()
    if active_communities(desk_server) == len(SAMPLE):  # run alone: make the second version first
        new = Path(desk_server["log"]).with_name("new.csv")
        new.write_bytes(gbk_file_with_a_new_community())
        subprocess.run(
            [sys.executable, "-m", "dashboard", "import", str(new)],
            cwd=ROOT,
            env=desk_server["env"],
            capture_output=True,
            timeout=60,
            check=True,
        )
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Version history").click()
    session.settle()
    expect(page.get_by_role("heading", name="Version history")).to_be_visible()
    page.get_by_role("combobox", name="Version to download or restore").click()
    page.get_by_role("option", name="1", exact=True).click()
    session.settle()
    restore = page.get_by_role("button", name="Restore version 1")
    expect(restore).to_be_disabled()
    page.get_by_text("I understand that version 1 will become the active data of communities.").click()
    session.settle()
    restore.click()
    session.settle()
    expect(page.get_by_text("Version 1 of communities restored as version 3.")).to_be_visible()
    session.shot("desk-history-restored")

    overview = session.open("/?lang=en", session.new_page())
    assert metric(overview, "Communities enrolled") == f"{len(SAMPLE):,}"
    session.shot("desk-overview-after-restore", overview)


def kept_cookie(page, present: bool = True) -> dict | None:
    """The kept sign-in's cookie in this page's browser once it is there (or once it is gone)."""
    for _ in range(300):  # 30 s: the page's request comes after its run, later on a busy machine
        found = [c for c in page.context.cookies() if c["name"] == session_route.COOKIE]
        if bool(found) == present:
            return found[0] if found else None
        page.wait_for_timeout(100)
    raise AssertionError(f"the sign-in cookie is {'missing' if present else 'still there'}")


def test_a_reload_or_a_new_tab_keeps_the_sign_in_until_sign_out(session, desk_server):
    page = sign_in(session, "ed")
    cookie = kept_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["expires"] == -1  # ends with the browser
    assert session_route.COOKIE not in page.evaluate("document.cookie")  # scripts cannot read it
    page.reload()
    session.settle()
    expect(page.get_by_text("Signed in as ed")).to_be_visible()
    other = session.open("/desk?lang=en", session.new_page())
    expect(other.get_by_text("Signed in as ed")).to_be_visible()
    expect(other.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    session.settle()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    kept_cookie(page, present=False)
    page.reload()
    session.settle()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    other.get_by_role("button", name="Reset filters").click()  # the other tab's next run, without a reload
    session.settle(other)
    expect(other.get_by_text("You signed out in another tab of this browser; please sign in again.")).to_be_visible()
    expect(other.get_by_role("button", name="Sign in")).to_be_visible()
    session.shot("desk-signed-out-in-another-tab", other)
