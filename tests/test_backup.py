"""``backup`` and ``restore``: a whole copy of the database and back, on SQLite and PostgreSQL.

The source gets what a real database holds: the sample, an import on top, a
rollback, staff accounts (with their audit records, where the product writes
them). After ``backup`` → ``restore`` into an empty database of the same kind,
``versions --json`` and every ``export`` (each table, each version) must be the
source's byte for byte, and every product table must hold the same rows.
"""

from __future__ import annotations

import io
import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from postgres_server import RUN_DATABASE, server_engine
from sqlalchemy import DateTime, create_engine, inspect, make_url, select, text

from dashboard import auth, kept_signin
from dashboard.cli.main import main
from dashboard.ingest import sample
from dashboard.schema import TABLES
from dashboard.storage import backup, database, store, tables, write_lock

PASSWORD = "Backup-test-pass-1"
MORE_ACTIVITIES = (
    "activity_id,community_id,date,category,title,participants\n"
    "B0001,{c},2025-03-01,patrol,夜间巡逻,12\n"
    'B0002,{c},2024-02-29,culture,"讲座, ""健康""",0\n'
)


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def add_user(capsys, monkeypatch, name: str, role: str) -> None:
    """``users add`` as an administrator runs it, the password piped in (in this process: faster)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code, _, err = run(capsys, "users", "add", name, "--role", role)
    assert code == 0, err


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def source(engine, tmp_path, capsys, monkeypatch):
    """The configured database with the sample, one more import, a rollback and two accounts."""
    sample.ensure_data(engine)
    community = store.load_table(engine, "communities")["community_id"].iloc[0]
    extra = tmp_path / "more.csv"
    extra.write_text(MORE_ACTIVITIES.format(c=community), encoding="utf-8")
    assert run(capsys, "import", extra, "--table", "activities", "--note", "补录 *两条*")[0] == 0
    assert run(capsys, "rollback", "--table", "targets", "--to", "1")[0] == 0
    add_user(capsys, monkeypatch, "wang", "editor")
    add_user(capsys, monkeypatch, "li", "admin")
    return engine


@pytest.fixture
def empty_url(engine, tmp_path):
    """An empty database of the same kind as ``engine``, not the configured one."""
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"{RUN_DATABASE}_restore"
    server = server_engine()
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(url_of(engine)).set(database=name).render_as_string(hide_password=False)
    database.engine_for.cache_clear()
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def snapshot(capsys, tmp_path: Path, label: str) -> dict[str, object]:
    """What the configured database shows: ``versions --json`` and every export, each table and version, as bytes
    (as Excel too for the targets: the writer differs, the frame is the same)."""
    code, out, _ = run(capsys, "versions", "--json")
    assert code == 0
    shown: dict[str, object] = {"versions": json.loads(out)}
    for row in shown["versions"]:
        for suffix in (".csv", ".xlsx") if row["table"] == "targets" else (".csv",):  # Excel is slow: one small table
            path = tmp_path / f"{label}-{row['table']}-v{row['version']}{suffix}"
            assert run(capsys, "export", "--table", row["table"], "--version", row["version"], "--out", path)[0] == 0
            shown[path.name.removeprefix(label)] = path.read_bytes() if suffix == ".csv" else _xlsx_cells(path)
    return shown


def _xlsx_cells(path: Path) -> list[tuple]:
    """An Excel file's cells (the zip around them carries the time it was written)."""
    from openpyxl import load_workbook

    return [tuple(c.value for c in row) for row in load_workbook(path).active.iter_rows()]


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every product table, in primary-key order, times in UTC."""
    eng = create_engine(database.engine_for(url).url)
    try:
        with eng.connect() as conn:
            present = set(inspect(conn).get_table_names())
            rows = {}
            for table in backup.product_tables():
                if table.name not in present:
                    continue
                stamps = [i for i, c in enumerate(table.columns) if isinstance(c.type, DateTime)]
                fetched = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
                rows[table.name] = [tuple(_utc(v) if i in stamps else v for i, v in enumerate(r)) for r in fetched]
            return rows
    finally:
        eng.dispose()


def _utc(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def test_a_backup_restores_into_an_empty_database_with_the_same_versions_exports_and_rows(
    source, empty_url, tmp_path, capsys, monkeypatch
):
    before = snapshot(capsys, tmp_path, "source")
    assert len(before["versions"]) >= 6 and any(v["mode"] == "restore" for v in before["versions"])
    signed_in = auth.account(source, "wang")  # a browser that keeps a sign-in: backed up, never brought back
    assert signed_in is not None
    secret = kept_signin.redeem(source, kept_signin.open_session(source, signed_in)[1])
    file = tmp_path / "daily.dashboard-backup"
    code, out, _ = run(capsys, "backup", "--out", file, "--lang", "en")
    assert code == 0 and "Backed up" in out and str(file) in out
    assert not list(tmp_path.glob("*.partial"))

    monkeypatch.setenv("DASHBOARD_DATABASE_URL", empty_url)
    code, out, _ = run(capsys, "restore", file, "--lang", "zh")
    assert code == 0 and "已从" in out, out
    rows = table_rows(empty_url)
    assert rows["kept_signins"] == [] and kept_signin.resume(database.get_engine(), secret) is None
    assert rows == {**table_rows(url_of(source)), "kept_signins": []}  # before the exports below add audit records
    assert snapshot(capsys, tmp_path, "restored") == before
    assert len(rows["users"]) == 2 and rows["dataset_versions"]
    # Every table the product declares went through, not a fixed list.
    assert set(rows) == {t.name for t in tables.metadata.sorted_tables}

    # The restored database carries on: the next import is the next version, with fresh ids.
    extra = tmp_path / "after.csv"
    extra.write_text(MORE_ACTIVITIES.format(c=rows["communities"][0][3]).replace("B000", "C000"), encoding="utf-8")
    activities = next(v["version"] for v in before["versions"] if v["table"] == "activities" and v["active"])
    code, out, _ = run(capsys, "import", extra, "--table", "activities", "--lang", "en")
    assert code == 0 and f"version {activities + 1}" in out, out


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(source, tmp_path, capsys):
    file = tmp_path / "b.sqlite"
    assert run(capsys, "backup", "--out", file)[0] == 0
    store.commit_frame(
        source, "targets", store.load_table(source, "targets").head(1), "replace", store.ImportMeta("t", "f.csv", "x")
    )
    before = table_rows(url_of(source))
    code, _, err = run(capsys, "restore", file, "--lang", "en")
    assert code == 1 and "already holds" in err and "--replace" in err
    code, _, err = run(capsys, "restore", file, "--lang", "zh")
    assert code == 1 and "未做任何更改" in err
    assert table_rows(url_of(source)) == before


def test_restore_replace_keeps_a_backup_of_what_it_replaces(source, empty_url, tmp_path, capsys, monkeypatch):
    file = tmp_path / "b.sqlite"
    assert run(capsys, "backup", "--out", file)[0] == 0
    wanted = table_rows(url_of(source))
    store.commit_frame(
        source, "targets", store.load_table(source, "targets").head(1), "replace", store.ImportMeta("t", "f.csv", "x")
    )
    changed = table_rows(url_of(source))
    kept = tmp_path / "kept.sqlite"
    code, out, _ = run(capsys, "restore", file, "--replace", "--keep", kept, "--lang", "en")
    assert code == 0 and str(kept) in out
    assert table_rows(url_of(source)) == wanted
    # The kept file is a whole backup of the replaced state: it restores to exactly that.
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", empty_url)
    assert run(capsys, "restore", kept)[0] == 0
    assert table_rows(empty_url) == changed
    # The audit log is append-only again after the replace.
    with database.engine_for(url_of(source)).connect() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM audit_log"))


def test_replace_without_keep_puts_the_old_data_beside_the_backup(source, tmp_path, capsys):
    file = tmp_path / "b.sqlite"
    assert run(capsys, "backup", "--out", file)[0] == 0
    assert run(capsys, "restore", file, "--replace")[0] == 0
    kept = list(tmp_path.glob("replaced-*.sqlite"))
    assert len(kept) == 1 and backup.count_rows(create_engine(f"sqlite:///{kept[0]}"))["dataset_versions"] > 0


def test_a_backup_taken_while_an_import_writes_has_the_committed_state_only(source, tmp_path):
    """The writer holds the write lock with rows inserted but not committed; the backup does not wait and has none."""
    committed = table_rows(url_of(source))
    inside, release = threading.Event(), threading.Event()

    def writer() -> None:
        with write_lock.write_transaction(source) as conn:
            conn.execute(
                text(
                    "INSERT INTO dataset_versions (table_name, version, created_at, user_name, file_name, "
                    "sha256, rows, note, mode) VALUES ('targets', 99, CURRENT_TIMESTAMP, 'w', 'f', '', 0, '', "
                    "'append')"
                )
            )
            inside.set()
            release.wait(30)
            raise RuntimeError("rolled back on purpose")

    def rolled_back() -> None:
        with pytest.raises(RuntimeError):
            writer()

    thread = threading.Thread(target=rolled_back)
    thread.start()
    try:
        assert inside.wait(30)
        file = tmp_path / "during.sqlite"
        backup.backup(source, file)
    finally:
        release.set()
        thread.join(30)
    copy = create_engine(f"sqlite:///{file}")
    with copy.connect() as conn:
        assert conn.execute(text("SELECT max(version) FROM dataset_versions WHERE table_name = 'targets'")).scalar() < 99
    copy.dispose()
    assert table_rows(url_of(source)) == committed


def test_a_backup_of_sqlite_restores_into_postgresql(tmp_path, capsys, monkeypatch, postgres_url):
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", f"sqlite:///{tmp_path / 'src.db'}")
    sample.ensure_data(database.get_engine())
    add_user(capsys, monkeypatch, "wang", "editor")
    before = snapshot(capsys, tmp_path, "sqlite")
    assert run(capsys, "backup", "--out", tmp_path / "x.sqlite")[0] == 0
    eng = create_engine(postgres_url)
    with eng.begin() as conn:
        tables.metadata.drop_all(conn)
    eng.dispose()
    database.engine_for.cache_clear()
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", postgres_url)
    assert run(capsys, "restore", tmp_path / "x.sqlite")[0] == 0
    assert snapshot(capsys, tmp_path, "postgres") == before


@pytest.mark.parametrize("kind", ["missing", "text", "other-sqlite"])
def test_restore_refuses_what_is_not_a_backup(sqlite_engine, tmp_path, capsys, kind):
    path = tmp_path / "file.db"
    if kind == "text":
        path.write_text("community_id\n1\n", encoding="utf-8")
    elif kind == "other-sqlite":
        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    code, _, err = run(capsys, "restore", path, "--lang", "en")
    assert (code, bool(err)) == ((2, True) if kind == "missing" else (1, True))
    assert backup.count_rows(sqlite_engine) == dict.fromkeys(backup.count_rows(sqlite_engine), 0)


def test_backup_never_overwrites_a_file_and_names_a_missing_folder(sqlite_engine, tmp_path, capsys):
    existing = tmp_path / "there.sqlite"
    existing.write_bytes(b"keep me")
    code, _, err = run(capsys, "backup", "--out", existing, "--lang", "en")
    assert code == 2 and "already exists" in err and existing.read_bytes() == b"keep me"
    code, _, err = run(capsys, "backup", "--out", tmp_path / "nope" / "b.sqlite", "--lang", "zh")
    assert code == 2 and "不存在" in err


def test_every_table_of_the_contract_is_in_a_backup(sqlite_engine, tmp_path):
    sample.ensure_data(sqlite_engine)
    done = backup.backup(sqlite_engine, tmp_path / "b.sqlite")
    assert set(TABLES) <= set(done.rows) and all(done.rows[name] > 0 for name in TABLES)
