"""Kept sign-ins: the ticket traded once for a cookie's secret, the sign-in resumed while it holds, ended otherwise.

The functions on SQLite and PostgreSQL, then the server's two routes (``ui/session_route.py``) through Starlette's
test client: the cookie's attributes, a refused ticket, the sign-out's request. The browser's whole flow (sign in,
reload, new tab, sign out) is in ``browser/test_desk_browser.py``.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dashboard import auth, kept_signin
from dashboard.storage.stamps import as_utc
from dashboard.storage.tables import kept_signins
from dashboard.ui import session_route

PASSWORD = "Correct-Horse-42"


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch):
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def ed(engine) -> auth.User:
    auth.add_user(engine, "ed", PASSWORD, "editor")
    user = auth.account(engine, "ed")
    assert user is not None
    return user


def kept_row(engine, kept_id: str) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(kept_signins).where(kept_signins.c.id == kept_id)).mappings().one())


def test_a_ticket_is_traded_once_for_a_secret_that_resumes_the_sign_in(engine, ed):
    kept_id, ticket = kept_signin.open_session(engine, ed)
    assert not kept_signin.redeemed(engine, kept_id) and not kept_signin.ended(engine, kept_id)
    secret = kept_signin.redeem(engine, ticket)
    assert kept_signin.redeemed(engine, kept_id)
    assert kept_signin.redeem(engine, ticket) is None  # used
    kept = kept_signin.resume(engine, secret)
    assert kept is not None and kept.id == kept_id and kept.user == ed
    row = kept_row(engine, kept_id)
    assert as_utc(row["expires_at"]) - kept.started == timedelta(minutes=480)  # DASHBOARD_SESSION_MINUTES
    assert secret not in row.values() and ticket not in row.values()  # only hashes are stored
    assert row["ticket_hash"] is None


def test_a_wrong_or_stale_ticket_and_an_unknown_secret_get_nothing(engine, ed):
    kept_id, ticket = kept_signin.open_session(engine, ed)
    assert kept_signin.redeem(engine, ticket + "x") is None
    assert kept_signin.redeem(engine, ticket, now=datetime.now(UTC) + timedelta(seconds=kept_signin.TICKET_SECONDS + 1)) is None
    assert kept_signin.resume(engine, "not-a-secret") is None
    assert not kept_signin.redeemed(engine, kept_id)


def test_two_requests_with_one_ticket_get_one_secret(engine, ed):
    _, ticket = kept_signin.open_session(engine, ed)
    won: list[object] = []
    threads = [threading.Thread(target=lambda: won.append(kept_signin.redeem(engine, ticket))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result is not None for result in won) == 1


def test_times_from_any_zone_are_stored_as_utc(engine, ed):
    beijing = timezone(timedelta(hours=8))
    started = datetime.now(beijing).replace(microsecond=0) - timedelta(minutes=5)
    kept_id, ticket = kept_signin.open_session(engine, ed, started=started)
    secret = kept_signin.redeem(engine, ticket, now=datetime.now(beijing))
    kept = kept_signin.resume(engine, secret)
    assert kept is not None and kept.started == started
    assert as_utc(kept_row(engine, kept_id)["expires_at"]) == started + timedelta(minutes=480)


@pytest.mark.parametrize("ending", ["sign_out", "password_changed", "account_removed", "expired"])
def test_a_sign_in_no_longer_resumes_once_it_ends(engine, ed, ending):
    kept_id, ticket = kept_signin.open_session(engine, ed)
    secret = kept_signin.redeem(engine, ticket)
    now = None
    if ending == "sign_out":
        kept_signin.end(engine, kept_id)
    elif ending == "password_changed":  # elsewhere: the account's session token changes
        auth.set_password(engine, "ed", "Another-Horse-43")
    elif ending == "account_removed":
        auth.remove_user(engine, "ed")
    else:
        now = datetime.now(UTC) + timedelta(minutes=481)
    assert kept_signin.resume(engine, secret, now=now) is None
    assert kept_row(engine, kept_id)["ended_at"] is not None
    assert kept_signin.ended(engine, kept_id)  # the tabs that resumed it end at their next run
    assert kept_signin.resume(engine, secret) is None


def test_its_own_password_change_keeps_the_sign_in_under_a_new_cookie(engine, ed):
    kept_id, ticket = kept_signin.open_session(engine, ed)
    old_secret = kept_signin.redeem(engine, ticket)
    started = kept_row(engine, kept_id)["started_at"]
    token = auth.set_password(engine, "ed", "Another-Horse-43", by=ed, source="desk")
    renewed = auth.account(engine, "ed")
    assert renewed is not None and renewed.token == token
    new_id, new_ticket = kept_signin.renew(engine, kept_id, renewed, started.replace(tzinfo=UTC))
    assert kept_signin.resume(engine, old_secret) is None  # a copy of the old cookie signs no one in
    new_secret = kept_signin.redeem(engine, new_ticket)  # the ticket is fresh although the sign-in is not
    kept = kept_signin.resume(engine, new_secret)
    assert kept is not None and kept.id == new_id and kept.user.token == token
    assert kept.started == started.replace(tzinfo=UTC)  # it still ends when the first sign-in would have


def test_a_role_changed_meanwhile_is_the_role_resumed(engine, ed):
    _, ticket = kept_signin.open_session(engine, ed)
    secret = kept_signin.redeem(engine, ticket)
    auth.edit_user(engine, "ed", role="viewer")
    kept = kept_signin.resume(engine, secret)
    assert kept is not None and kept.user.role == "viewer" and not kept.user.can("import")


def test_rows_ended_or_expired_a_day_ago_are_cleared_by_the_next_sign_in(engine, ed):
    expired, _ = kept_signin.open_session(engine, ed, started=datetime.now(UTC) - timedelta(days=2))
    signed_out, _ = kept_signin.open_session(engine, ed)
    kept_signin.end(engine, signed_out, now=datetime.now(UTC) - timedelta(days=2))
    recent, _ = kept_signin.open_session(engine, ed)
    kept_signin.end(engine, recent)
    kept_signin.open_session(engine, ed)
    with engine.connect() as conn:
        ids = set(conn.execute(select(kept_signins.c.id)).scalars())
    assert expired not in ids and signed_out not in ids and recent in ids and len(ids) == 2


def test_a_cookie_is_released_for_its_own_sign_in_or_a_dead_one_but_not_for_a_newer_live_one(engine, ed):
    first, ticket = kept_signin.open_session(engine, ed)
    first_secret = kept_signin.redeem(engine, ticket)
    kept_signin.end(engine, first)  # the page ends it before the browser's request
    assert kept_signin.release(engine, first_secret, first)
    second, ticket = kept_signin.open_session(engine, ed)  # signed in again in another tab: a new cookie
    second_secret = kept_signin.redeem(engine, ticket)
    assert not kept_signin.release(engine, second_secret, first)  # a stale tab's request after the first ended
    assert not kept_signin.ended(engine, second) and kept_signin.resume(engine, second_secret) is not None
    assert kept_signin.release(engine, "unknown-secret", "")
    assert kept_signin.release(engine, first_secret, "")  # ended: nothing to keep it for


def test_a_click_on_sign_out_releases_the_cookie_and_ends_whatever_sign_in_it_names(engine, ed):
    older, _ = kept_signin.open_session(engine, ed)  # signed in in one tab ...
    newer, ticket = kept_signin.open_session(engine, ed)  # ... and again in another, whose cookie the browser holds
    secret = kept_signin.redeem(engine, ticket)
    kept_signin.end(engine, older)
    assert kept_signin.release(engine, secret, older, signed_out=True)  # signing out in the first tab
    assert kept_signin.ended(engine, newer) and kept_signin.resume(engine, secret) is None  # no tab stays signed in


def test_a_sign_in_that_is_gone_counts_as_ended(engine, ed):
    assert kept_signin.ended(engine, "0" * 32)  # cleared a day after it ended, or replaced by a restore


# --- the server's routes ---------------------------------------------------------------------------------


OURS = {"Sec-Fetch-Site": "same-origin"}  # what Chromium sends with the page's own fetch()


@pytest.fixture
def client(engine) -> TestClient:
    return TestClient(Starlette(routes=session_route.routes()), base_url="http://testserver")


def test_the_route_sets_an_httponly_strict_session_cookie_for_a_good_ticket_only(engine, ed, client):
    _, ticket = kept_signin.open_session(engine, ed)
    refused = client.post(session_route.keep_url(), content=b"not-the-ticket", headers=OURS)
    assert refused.status_code == 403 and "set-cookie" not in refused.headers
    answer = client.post(session_route.keep_url(), content=ticket.encode(), headers=OURS)
    assert answer.status_code == 204 and answer.headers["cache-control"] == "no-store"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{session_route.COOKIE}=")
    words = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path"} <= words and "samesite=strict" in cookie.lower()
    assert "max-age" not in words and "expires" not in words  # the browser drops it when it closes
    assert "secure" not in words  # plain HTTP here; behind HTTPS it is (next test)
    secret = answer.cookies[session_route.COOKIE]
    assert kept_signin.resume(engine, secret) is not None
    assert client.post(session_route.keep_url(), content=ticket.encode(), headers=OURS).status_code == 403  # once only


def test_behind_https_the_cookie_is_secure(engine, ed, client):
    _, ticket = kept_signin.open_session(engine, ed)
    answer = client.post(session_route.keep_url(), content=ticket.encode(), headers={**OURS, "X-Forwarded-Proto": "https"})
    assert "secure" in {part.strip().lower() for part in answer.headers["set-cookie"].split(";")}


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain
        {"Sec-Fetch-Site": "none"},  # typed into the address bar, a bookmark
        {"Origin": "http://evil.example"},  # an older browser: no Sec-Fetch-Site, the Origin of another host
        {},  # neither: not a page's fetch()
    ],
    ids=["cross-site", "same-site", "none", "other-origin", "no-headers"],
)
def test_requests_not_from_the_apps_own_pages_are_refused(engine, ed, client, headers):
    kept_id, ticket = kept_signin.open_session(engine, ed)
    assert client.post(session_route.keep_url(), content=ticket.encode(), headers=headers).status_code == 403
    assert client.post(session_route.forget_url(), content=b"", headers=headers).status_code == 403
    assert not kept_signin.redeemed(engine, kept_id)  # the ticket is still good for the real page
    same_host = client.post(session_route.keep_url(), content=ticket.encode(), headers={"Origin": "http://testserver:8501"})
    assert same_host.status_code == 204  # an older browser on the app's own host (nginx passes the host without port)


def test_a_body_longer_than_any_ticket_is_refused_unread(engine, ed, client):
    _, ticket = kept_signin.open_session(engine, ed)
    answer = client.post(session_route.keep_url(), content=ticket.encode() + b" " * 10_000_000, headers=OURS)
    assert answer.status_code == 403


def test_after_another_end_the_cookie_goes_only_if_it_names_that_sign_in(engine, ed, client):
    first, ticket = kept_signin.open_session(engine, ed)
    secret = client.post(session_route.keep_url(), content=ticket.encode(), headers=OURS).cookies[session_route.COOKIE]
    stale = client.post(session_route.forget_url(), content=b"0123456789abcdef", headers=OURS)  # another sign-in's id
    assert stale.status_code == 204 and "set-cookie" not in stale.headers
    assert kept_signin.resume(engine, secret) is not None  # a stale tab's request ends nothing
    kept_signin.end(engine, first)  # the page ends its sign-in (expiry, a password change) before asking
    answer = client.post(session_route.forget_url(), content=first.encode(), headers=OURS)  # the client sends the cookie
    assert answer.status_code == 204
    assert "max-age=0" in answer.headers["set-cookie"].lower()


def test_after_a_sign_out_click_the_cookie_goes_even_when_it_names_a_newer_sign_in(engine, ed, client):
    older, _ = kept_signin.open_session(engine, ed)
    _, ticket = kept_signin.open_session(engine, ed)
    secret = client.post(session_route.keep_url(), content=ticket.encode(), headers=OURS).cookies[session_route.COOKIE]
    answer = client.post(session_route.forget_url(), content=f"{session_route.SIGNED_OUT}{older}".encode(), headers=OURS)
    assert answer.status_code == 204 and "max-age=0" in answer.headers["set-cookie"].lower()
    assert kept_signin.resume(engine, secret) is None


def test_a_database_that_does_not_answer_gets_503_and_no_traceback(engine, ed, client, monkeypatch, capsys):
    def down(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(kept_signin, "redeem", down)
    monkeypatch.setattr(kept_signin, "release", down)
    client.cookies.set(session_route.COOKIE, "some-secret")
    for url in (session_route.keep_url(), session_route.forget_url()):
        answer = client.post(url, content=b"0123456789abcdef", headers=OURS)
        assert answer.status_code == 503 and "Traceback" not in answer.text
    assert capsys.readouterr().err.count("database unavailable") == 2  # one line each in the server's log


@pytest.mark.parametrize(
    ("origin", "host", "taken"),
    [("http://testserver:8501", "testserver:8501", True), ("http://testserver:9999", "testserver:8501", False)],
)
def test_an_older_browsers_origin_must_name_the_apps_port_where_the_host_gives_one(engine, ed, client, origin, host, taken):
    _, ticket = kept_signin.open_session(engine, ed)
    answer = client.post(session_route.keep_url(), content=ticket.encode(), headers={"Origin": origin, "Host": host})
    assert (answer.status_code == 204) == taken


def test_the_routes_live_under_the_servers_base_path(monkeypatch):
    monkeypatch.setattr(session_route.st, "get_option", lambda name: "juping" if name == "server.baseUrlPath" else None)
    assert session_route.keep_url() == "/juping/_dashboard/signin/keep"
    assert [route.path for route in session_route.routes()] == [
        "/juping/_dashboard/signin/keep",
        "/juping/_dashboard/signin/forget",
    ]
