"""One rule for the times the database gives back: SQLite keeps a time without its zone, and the product writes UTC.

So a time read without a zone is UTC, and one with a zone (PostgreSQL, in its session's zone) is turned to UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware time in UTC; a time without a zone is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
