"""Small queries of the active rows: which communities exist, where each lies, which rows a scope holds.

Imports check their codes against these before the write lock (validation)
and again under it (the commit), and scoped accounts' commits and restores
use ``in_scope`` to keep to their districts.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from dashboard.scope import COMMUNITY_COLUMN, Scope
from dashboard.storage import history
from dashboard.storage.bulk import BulkConnection


def active_community_ids(conn: Connection | BulkConnection) -> set[str]:
    """The codes of the active communities, read on ``conn`` (inside a transaction when it is in one)."""
    span = history.span(conn, "communities")
    return {r[0] for r in conn.execute(text(f"SELECT community_id FROM communities WHERE {span.where()}"))}  # noqa: S608


def community_ids(engine: Engine) -> set[str]:
    """The codes of the active communities (activities and surveys must use one)."""
    with engine.connect() as conn:
        return active_community_ids(conn)


def community_districts(engine: Engine) -> dict[str, str]:
    """Each active community's district: where an activity or survey belongs, for scoped accounts."""
    with engine.connect() as conn:
        span = history.span(conn, "communities")
        rows = conn.execute(text(f"SELECT community_id, district FROM communities WHERE {span.where()}"))  # noqa: S608
        return {community: district for community, district in rows}


def activity_communities(engine: Engine) -> dict[str, str]:
    """The community of each active activity that has an id (the row a scoped file's id would replace)."""
    with engine.connect() as conn:
        span = history.span(conn, "activities")
        sql = f"SELECT activity_id, community_id FROM activities WHERE {span.where()} AND activity_id IS NOT NULL"  # noqa: S608
        return {activity: community for activity, community in conn.execute(text(sql))}


def in_scope(conn: Connection | BulkConnection, table: str, scope: Scope) -> str:
    """The SQL condition of a row of ``table`` in ``scope``: its own district, or its active community's.

    District codes are inlined: ``Scope.of`` accepts only codes of the vocabulary (lower-case letters).
    """
    codes = ", ".join(f"'{code}'" for code in sorted(scope.districts) if code.isalpha() and code.islower())
    if table not in COMMUNITY_COLUMN:
        return f"district IN ({codes})"
    span = history.span(conn, "communities")
    return f"community_id IN (SELECT community_id FROM communities WHERE {span.where()} AND district IN ({codes}))"  # noqa: S608
