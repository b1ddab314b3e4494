"""Staff accounts: argon2 hashes, roles, slow-down and lock-out, and ``python -m dashboard users``.

No Streamlit here: the functions the desk calls, and the command line that
creates the first account. The desk's own checks are in ``test_desk.py``.
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from dashboard import auth, signin
from dashboard.cli.main import main
from dashboard.ingest import sample
from dashboard.scope import CITY, Scope
from dashboard.storage import audit, database, tables
from dashboard.storage.database import get_engine
from dashboard.storage.tables import sign_in_throttle, users

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Correct-Horse-42"
NO_SLEEP = {"sleep": lambda _seconds: None}


def stored_hash(engine, name: str) -> str:
    with engine.connect() as conn:
        return conn.execute(select(users.c.password_hash).where(users.c.name == name)).scalar()


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


# --- roles, scopes and hashes ----------------------------------------------------------------------------------


def test_roles_viewer_reads_editor_imports_admin_also_restores_manages_and_reads_the_log():
    viewer, editor, admin = auth.User("v", "viewer"), auth.User("ed", "editor"), auth.User("boss", "admin")
    assert not any(viewer.can(a) for a in ("import", "restore", "manage", "audit"))
    assert editor.can("import") and not editor.can("restore") and not editor.can("manage") and not editor.can("audit")
    assert all(admin.can(a) for a in ("import", "restore", "manage", "audit"))
    assert not auth.User("boss", "admin", must_change_password=True).can("import")  # a new password first


def test_a_scoped_admin_manages_only_accounts_inside_its_districts():
    chengxi, both = Scope.of(["chengxi"]), Scope.of(["chengxi", "chengdong"])
    scoped = auth.User("xi", "admin", both)
    assert scoped.may_manage(chengxi) and scoped.may_manage(both)
    assert not scoped.may_manage(CITY) and not scoped.may_manage(Scope.of(["chengbei"]))
    assert auth.OPERATOR.may_manage(CITY) and not auth.User("ed", "editor").may_manage(chengxi)


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
        ("ed", "Short-1", "editor", "password_too_short"),
        ("ed", "aaaaaaaaaa", "editor", "password_too_simple"),
        ("ed", " " * 10, "editor", "password_too_simple"),
        ("ed", "abcdefgh12", "editor", "password_too_simple"),  # two kinds of character
        ("ed", PASSWORD, "boss", "bad_role"),
        ("  ", PASSWORD, "editor", "bad_name"),
        ("e", PASSWORD, "editor", "bad_name"),
        ("e" * 33, PASSWORD, "editor", "bad_name"),
        ("wang li", PASSWORD, "editor", "bad_name"),
        ("王丽", PASSWORD, "editor", "bad_name"),
        ("(operator)", PASSWORD, "editor", "bad_name"),
    ],
)
def test_add_user_refuses_bad_input(engine, name, password, role, code):
    with pytest.raises(auth.AuthError) as caught:
        auth.add_user(engine, name, password, role)
    assert caught.value.code == code
    assert not auth.has_users(engine)
    assert [(e["event"], e["outcome"], e["details"]["reason"]) for e in audit.entries(engine)] == [
        ("account_added", "refused", code)
    ]


@pytest.mark.parametrize("password", ["abcdefgh1!", "ABCDEFGH1a", "Zehn Zeich3", "密码密码密码Ab12"])
def test_three_kinds_of_character_of_ten_or_more_are_accepted(engine, password):
    auth.add_user(engine, "ed", password, "editor")
    assert signin.authenticate(engine, "ed", password, **NO_SLEEP).name == "ed"


def test_the_minimum_length_follows_its_setting(engine, monkeypatch):
    monkeypatch.setenv("DASHBOARD_PASSWORD_MIN_LENGTH", "17")
    with pytest.raises(auth.AuthError) as caught:
        auth.add_user(engine, "ed", PASSWORD, "editor")  # 16 characters
    assert (caught.value.code, caught.value.message("en")) == (
        "password_too_short",
        "The password must have at least 17 characters.",
    )
    auth.add_user(engine, "ed", PASSWORD + "-long", "editor")


@pytest.mark.parametrize("name", ["a.b", "wang_li-2", "X" * 32, "  padded  "])
def test_names_of_letters_digits_dot_underscore_dash_are_accepted(engine, name):
    auth.add_user(engine, name, PASSWORD, "viewer")
    assert [r["name"] for r in auth.list_users(engine)] == [name.strip()]


def test_names_are_unique_whatever_their_letter_case(engine):
    auth.add_user(engine, "admin", PASSWORD, "admin")
    with pytest.raises(auth.AuthError) as caught:
        auth.add_user(engine, "Admin", PASSWORD, "editor")
    assert caught.value.code == "user_exists"
    assert [r["name"] for r in auth.list_users(engine)] == ["admin"]
    assert signin.authenticate(engine, "ADMIN", PASSWORD, **NO_SLEEP).name == "admin"  # signing in ignores the case too


def test_duplicate_missing_and_last_admin_are_refused(engine):
    auth.add_user(engine, "boss", PASSWORD, "admin")
    for call, code in [
        (lambda: auth.add_user(engine, "boss", PASSWORD, "editor"), "user_exists"),
        (lambda: auth.remove_user(engine, "nobody"), "no_user"),
        (lambda: auth.set_password(engine, "nobody", PASSWORD), "no_user"),
        (lambda: auth.remove_user(engine, "boss"), "last_admin"),
        (lambda: auth.edit_user(engine, "boss", role="editor"), "last_admin"),
        (lambda: auth.edit_user(engine, "boss", scope=Scope.of(["chengxi"])), "last_admin"),
    ]:
        with pytest.raises(auth.AuthError) as caught:
            call()
        assert caught.value.code == code
    auth.add_user(engine, "xi", PASSWORD, "admin", scope=Scope.of(["chengxi"]))
    with pytest.raises(auth.AuthError, match="last_admin"):  # a district's admin does not replace the city's
        auth.remove_user(engine, "boss")
    auth.add_user(engine, "second", PASSWORD, "admin")
    auth.remove_user(engine, "boss")
    assert auth.role_of(engine, "boss") is None and auth.role_of(engine, "second") == "admin"


def test_accounts_carry_their_districts_and_changes_are_recorded(engine):
    auth.add_user(engine, "xi", PASSWORD, "editor", scope=Scope.of(["chengxi", "chengdong"]), must_change_password=True)
    listed = auth.list_users(engine)
    assert [(r["name"], r["role"], r["districts"], r["must_change_password"]) for r in listed] == [
        ("xi", "editor", ["chengdong", "chengxi"], True)
    ]
    auth.edit_user(engine, "xi", role="admin", scope=Scope.of(["chengxi"]))
    user = auth.account(engine, "xi")
    assert user is not None and (user.role, user.scope.codes(), user.scope.label("zh")) == ("admin", ["chengxi"], "城西区")
    events = [(e["user"], e["event"], e["outcome"], e["source"], e["details"]) for e in reversed(audit.entries(engine))]
    assert events == [
        (
            "(operator)",
            "account_added",
            "success",
            "cli",
            {"account": "xi", "role": "editor", "districts": "chengdong,chengxi", "must_change": True},
        ),
        ("(operator)", "role_changed", "success", "cli", {"account": "xi", "from": "editor", "to": "admin"}),
        ("(operator)", "scope_changed", "success", "cli", {"account": "xi", "from": "chengdong,chengxi", "to": "chengxi"}),
    ]


def test_a_scoped_admin_is_refused_accounts_outside_its_districts(engine):
    auth.add_user(engine, "boss", PASSWORD, "admin")
    auth.add_user(engine, "dong", PASSWORD, "editor", scope=Scope.of(["chengdong"]))
    xi = auth.User("xi", "admin", Scope.of(["chengxi"]))
    auth.add_user(engine, "xi.ed", PASSWORD, "editor", scope=Scope.of(["chengxi"]), by=xi, source="desk")
    for call in [
        lambda: auth.add_user(engine, "anyone", PASSWORD, "editor", by=xi, source="desk"),  # city-wide
        lambda: auth.add_user(engine, "dong2", PASSWORD, "editor", scope=Scope.of(["chengdong"]), by=xi, source="desk"),
        lambda: auth.set_password(engine, "boss", "Another-pass-1", by=xi, source="desk"),
        lambda: auth.remove_user(engine, "dong", by=xi, source="desk"),
        lambda: auth.edit_user(engine, "xi.ed", scope=Scope.of(["chengxi", "chengbei"]), by=xi, source="desk"),
    ]:
        with pytest.raises(auth.AuthError) as caught:
            call()
        assert caught.value.code == "not_in_your_scope"
        assert caught.value.message("zh") == "您只能管理城西区的账号。"
    assert {r["name"] for r in auth.list_users(engine)} == {"boss", "dong", "xi.ed"}
    refused = [e for e in audit.entries(engine) if e["outcome"] == "refused"]
    assert len(refused) == 5 and {e["user"] for e in refused} == {"xi"} and {e["source"] for e in refused} == {"desk"}


def test_an_existing_database_gets_the_new_account_columns_and_its_accounts_keep_working(engine):
    """A users table made before scopes: the app adds the columns on start; old accounts are city-wide."""
    old_hash = auth.hash_password(PASSWORD)
    url = engine.url
    with engine.begin() as conn:
        tables.metadata.drop_all(conn)
        conn.exec_driver_sql(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(120) NOT NULL UNIQUE, role VARCHAR(16) NOT NULL, "
            "password_hash VARCHAR(255) NOT NULL, failed_attempts INTEGER NOT NULL, locked_until TIMESTAMP, "
            "created_at TIMESTAMP NOT NULL)"
        )
        conn.exec_driver_sql(f"INSERT INTO users VALUES (1, 'ed', 'editor', '{old_hash}', 0, NULL, '2025-01-01 00:00:00')")
    engine.dispose()
    database.engine_for.cache_clear()
    upgraded = database.engine_for(url.render_as_string(hide_password=False))
    user = signin.authenticate(upgraded, "ed", PASSWORD, **NO_SLEEP)
    assert (user.role, user.scope, user.must_change_password) == ("editor", CITY, False)
    auth.edit_user(upgraded, "ed", scope=Scope.of(["chengxi"]))
    assert auth.account(upgraded, "ed").scope == Scope.of(["chengxi"])
    upgraded.dispose()


def test_no_account_ships_with_the_product(engine):
    assert sample.ensure_data(engine)  # what a fresh install does on first start
    assert not auth.has_users(engine) and auth.list_users(engine) == []
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert not [f for f in tracked if f.endswith((".db", ".sqlite", ".sqlite3"))], "a database is committed"


# --- sign-in: per-client block, per-name slow-down, the same for unknown names ----------------------------------


def failures(name: str, client: str | None, engine, count: int, waits: list[float]) -> list[str]:
    codes = []
    for _ in range(count):
        with pytest.raises(auth.AuthError) as caught:
            signin.authenticate(engine, name, "wrong-password-1", client=client, sleep=waits.append)
        codes.append(caught.value.code)
    return codes


def test_right_password_signs_in_and_wrong_one_or_unknown_name_gets_one_message(ed):
    assert signin.authenticate(ed, " ed ", PASSWORD, **NO_SLEEP) == auth.User("ed", "editor")
    for name, password in [("ed", "wrong-password-1"), ("nobody", PASSWORD), ("ed", "")]:
        with pytest.raises(auth.AuthError) as caught:
            signin.authenticate(ed, name, password, **NO_SLEEP)
        assert caught.value.code == "bad_credentials"
        assert caught.value.message("en") == "Wrong account name or password."


def test_an_unknown_name_answers_like_a_real_one_message_for_message_and_wait_for_wait(ed, monkeypatch):
    monkeypatch.setenv("DASHBOARD_LOCKOUT_ATTEMPTS", "100")  # no client block: only the names' own slow-down
    real_waits: list[float] = []
    unknown_waits: list[float] = []
    real = failures("ed", "10.0.0.1", ed, 7, real_waits)
    unknown = failures("nobody", "10.0.0.2", ed, 7, unknown_waits)
    assert real == unknown == ["bad_credentials"] * 7  # a real account never says "locked"
    assert real_waits == unknown_waits == [0, 0.5, 1, 2, 4, 4, 4]


def test_the_same_work_is_done_for_a_real_and_an_unknown_name(ed, monkeypatch):
    """Timing: one argon2 verification and the same counters either way (the fast hash makes this measurable)."""
    verified: list[str] = []
    original = auth.verify
    monkeypatch.setattr(auth, "verify", lambda stored, password: verified.append(stored[:9]) or original(stored, password))
    for name in ("ed", "nobody"):
        with pytest.raises(auth.AuthError):
            signin.authenticate(ed, name, "wrong-password-1", client="10.0.0.9", **NO_SLEEP)
    assert verified == ["$argon2id", "$argon2id"]
    with ed.connect() as conn:
        counters = sorted(row.key.split(":")[0] for row in conn.execute(select(sign_in_throttle)))
    assert counters == ["client", "name", "name"]  # the unknown name is counted like the real one


def test_a_client_that_keeps_failing_is_blocked_before_any_account_is_looked_at(ed, monkeypatch):
    monkeypatch.setenv("DASHBOARD_LOCKOUT_MINUTES", "2")
    waits: list[float] = []
    assert failures("ed", "203.0.113.5", ed, 5, waits) == ["bad_credentials"] * 5
    for name, password in [("ed", PASSWORD), ("nobody", PASSWORD), ("boss", "x")]:  # the same answer for every name
        with pytest.raises(auth.AuthError) as caught:
            signin.authenticate(ed, name, password, client="203.0.113.5", sleep=waits.append)
        assert caught.value.code == "client_blocked" and caught.value.params == {"minutes": 2}
    assert len(waits) == 5  # refused before the slow-down, before the account

    other: list[float] = []
    assert signin.authenticate(ed, "ed", PASSWORD, client="198.51.100.7", sleep=other.append).name == "ed"
    assert other == [4]  # the account only slowed down; its owner from another address still got in

    real_now = signin._now()
    monkeypatch.setattr(signin, "_now", lambda: real_now + timedelta(seconds=90))
    with pytest.raises(auth.AuthError, match="client_blocked"):
        signin.authenticate(ed, "ed", PASSWORD, client="203.0.113.5", **NO_SLEEP)
    monkeypatch.setattr(signin, "_now", lambda: real_now + timedelta(minutes=2, seconds=1))
    assert signin.authenticate(ed, "ed", PASSWORD, client="203.0.113.5", **NO_SLEEP).name == "ed"


def test_anonymous_guesses_cannot_lock_the_owner_out(ed):
    """The probe's attack: five guesses at a real name from one client; the owner signs in from theirs at once."""
    failures("ed", "192.0.2.66", ed, 5, [])
    assert signin.authenticate(ed, "ed", PASSWORD, client=None, **NO_SLEEP).name == "ed"  # a local client


def test_the_block_follows_its_setting_and_a_success_clears_the_counts(ed, monkeypatch):
    monkeypatch.setenv("DASHBOARD_LOCKOUT_ATTEMPTS", "2")
    failures("ed", "10.1.1.1", ed, 1, [])
    assert signin.authenticate(ed, "ed", PASSWORD, client="10.1.1.1", **NO_SLEEP).name == "ed"  # clears both counts
    waits: list[float] = []
    assert failures("ed", "10.1.1.1", ed, 2, waits) == ["bad_credentials"] * 2 and waits == [0, 0.5]
    with pytest.raises(auth.AuthError, match="client_blocked"):
        signin.authenticate(ed, "ed", PASSWORD, client="10.1.1.1", **NO_SLEEP)


def test_sign_ins_failures_and_blocks_are_in_the_audit_log(ed, monkeypatch):
    monkeypatch.setenv("DASHBOARD_LOCKOUT_ATTEMPTS", "2")
    signin.authenticate(ed, "ed", PASSWORD, client="10.2.2.2", **NO_SLEEP)
    failures("nobody", "10.2.2.2", ed, 1, [])
    failures("ed", "10.2.2.2", ed, 1, [])
    with pytest.raises(auth.AuthError):
        signin.authenticate(ed, "ed", PASSWORD, client="10.2.2.2", **NO_SLEEP)
    logged = [(e["user"], e["event"], e["outcome"], e["details"].get("client")) for e in reversed(audit.entries(ed))][1:]
    assert logged == [
        ("ed", "sign_in", "success", "10.2.2.2"),
        ("(unknown account)", "sign_in", "failure", "10.2.2.2"),
        ("ed", "sign_in", "failure", "10.2.2.2"),
        ("ed", "client_blocked", "refused", "10.2.2.2"),
        ("(unknown account)", "sign_in", "refused", "10.2.2.2"),
    ]
    assert all(e["source"] == "desk" for e in audit.entries(ed, events=["sign_in"]))
    assert PASSWORD not in str(audit.entries(ed)) and "wrong-password-1" not in str(audit.entries(ed))


def test_parallel_guesses_each_count(sqlite_engine):
    """Two sessions guessing at once both read the same count before the slow-down: both must count."""
    auth.add_user(sqlite_engine, "ed", PASSWORD, "editor")
    together = threading.Barrier(2, timeout=20)
    errors: list[str] = []

    def guess() -> None:
        try:
            signin.authenticate(sqlite_engine, "ed", "wrong-password-1", client="10.3.3.3", sleep=lambda _s: together.wait())
        except auth.AuthError as error:
            errors.append(error.code)

    threads = [threading.Thread(target=guess) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == ["bad_credentials", "bad_credentials"]
    with sqlite_engine.connect() as conn:
        counts = {row.key.split(":")[0]: row.failures for row in conn.execute(select(sign_in_throttle))}
    assert counts == {"client": 2, "name": 2}


def test_an_old_hash_is_upgraded_at_sign_in(ed, real_argon2):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with ed.begin() as conn:
        conn.execute(update(users).where(users.c.name == "ed").values(password_hash=weak))
    signin.authenticate(ed, "ed", PASSWORD, **NO_SLEEP)
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
    assert code == 0 and "“boss” created (admin, the whole city)" in out
    assert stored_hash(sqlite_engine, "boss").startswith("$argon2")
    assert signin.authenticate(sqlite_engine, "boss", PASSWORD, **NO_SLEEP).is_admin
    assert users_cli(monkeypatch, capsys, "add", "ed", "--role", "editor", stdin=PASSWORD + "\r\n")[0] == 0

    code, out, _ = users_cli(monkeypatch, capsys, "list")
    assert code == 0
    assert [line.split()[:2] for line in out.splitlines()] == [["boss", "admin"], ["ed", "editor"]]
    assert "$argon2" not in out

    code, out, _ = users_cli(monkeypatch, capsys, "passwd", "ed", "--lang", "en", stdin="Brand-new-pass-9\n")
    assert code == 0 and "changed" in out
    assert signin.authenticate(sqlite_engine, "ed", "Brand-new-pass-9", **NO_SLEEP)

    code, out, _ = users_cli(monkeypatch, capsys, "remove", "ed", "--lang", "en")
    assert code == 0 and "removed" in out and auth.role_of(sqlite_engine, "ed") is None

    everything = out + caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (PASSWORD, "Brand-new-pass-9", "$argon2"):
        assert secret not in everything


@pytest.mark.parametrize(
    "argv, stdin, code, words",
    [
        (["add", "ed", "--role", "editor", "--lang", "en"], "Short-1\n", 1, "at least 10 characters"),
        (["add", "ed", "--role", "editor", "--lang", "en"], "aaaaaaaaaa\n", 1, "at least three of"),
        (["add", "ed", "--role", "editor", "--lang", "en"], PASSWORD + "\nCorrect-Horse-43\n", 1, "The two passwords differ"),
        (["add", "ed", "--role", "editor", "--lang", "zh"], PASSWORD + "\n\n", 1, "两次输入的密码不一致"),
        (["add", "ed", "--role", "boss"], PASSWORD + "\n", 2, ""),
        (["add", "ed"], PASSWORD + "\n", 2, ""),
        (["add", "e d", "--role", "editor", "--lang", "en"], PASSWORD + "\n", 2, "2 to 32 characters"),
        (
            ["add", "ed", "--role", "editor", "--district", "Gotham", "--lang", "en"],
            PASSWORD + "\n",
            2,
            "“Gotham” is not a district",
        ),
        (["remove", "nobody", "--lang", "en"], "", 1, "no account named “nobody”"),
        (["passwd", "nobody", "--lang", "zh"], PASSWORD + "\n", 1, "没有名为“nobody”的账号"),
        (["edit", "nobody", "--role", "admin", "--lang", "en"], "", 1, "no account named “nobody”"),
        (["edit", "nobody", "--lang", "en"], "", 2, "Say what to change"),
        (["edit", "nobody", "--city", "--district", "chengxi"], "", 2, ""),
    ],
)
def test_users_mistakes_exit_non_zero_without_change(sqlite_engine, monkeypatch, capsys, argv, stdin, code, words):
    got, out, err = users_cli(monkeypatch, capsys, *argv, stdin=stdin)
    assert got == code and words in err
    assert not auth.has_users(sqlite_engine)
    assert PASSWORD not in out + err


def test_users_add_with_districts_by_code_english_or_chinese_name_and_list_json(sqlite_engine, monkeypatch, capsys):
    argv = ["add", "xi", "--role", "editor", "--district", "chengxi", "--district", "Chengdong District", "--lang", "en"]
    code, out, _ = users_cli(monkeypatch, capsys, *argv, stdin=PASSWORD + "\n" + PASSWORD + "\n")
    assert code == 0 and "“xi” created (editor, Chengdong, Chengxi)" in out
    argv = ["add", "bei", "--role", "admin", "--district", "城北区", "--must-change-password", "--lang", "zh"]
    code, out, _ = users_cli(monkeypatch, capsys, *argv, stdin=PASSWORD + "\n")
    assert code == 0 and "（admin，城北区）" in out
    assert users_cli(monkeypatch, capsys, "add", "city", "--role", "viewer", stdin=PASSWORD + "\n")[0] == 0

    code, out, _ = users_cli(monkeypatch, capsys, "list", "--json")
    listed = {row["name"]: row for row in json.loads(out)}
    assert code == 0 and set(listed) == {"xi", "bei", "city"}
    assert [listed["xi"]["role"], listed["xi"]["districts"]] == ["editor", ["chengdong", "chengxi"]]
    assert [listed["bei"]["districts"], listed["bei"]["must_change_password"]] == [["chengbei"], True]
    assert [listed["city"]["role"], listed["city"]["districts"]] == ["viewer", []]
    assert "$argon2" not in out and "password_hash" not in out

    code, out, _ = users_cli(monkeypatch, capsys, "list", "--lang", "zh")
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "城东区、城西区" in lines["xi"] and "全市" in lines["city"] and "须修改密码" in lines["bei"]
    assert auth.account(sqlite_engine, "bei").must_change_password


def test_users_edit_changes_role_and_districts(sqlite_engine, monkeypatch, capsys):
    users_cli(monkeypatch, capsys, "add", "xi", "--role", "editor", "--district", "chengxi", stdin=PASSWORD + "\n")
    code, out, _ = users_cli(monkeypatch, capsys, "edit", "xi", "--role", "admin", "--district", "湟中区", "--lang", "en")
    assert code == 0 and "“xi” changed" in out
    assert auth.account(sqlite_engine, "xi") == auth.User("xi", "admin", Scope.of(["huangzhong"]))
    assert users_cli(monkeypatch, capsys, "edit", "xi", "--city")[0] == 0
    assert auth.account(sqlite_engine, "xi").scope == CITY
    assert [e["event"] for e in audit.entries(sqlite_engine)] == [
        "scope_changed",
        "scope_changed",
        "role_changed",
        "account_added",
    ]


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
