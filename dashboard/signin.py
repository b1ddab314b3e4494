"""Signing in: the password checked, failures slowed down and counted, a failing client refused for a while.

The scheme (README, "Signing in"): a client address that fails DASHBOARD_LOCKOUT_ATTEMPTS times in a row (within
DASHBOARD_LOCKOUT_MINUTES of each other) is refused for DASHBOARD_LOCKOUT_MINUTES, before any account is looked at.
Accounts never lock: each name, existing or not, answers more slowly after failures (0.5, 1, 2, then 4 s at most),
so a right password from a client that has not been failing always gets in. Unknown names are hashed, counted and
slowed exactly like real ones, so neither the message nor the time tells whether an account exists.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import update
from sqlalchemy.engine import Engine

from dashboard import auth, config
from dashboard.storage import audit, throttle
from dashboard.storage.audit import Event, Outcome
from dashboard.storage.tables import users

UNKNOWN_ACCOUNT = "(unknown account)"  # what the audit log names when a sign-in names no account


def _now() -> datetime:
    return datetime.now(UTC)


@cache
def _dummy_hash() -> str:
    """A real hash to verify against when the name is unknown, so both cases take the same time."""
    return auth.hash_password("not-a-real-password-0")


def lockout_attempts() -> int:
    return config.LOCKOUT_ATTEMPTS.value()


def lockout_window() -> timedelta:
    return timedelta(minutes=config.LOCKOUT_MINUTES.value())


def slowdown_seconds(failed_attempts: int) -> float:
    """Delay before answering a name after its earlier failures: 0, 0.5, 1, 2 s ... capped at 4 s."""
    return 0.0 if failed_attempts <= 0 else min(4.0, 0.5 * 2 ** (failed_attempts - 1))


def authenticate(
    engine: Engine, name: str, password: str, *, client: str | None = None, source: str = "desk", sleep=time.sleep
) -> auth.User:
    """The account when ``password`` is right; AuthError("bad_credentials" or "client_blocked") otherwise.

    ``client`` is the address the attempt comes from (None for a local connection).
    """
    now, window = _now(), lockout_window()
    client_counter, name_counter = throttle.client_key(client), throttle.name_key(name)
    where = {"client": client or "local"}
    _, blocked = throttle.state(engine, client_counter, now, window)
    if blocked is not None:  # before touching the account: the same answer for every name
        audit.record(
            engine, audit.Actor(UNKNOWN_ACCOUNT, source), Event.SIGN_IN, Outcome.REFUSED, {**where, "reason": "client_blocked"}
        )
        raise auth.AuthError("client_blocked", minutes=max(1, int((blocked - now).total_seconds() // 60) + 1))
    failures, _ = throttle.state(engine, name_counter, now, window)
    sleep(slowdown_seconds(failures))
    with engine.connect() as conn:
        row = auth.find(conn, name)
    right = auth.verify(row["password_hash"] if row is not None else _dummy_hash(), password) and row is not None
    actor = audit.Actor(row["name"] if row is not None else UNKNOWN_ACCOUNT, source)
    if not right:
        throttle.fail(engine, name_counter, now, window)
        count = throttle.fail(engine, client_counter, now, window)
        audit.record(engine, actor, Event.SIGN_IN, Outcome.FAILURE, where)
        if count >= lockout_attempts():
            throttle.block(engine, client_counter, now + window)
            audit.record(engine, actor, Event.CLIENT_BLOCKED, Outcome.REFUSED, {**where, "failures": count})
        raise auth.AuthError("bad_credentials")
    throttle.clear(engine, client_counter, name_counter)
    if auth.needs_rehash(row["password_hash"]):
        with engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == row["id"]).values(password_hash=auth.hash_password(password)))
    audit.record(engine, actor, Event.SIGN_IN, Outcome.SUCCESS, where)
    return auth.user_of(row)


def signed_out(engine: Engine, user: auth.User, reason: str = "signed_out") -> None:
    """Record the end of a desk session (the user's click, or its expiry)."""
    audit.record(engine, audit.Actor(user.name, "desk"), Event.SIGN_OUT, Outcome.SUCCESS, {"reason": reason})


def resumed(engine: Engine, user: auth.User, client: str | None) -> None:
    """Record a sign-in resumed from the browser's cookie (a reload, a new tab): where it was used is worth a trace."""
    details = {"client": client or "local", "resumed": True}
    audit.record(engine, audit.Actor(user.name, "desk"), Event.SIGN_IN, Outcome.SUCCESS, details)
