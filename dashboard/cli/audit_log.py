"""``python -m dashboard audit``: print the security audit log (newest first), as text or JSON.

The log is read-only here as everywhere: there is no command to change or
delete a record (see ``storage.audit``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime

from dashboard import config
from dashboard.cli.common import OK, USAGE, add_lang_option, lang_of
from dashboard.i18n import t
from dashboard.storage import audit
from dashboard.storage.database import get_engine


def _since(text: str | None) -> datetime | None:
    """``--since`` as a moment: a date is its midnight and a time without a zone is read on the campaign's clock
    (Beijing time, as the Audit log page reads its days); a time with a zone keeps it. ValueError otherwise."""
    if not text:
        return None
    moment = (
        datetime.fromisoformat(text)
        if "T" in text or " " in text.strip()
        else datetime.combine(date.fromisoformat(text), datetime.min.time())
    )
    return (moment.replace(tzinfo=config.CAMPAIGN_TZ) if moment.tzinfo is None else moment).astimezone(UTC)


def _line(entry: dict) -> str:
    details = json.dumps(entry["details"], ensure_ascii=False, sort_keys=True) if entry["details"] else ""
    return f"{entry['time']}  {entry['source']:<4}  {entry['user']:<20} {entry['event']:<16} {entry['outcome']:<9} {details}"


def cmd_audit(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    try:
        since = _since(args.since)
    except ValueError:
        print(t("cli.bad_since", lang, value=args.since), file=sys.stderr)
        return USAGE
    entries = audit.entries(get_engine(), since=since, user=args.user)
    if args.json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
    elif not entries:
        print(t("cli.no_audit_entries", lang))
    else:
        print("\n".join(_line(entry) for entry in entries))
    return OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "audit", help="print the security audit log: sign-ins, account changes, checks, imports, restores, exports"
    )
    p.add_argument(
        "--since",
        metavar="DATE",
        help="only records from this date (YYYY-MM-DD) or moment (ISO) on, in Beijing time unless it names a zone "
        "(the records' times are printed in UTC, with their offset)",
    )
    p.add_argument("--user", metavar="NAME", help="only records of this account ((operator) for the command line)")
    p.add_argument("--json", action="store_true", help="a JSON list of objects: time, user, event, outcome, source, details")
    add_lang_option(p)
    p.set_defaults(run=cmd_audit)
