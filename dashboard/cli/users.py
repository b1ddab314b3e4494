"""``python -m dashboard users ...``: manage staff accounts from the command line, as the server's operator.

Passwords are asked at the prompt (not echoed, twice) or read from standard
input (one line, or two that must be equal), never taken as an argument, so
they do not end up in shell history. ``--district`` takes a district's code,
English or Chinese name and may be repeated; without it an account is city-wide.
Every change is recorded in the audit log as the operator's.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from dashboard import auth
from dashboard.cli.common import OK, REJECTED, USAGE, add_lang_option, lang_of
from dashboard.i18n import t
from dashboard.ingest.parsing import district_code
from dashboard.scope import CITY, Scope
from dashboard.storage.database import get_engine


class BadDistrict(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _read_password(lang: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(t("auth.prompt_password", lang))
        if getpass.getpass(t("auth.prompt_again", lang)) != first:
            raise auth.AuthError("passwords_differ")
        return first
    first = sys.stdin.readline().rstrip("\r\n")
    again = sys.stdin.readline()
    if again and again.rstrip("\r\n") != first:  # a confirmation line was given: it must be the same
        raise auth.AuthError("passwords_differ")
    return first


def parse_scope(values: list[str] | None) -> Scope:
    """``--district`` values as a scope (none given: the whole city); BadDistrict names one not recognised."""
    codes = []
    for value in values or []:
        code = district_code(value)
        if code is None:
            raise BadDistrict(value)
        codes.append(code)
    return Scope.of(codes) if codes else CITY


def _describe(row: dict, lang: str) -> str:
    scope = Scope.of(row["districts"]).label(lang)
    flag = "  " + t("auth.must_change_flag", lang) if row["must_change_password"] else ""
    return f"{row['name']:<20} {row['role']:<7} {scope:<24} {row['created_at']:%Y-%m-%d}{flag}"


def _list(args: argparse.Namespace, lang: str) -> None:
    rows = auth.list_users(get_engine())
    if args.json:
        shown = [{**row, "created_at": row["created_at"].isoformat(timespec="seconds")} for row in rows]
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    for row in rows:
        print(_describe(row, lang))


def _edit(args: argparse.Namespace, lang: str) -> None:
    if args.role is None and not args.district and not args.city:
        raise auth.AuthError("nothing_to_change")
    scope = CITY if args.city else parse_scope(args.district) if args.district else None
    auth.edit_user(get_engine(), args.name, role=args.role, scope=scope)
    print(t("auth.user_changed", lang, name=args.name))


def cmd_users(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    engine = get_engine()
    try:
        if args.action == "add":
            scope = parse_scope(args.district)
            auth.add_user(
                engine, args.name, _read_password(lang), args.role, scope=scope, must_change_password=args.must_change_password
            )
            print(t("auth.user_added_scoped", lang, name=args.name, role=args.role, scope=scope.label(lang)))
        elif args.action == "passwd":
            auth.set_password(engine, args.name, _read_password(lang), must_change=args.must_change_password)
            print(t("auth.password_changed", lang, name=args.name))
        elif args.action == "remove":
            auth.remove_user(engine, args.name)
            print(t("auth.user_removed", lang, name=args.name))
        elif args.action == "edit":
            _edit(args, lang)
        else:
            _list(args, lang)
    except BadDistrict as bad:
        print(t("auth.bad_district", lang, value=bad.text), file=sys.stderr)
        return USAGE
    except auth.AuthError as error:
        print(error.message(lang), file=sys.stderr)
        return USAGE if error.code in ("bad_role", "bad_name", "nothing_to_change") else REJECTED
    return OK


def _district_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--district", action="append", metavar="D", help="a district (code, English or Chinese name); repeat for several"
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``users`` and its actions; --lang is accepted before or after the action (``users --lang en add ...``)."""
    p = sub.add_parser("users", help="manage staff accounts (viewer, editor, admin; city-wide or by district)")
    add_lang_option(p)
    p.set_defaults(run=cmd_users)
    actions = p.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create an account; the password is asked or read from stdin")
    add_lang_option(add)
    add.add_argument("name")
    add.add_argument("--role", choices=list(auth.ROLES), required=True)
    _district_option(add)
    add.add_argument("--must-change-password", action="store_true", help="ask for a new password at the first sign-in")
    listing = actions.add_parser("list", help="list accounts with their role and districts")
    add_lang_option(listing)
    listing.add_argument("--json", action="store_true")
    edit = actions.add_parser("edit", help="change an account's role and/or districts")
    add_lang_option(edit)
    edit.add_argument("name")
    edit.add_argument("--role", choices=list(auth.ROLES))
    where = edit.add_mutually_exclusive_group()
    where.add_argument(
        "--district", action="append", metavar="D", help="its new districts (code, English or Chinese name); repeat for several"
    )
    where.add_argument("--city", action="store_true", help="make the account city-wide")
    passwd = actions.add_parser("passwd", help="set a new password (ends the account's open sessions)")
    add_lang_option(passwd)
    passwd.add_argument("name")
    passwd.add_argument("--must-change-password", action="store_true", help="ask for another new password at next sign-in")
    remove = actions.add_parser("remove", help="delete an account (ends its open sessions)")
    add_lang_option(remove)
    remove.add_argument("name")
