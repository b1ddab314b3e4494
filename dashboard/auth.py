"""Staff accounts: roles and scopes, argon2-hashed passwords, and the rules for names and passwords.

A viewer reads (an account is needed only when DASHBOARD_PUBLIC is off); an
editor also imports; an admin also restores versions, manages accounts and
reads the audit log. A scope (``dashboard.scope``) limits an account to its
districts; a scoped admin manages only accounts inside its own districts. Every
change to an account is recorded in the audit log. Signing in is
``dashboard.signin``. Nothing here logs a password or a hash.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection, Engine

from dashboard import config
from dashboard.i18n import t
from dashboard.scope import CITY, Scope
from dashboard.storage import audit
from dashboard.storage.audit import Event, Outcome
from dashboard.storage.tables import users
from dashboard.storage.write_lock import write_transaction

ROLES = ("viewer", "editor", "admin")
_ALLOWED = {"viewer": frozenset(), "editor": frozenset({"import"}), "admin": frozenset({"import", "restore", "manage", "audit"})}
NAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{2,32}")
CLASSES_NEEDED = 3  # of lower case, upper case, digits and everything else
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    """A member of staff as the database holds them now (read again at every click that changes something)."""

    name: str
    role: str
    scope: Scope = CITY
    must_change_password: bool = False
    token: str = field(default="", compare=False, repr=False)  # the account's current session token

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can(self, action: str) -> bool:
        """Whether this role may ``import``, ``restore``, ``manage`` (accounts) or read the ``audit`` log.

        An account that must change its password may do nothing else first.
        """
        return not self.must_change_password and action in _ALLOWED.get(self.role, frozenset())

    def may_manage(self, scope: Scope) -> bool:
        """Whether this admin may create or change an account of ``scope``: only inside its own districts."""
        if not self.can("manage"):
            return False
        return self.scope.city_wide or (not scope.city_wide and scope.districts <= self.scope.districts)


OPERATOR = User(audit.OPERATOR, "admin")  # the command line without --as: the server's operator, city-wide


class AuthError(Exception):
    """A sign-in or account change that is refused; ``code`` names the message (``auth.<code>``)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params

    def message(self, lang: str, escape: Callable[[str], str] = str) -> str:
        """The sentence in ``lang``; names typed by people pass through ``escape`` (Markdown on the desk)."""
        shown = {
            k: v.label(lang) if isinstance(v, Scope) else escape(v) if isinstance(v, str) else v for k, v in self.params.items()
        }
        return t(f"auth.{self.code}", lang, **shown)


def _now() -> datetime:
    return datetime.now(UTC)


def min_password_length() -> int:
    return config.PASSWORD_MIN_LENGTH.value()


def check_password_rules(password: str) -> None:
    """Refuse passwords that are short or drawn from fewer than three kinds of character."""
    if len(password) < min_password_length():
        raise AuthError("password_too_short", minimum=min_password_length())
    kinds = [any(c.islower() for c in password), any(c.isupper() for c in password), any(c.isdigit() for c in password)]
    kinds.append(any(not (c.islower() or c.isupper() or c.isdigit()) for c in password))
    if sum(kinds) < CLASSES_NEEDED:
        raise AuthError("password_too_simple")


def check_name(name: str) -> str:
    """The account name, stripped, if it is 2-32 letters, digits, ".", "_" or "-"."""
    name = name.strip()
    if not NAME_PATTERN.fullmatch(name):
        raise AuthError("bad_name")
    return name


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def find(conn: Connection, name: str) -> Any:
    """The account row called ``name`` (any letter case; an exact match first), or None."""
    name = name.strip()
    rows = conn.execute(select(users).where(func.lower(users.c.name) == name.lower())).mappings().all()
    exact = [r for r in rows if r["name"] == name]
    return (exact or rows)[0] if rows else None


def user_of(row: Any) -> User:
    """The account of a ``users`` row, as the rest of the product sees it."""
    return User(row["name"], row["role"], Scope.stored(row["districts"]), bool(row["must_change_password"]), row["session_token"])


def account(engine: Engine, name: str) -> User | None:
    """The account as it is now (None if removed): checked at every run and every click."""
    with engine.connect() as conn:
        row = find(conn, name)
    return None if row is None or row["name"] != name else user_of(row)


def role_of(engine: Engine, name: str) -> str | None:
    """The current role of an account (None if it was removed)."""
    user = account(engine, name)
    return user.role if user else None


@contextmanager
def _change(engine: Engine, by: User, source: str, event: Event, target: str) -> Iterator[audit.Actor]:
    """One account change by ``by`` from ``source``; a refusal is recorded in the audit log, then raised.

    Recorded after the change's own transaction has ended, never inside it: on
    SQLite a second writer would wait for the first.
    """
    actor = audit.Actor(by.name, source)
    try:
        yield actor
    except AuthError as error:
        audit.record(engine, actor, event, Outcome.REFUSED, {"account": target.strip()[:40], "reason": error.code})
        raise


def _allowed(by: User, *scopes: Scope) -> None:
    if not all(by.may_manage(scope) for scope in scopes):
        raise AuthError("not_in_your_scope", scope=by.scope)


def _city_admins(conn: Connection) -> int:
    query = select(func.count()).where(users.c.role == "admin", users.c.districts == "")
    return conn.execute(query).scalar_one()


def add_user(
    engine: Engine,
    name: str,
    password: str,
    role: str,
    *,
    scope: Scope = CITY,
    must_change_password: bool = False,
    by: User = OPERATOR,
    source: str = "cli",
) -> None:
    """Create an account; the password is stored only as an argon2 hash."""
    with _change(engine, by, source, Event.ACCOUNT_ADDED, name) as actor:
        if role not in ROLES:
            raise AuthError("bad_role", roles=", ".join(ROLES))
        name = check_name(name)
        check_password_rules(password)
        _allowed(by, scope)
        password_hash = hash_password(password)
        with write_transaction(engine) as conn:
            if find(conn, name) is not None:
                raise AuthError("user_exists", name=name)
            conn.execute(
                users.insert().values(
                    name=name,
                    role=role,
                    password_hash=password_hash,
                    failed_attempts=0,
                    created_at=_now(),
                    districts=scope.text(),
                    must_change_password=must_change_password,
                    session_token=secrets.token_hex(16),
                )
            )
            details = {"account": name, "role": role, "districts": scope.text(), "must_change": must_change_password}
            audit.record(conn, actor, Event.ACCOUNT_ADDED, Outcome.SUCCESS, details)


def _existing(by: User, conn: Connection, name: str, *, own_allowed: bool = False) -> Any:
    """The account to change, if ``by`` may change it (anyone may change their own password)."""
    row = find(conn, name)
    if row is None:
        raise AuthError("no_user", name=name)
    if not (own_allowed and row["name"] == by.name):
        _allowed(by, Scope.stored(row["districts"]))
    return row


def set_password(
    engine: Engine, name: str, password: str, *, must_change: bool = False, by: User = OPERATOR, source: str = "cli"
) -> str:
    """Replace a password and end the account's open sessions; the new session token (for the one who changed it).

    Changing one's own password clears "must change at next sign-in"; another's sets it as asked.
    """
    token = secrets.token_hex(16)
    with _change(engine, by, source, Event.PASSWORD_CHANGED, name) as actor:
        check_password_rules(password)
        password_hash = hash_password(password)
        with write_transaction(engine) as conn:
            row = _existing(by, conn, name, own_allowed=True)
            own = row["name"] == by.name
            if own and verify(row["password_hash"], password):
                raise AuthError("password_reused")
            values = {"password_hash": password_hash, "session_token": token, "must_change_password": must_change and not own}
            conn.execute(update(users).where(users.c.id == row["id"]).values(**values))
            details = {"account": row["name"], "own": own, "must_change": values["must_change_password"]}
            audit.record(conn, actor, Event.PASSWORD_CHANGED, Outcome.SUCCESS, details)
    return token


def edit_user(
    engine: Engine, name: str, *, role: str | None = None, scope: Scope | None = None, by: User = OPERATOR, source: str = "cli"
) -> None:
    """Change an account's role and/or scope (the last city-wide admin keeps both)."""
    with _change(engine, by, source, Event.ROLE_CHANGED if role else Event.SCOPE_CHANGED, name) as actor:
        if role is not None and role not in ROLES:
            raise AuthError("bad_role", roles=", ".join(ROLES))
        with write_transaction(engine) as conn:
            row = _existing(by, conn, name)
            new_role, new_scope = role or row["role"], scope if scope is not None else Scope.stored(row["districts"])
            _allowed(by, new_scope)
            was_city_admin = row["role"] == "admin" and row["districts"] == ""
            if was_city_admin and not (new_role == "admin" and new_scope.city_wide) and _city_admins(conn) <= 1:
                raise AuthError("last_admin")
            conn.execute(update(users).where(users.c.id == row["id"]).values(role=new_role, districts=new_scope.text()))
            if new_role != row["role"]:
                details = {"account": row["name"], "from": row["role"], "to": new_role}
                audit.record(conn, actor, Event.ROLE_CHANGED, Outcome.SUCCESS, details)
            if new_scope.text() != row["districts"]:
                details = {"account": row["name"], "from": row["districts"], "to": new_scope.text()}
                audit.record(conn, actor, Event.SCOPE_CHANGED, Outcome.SUCCESS, details)


def remove_user(engine: Engine, name: str, *, by: User = OPERATOR, source: str = "cli") -> None:
    """Delete an account, which ends its open sessions; the last city-wide admin cannot be removed."""
    with _change(engine, by, source, Event.ACCOUNT_REMOVED, name) as actor, write_transaction(engine) as conn:
        row = _existing(by, conn, name)
        if row["role"] == "admin" and row["districts"] == "" and _city_admins(conn) <= 1:
            raise AuthError("last_admin")
        conn.execute(delete(users).where(users.c.id == row["id"]))
        audit.record(conn, actor, Event.ACCOUNT_REMOVED, Outcome.SUCCESS, {"account": row["name"], "role": row["role"]})


def list_users(engine: Engine) -> list[dict]:
    """Accounts without their hashes: name, role, districts (codes; empty for the whole city), flag, created."""
    query = select(users.c.name, users.c.role, users.c.districts, users.c.must_change_password, users.c.created_at)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(users.c.name)).mappings().all()
    return [
        {
            "name": r["name"],
            "role": r["role"],
            "districts": [] if r["districts"] == "" else Scope.stored(r["districts"]).codes(),
            "must_change_password": bool(r["must_change_password"]),
            "created_at": r["created_at"],
        }
        for r in rows
    ]


def has_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(users)).scalar())
