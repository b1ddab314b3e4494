"""The data commands: validate, import, versions, rollback, export and sample."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dashboard.cli.common import OK, REJECTED, USAGE, add_lang_option, lang_of, read_input
from dashboard.i18n import t
from dashboard.ingest.importing import check_bytes, import_bytes
from dashboard.ingest.sample import load_sample
from dashboard.render.exports import contract_frame, write_table_file
from dashboard.schema import TABLES
from dashboard.storage import store
from dashboard.storage.database import get_engine


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


def cmd_validate(args: argparse.Namespace) -> int:
    data = read_input(args)
    if data is None:
        return USAGE
    report = check_bytes(get_engine(), data, Path(args.file).name, args.table)
    _print_report(report.as_dict(lang_of(args)), report, lang_of(args), args.json)
    return OK if report.valid else REJECTED


def cmd_import(args: argparse.Namespace) -> int:
    data = read_input(args)
    if data is None:
        return USAGE
    lang = lang_of(args)
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


def cmd_versions(args: argparse.Namespace) -> int:
    rows = store.list_versions(get_engine(), args.table)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        print(t("cli.no_versions", lang_of(args)))
    for row in [] if args.json else rows:
        mark = "*" if row["active"] else " "
        print(
            f"{mark} {row['table']:<12} v{row['version']:<4} {row['created_at']}  {row['user']:<12} "
            f"{row['rows']:>9}  {row['file']}  {row['note']}"
        )
    return OK


def cmd_rollback(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    try:
        version = store.restore(get_engine(), args.table, args.to, user=args.user)
    except ValueError:
        print(t("cli.no_such_version", lang, table=t(f"validation.table_{args.table}", lang), to=args.to), file=sys.stderr)
        return REJECTED
    print(t("cli.restored", lang, table=t(f"validation.table_{args.table}", lang), to=args.to, version=version))
    return OK


def cmd_export(args: argparse.Namespace) -> int:
    lang = lang_of(args)
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


def cmd_sample(args: argparse.Namespace) -> int:
    results = load_sample(get_engine())
    summary = ", ".join(f"{r.report.table} {r.report.rows} (v{r.version})" for r in results)
    print(t("cli.sample_loaded", lang_of(args), summary=summary))
    return OK if all(r.version for r in results) else REJECTED


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the data commands to the sub-parsers of ``python -m dashboard``."""
    tables = list(TABLES)

    p = sub.add_parser("validate", help="check a CSV/Excel file against the data contract")
    p.add_argument("file")
    p.add_argument("--table", choices=tables)
    p.add_argument("--json", action="store_true")
    add_lang_option(p)
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("import", help="validate and import a file as a new version")
    p.add_argument("file")
    p.add_argument("--table", choices=tables)
    p.add_argument("--mode", choices=["replace", "append"])
    p.add_argument("--note", default="")
    p.add_argument("--user", default="cli")
    p.add_argument("--json", action="store_true")
    add_lang_option(p)
    p.set_defaults(run=cmd_import)

    p = sub.add_parser("versions", help="list the versions of the tables")
    p.add_argument("--table", choices=tables)
    p.add_argument("--json", action="store_true")
    add_lang_option(p)
    p.set_defaults(run=cmd_versions)

    p = sub.add_parser("rollback", help="make an earlier version active again (as a new version)")
    p.add_argument("--table", choices=tables, required=True)
    p.add_argument("--to", type=int, required=True, metavar="VERSION")
    p.add_argument("--user", default="cli")
    add_lang_option(p)
    p.set_defaults(run=cmd_rollback)

    p = sub.add_parser("export", help="write the active version of a table as .csv or .xlsx")
    p.add_argument("--table", choices=tables, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--version", type=int)
    add_lang_option(p)
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("sample", help="(re)load the bundled sample data")
    add_lang_option(p)
    p.set_defaults(run=cmd_sample)
