"""Versioned storage of the four tables: commit a validated frame, list, restore, read.

Writes go through the DBAPI in bulk (``executemany`` on SQLite, ``COPY`` on
PostgreSQL) inside one write transaction; ORM objects would be 10× slower at
a million rows. Version numbers count per table from 1; the newest version of
a table is its active one, and a restore is a new version with the old rows.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.engine import Connection, Engine

from dashboard.database import STORED_COLUMNS, data_tables, versions, write_transaction
from dashboard.dataset import Dataset, typed_frame
from dashboard.schema import DATE, MONTH, TABLES


class VersionConflict(Exception):
    """Someone committed to the table after the preview the user confirmed."""

    def __init__(self, table: str, expected: int, actual: int) -> None:
        super().__init__(f"{table}: expected version {expected}, found {actual}")
        self.table, self.expected, self.actual = table, expected, actual


@dataclass(frozen=True)
class ImportMeta:
    """Who committed what, for the version history."""

    user: str
    file_name: str
    sha256: str
    note: str = ""


def latest_version(conn: Connection, table: str) -> int:
    """The active (newest) version of ``table``; 0 before the first import."""
    query = select(func.max(versions.c.version)).where(versions.c.table_name == table)
    return conn.execute(query).scalar() or 0


def data_version(engine: Engine) -> str:
    """A token that changes whenever any table gets a new version (for caches)."""
    with engine.connect() as conn:
        newest, count = conn.execute(select(func.max(versions.c.id), func.count())).one()
    return f"{newest or 0}.{count}"


def list_versions(engine: Engine, table: str | None = None) -> list[dict]:
    """Every version, newest first, with who, when, file, checksum, rows, note and ``active``."""
    query = select(versions).order_by(versions.c.table_name, versions.c.version.desc())
    if table:
        query = query.where(versions.c.table_name == table)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    newest: dict[str, int] = {}
    for row in rows:
        newest.setdefault(row["table_name"], row["version"])
    return [_version_dict(row, newest[row["table_name"]]) for row in rows]


def _version_dict(row, newest: int) -> dict:
    created = row["created_at"]
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return {
        "table": row["table_name"], "version": row["version"], "created_at": created.isoformat(timespec="seconds"),
        "user": row["user_name"], "file": row["file_name"], "sha256": row["sha256"], "rows": row["rows"],
        "note": row["note"], "mode": row["mode"], "restored_from": row["restored_from"],
        "active": row["version"] == newest,
    }


def commit_frame(engine: Engine, table: str, frame: pd.DataFrame, mode: str, meta: ImportMeta, *,
                 expected_version: int | None = None) -> int:
    """Store a validated frame as the table's next version, all or nothing; return the version."""
    with write_transaction(engine) as conn:
        current = latest_version(conn, table)
        if expected_version is not None and expected_version != current:
            raise VersionConflict(table, expected_version, current)
        version = current + 1
        _record_version(conn, table, version, meta, rows=len(frame), mode=mode)
        if mode == "replace":
            _close_all(conn, table, version)
        else:
            _close_matching(conn, table, frame, version)
        insert_rows(conn, table, frame, version)
    return version


def restore(engine: Engine, table: str, to_version: int, user: str, note: str = "") -> int:
    """Make an earlier version active again, as a new version (history is never rewritten)."""
    with write_transaction(engine) as conn:
        current = latest_version(conn, table)
        if not 1 <= to_version <= current:
            raise ValueError(f"{table} has no version {to_version}")
        version = current + 1
        rows = _count_at(conn, table, to_version)
        meta = ImportMeta(user, f"version {to_version}", "", note or f"restore of version {to_version}")
        _record_version(conn, table, version, meta, rows=rows, mode="restore", restored_from=to_version)
        _close_all(conn, table, version)
        cols = ", ".join(STORED_COLUMNS[table])
        conn.execute(text(
            f"INSERT INTO {table} (vfrom, {cols}) SELECT :new, {cols} FROM {table} "  # noqa: S608 - names from the schema
            f"WHERE {_alive_at()} ORDER BY row_id"
        ), {"new": version, "v": to_version})
    return version


def _alive_at() -> str:
    return "vfrom <= :v AND (vto IS NULL OR vto > :v)"


def _count_at(conn: Connection, table: str, version: int) -> int:
    query = text(f"SELECT count(*) FROM {table} WHERE {_alive_at()}")  # noqa: S608
    return conn.execute(query, {"v": version}).scalar()


def _record_version(conn: Connection, table: str, version: int, meta: ImportMeta, *, rows: int, mode: str,
                    restored_from: int | None = None) -> None:
    conn.execute(versions.insert().values(
        table_name=table, version=version, created_at=datetime.now(UTC), user_name=meta.user,
        file_name=meta.file_name, sha256=meta.sha256, rows=rows, note=meta.note, mode=mode,
        restored_from=restored_from,
    ))


def _close_all(conn: Connection, table: str, version: int) -> None:
    target = data_tables[table]
    conn.execute(update(target).where(target.c.vto.is_(None)).values(vto=version))


def _key_strings(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
    """One comparable string per row's key; NA where part of the key is missing."""
    parts = []
    for name in key:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            col = col.dt.strftime("%Y-%m-%d")
        parts.append(col.astype("string"))
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + "\x1f" + part
    return joined


def _close_matching(conn: Connection, table: str, frame: pd.DataFrame, version: int) -> None:
    """Append mode: rows whose key the file brings again are replaced."""
    key = TABLES[table].key
    incoming = _key_strings(frame, key).dropna()
    if incoming.empty:
        return
    target = data_tables[table]
    query = select(target.c.row_id, *(target.c[k] for k in key)).where(target.c.vto.is_(None))
    current = pd.DataFrame(conn.execute(query).all(), columns=["row_id", *key])
    if current.empty:
        return
    for name in key:
        if TABLES[table].column(name).kind in (DATE, MONTH):
            current[name] = pd.to_datetime(current[name])
        elif TABLES[table].column(name).kind not in ("text",) and TABLES[table].column(name).vocabulary is None:
            current[name] = pd.to_numeric(current[name]).astype("Int64")
    matched = current.loc[_key_strings(current, key).isin(set(incoming)), "row_id"].tolist()
    if matched:
        conn.execute(update(target).where(target.c.row_id == bindparam("rid")).values(vto=version),
                     [{"rid": int(r)} for r in matched])


def _column_values(series: pd.Series) -> list:
    """Python values the DBAPI takes: None for missing, ISO text for dates."""
    if pd.api.types.is_datetime64_any_dtype(series):
        series = series.dt.strftime("%Y-%m-%d")
    return series.astype(object).where(series.notna(), None).tolist()


def insert_rows(conn: Connection, table: str, frame: pd.DataFrame, version: int) -> None:
    """Bulk-insert ``frame`` as rows alive from ``version``."""
    columns = STORED_COLUMNS[table]
    if frame.empty:
        return
    if conn.dialect.name == "postgresql":
        _copy_rows(conn, table, frame[columns], version)
        return
    values = [_column_values(frame[c]) for c in columns]
    rows = list(zip([version] * len(frame), *values, strict=True))
    marks = ", ".join("?" * (len(columns) + 1))
    sql = f"INSERT INTO {table} (vfrom, {', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    conn.connection.dbapi_connection.cursor().executemany(sql, rows)


def _copy_rows(conn: Connection, table: str, frame: pd.DataFrame, version: int) -> None:
    """PostgreSQL: stream the rows as CSV through COPY."""
    out = frame.copy()
    for name in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[name]):
            out[name] = out[name].dt.strftime("%Y-%m-%d")
    out.insert(0, "vfrom", version)
    payload = out.to_csv(index=False, header=False).encode("utf-8")
    sql = f"COPY {table} (vfrom, {', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv)"
    with conn.connection.dbapi_connection.cursor() as cursor, cursor.copy(sql) as copy:
        copy.write(payload)


def load_table(engine: Engine, table: str, version: int | None = None) -> pd.DataFrame:
    """The rows of a table's active version (or of ``version``), typed per the contract."""
    columns = STORED_COLUMNS[table]
    where = "vto IS NULL" if version is None else _alive_at().replace(":v", str(int(version)))
    sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {where} ORDER BY row_id"  # noqa: S608
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        if engine.dialect.name == "postgresql":
            frame = _copy_out(raw, sql)
        else:
            cursor = raw.cursor()
            cursor.execute(sql)
            frame = pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
    return typed_frame(table, frame)


def _copy_out(raw, sql: str) -> pd.DataFrame:
    buffer = io.BytesIO()
    with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    return pd.read_csv(buffer, dtype=str, keep_default_na=False, na_values=[""])


def load_dataset(engine: Engine) -> Dataset:
    """The active version of every table, with the data version it reflects."""
    version = data_version(engine)
    frames = {name: load_table(engine, name) for name in TABLES}
    return Dataset(**frames, version=version)


def community_ids(engine: Engine) -> set[str]:
    """The codes of the active communities (activities and surveys must use one)."""
    target = data_tables["communities"]
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(select(target.c.community_id).where(target.c.vto.is_(None)))}
