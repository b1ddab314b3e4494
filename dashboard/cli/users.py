"""``python -m dashboard users ...``: manage staff accounts from the command line.

Passwords are asked at the prompt (not echoed) or read from standard input,
never taken as an argument, so they do not end up in shell history.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from dashboard import auth
from dashboard.cli.common import OK, REJECTED, USAGE, add_lang_option, lang_of
from dashboard.i18n import t
from dashboard.storage.database import get_engine


def _read_password(lang: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(t("auth.prompt_password", lang))
        if getpass.getpass(t("auth.prompt_again", lang)) != first:
            raise auth.AuthError("passwords_differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_users(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    engine = get_engine()
    try:
        if args.action == "add":
            auth.add_user(engine, args.name, _read_password(lang), args.role)
            print(t("auth.user_added", lang, name=args.name, role=args.role))
        elif args.action == "passwd":
            auth.set_password(engine, args.name, _read_password(lang))
            print(t("auth.password_changed", lang, name=args.name))
        elif args.action == "remove":
            auth.remove_user(engine, args.name)
            print(t("auth.user_removed", lang, name=args.name))
        else:
            for row in auth.list_users(engine):
                locked = f"  locked until {row['locked_until']:%Y-%m-%d %H:%M}" if row["locked_until"] else ""
                print(f"{row['name']:<20} {row['role']:<7} {row['created_at']:%Y-%m-%d}{locked}")
    except auth.AuthError as error:
        print(t(f"auth.{error.code}", lang, **error.params), file=sys.stderr)
        return USAGE if error.code in ("bad_role", "bad_name") else REJECTED
    return OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``users`` and its actions; --lang is accepted before or after the action (``users --lang en add ...``)."""
    p = sub.add_parser("users", help="manage staff accounts (editor, admin)")
    add_lang_option(p)
    p.set_defaults(run=cmd_users)
    actions = p.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create an account; the password is asked or read from stdin")
    add_lang_option(add)
    add.add_argument("name")
    add.add_argument("--role", choices=list(auth.ROLES), required=True)
    add_lang_option(actions.add_parser("list", help="list accounts"))
    for action in ("remove", "passwd"):
        other = actions.add_parser(action)
        add_lang_option(other)
        other.add_argument("name")
