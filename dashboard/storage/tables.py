"""The database's tables: the history of versions, the four contract tables with every version of their rows,
accounts, the audit log, the sign-in throttle and the sign-ins browsers keep (SQLAlchemy Core, the same on SQLite and PostgreSQL).

Every contract table keeps all versions of its rows. A row is added by one
version (``vfrom``) and, in append mode, closed by the version that brings
its key again (``vto``, NULL until then). A replace or restore closes
nothing: it starts a new *base*, and the rows of version ``v`` are
``vfrom BETWEEN base(v) AND v AND (vto IS NULL OR vto > v)``, where base(v)
is the newest replace/restore at or before ``v`` (see ``history.Span``). So an
import writes only the rows it brings, never the million it supersedes.

Indexes serve what the database is asked, not the dashboard's questions:
the app loads the active rows once per data version and answers counts by
district x type x stage, months and timelines from memory (``Dataset``). The
database is asked for the rows of a version (``vfrom``) and, on append, for
the rows with a key the new file repeats (the key columns). Every other
index would only slow a million-row import down: the former
(vto, community_id, date) index on activities cost about 6 of the 9.4 seconds of
inserting a million rows on SQLite and no query used it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from dashboard.schema import DATE, INTEGER, MONTH, NUMBER, TABLES

metadata = MetaData()
OBSOLETE_INDEXES = (
    "ix_communities_current",
    "ix_activities_current",
    "ix_activities_vfrom",
    "ix_surveys_current",
    "ix_targets_current",
)  # dropped from databases made before

versions = Table(
    "dataset_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("table_name", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("user_name", String(120), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("mode", String(16), nullable=False),
    Column("restored_from", Integer, nullable=True),
    UniqueConstraint("table_name", "version", name="uq_table_version"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    # failed_attempts and locked_until belonged to the per-account lock of databases made before; sign-in
    # failures are now counted in sign_in_throttle (per client and per name), and these stay 0 and NULL.
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("districts", Text, nullable=False, server_default=""),  # the scope: district codes, empty = the whole city
    Column("must_change_password", Boolean, nullable=False, server_default=false()),
    Column("session_token", String(64), nullable=False, server_default=""),  # a new one ends every open session
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_name", String(120), nullable=False),
    Column("event", String(32), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("source", String(8), nullable=False),
    Column("details", Text, nullable=False, default="{}"),  # JSON
)
Index("ix_audit_log_at", audit_log.c.at)

sign_in_throttle = Table(
    "sign_in_throttle",
    metadata,
    Column("key", String(80), primary_key=True),  # "client:<address>" or "name:<sha256 of the lower-cased name>"
    Column("failures", Integer, nullable=False, default=0),
    Column("last_failure", DateTime(timezone=True), nullable=True),
    Column("blocked_until", DateTime(timezone=True), nullable=True),
)

kept_signins = Table(
    "kept_signins",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("user_name", String(120), nullable=False),
    Column("account_token", String(64), nullable=False),  # the account's session token when it signed in
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ticket_hash", String(64), nullable=True, unique=True),  # sha256 of the one-time ticket, until redeemed
    Column("ticket_expires", DateTime(timezone=True), nullable=True),
    Column("secret_hash", String(64), nullable=True, unique=True),  # sha256 of the cookie's secret, once redeemed
    Column("ended_at", DateTime(timezone=True), nullable=True),
)

# Columns added after the first release: a database made before gets them (ALTER TABLE ... ADD COLUMN) on start.
ADDED_COLUMNS = {
    "users": ("districts", "must_change_password", "session_token"),
    "communities": ("applied_on", "building_on", "assessed_on", "named_on"),  # the stage dates
}
APPEND_ONLY = "audit_log"  # triggers refuse UPDATE and DELETE on it, whoever asks

_SQL_TYPES = {INTEGER: BigInteger, NUMBER: Float, DATE: Date, MONTH: Date}
STORED_COLUMNS = {name: table.stored_names for name, table in TABLES.items()}


def _data_table(name: str) -> Table:
    contract = TABLES[name]
    columns: list[Column[Any]] = [
        Column(c.name, _SQL_TYPES.get(c.kind, Text), nullable=not c.required)
        for c in contract.columns
        if c.name in STORED_COLUMNS[name]
    ]
    return Table(
        name,
        metadata,
        Column("row_id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("vfrom", Integer, nullable=False),
        Column("vto", Integer, nullable=True),
        *columns,
    )


data_tables = {name: _data_table(name) for name in TABLES}


def _indexes() -> None:
    """Per table: (vfrom, row_id), to find a version's rows, and the key of append mode (small tables only).

    ``row_id`` is in the index so that "the first row of a version" is one
    index probe on PostgreSQL too (on SQLite every index ends with it anyway).
    """
    for name, table in data_tables.items():
        Index(f"ix_{name}_version", table.c.vfrom, table.c.row_id)
    for name in ("communities", "surveys", "targets"):
        Index(f"ix_{name}_key", *(data_tables[name].c[k] for k in TABLES[name].key))
    # activities: no index on activity_id. Appending 10,000 rows to a million
    # scans the active rows once (0.3 s of CPU on SQLite, about 0.5 s on
    # PostgreSQL); the index would save that but cost every million-row load
    # more (+0.5 s on SQLite, +1 s on PostgreSQL), and PostgreSQL's planner
    # did not even use it right after a load.


_indexes()
