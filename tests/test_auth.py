"""Staff accounts: argon2 hashes, roles, slow-down and lock-out, and ``python -m dashboard users``.

No Streamlit here: the functions the desk calls, and the command line that
creates the first account. The desk's own checks are in ``test_desk.py``.
"""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from dashboard import auth
from dashboard.cli.main import main
from dashboard.ingest import sample
from dashboard.storage.database import get_engine, users

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Correct-Horse-42"
NO_SLEEP = {"sleep": lambda _seconds: None}


def stored_hash(engine, name: str) -> str:
    with engine.connect() as conn:
        return conn.execute(select(users.c.password_hash).where(users.c.name == name)).scalar()


def failed_attempts(engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(users.c.failed_attempts).where(users.c.name == name)).scalar()


@pytest.fixture(autouse=True)
def fast_argon2(request, monkeypatch):
    """Cheap argon2 parameters (same format) except where a test asks for the real ones: 0.3 s a hash here."""
    if "real_argon2" not in request.fixturenames:
        monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def real_argon2():
    return auth._hasher


@pytest.fixture
def ed(engine):
    auth.add_user(engine, "ed", PASSWORD, "editor")
    return engine


# --- roles and hashes ----------------------------------------------------------------------------------------


def test_roles_editor_imports_admin_also_restores_and_manages():
    editor, admin = auth.User("ed", "editor"), auth.User("boss", "admin")
    assert editor.can("import") and not editor.can("restore") and not editor.can("manage")
    assert admin.can("import") and admin.can("restore") and admin.can("manage")
    assert not auth.User("x", "viewer").can("restore")


def test_password_is_stored_only_as_an_argon2_hash(engine, real_argon2):
    auth.add_user(engine, "ed", PASSWORD, "editor")
    auth.add_user(engine, "ann", PASSWORD, "editor")
    first, second = stored_hash(engine, "ed"), stored_hash(engine, "ann")
    assert first.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and first != PASSWORD and PASSWORD not in first
    assert first != second  # salted
    listed = auth.list_users(engine)
    assert [r["name"] for r in listed] == ["ann", "ed"]
    assert all("password_hash" not in r and PASSWORD not in str(r) for r in listed)


@pytest.mark.parametrize(
    "name, password, role, code",
    [
        ("ed", "short", "editor", "password_too_short"),
        ("ed", PASSWORD, "viewer", "bad_role"),
        ("  ", PASSWORD, "editor", "bad_name"),
    ],
)
def test_add_user_refuses_bad_input(engine, name, password, role, code):
    with pytest.raises(auth.AuthError) as caught:
        auth.add_user(engine, name, password, role)
    assert caught.value.code == code
    assert not auth.has_users(engine)


def test_duplicate_missing_and_last_admin_are_refused(engine):
    auth.add_user(engine, "boss", PASSWORD, "admin")
    for call, code in [
        (lambda: auth.add_user(engine, "boss", PASSWORD, "editor"), "user_exists"),
        (lambda: auth.remove_user(engine, "nobody"), "no_user"),
        (lambda: auth.set_password(engine, "nobody", PASSWORD), "no_user"),
        (lambda: auth.remove_user(engine, "boss"), "last_admin"),
    ]:
        with pytest.raises(auth.AuthError) as caught:
            call()
        assert caught.value.code == code
    auth.add_user(engine, "second", PASSWORD, "admin")
    auth.remove_user(engine, "boss")
    assert auth.role_of(engine, "boss") is None and auth.role_of(engine, "second") == "admin"


def test_no_account_ships_with_the_product(engine):
    assert sample.ensure_data(engine)  # what a fresh install does on first start
    assert not auth.has_users(engine) and auth.list_users(engine) == []
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert not [f for f in tracked if f.endswith((".db", ".sqlite", ".sqlite3"))], "a database is committed"


# --- sign-in, slow-down, lock-out ----------------------------------------------------------------------------


def test_right_password_signs_in_and_wrong_one_or_unknown_name_gets_one_message(ed):
    assert auth.authenticate(ed, " ed ", PASSWORD, **NO_SLEEP) == auth.User("ed", "editor")
    for name, password in [("ed", "wrong-password-1"), ("nobody", PASSWORD), ("ed", "")]:
        with pytest.raises(auth.AuthError) as caught:
            auth.authenticate(ed, name, password, **NO_SLEEP)
        assert caught.value.code == "bad_credentials"


def test_repeated_failures_are_slowed_down_more_and_more(ed):
    assert auth.slowdown_seconds(0) == 0
    assert [auth.slowdown_seconds(n) for n in range(1, 7)] == [0.5, 1, 2, 4, 4, 4]
    waits: list[float] = []
    for _ in range(4):
        with pytest.raises(auth.AuthError):
            auth.authenticate(ed, "ed", "wrong-password-1", sleep=waits.append)
    assert waits == [0, 0.5, 1, 2]
    assert auth.authenticate(ed, "ed", PASSWORD, sleep=waits.append)  # after waiting 4 s
    assert waits[-1] == 4 and failed_attempts(ed, "ed") == 0  # success resets the count


def test_five_wrong_passwords_lock_the_account_for_the_configured_time(ed, monkeypatch):
    monkeypatch.setenv("DASHBOARD_LOCKOUT_MINUTES", "2")
    for _ in range(5):
        with pytest.raises(auth.AuthError) as caught:
            auth.authenticate(ed, "ed", "wrong-password-1", **NO_SLEEP)
        assert caught.value.code == "bad_credentials"
    with pytest.raises(auth.AuthError) as caught:  # even the right password, while locked
        auth.authenticate(ed, "ed", PASSWORD, **NO_SLEEP)
    assert caught.value.code == "locked" and caught.value.params["minutes"] == 2
    locked_until = auth.list_users(ed)[0]["locked_until"]
    assert locked_until is not None

    real_now = auth._now()
    monkeypatch.setattr(auth, "_now", lambda: real_now + timedelta(seconds=90))
    with pytest.raises(auth.AuthError) as caught:
        auth.authenticate(ed, "ed", PASSWORD, **NO_SLEEP)
    assert caught.value.code == "locked" and caught.value.params["minutes"] == 1
    monkeypatch.setattr(auth, "_now", lambda: real_now + timedelta(minutes=2, seconds=1))
    assert auth.authenticate(ed, "ed", PASSWORD, **NO_SLEEP).name == "ed"
    assert auth.list_users(ed)[0]["locked_until"] is None


def test_lock_attempts_follow_the_setting_and_a_new_password_unlocks(ed, monkeypatch):
    monkeypatch.setenv("DASHBOARD_LOCKOUT_ATTEMPTS", "2")
    for _ in range(2):
        with pytest.raises(auth.AuthError):
            auth.authenticate(ed, "ed", "wrong-password-1", **NO_SLEEP)
    with pytest.raises(auth.AuthError, match="locked"):
        auth.authenticate(ed, "ed", PASSWORD, **NO_SLEEP)
    auth.set_password(ed, "ed", "A-new-password-7")
    assert auth.authenticate(ed, "ed", "A-new-password-7", **NO_SLEEP).role == "editor"
    with pytest.raises(auth.AuthError, match="bad_credentials"):
        auth.authenticate(ed, "ed", PASSWORD, **NO_SLEEP)


def test_parallel_guesses_each_count_towards_the_lock(sqlite_engine):
    """Two sessions guessing at once both read the same count before the slow-down: both must count."""
    auth.add_user(sqlite_engine, "ed", PASSWORD, "editor")
    together = threading.Barrier(2, timeout=20)
    errors: list[str] = []

    def guess() -> None:
        try:
            auth.authenticate(sqlite_engine, "ed", "wrong-password-1", sleep=lambda _s: together.wait())
        except auth.AuthError as error:
            errors.append(error.code)

    threads = [threading.Thread(target=guess) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == ["bad_credentials", "bad_credentials"]
    assert failed_attempts(sqlite_engine, "ed") == 2


def test_an_old_hash_is_upgraded_at_sign_in(ed, real_argon2):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with ed.begin() as conn:
        conn.execute(update(users).where(users.c.name == "ed").values(password_hash=weak))
    auth.authenticate(ed, "ed", PASSWORD, **NO_SLEEP)
    assert stored_hash(ed, "ed") != weak and stored_hash(ed, "ed").startswith("$argon2")


# --- python -m dashboard users ---------------------------------------------------------------------------------


def users_cli(monkeypatch, capsys, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["users", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_users_add_list_passwd_remove_from_stdin(sqlite_engine, monkeypatch, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    code, out, _ = users_cli(monkeypatch, capsys, "add", "boss", "--role", "admin", "--lang", "en", stdin=PASSWORD + "\n")
    assert code == 0 and "“boss” created (admin)" in out
    assert stored_hash(sqlite_engine, "boss").startswith("$argon2")
    assert auth.authenticate(sqlite_engine, "boss", PASSWORD, **NO_SLEEP).is_admin
    assert users_cli(monkeypatch, capsys, "add", "ed", "--role", "editor", stdin=PASSWORD + "\r\n")[0] == 0

    code, out, _ = users_cli(monkeypatch, capsys, "list")
    assert code == 0
    assert [line.split()[:2] for line in out.splitlines()] == [["boss", "admin"], ["ed", "editor"]]
    assert "$argon2" not in out

    code, out, _ = users_cli(monkeypatch, capsys, "passwd", "ed", "--lang", "en", stdin="Brand-new-pass-9\n")
    assert code == 0 and "changed" in out
    assert auth.authenticate(sqlite_engine, "ed", "Brand-new-pass-9", **NO_SLEEP)

    code, out, _ = users_cli(monkeypatch, capsys, "remove", "ed", "--lang", "en")
    assert code == 0 and "removed" in out and auth.role_of(sqlite_engine, "ed") is None

    everything = out + caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (PASSWORD, "Brand-new-pass-9", "$argon2"):
        assert secret not in everything


@pytest.mark.parametrize(
    "argv, stdin, code, words",
    [
        (["add", "ed", "--role", "editor", "--lang", "en"], "short\n", 1, "at least 10 characters"),
        (["add", "ed", "--role", "viewer"], PASSWORD + "\n", 2, ""),
        (["add", "ed"], PASSWORD + "\n", 2, ""),
        (["remove", "nobody", "--lang", "en"], "", 1, "no account named “nobody”"),
        (["passwd", "nobody", "--lang", "zh"], PASSWORD + "\n", 1, "没有名为“nobody”的账号"),
    ],
)
def test_users_mistakes_exit_non_zero_without_change(sqlite_engine, monkeypatch, capsys, argv, stdin, code, words):
    got, out, err = users_cli(monkeypatch, capsys, *argv, stdin=stdin)
    assert got == code and words in err
    assert not auth.has_users(sqlite_engine)
    assert PASSWORD not in out + err


def test_users_add_never_takes_the_password_as_an_argument(sqlite_engine, monkeypatch, capsys):
    code, _, _ = users_cli(monkeypatch, capsys, "add", "ed", "--role", "editor", "--password", PASSWORD, stdin=PASSWORD)
    assert code == 2 and not auth.has_users(sqlite_engine)


def test_users_command_as_a_real_process(tmp_path, monkeypatch):
    """The documented command, with the password piped in: works, and prints no secret."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "users", "add", "first", "--role", "admin", "--lang", "en"],
        cwd=ROOT,
        env={"DASHBOARD_DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    assert [(r["name"], r["role"]) for r in auth.list_users(get_engine())] == [("first", "admin")]
