"""What every command shares: exit codes, ``--lang``, reading the input file, acting ``--as`` an account.

Exit codes are a contract: 0 done/valid, 1 rejected/invalid, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from dashboard import auth, config
from dashboard.i18n import LANGS, fmt_pct, t
from dashboard.ingest import limits
from dashboard.ingest.guard import Removals
from dashboard.ingest.staging import RemovalsNotConfirmed
from dashboard.ingest.validation import Report
from dashboard.storage import audit
from dashboard.storage.database import get_engine

OK, REJECTED, USAGE = 0, 1, 2
Handler = Callable[[argparse.Namespace], int]


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """``--lang {en,zh}``: the language of the command's messages (default: the configured one).

    Nothing is stored when it is not given, so a sub-command's parser (``users add``)
    does not reset a ``--lang`` given before the sub-command's name; read it with :func:`lang_of`.
    """
    parser.add_argument("--lang", choices=sorted(LANGS), default=argparse.SUPPRESS)


def lang_of(args: argparse.Namespace) -> str:
    """The language asked for with ``--lang``, else the configured one."""
    return getattr(args, "lang", None) or config.default_lang()


def too_large(args: argparse.Namespace) -> Report | None:
    """A refusal of ``args.file`` when it is larger than DASHBOARD_UPLOAD_LIMIT_MB, from its size alone.

    The desk's limit holds on the command line too, checked before a byte is read: a file of gigabytes
    would otherwise be read whole into memory before any other limit could look at it.
    """
    path = Path(args.file)
    try:
        size = path.stat().st_size if path.is_file() else 0
    except OSError:
        return None  # read_input says why it cannot be read
    refused = limits.upload_too_large(size)
    return None if refused is None else Report(None, errors=[refused])


def read_input(args: argparse.Namespace) -> bytes | None:
    """The bytes of ``args.file``, or None after telling the user why it cannot be read."""
    path = Path(args.file)
    if not path.is_file():
        print(t("cli.file_missing", lang_of(args), path=path), file=sys.stderr)
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        print(t("cli.file_unreadable", lang_of(args), path=path, reason=exc.strerror or exc), file=sys.stderr)
        return None


def acting(args: argparse.Namespace, action: str) -> tuple[auth.User, audit.Actor] | None:
    """Who a command acts as: the account named by ``--as`` (its role and districts apply), else the operator.

    None after saying why, when the account does not exist or its role may not ``action``.
    """
    lang, name = lang_of(args), getattr(args, "as_user", None)
    if not name:
        return auth.OPERATOR, audit.Actor(auth.OPERATOR.name, "cli")
    user = auth.account(get_engine(), name) or _by_other_case(name)
    if user is None:
        print(t("cli.unknown_account", lang, name=name), file=sys.stderr)
        return None
    if not user.can(action):
        role = t(f"desk.role_{user.role}", lang)
        print(t("cli.account_may_not", lang, name=user.name, role=role, action=t(f"cli.action_{action}", lang)), file=sys.stderr)
        audit.record(get_engine(), audit.Actor(user.name, "cli"), _EVENTS[action], audit.Outcome.REFUSED, {"reason": "role"})
        return None
    return user, audit.Actor(user.name, "cli")


_EVENTS = {"import": audit.Event.IMPORT, "restore": audit.Event.RESTORE}


def _by_other_case(name: str) -> auth.User | None:
    """The account whose name differs only in letter case (names are unique regardless of case)."""
    listed = [row["name"] for row in auth.list_users(get_engine()) if row["name"].casefold() == name.strip().casefold()]
    return auth.account(get_engine(), listed[0]) if listed else None


def add_as_option(parser: argparse.ArgumentParser, what: str) -> None:
    """``--as NAME``: act as that staff account (its role and districts apply, the audit log names it)."""
    parser.add_argument("--as", dest="as_user", metavar="NAME", help=f"{what} as this account (default: the server's operator)")


def removal_lines(removals: Removals, lang: str) -> list[str]:
    """The rows a commit or restore would remove, district by district, for a refusal message."""
    lines = []
    for row in removals.rows():
        district = config.label("districts", row["district"], lang) if row["district"] else t("scope.district_unknown", lang)
        every = t("cli.removal_all", lang) if row["all"] else ""
        lines.append(t("cli.removal_line", lang, district=district, removed=row["removed"], before=row["before"], all=every))
    return lines


def refuse_removals(refused: RemovalsNotConfirmed, table: str, lang: str) -> int:
    """Say why a large removal was not made (counts by district, the number to confirm with) and exit 1."""
    removals, table_name = refused.removals, t(f"validation.table_{table}", lang)
    if refused.given is None:
        share = fmt_pct(removals.total / removals.in_scope if removals.in_scope else None, lang)
        print(
            t(
                "cli.removals_need_confirmation",
                lang,
                count=removals.total,
                table=table_name,
                share=share,
                total=removals.in_scope,
            ),
            file=sys.stderr,
        )
    else:
        print(t("cli.removals_wrong_number", lang, given=refused.given, count=removals.total), file=sys.stderr)
    for line in removal_lines(removals, lang):
        print(line, file=sys.stderr)
    return REJECTED
