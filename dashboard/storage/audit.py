"""The security audit log: who signed in or failed to, changed accounts, checked, imported, restored or exported.

MLPS 2.0 level 2 (GB/T 22239-2019) asks a government web system to record these
events; China's Cybersecurity Law asks network logs to be kept at least six
months. Records are only ever added: this module has no way to change or delete
one, and the database refuses UPDATE and DELETE on the table (triggers made with
it, see ``migrations``), so nobody can edit the log through the product.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from dashboard.storage.stamps import as_utc
from dashboard.storage.tables import audit_log

OPERATOR = "(operator)"  # the command line without --as: the server's operator (no account name can hold brackets)
SOURCES = ("desk", "cli")


class Event(StrEnum):
    """What happened; the value is what the log stores and the ``audit`` command prints."""

    SIGN_IN = "sign_in"
    CLIENT_BLOCKED = "client_blocked"  # the lock-out: a client address refused after repeated failures
    SIGN_OUT = "sign_out"
    ACCOUNT_ADDED = "account_added"
    ACCOUNT_REMOVED = "account_removed"
    ROLE_CHANGED = "role_changed"
    SCOPE_CHANGED = "scope_changed"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an event name, not a password
    FILE_CHECKED = "file_checked"
    IMPORT = "import"
    RESTORE = "restore"
    EXPORT = "export"


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"  # wrong password, a file rejected
    REFUSED = "refused"  # not allowed: role, scope, throttle, or a large removal not confirmed
    NO_CHANGE = "no_change"  # an import identical to the active data: nothing stored


@dataclass(frozen=True)
class Actor:
    """Who acts and from where: an account name (or OPERATOR) and "desk" or "cli"."""

    user: str
    source: str


def record(
    bind: Engine | Connection,
    actor: Actor,
    event: Event,
    outcome: Outcome,
    details: dict | None = None,
    *,
    at: datetime | None = None,
) -> None:
    """Add one record (in the caller's transaction when given a connection)."""
    if actor.source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, not {actor.source!r}")
    values = {
        "at": at or datetime.now(UTC),
        "user_name": actor.user[:120],
        "event": str(event),
        "outcome": str(outcome),
        "source": actor.source,
        "details": json.dumps(details or {}, ensure_ascii=False, default=str, sort_keys=True),
    }
    if isinstance(bind, Connection):
        bind.execute(audit_log.insert().values(**values))
        return
    with bind.begin() as conn:
        conn.execute(audit_log.insert().values(**values))


def entries(
    engine: Engine,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    user: str | None = None,
    events: list[str] | None = None,
    limit: int | None = None,
) -> list[dict]:
    """Records, newest first: time (ISO, UTC), user, event, outcome, source and details (a dict)."""
    query = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
    # Compared in UTC, as stored: SQLite keeps the times as naive UTC text and drops a bound's own time zone, so a
    # Beijing midnight would be read as a UTC one, 8 hours off.
    if since is not None:
        query = query.where(audit_log.c.at >= _utc(since))
    if until is not None:
        query = query.where(audit_log.c.at < _utc(until))
    if user:
        query = query.where(audit_log.c.user_name == user)
    if events:
        query = query.where(audit_log.c.event.in_(events))
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [_entry(row) for row in rows]


def _entry(row) -> dict:
    return {
        "time": as_utc(row["at"]).isoformat(timespec="seconds"),
        "user": row["user_name"],
        "event": row["event"],
        "outcome": row["outcome"],
        "source": row["source"],
        "details": json.loads(row["details"] or "{}"),
    }


def _utc(moment: datetime) -> datetime:
    """An aware moment in UTC; a naive one is UTC already."""
    return moment.astimezone(UTC) if moment.tzinfo else moment
