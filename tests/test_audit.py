"""The security audit log: records are only added, read back with filters, and printed by ``audit``.

On SQLite and PostgreSQL (the ``engine`` fixture). What each action records is
tested where the action is (accounts in test_auth, imports in test_scopes, the
desk's events in test_desk); here is the log itself.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from dashboard.cli.main import main
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


# --- python -m dashboard audit -----------------------------------------------------------------------------------


def audit_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["audit", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_audit_json_lists_every_record_with_time_user_event_and_outcome(engine, capsys):
    fill(engine)
    code, out, _ = audit_cli(capsys, "--json")
    listed = json.loads(out)
    assert code == 0 and isinstance(listed, list) and len(listed) == 3
    assert all({"time", "user", "event", "outcome"} <= set(entry) for entry in listed)
    assert [(e["user"], e["event"], e["outcome"], e["source"]) for e in listed] == [
        ("(operator)", "import", "success", "cli"),
        ("li", "sign_in", "failure", "desk"),
        ("wang", "sign_in", "success", "desk"),
    ]


@pytest.mark.parametrize(
    "argv, users",
    [
        (["--since", "2026-05-02"], ["(operator)", "li"]),
        (["--since", "2026-05-02T18:00"], ["(operator)"]),  # Beijing time: li signed in at 17:30 there
        (["--since", "2026-05-02T09:00+00:00"], ["(operator)", "li"]),  # a moment that names its zone keeps it
        (["--user", "wang"], ["wang"]),
        (["--user", "(operator)", "--since", "2026-05-01"], ["(operator)"]),
        (["--user", "nobody"], []),
    ],
)
def test_audit_filters_by_date_and_account(engine, capsys, argv, users):
    fill(engine)
    code, out, _ = audit_cli(capsys, *argv, "--json")
    assert code == 0 and [e["user"] for e in json.loads(out)] == users


def test_audit_since_a_date_means_from_its_midnight_in_beijing_as_on_the_audit_page(engine, capsys):
    late = datetime(2026, 5, 1, 17, 0, tzinfo=UTC)  # 2 May, 01:00 in Beijing: a record of 2 May for the staff
    audit.record(engine, Actor("zhao", "desk"), Event.SIGN_IN, Outcome.SUCCESS, {"client": "10.0.0.3"}, at=late)
    earlier = late - timedelta(hours=2)  # 1 May, 23:00 in Beijing
    audit.record(engine, Actor("wang", "desk"), Event.SIGN_IN, Outcome.SUCCESS, {"client": "10.0.0.1"}, at=earlier)
    code, out, _ = audit_cli(capsys, "--since", "2026-05-02", "--json")
    assert code == 0 and [e["user"] for e in json.loads(out)] == ["zhao"]


@pytest.mark.parametrize("lang, words", [("en", "No audit records."), ("zh", "没有审计记录。")])
def test_audit_text_prints_one_line_a_record(engine, capsys, lang, words):
    assert audit_cli(capsys, "--lang", lang)[1].strip() == words
    fill(engine)
    code, out, _ = audit_cli(capsys, "--lang", lang)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    assert lines[-1].split()[:5] == ["2026-05-01T09:30:00+00:00", "desk", "wang", "sign_in", "success"]
    assert '"client": "10.0.0.1"' in lines[-1]


@pytest.mark.parametrize("lang, words", [("en", "--since yesterday is not a date"), ("zh", "--since yesterday 不是日期")])
def test_audit_refuses_a_since_that_is_not_a_date(sqlite_engine, capsys, lang, words):
    code, _, err = audit_cli(capsys, "--since", "yesterday", "--lang", lang)
    assert code == 2 and words in err


def test_the_command_line_records_its_checks_and_exports_as_the_operator(sqlite_engine, capsys, tmp_path):
    source = tmp_path / "targets.csv"
    source.write_text("district,year,metric,target\nchengxi,2026,activities,10\n", encoding="utf-8")
    assert main(["validate", str(source)]) == 0
    assert main(["import", str(source)]) == 0
    assert main(["export", "--table", "targets", "--out", str(tmp_path / "out.xlsx")]) == 0
    capsys.readouterr()
    logged = [(e["user"], e["event"], e["outcome"], e["source"]) for e in reversed(audit.entries(sqlite_engine))]
    assert logged == [
        ("(operator)", "file_checked", "success", "cli"),
        ("(operator)", "file_checked", "success", "cli"),
        ("(operator)", "import", "success", "cli"),
        ("(operator)", "export", "success", "cli"),
    ]
    checked = audit.entries(sqlite_engine, events=["file_checked"])[0]["details"]
    assert (checked["file"], checked["rows"], checked["table"], len(checked["sha256"])) == ("targets.csv", 1, "targets", 64)
    assert audit.entries(sqlite_engine, events=["export"])[0]["details"] == {
        "table": "targets",
        "version": None,
        "format": "xlsx",
        "rows": 1,
    }


def test_a_day_on_beijing_time_finds_the_records_of_that_day_on_either_database(engine):
    """20:00 UTC on 1 December is 04:00 on 2 December in Xining: the admin picking 2 December finds it."""
    from dashboard.ui.audit_view import day_start

    audit.record(engine, Actor("ed", "desk"), Event.SIGN_IN, Outcome.SUCCESS, at=datetime(2026, 12, 1, 20, 0, tzinfo=UTC))
    audit.record(engine, Actor("ed", "desk"), Event.SIGN_IN, Outcome.SUCCESS, at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    second = audit.entries(engine, since=day_start(date(2026, 12, 2)), until=day_start(date(2026, 12, 3)))
    first = audit.entries(engine, since=day_start(date(2026, 12, 1)), until=day_start(date(2026, 12, 2)))
    assert [e["time"][:16] for e in second] == ["2026-12-01T20:00"]
    assert [e["time"][:16] for e in first] == ["2026-12-01T15:00"]
