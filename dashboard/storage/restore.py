"""Restoring an earlier version: a new version holding the old rows (history is never rewritten)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from dashboard.schema import TABLES
from dashboard.scope import CITY, Scope
from dashboard.storage import history, lookups
from dashboard.storage.commit import OutOfScope, UnknownCommunities, VersionConflict
from dashboard.storage.history import ImportMeta, Span
from dashboard.storage.tables import STORED_COLUMNS
from dashboard.storage.write_lock import write_transaction


def restore(
    engine: Engine,
    table: str,
    to_version: int,
    user: str,
    note: str = "",
    *,
    scope: Scope = CITY,
    expected_version: int | None = None,
) -> int:
    """Make an earlier version active again, as a new version (history is never rewritten).

    A scoped restore brings back only the old version's rows of the scope's districts and leaves every
    other district's active rows as they are (OutOfScope when an old row's key now belongs to another
    district); rows of communities that no longer exist are not in any district, so they stay out.
    """
    with write_transaction(engine) as conn:
        current = history.latest_version(conn, table)
        if expected_version is not None and expected_version != current:
            raise VersionConflict(table, expected_version, current)
        if not 1 <= to_version <= current:
            raise ValueError(f"{table} has no version {to_version}")
        old = history.span(conn, table, to_version)
        meta = ImportMeta(user, f"version {to_version}", "", note)
        if scope.city_wide:
            return _restore_all(conn, table, old, current=current, to_version=to_version, meta=meta)
        return _restore_scope(conn, table, old, scope=scope, to_version=to_version, meta=meta)


def _restore_all(conn: Connection, table: str, old: Span, *, current: int, to_version: int, meta: ImportMeta) -> int:
    if table in ("activities", "surveys"):  # the old rows must still name active communities
        named = {r[0] for r in conn.execute(text(f"SELECT DISTINCT community_id FROM {table} WHERE {old.where()}"))}  # noqa: S608
        if missing := named - lookups.active_community_ids(conn):
            raise UnknownCommunities(table, missing)
    version = current + 1
    rows = conn.execute(text(f"SELECT count(*) FROM {table} WHERE {old.where()}")).scalar_one()  # noqa: S608
    meta = ImportMeta(meta.user, meta.file_name, "", meta.note or f"restore of version {to_version}")
    history.record_version(conn, table, version, meta, rows=rows, mode="restore", restored_from=to_version)
    _copy_rows(conn, table, old.where(), version)
    return version


def _restore_scope(conn: Connection, table: str, old: Span, *, scope: Scope, to_version: int, meta: ImportMeta) -> int:
    current = history.span(conn, table)
    inside, key = lookups.in_scope(conn, table, scope), ", ".join(TABLES[table].key)
    taken = conn.execute(
        text(
            f"SELECT count(*) FROM {table} WHERE {current.where()} AND NOT ({inside}) "  # noqa: S608
            f"AND ({key}) IN (SELECT {key} FROM {table} WHERE {old.where()} AND ({inside}))"
        )
    ).scalar_one()
    if taken:
        raise OutOfScope(table, taken)
    version = current.version + 1
    rows = conn.execute(text(f"SELECT count(*) FROM {table} WHERE {old.where()} AND ({inside})")).scalar_one()  # noqa: S608
    meta = ImportMeta(meta.user, meta.file_name, "", meta.note or f"restore of version {to_version} ({scope.text()})")
    mode = history.SCOPED_MODES["restore"]
    history.record_version(conn, table, version, meta, rows=rows, mode=mode, restored_from=to_version)
    conn.execute(text(f"UPDATE {table} SET vto = :v WHERE {current.where()} AND ({inside})"), {"v": version})  # noqa: S608
    _copy_rows(conn, table, f"{old.where()} AND ({inside})", version)
    return version


def _copy_rows(conn: Connection, table: str, where: str, version: int) -> None:
    """Rows matching ``where`` again, as alive from ``version`` (in their stored order)."""
    cols = ", ".join(STORED_COLUMNS[table])
    conn.execute(
        text(
            f"INSERT INTO {table} (vfrom, {cols}) SELECT :new, {cols} FROM {table} "  # noqa: S608 - names from the schema
            f"WHERE {where} ORDER BY row_id"
        ),
        {"new": version},
    )
