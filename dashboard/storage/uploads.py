"""Who uploaded what for each district: the newest upload of each table that brought rows of a district.

An upload's rows are stored with ``vfrom`` = its version, and rows are never
deleted, so the newest version that brought a row of a district is the
district's last upload of that table, even after later replaces or restores.
Restores are not uploads and are left out (their copied rows carry the
restore's version). Activities and surveys count for their community's district
as it is now.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine

from dashboard.scope import COMMUNITY_COLUMN
from dashboard.storage import store
from dashboard.storage.tables import versions

RESTORE_MODES = ("restore", "scoped_restore")
_RESTORES = ", ".join(f"'{mode}'" for mode in RESTORE_MODES)


def last_uploads(engine: Engine) -> list[dict]:
    """One row per (table, district) with an upload: table, district, version, user, created_at (ISO, UTC)."""
    districts = store.community_districts(engine)
    newest: dict[tuple[str, str], int] = {}
    with engine.connect() as conn:
        for table in ("communities", "activities", "surveys", "targets"):
            column = COMMUNITY_COLUMN.get(table, "district")
            sql = (
                f"SELECT t.{column}, max(t.vfrom) FROM {table} t JOIN {versions.name} v "  # noqa: S608 - names from the schema
                f"ON v.table_name = :table AND v.version = t.vfrom AND v.mode NOT IN ({_RESTORES}) "
                f"GROUP BY t.{column}"
            )
            for where, version in conn.execute(text(sql), {"table": table}):
                district = districts.get(where) if column == "community_id" else where
                if district is not None:
                    newest[(table, district)] = max(newest.get((table, district), 0), int(version))
    about = {(v["table"], v["version"]): v for v in store.list_versions(engine)}
    return [
        {"table": table, "district": district, "version": version, **_who(about[(table, version)])}
        for (table, district), version in sorted(newest.items())
    ]


def _who(version: dict) -> dict:
    return {"user": version["user"], "created_at": version["created_at"]}
