"""Staff accounts: argon2-hashed passwords, roles, and lock-out after repeated failures.

Viewers need no account. Editors import data; admins also restore versions and
manage accounts. Nothing here logs a password or a hash.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine

from dashboard import config
from dashboard.storage.database import users

ROLES = ("editor", "admin")
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A real hash to verify against when the name is unknown, so both cases take the same time."""
    return _hasher.hash("not-a-real-password-0")


@dataclass(frozen=True)
class User:
    """A signed-in member of staff."""

    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can(self, action: str) -> bool:
        """Whether this role may ``import``, ``restore`` or ``manage`` (accounts)."""
        return action == "import" or self.is_admin


class AuthError(Exception):
    """A sign-in or account change that is refused; ``code`` names the message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def check_password_rules(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError("password_too_short", minimum=MIN_PASSWORD_LENGTH)


def add_user(engine: Engine, name: str, password: str, role: str) -> None:
    """Create an account; the password is stored only as an argon2 hash."""
    name = name.strip()
    if role not in ROLES:
        raise AuthError("bad_role", roles=", ".join(ROLES))
    if not name:
        raise AuthError("bad_name")
    check_password_rules(password)
    with engine.begin() as conn:
        if conn.execute(select(users.c.id).where(users.c.name == name)).first():
            raise AuthError("user_exists", name=name)
        conn.execute(
            users.insert().values(
                name=name, role=role, password_hash=_hasher.hash(password), failed_attempts=0, created_at=_now()
            )
        )


def set_password(engine: Engine, name: str, password: str) -> None:
    """Replace a password (and clear any lock)."""
    check_password_rules(password)
    with engine.begin() as conn:
        done = conn.execute(
            update(users)
            .where(users.c.name == name)
            .values(password_hash=_hasher.hash(password), failed_attempts=0, locked_until=None)
        )
    if not done.rowcount:
        raise AuthError("no_user", name=name)


def remove_user(engine: Engine, name: str) -> None:
    """Delete an account; the last admin cannot be removed."""
    with engine.begin() as conn:
        row = conn.execute(select(users.c.role).where(users.c.name == name)).first()
        if row is None:
            raise AuthError("no_user", name=name)
        admins = conn.execute(select(func.count()).where(users.c.role == "admin")).scalar_one()
        if row.role == "admin" and admins <= 1:
            raise AuthError("last_admin")
        conn.execute(delete(users).where(users.c.name == name))


def list_users(engine: Engine) -> list[dict]:
    """Accounts without their hashes: name, role, created, locked until."""
    with engine.connect() as conn:
        rows = (
            conn.execute(
                select(users.c.name, users.c.role, users.c.created_at, users.c.locked_until, users.c.failed_attempts).order_by(
                    users.c.name
                )
            )
            .mappings()
            .all()
        )
    return [dict(r) for r in rows]


def has_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(users)).scalar())


def lockout_attempts() -> int:
    return config.LOCKOUT_ATTEMPTS.value()


def lockout_minutes() -> float:
    return config.LOCKOUT_MINUTES.value()


def slowdown_seconds(failed_attempts: int) -> float:
    """Delay before answering after earlier failures: 0, 0.5, 1, 2 s ... capped at 4 s."""
    return 0.0 if failed_attempts <= 0 else min(4.0, 0.5 * 2 ** (failed_attempts - 1))


def authenticate(engine: Engine, name: str, password: str, *, sleep=time.sleep) -> User:
    """The user when ``password`` is right; AuthError("bad_credentials" or "locked") otherwise."""
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name.strip())).mappings().first()
    if row is None:
        _verify(_dummy_hash(), password)
        raise AuthError("bad_credentials")
    locked_until = _aware(row["locked_until"])
    if locked_until and locked_until > _now():
        raise AuthError("locked", minutes=max(1, int((locked_until - _now()).total_seconds() // 60) + 1))
    sleep(slowdown_seconds(row["failed_attempts"]))
    if not _verify(row["password_hash"], password):
        _record_failure(engine, row["name"])
        raise AuthError("bad_credentials")
    _record_success(engine, row["name"], row["password_hash"], password)
    return User(row["name"], row["role"])


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _record_failure(engine: Engine, name: str) -> None:
    """Count a failure in the database itself (not from the value read before the slow-down).

    Guesses sent in parallel from several sessions all read the same count;
    incrementing in SQL makes each one count, so the lock comes on time.
    """
    account = users.c.name == name
    with engine.begin() as conn:
        conn.execute(update(users).where(account).values(failed_attempts=users.c.failed_attempts + 1))
        attempts = conn.execute(select(users.c.failed_attempts).where(account)).scalar() or 0
        if attempts >= lockout_attempts():
            conn.execute(
                update(users).where(account).values(failed_attempts=0, locked_until=_now() + timedelta(minutes=lockout_minutes()))
            )


def _record_success(engine: Engine, name: str, password_hash: str, password: str) -> None:
    values: dict = {"failed_attempts": 0, "locked_until": None}
    if _hasher.check_needs_rehash(password_hash):
        values["password_hash"] = _hasher.hash(password)
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.name == name).values(**values))


def role_of(engine: Engine, name: str) -> str | None:
    """The current role of an account (None if it was removed): checked before every action."""
    with engine.connect() as conn:
        return conn.execute(select(users.c.role).where(users.c.name == name)).scalar()
