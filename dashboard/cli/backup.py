"""``python -m dashboard backup --out FILE`` and ``restore FILE``: a whole copy of the database, and back.

The file is one SQLite database with every table of the product, whichever
database wrote it (``dashboard.storage.backup``), so a backup of SQLite
restores into PostgreSQL and the other way round.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.cli.common import OK, REJECTED, USAGE, add_lang_option, lang_of
from dashboard.i18n import fmt_int, t
from dashboard.storage import backup
from dashboard.storage.database import get_engine

USAGE_ERRORS = {"exists", "no_folder", "missing"}  # the command line was wrong; the others are refusals


def _refused(error: backup.BackupError, lang: str) -> int:
    print(t(f"backup.{error.key}", lang, **error.values), file=sys.stderr)
    return USAGE if error.key in USAGE_ERRORS else REJECTED


def cmd_backup(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    try:
        done = backup.backup(get_engine(), Path(args.out))
    except backup.BackupError as error:
        return _refused(error, lang)
    except OSError as error:
        print(t("cli.cannot_write", lang, path=args.out, reason=error.strerror or error), file=sys.stderr)
        return USAGE
    print(t("backup.written", lang, path=done.path, rows=fmt_int(done.total, lang), tables=len(done.rows)))
    return OK


def cmd_restore(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    try:
        done = backup.restore(get_engine(), Path(args.file), replace=args.replace, keep=Path(args.keep) if args.keep else None)
    except backup.BackupError as error:
        return _refused(error, lang)
    if done.kept:
        print(t("backup.kept", lang, path=done.kept))
    print(t("backup.restored", lang, path=done.path, rows=fmt_int(done.total, lang), tables=len(done.rows)))
    return OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``backup`` and ``restore`` to the sub-parsers of ``python -m dashboard``."""
    p = sub.add_parser("backup", help="write a consistent copy of the whole database to one file, while the app runs")
    p.add_argument("--out", required=True, help="the new backup file (it must not exist yet)")
    add_lang_option(p)
    p.set_defaults(run=cmd_backup)

    p = sub.add_parser("restore", help="load a backup file into an empty database")
    p.add_argument("file")
    p.add_argument("--replace", action="store_true", help="replace a database that holds data (backed up first)")
    p.add_argument("--keep", help="with --replace: where the backup of what is replaced goes (default: beside FILE)")
    add_lang_option(p)
    p.set_defaults(run=cmd_restore)
