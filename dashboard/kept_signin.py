"""Sign-ins the browser keeps: a reload or a new tab finds its member of staff still signed in.

Streamlit forgets a session when the page reloads, so a sign-in on the desk also opens a row here and hands the
browser a one-time ticket. The server's own route (``dashboard.ui.session_route``) trades the ticket for a random
secret in an HttpOnly cookie; only the secret's hash is stored, so the table cannot sign anyone in. A new browser
session that brings the cookie resumes the sign-in while its row is open and unexpired and the account's session
token is the one it signed in with (a password change or the account's removal ends it). The rows live in the
database, so every replica resumes the same sign-ins, and signing out on one ends it on all.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from dashboard import auth, config
from dashboard.storage.stamps import as_utc
from dashboard.storage.tables import kept_signins

TICKET_SECONDS = 120  # the browser redeems its ticket right after the sign-in's page is drawn
KEEP_ENDED_ROWS = timedelta(days=1)  # an ended or expired row stays this long (for support questions), then goes


@dataclass(frozen=True)
class Kept:
    """A sign-in brought back by its cookie: the account as it is now, and when the sign-in began."""

    id: str
    user: auth.User
    started: datetime


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime | None) -> datetime:
    """A time given, or now, as UTC: the zone every stored time is in."""
    return _now() if moment is None else as_utc(moment)


def open_session(engine: Engine, user: auth.User, started: datetime | None = None) -> tuple[str, str]:
    """Keep a sign-in of ``user`` made at ``started`` (default now): (its id, the one-time ticket the browser trades for
    its cookie). Rows that ended or expired more than a day ago are cleared away on the way."""
    now = _now()
    started = _utc(started or now)
    kept_id, ticket = secrets.token_hex(16), secrets.token_urlsafe(32)
    table = kept_signins
    gone = now - KEEP_ENDED_ROWS
    with engine.begin() as conn:
        conn.execute(delete(table).where((table.c.expires_at < gone) | (table.c.ended_at < gone)))
        conn.execute(
            insert(table).values(
                id=kept_id,
                user_name=user.name,
                account_token=user.token,
                started_at=started,
                expires_at=started + timedelta(minutes=config.SESSION_MINUTES.value()),
                ticket_hash=_hash(ticket),
                ticket_expires=now + timedelta(seconds=TICKET_SECONDS),
            )
        )
    return kept_id, ticket


def redeem(engine: Engine, ticket: str, now: datetime | None = None) -> str | None:
    """Trade a fresh, unused ticket for the cookie's secret; None for any other ticket."""
    now, secret, table = _utc(now), secrets.token_urlsafe(32), kept_signins
    fresh = (
        (table.c.ticket_hash == _hash(ticket))
        & table.c.secret_hash.is_(None)
        & table.c.ended_at.is_(None)
        & (table.c.ticket_expires >= now)
    )
    with engine.begin() as conn:  # one statement: two requests with the same ticket cannot both win
        changed = conn.execute(update(table).where(fresh).values(secret_hash=_hash(secret), ticket_hash=None))
    return secret if changed.rowcount == 1 else None


def redeemed(engine: Engine, kept_id: str) -> bool:
    """Whether the browser has traded this sign-in's ticket for its cookie."""
    with engine.connect() as conn:
        secret = conn.execute(select(kept_signins.c.secret_hash).where(kept_signins.c.id == kept_id)).scalar_one_or_none()
    return secret is not None


def ended(engine: Engine, kept_id: str) -> bool:
    """Whether a kept sign-in is over: signed out (in any tab of the browser), expired, found void at a resume, renewed
    after a password change, or gone (cleared a day after it ended, or replaced by a restore). Its sessions end too."""
    with engine.connect() as conn:
        row = conn.execute(select(kept_signins.c.ended_at).where(kept_signins.c.id == kept_id)).first()
    return row is None or row.ended_at is not None


def resume(engine: Engine, secret: str, now: datetime | None = None) -> Kept | None:
    """The sign-in a cookie's secret keeps, if it still holds; a sign-in that no longer holds is ended."""
    now, table = _utc(now), kept_signins
    with engine.connect() as conn:
        row = conn.execute(select(table).where(table.c.secret_hash == _hash(secret))).mappings().first()
    if row is None or row["ended_at"] is not None:
        return None
    user = auth.account(engine, row["user_name"])
    holds = user is not None and user.token == row["account_token"] and as_utc(row["expires_at"]) > now
    if user is None or not holds:
        end(engine, row["id"], now)
        return None
    return Kept(row["id"], user, as_utc(row["started_at"]))


def renew(engine: Engine, kept_id: str, user: auth.User, started: datetime) -> tuple[str, str]:
    """After a password change made in this sign-in: end its kept row and keep the sign-in under a new one.

    A new row, not the old one with the new token: a copy of the old cookie, wherever it is, no longer signs in.
    """
    end(engine, kept_id)
    return open_session(engine, user, started)


def end(engine: Engine, kept_id: str, now: datetime | None = None) -> None:
    """End a kept sign-in (signed out, expired, or no longer valid): its cookie signs no one in again."""
    table = kept_signins
    with engine.begin() as conn:
        conn.execute(update(table).where(table.c.id == kept_id, table.c.ended_at.is_(None)).values(ended_at=_utc(now)))


def release(engine: Engine, secret: str, kept_id: str, *, signed_out: bool = False) -> bool:
    """Whether the browser may drop the cookie of ``secret`` now that the session of ``kept_id`` has ended.

    After a click on "sign out" (``signed_out``): yes, and the sign-in the cookie names ends too, whichever it is, so
    no tab of the browser stays signed in. After any other end (expiry, a password change, a sign-out seen in another
    tab): yes when the cookie names that sign-in or one that no longer signs anyone in; no when it names another, live
    one, made in another tab since, which a stale tab's request must not end. Only the sign-out writes.
    """
    table, now = kept_signins, _now()
    if signed_out:
        with engine.begin() as conn:
            conn.execute(
                update(table).where(table.c.secret_hash == _hash(secret), table.c.ended_at.is_(None)).values(ended_at=now)
            )
        return True
    with engine.connect() as conn:
        row = conn.execute(select(table).where(table.c.secret_hash == _hash(secret))).mappings().first()
    if row is None or row["id"] == kept_id:
        return True
    return row["ended_at"] is not None or as_utc(row["expires_at"]) <= now
