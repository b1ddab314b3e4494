"""Counters of failed sign-ins, per client address and per account name, kept in the database.

Kept in the database rather than in one server process so that replicas
sharing a PostgreSQL count together. Counting happens in SQL (an upsert that
adds one), so guesses sent in parallel each count. Names are kept only as a
hash: the table never lists which names were tried (the audit log does, for
staff to read).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from dashboard.storage.stamps import as_utc
from dashboard.storage.tables import sign_in_throttle

_UPSERT: dict[str, Any] = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}  # both have on_conflict_do_update


def client_key(address: str | None) -> str:
    """The counter of one client address (local connections, which Streamlit gives no address, share one)."""
    return f"client:{address or 'local'}"[:80]


def name_key(name: str) -> str:
    """The counter of one account name, existing or not, whatever its letter case."""
    return "name:" + hashlib.sha256(name.strip().casefold().encode()).hexdigest()


def state(engine: Engine, key: str, now: datetime, window: timedelta) -> tuple[int, datetime | None]:
    """(failures counted within ``window`` of the last one, blocked until); a quiet ``window`` forgets them."""
    with engine.connect() as conn:
        row = conn.execute(select(sign_in_throttle).where(sign_in_throttle.c.key == key)).mappings().first()
    if row is None:
        return 0, None
    last, blocked = (None if row[name] is None else as_utc(row[name]) for name in ("last_failure", "blocked_until"))
    if blocked is not None and blocked > now:
        return row["failures"], blocked
    if last is None or now - last > window:
        return 0, None
    return row["failures"], None


def fail(engine: Engine, key: str, now: datetime, window: timedelta) -> int:
    """Count one failure (restarting the count after a quiet ``window`` or a block that is over); the count now.

    Every statement writes before it reads: on SQLite a transaction that read
    first could not take the write lock from a parallel guess, it would fail.
    """
    table = sign_in_throttle
    over = table.c.blocked_until.is_not(None) & (table.c.blocked_until <= now)
    quiet = table.c.blocked_until.is_(None) & (table.c.last_failure.is_(None) | (table.c.last_failure < now - window))
    insert = _UPSERT[engine.dialect.name](table).values(key=key, failures=1, last_failure=now, blocked_until=None)
    counted = {"failures": table.c.failures + 1, "last_failure": now}
    with engine.begin() as conn:
        conn.execute(delete(table).where(table.c.key == key, over | quiet))
        conn.execute(insert.on_conflict_do_update(index_elements=[table.c.key], set_=counted))
        return conn.execute(select(table.c.failures).where(table.c.key == key)).scalar_one()


def block(engine: Engine, key: str, until: datetime) -> None:
    """Refuse this client until ``until``."""
    with engine.begin() as conn:
        conn.execute(sign_in_throttle.update().where(sign_in_throttle.c.key == key).values(blocked_until=until))


def clear(engine: Engine, *keys: str) -> None:
    """Forget the failures of these counters (after a successful sign-in)."""
    with engine.begin() as conn:
        conn.execute(delete(sign_in_throttle).where(sign_in_throttle.c.key.in_(keys)))
