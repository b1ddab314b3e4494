"""``python -m dashboard``: the same work as the browser, for scripts and other tools.

Exit codes are a contract: 0 done/valid, 1 rejected/invalid, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from dashboard import config
from dashboard.i18n import t
from dashboard.ingest.importing import check_bytes, import_bytes
from dashboard.ingest.sample import load_sample
from dashboard.render.exports import contract_frame, write_table_file
from dashboard.schema import TABLES
from dashboard.storage import store
from dashboard.storage.database import get_engine

OK, REJECTED, USAGE = 0, 1, 2
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Register a sub-command handler under its function name."""
    COMMANDS[func.__name__.removeprefix("cmd_")] = func
    return func


def _lang(args: argparse.Namespace) -> str:
    return getattr(args, "lang", None) or config.default_lang()


def _read_input(args: argparse.Namespace) -> bytes | None:
    """The input file's bytes, or None after telling the user why it cannot be read."""
    path = Path(args.file)
    if not path.is_file():
        print(t("cli.file_missing", _lang(args), path=path), file=sys.stderr)
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        print(t("cli.file_unreadable", _lang(args), path=path, reason=exc.strerror or exc), file=sys.stderr)
        return None


def _print_report(report_dict: dict, report, lang: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report_dict, ensure_ascii=False, indent=2))
        return
    for issue in report.warnings:
        print(t("cli.warning", lang) + issue.message(lang))
    for issue in report.errors:
        print(issue.message(lang))
    if report.unlisted:
        print(t("validation.more_problems", lang, count=report.unlisted, shown=len(report.errors)))
    table = t(f"validation.table_{report.table}", lang) if report.table else "?"
    summary = (
        t("cli.valid", lang, rows=report.rows, table=table) if report.valid else t("cli.invalid", lang, count=report.error_count)
    )
    print(summary)


@command
def cmd_validate(args: argparse.Namespace) -> int:
    data = _read_input(args)
    if data is None:
        return USAGE
    report = check_bytes(get_engine(), data, Path(args.file).name, args.table)
    _print_report(report.as_dict(_lang(args)), report, _lang(args), args.json)
    return OK if report.valid else REJECTED


@command
def cmd_import(args: argparse.Namespace) -> int:
    data = _read_input(args)
    if data is None:
        return USAGE
    lang = _lang(args)
    result = import_bytes(
        get_engine(), data, Path(args.file).name, table=args.table, mode=args.mode, user=args.user, note=args.note
    )
    _print_report(result.as_dict(lang), result.report, lang, args.json)
    if result.version and not args.json:
        print(
            t(
                "cli.imported",
                lang,
                rows=result.report.rows,
                table=t(f"validation.table_{result.report.table}", lang),
                version=result.version,
                mode=t(f"cli.mode_{result.mode}", lang),
            )
        )
    return OK if result.version else REJECTED


@command
def cmd_versions(args: argparse.Namespace) -> int:
    rows = store.list_versions(get_engine(), args.table)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        print(t("cli.no_versions", _lang(args)))
    for row in [] if args.json else rows:
        mark = "*" if row["active"] else " "
        print(
            f"{mark} {row['table']:<12} v{row['version']:<4} {row['created_at']}  {row['user']:<12} "
            f"{row['rows']:>9}  {row['file']}  {row['note']}"
        )
    return OK


@command
def cmd_rollback(args: argparse.Namespace) -> int:
    lang = _lang(args)
    try:
        version = store.restore(get_engine(), args.table, args.to, user=args.user)
    except ValueError:
        print(t("cli.no_such_version", lang, table=t(f"validation.table_{args.table}", lang), to=args.to), file=sys.stderr)
        return REJECTED
    print(t("cli.restored", lang, table=t(f"validation.table_{args.table}", lang), to=args.to, version=version))
    return OK


@command
def cmd_export(args: argparse.Namespace) -> int:
    lang = _lang(args)
    if Path(args.out).suffix.lower() not in (".csv", ".xlsx"):
        print(t("cli.bad_extension", lang), file=sys.stderr)
        return USAGE
    engine = get_engine()
    if args.version is not None and args.version not in {v["version"] for v in store.list_versions(engine, args.table)}:
        print(t("cli.no_such_version", lang, table=t(f"validation.table_{args.table}", lang), to=args.version), file=sys.stderr)
        return REJECTED  # an empty file would look like a table that had no rows
    frame = contract_frame(args.table, store.load_table(engine, args.table, args.version))
    try:
        write_table_file(frame, Path(args.out), sheet=args.table)
    except OSError as exc:  # a missing folder or a file open in Excel is the user's to fix, not a traceback
        print(t("cli.cannot_write", lang, path=args.out, reason=exc.strerror or exc), file=sys.stderr)
        return USAGE
    print(t("cli.exported", lang, rows=len(frame), table=t(f"validation.table_{args.table}", lang), path=args.out))
    return OK


@command
def cmd_sample(args: argparse.Namespace) -> int:
    results = load_sample(get_engine())
    summary = ", ".join(f"{r.report.table} {r.report.rows} (v{r.version})" for r in results)
    print(t("cli.sample_loaded", _lang(args), summary=summary))
    return OK if all(r.version for r in results) else REJECTED


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; ``--help`` on each sub-command documents it."""
    for module in EXTENSION_MODULES:
        importlib.import_module(module)
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Ju products (居品) campaign data tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    tables = list(TABLES)

    p = sub.add_parser("validate", help="check a CSV/Excel file against the data contract")
    p.add_argument("file")
    p.add_argument("--table", choices=tables)
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=["en", "zh"])

    p = sub.add_parser("import", help="validate and import a file as a new version")
    p.add_argument("file")
    p.add_argument("--table", choices=tables)
    p.add_argument("--mode", choices=["replace", "append"])
    p.add_argument("--note", default="")
    p.add_argument("--user", default="cli")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=["en", "zh"])

    p = sub.add_parser("versions", help="list the versions of the tables")
    p.add_argument("--table", choices=tables)
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=["en", "zh"])

    p = sub.add_parser("rollback", help="make an earlier version active again (as a new version)")
    p.add_argument("--table", choices=tables, required=True)
    p.add_argument("--to", type=int, required=True, metavar="VERSION")
    p.add_argument("--user", default="cli")
    p.add_argument("--lang", choices=["en", "zh"])

    p = sub.add_parser("export", help="write the active version of a table as .csv or .xlsx")
    p.add_argument("--table", choices=tables, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--version", type=int)
    p.add_argument("--lang", choices=["en", "zh"])

    p = sub.add_parser("sample", help="(re)load the bundled sample data")
    p.add_argument("--lang", choices=["en", "zh"])
    for extend in EXTENSIONS:
        extend(sub)
    return parser


# Other modules add sub-commands (map, users, brief) by appending a function
# that takes the sub-parsers object and registers its handler with @command.
EXTENSIONS: list[Callable] = []
EXTENSION_MODULES = ("dashboard.cli.users", "dashboard.cli.map_file", "dashboard.cli.brief")


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
            print(t(error.key, _lang(args), **error.values), file=sys.stderr)
        return USAGE
    try:
        return COMMANDS[args.command](args)
    except SQLAlchemyError as exc:  # a wrong DASHBOARD_DATABASE_URL or a server that is down: say so in one line
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        print(t("cli.database_error", _lang(args), reason=reason), file=sys.stderr)
        return USAGE
