"""``python -m dashboard``: the same work as the browser, for scripts and other tools.

Each command module adds its sub-commands with ``register(sub)``, each handler
set as the sub-parser's ``run``; what they share (exit codes, ``--lang``,
reading the input file) is in :mod:`dashboard.cli.common`.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from dashboard import config
from dashboard.cli import audit_log, backup, brief, data, figures, map_file, users
from dashboard.cli.common import USAGE, lang_of
from dashboard.i18n import t

COMMAND_MODULES = (data, users, audit_log, map_file, brief, figures, backup)  # in the order --help lists their commands


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; ``--help`` on each sub-command documents it."""
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Ju products (居品) campaign data tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one sub-command; never show a traceback for a user's mistake.

    argparse exits on bad usage; its status is returned instead, so callers
    (and tests) get the same exit codes whether or not they run a process.
    """
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else USAGE
    if refused := config.check_settings():  # a refused DASHBOARD_* value is wrong usage: one line each
        for error in refused:
            print(t(error.key, lang_of(args), **error.values), file=sys.stderr)
        return USAGE
    try:
        return args.run(args)
    except SQLAlchemyError as exc:  # a wrong DASHBOARD_DATABASE_URL or a server that is down: say so in one line
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        print(t("cli.database_error", lang_of(args), reason=reason), file=sys.stderr)
        return USAGE
