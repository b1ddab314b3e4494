"""The version history: which rows make up each version of a table, and who committed what.

Version numbers count per table from 1; the newest version of a table is its
active one, and a restore is a new version with the old rows.

Which rows make up version ``v`` (the columns are in ``tables``): those added from the
version's *base* (the newest replace or restore at or before ``v``; 0 when
there is none) up to ``v``, and not closed by ``v``. A replace therefore
touches no old row at all: it only moves the base. Committed versions never
change, so a reader that knows ``(base, v)`` gets the same rows whatever is
being written meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from dashboard.schema import TABLES
from dashboard.storage.bulk import BulkConnection
from dashboard.storage.stamps import as_utc
from dashboard.storage.tables import versions

BASE_MODES = ("replace", "restore")  # versions whose rows stand alone
# A scoped account's replace or restore closes only its districts' rows and adds its own: the other districts'
# rows stay, so such a version is recorded under its own mode and is not a base (its span reaches back).
SCOPED_MODES = {"replace": "scoped_replace", "restore": "scoped_restore"}


@dataclass(frozen=True)
class ImportMeta:
    """Who committed what, for the version history."""

    user: str
    file_name: str
    sha256: str
    note: str = ""


@dataclass(frozen=True)
class Span:
    """The rows of one version: added in ``base..version`` and not closed by ``version``."""

    version: int
    base: int

    def where(self) -> str:
        """The SQL condition (integers only, so safe to inline)."""
        v, base = int(self.version), int(self.base)
        return f"vfrom BETWEEN {base} AND {v} AND (vto IS NULL OR vto > {v})"


def latest_version(conn: Connection | BulkConnection, table: str) -> int:
    """The active (newest) version of ``table``; 0 before the first import."""
    query = select(func.max(versions.c.version)).where(versions.c.table_name == table)
    return conn.execute(query).scalar() or 0


def active_spans(conn: Connection) -> tuple[dict[str, Span], str]:
    """The active span of every table and the data-version token, from one read of the history."""
    rows = conn.execute(select(versions.c.id, versions.c.table_name, versions.c.version, versions.c.mode)).all()
    spans = {name: span_of(name, [(r.version, r.mode) for r in rows if r.table_name == name]) for name in TABLES}
    token = f"{max((r.id for r in rows), default=0)}.{len(rows)}"
    return spans, token


def span_of(table: str, history: list[tuple[int, str]], version: int | None = None) -> Span:
    """The span of ``version`` (default: the newest) given a table's (version, mode) pairs."""
    newest = max((v for v, _ in history), default=0)
    version = newest if version is None else version
    if not 0 <= version <= newest:
        raise ValueError(f"{table} has no version {version}")
    base = max((v for v, mode in history if v <= version and mode in BASE_MODES), default=0)
    return Span(version, base)


def span(conn: Connection | BulkConnection, table: str, version: int | None = None) -> Span:
    """The span of ``table``'s ``version`` (default: the active one), read from the history."""
    query = select(versions.c.version, versions.c.mode).where(versions.c.table_name == table)
    return span_of(table, [tuple(r) for r in conn.execute(query)], version)


def data_version(engine: Engine) -> str:
    """A token that changes whenever any table gets a new version (for caches)."""
    with engine.connect() as conn:
        newest, count = conn.execute(select(func.max(versions.c.id), func.count())).one()
    return f"{newest or 0}.{count}"


def last_import(engine: Engine) -> datetime | None:
    """When the newest version of any table was committed (None before the first import): a briefing's data date."""
    with engine.connect() as conn:
        when = conn.execute(select(func.max(versions.c.created_at))).scalar()
    if isinstance(when, str):  # SQLite may hand back the stored text
        when = datetime.fromisoformat(when)
    return when


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
    created = as_utc(row["created_at"])
    return {
        "table": row["table_name"],
        "version": row["version"],
        "created_at": created.isoformat(timespec="seconds"),
        "user": row["user_name"],
        "file": row["file_name"],
        "sha256": row["sha256"],
        "rows": row["rows"],
        "note": row["note"],
        "mode": row["mode"],
        "restored_from": row["restored_from"],
        "active": row["version"] == newest,
    }


def record_version(
    conn: Connection | BulkConnection,
    table: str,
    version: int,
    meta: ImportMeta,
    *,
    rows: int,
    mode: str,
    restored_from: int | None = None,
) -> None:
    """Write one line of the history, inside the transaction that stores the version's rows."""
    conn.execute(
        versions.insert().values(
            table_name=table,
            version=version,
            created_at=datetime.now(UTC),
            user_name=meta.user,
            file_name=meta.file_name,
            sha256=meta.sha256,
            rows=rows,
            note=meta.note,
            mode=mode,
            restored_from=restored_from,
        )
    )
