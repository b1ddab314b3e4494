"""Restoring an earlier version, checked like an import: preview, the guard against removal, the audit log.

A scoped admin's restore brings back only the old version's rows of its own
districts; every other district's active rows stay as they are (see
``store.restore``). The preview compares exactly those rows, so the guard counts
what the restore would really remove.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from dashboard.ingest import diff, guard, scoping
from dashboard.ingest.scoping import Territory
from dashboard.ingest.staging import RemovalsNotConfirmed
from dashboard.scope import CITY, Scope
from dashboard.storage import audit, store


@dataclass(frozen=True)
class RestorePlan:
    """What restoring ``to_version`` of ``table`` would do now, for an account of ``scope``."""

    table: str
    to_version: int
    expected_version: int
    scope: Scope
    preview: diff.Preview
    removals: guard.Removals
    kept: int  # active rows of other districts, which a scoped restore leaves as they are


def plan(engine: Engine, table: str, to_version: int, scope: Scope = CITY) -> RestorePlan:
    """Compare the version with the active rows of ``scope``; ValueError when the version does not exist."""
    with engine.connect() as conn:
        current = store.latest_version(conn, table)
    if not 1 <= to_version <= current:
        raise ValueError(f"{table} has no version {to_version}")
    active, old = store.load_table(engine, table), store.load_table(engine, table, to_version)
    territory = Territory.of(engine, table, scope=CITY)
    mine = active[scoping.in_scope(table, active, scope, territory).to_numpy()]
    back = old[scoping.in_scope(table, old, scope, territory).to_numpy()]
    preview = diff.preview(table, mine, back, "replace")
    removals = guard.removals(table, mine, preview.removed, territory)
    return RestorePlan(table, to_version, current, scope, preview, removals, len(active) - len(mine))


def restore(engine: Engine, planned: RestorePlan, actor: audit.Actor, *, confirm_removals: int | None = None) -> int:
    """Restore as planned, as a new version; refused (and recorded) like an import when the guard is not satisfied.

    Also raises store.VersionConflict (the table changed since the plan), store.UnknownCommunities and
    store.OutOfScope, each recorded as a refusal first.
    """
    details = {"table": planned.table, "from_version": planned.to_version, **planned.preview.summary}
    if not planned.removals.confirmed_by(confirm_removals):
        refused = {**details, "reason": "removals_not_confirmed", "removed_by_district": planned.removals.removed}
        audit.record(engine, actor, audit.Event.RESTORE, audit.Outcome.REFUSED, refused)
        raise RemovalsNotConfirmed(planned.removals, confirm_removals)
    try:
        version = store.restore(
            engine,
            planned.table,
            planned.to_version,
            actor.user,
            scope=planned.scope,
            expected_version=planned.expected_version,
        )
    except (store.VersionConflict, store.UnknownCommunities, store.OutOfScope) as refused_by_store:
        reason = {"reason": type(refused_by_store).__name__}
        audit.record(engine, actor, audit.Event.RESTORE, audit.Outcome.REFUSED, {**details, **reason})
        raise
    audit.record(engine, actor, audit.Event.RESTORE, audit.Outcome.SUCCESS, {**details, "version": version})
    return version
