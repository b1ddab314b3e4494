"""The security audit log: records are only added, read back with filters, and printed by ``audit``.

On SQLite and PostgreSQL (the ``engine`` fixture). What each action records is
tested where the action is (accounts in test_auth, imports in test_scopes, the
desk's events in test_desk); here is the log itself.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from dashboard.storage import audit
from dashboard.storage.audit import Actor, Event, Outcome

T0 = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


def fill(engine) -> None:
    audit.record(engine, Actor("wang", "desk"), Event.SIGN_IN, Outcome.SUCCESS, {"client": "10.0.0.1"}, at=T0)
    audit.record(engine, Actor("li", "desk"), Event.SIGN_IN, Outcome.FAILURE, {"client": "10.0.0.2"}, at=T0 + timedelta(days=1))
    audit.record(
        engine,
        Actor(audit.OPERATOR, "cli"),
        Event.IMPORT,
        Outcome.SUCCESS,
        {"table": "communities", "version": 3},
        at=T0 + timedelta(days=2),
    )


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET user_name = 'someone else'", "DELETE FROM audit_log"])
def test_the_database_refuses_to_change_or_delete_a_record(engine, statement):
    fill(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    assert [e["user"] for e in audit.entries(engine)] == [audit.OPERATOR, "li", "wang"]


def test_records_read_back_newest_first_with_every_field(engine):
    fill(engine)
    first = audit.entries(engine)[-1]
    assert first == {
        "time": "2026-05-01T09:30:00+00:00",
        "user": "wang",
        "event": "sign_in",
        "outcome": "success",
        "source": "desk",
        "details": {"client": "10.0.0.1"},
    }
    assert [e["event"] for e in audit.entries(engine)] == ["import", "sign_in", "sign_in"]


@pytest.mark.parametrize(
    "filters, users",
    [
        ({"since": T0 + timedelta(hours=1)}, [audit.OPERATOR, "li"]),
        ({"until": T0 + timedelta(days=1)}, ["wang"]),
        ({"user": "li"}, ["li"]),
        ({"events": ["import"]}, [audit.OPERATOR]),
        ({"limit": 1}, [audit.OPERATOR]),
    ],
)
def test_records_filter_by_time_user_and_event(engine, filters, users):
    fill(engine)
    assert [e["user"] for e in audit.entries(engine, **filters)] == users


def test_a_record_names_desk_or_command_line_only(engine):
    with pytest.raises(ValueError, match="source"):
        audit.record(engine, Actor("wang", "web"), Event.SIGN_IN, Outcome.SUCCESS)
    assert audit.entries(engine) == []
