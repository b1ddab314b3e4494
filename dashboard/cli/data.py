"""The data commands: validate, import, versions, rollback, export and sample."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dashboard.cli.common import (
    OK,
    REJECTED,
    USAGE,
    acting,
    add_as_option,
    add_lang_option,
    lang_of,
    read_input,
    refuse_removals,
    too_large,
)
from dashboard.i18n import t
from dashboard.ingest import restoring, staging
from dashboard.ingest.sample import load_sample
from dashboard.render.exports import contract_frame, write_table_file
from dashboard.schema import TABLES
from dashboard.storage import audit, store
from dashboard.storage.database import get_engine

OPERATOR = audit.Actor(audit.OPERATOR, "cli")


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
        t("cli.valid", lang, count=report.rows, table=table) if report.valid else t("cli.invalid", lang, count=report.error_count)
    )
    print(summary)


def cmd_validate(args: argparse.Namespace) -> int:
    refused = too_large(args)
    if refused is not None:  # before reading it: nothing read, checked, recorded or changed
        _print_report(refused.as_dict(lang_of(args)), refused, lang_of(args), args.json)
        return REJECTED
    data = read_input(args)
    if data is None:
        return USAGE
    staged = staging.stage(get_engine(), data, Path(args.file).name, args.table, actor=OPERATOR)  # recorded as a check
    _print_report(staged.report.as_dict(lang_of(args)), staged.report, lang_of(args), args.json)
    return OK if staged.report.valid else REJECTED


def cmd_import(args: argparse.Namespace) -> int:
    """Check, preview and store a file as the account given by --as (else the operator), like the desk does."""
    oversized = too_large(args)
    if oversized is not None:
        report = {**oversized.as_dict(lang_of(args)), "version": None, "mode": None}
        _print_report(report, oversized, lang_of(args), args.json)
        return REJECTED
    data = read_input(args)
    if data is None:
        return USAGE
    who = acting(args, "import")
    if who is None:
        return REJECTED
    user, actor = who
    lang, engine, name = lang_of(args), get_engine(), Path(args.file).name
    for _attempt in range(3):  # another commit, or a community removed, meanwhile: check the file again
        staged = staging.stage(engine, data, name, args.table, args.mode, scope=user.scope, actor=actor)
        if not staged.report.valid or staged.table is None:
            _print_report({**staged.report.as_dict(lang), "version": None, "mode": None}, staged.report, lang, args.json)
            return REJECTED
        try:
            version = staging.commit(engine, staged, actor, args.note, confirm_removals=args.confirm_removals)
        except staging.RemovalsNotConfirmed as refused:
            return refuse_removals(refused, staged.table, lang)
        except (store.VersionConflict, store.UnknownCommunities, store.OutOfScope):
            continue
        _print_import(staged, version, lang, args.json)
        return OK
    raise RuntimeError("the table kept changing during this import; try again")


def _print_import(staged: staging.Staged, version: int | None, lang: str, as_json: bool) -> None:
    report, table = staged.report, t(f"validation.table_{staged.table}", lang)
    summary = staged.preview.summary if staged.preview else {}
    if as_json:
        print(
            json.dumps({**report.as_dict(lang), "version": version, "mode": staged.mode, **summary}, ensure_ascii=False, indent=2)
        )
        return
    _print_report(report.as_dict(lang), report, lang, False)
    if version is None:
        print(t("cli.no_changes", lang, table=table))
        return
    mode = t(f"cli.mode_{staged.mode}", lang)
    print(t("cli.imported", lang, count=report.rows, table=table, version=version, mode=mode))
    print(t("cli.import_counts", lang, **summary))
    if staged.kept:
        print(t("cli.kept_other_districts", lang, count=staged.kept, scope=staged.scope.label(lang)))


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
    """Restore a version as the account given by --as (an admin; a scoped one restores only its districts)."""
    lang, table = lang_of(args), t(f"validation.table_{args.table}", lang_of(args))
    who = acting(args, "restore")
    if who is None:
        return REJECTED
    user, actor = who
    try:
        planned = restoring.plan(get_engine(), args.table, args.to, user.scope)
        version = restoring.restore(get_engine(), planned, actor, confirm_removals=args.confirm_removals)
    except ValueError:
        print(t("cli.no_such_version", lang, table=table, to=args.to), file=sys.stderr)
        return REJECTED
    except staging.RemovalsNotConfirmed as refused:
        return refuse_removals(refused, args.table, lang)
    except store.UnknownCommunities as gone:
        print(t("cli.restore_names_removed", lang, table=table, to=args.to, count=len(gone.missing)), file=sys.stderr)
        return REJECTED
    except store.OutOfScope as outside:
        print(t("cli.restore_out_of_scope", lang, table=table, to=args.to, count=outside.count), file=sys.stderr)
        return REJECTED
    print(t("cli.restored", lang, table=table, to=args.to, version=version))
    if planned.kept:
        print(t("cli.kept_other_districts", lang, count=planned.kept, scope=user.scope.label(lang)))
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
    details = {"table": args.table, "version": args.version, "format": Path(args.out).suffix.lower()[1:], "rows": len(frame)}
    audit.record(engine, OPERATOR, audit.Event.EXPORT, audit.Outcome.SUCCESS, details)
    print(t("cli.exported", lang, count=len(frame), table=t(f"validation.table_{args.table}", lang), path=args.out))
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
    add_as_option(p, "import")
    p.add_argument("--confirm-removals", type=int, metavar="N", help="needed when the import removes many rows: their number")
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
    add_as_option(p, "restore")
    p.add_argument("--confirm-removals", type=int, metavar="N", help="needed when the restore removes many rows: their number")
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
