"""``python -m dashboard brief --out FILE``: the district meeting kit from the command line.

The file's extension chooses what is written: ``.pptx`` (the deck), ``.pdf``
(the same slides and the speaker notes) or ``.zip`` (every chart as PNG and SVG,
its data as CSV and Excel, and the written summary). ``--org``, ``--meeting``
and ``--date`` fill the cover (汇报单位, the meeting and its date). Without options it briefs the whole city on the
year to date of the last day with data, in the configured language.
Mistakes in the request (an unknown district, a date that is not one, the
wrong extension) exit 2 before any data is read.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard import config
from dashboard.cli.common import OK, REJECTED, USAGE, add_lang_option, lang_of
from dashboard.i18n import join_list, t
from dashboard.ingest.parsing import enum_codes
from dashboard.storage import store
from dashboard.storage.database import get_engine

# The same as bundle.SUFFIXES (a test holds them equal): this module is imported for every command,
# so the briefing's modules (Altair, vl-convert, python-pptx, fpdf2) are imported only when a briefing is made.
SUFFIXES = (".pptx", ".pdf", ".zip")


def resolve_district(value: str) -> str | None:
    """The district code for any way of writing it (code, 城东区, 城东, Chengdong, 630102), else None."""
    code = enum_codes(pd.Series([value]), "district").iloc[0]
    return code if isinstance(code, str) else None


def _day(value: str) -> date:
    """An ISO date for argparse; anything else is a usage error (exit 2) with an example."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(t("brief_files.bad_date", config.default_lang(), value=value)) from None


def _check_request(args: argparse.Namespace, lang: str) -> str | None:
    """The reason the request cannot be served (before touching the database), or None."""
    if Path(args.out).suffix.lower() not in SUFFIXES:
        return t("brief_files.bad_extension", lang)
    if args.district and resolve_district(args.district) is None:
        known = [f"{c} ({config.label('districts', c, lang)})" for c in config.codes("districts")]
        return t("brief_files.bad_district", lang, district=args.district, known=join_list(known, lang))
    if args.start and args.end and args.start > args.end:
        return t("brief_files.bad_range", lang, start=args.start, end=args.end)
    return None


def cmd_brief(args: argparse.Namespace) -> int:
    from dashboard.briefing import bundle, content  # noqa: PLC0415 - see SUFFIXES
    from dashboard.briefing.period import default_period, import_day, scope_label  # noqa: PLC0415

    lang = lang_of(args)
    problem = _check_request(args, lang)
    if problem:
        print(problem, file=sys.stderr)
        return USAGE
    ds = store.load_dataset(get_engine())
    if ds.communities.empty:
        print(t("brief_files.no_data", lang), file=sys.stderr)
        return REJECTED
    district = resolve_district(args.district) if args.district else None
    if district and not (ds.communities["district"] == district).any():
        print(t("brief_files.empty_district", lang, district=scope_label(district, lang)), file=sys.stderr)
        return REJECTED
    period = default_period(ds, district, args.start, args.end)
    cover = content.Cover(org=args.org or "", meeting=args.meeting or "", day=args.date)
    briefing = content.build(ds, period, lang, cover, data_date=import_day(store.last_import(get_engine())))
    path = Path(args.out)
    try:
        bundle.write(briefing, path)
    except OSError as exc:  # a missing folder or a deck open in PowerPoint is the user's to fix, not a traceback
        print(t("cli.cannot_write", lang, path=path, reason=exc.strerror or exc), file=sys.stderr)
        return USAGE
    print(
        t(
            "brief_files.written",
            lang,
            scope=scope_label(district, lang),
            dates=briefing.dates,
            slides=len(briefing.slides),
            path=path,
        )
    )
    return OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "brief",
        help="write the briefing as a deck (.pptx), a PDF (.pdf) or charts and summary (.zip)",
        description=__doc__.split("\n\n")[1],
    )
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write; .pptx, .pdf or .zip")
    p.add_argument("--district", help="a district (code, Chinese or English name); default: the whole city")
    p.add_argument(
        "--from", dest="start", type=_day, metavar="YYYY-MM-DD", help="first day (default: 1 January of the --to year)"
    )
    p.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD", help="last day (default: the last day with data)")
    p.add_argument("--org", metavar="TEXT", help="the reporting body (汇报单位) on the cover; default: DASHBOARD_ORG_NAME")
    p.add_argument("--meeting", metavar="TEXT", help="the meeting's name on the cover (default: the campaign's progress meeting)")
    p.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="the meeting's date on the cover (default: today)")
    add_lang_option(p)
    p.set_defaults(run=cmd_brief)
