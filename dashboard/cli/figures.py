"""``python -m dashboard figures [--at DATE] [--district D] [--json]``: the headline stage figures as at a day.

For scripts and other systems: the communities in the campaign on DATE (default today, in Xining) and how many
stood at each stage then, in all and per district, with the year's named-communities target. ``--json`` prints
``at``, ``district``, ``communities``, ``stages``, ``derived``, ``named_target`` and ``by_district``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from dashboard import config
from dashboard.cli.brief import resolve_district
from dashboard.cli.common import OK, USAGE, add_lang_option, lang_of
from dashboard.figures.snapshot import figures_at
from dashboard.i18n import fmt_date, fmt_int, fmt_pct, join_list, t
from dashboard.ingest.parsing import parse_date
from dashboard.storage import store
from dashboard.storage.database import get_engine


def _day(text: str) -> date | None:
    """A date in any of the contract's forms (2026-09-30, 2026/9/30, 2026年9月30日), else None."""
    day = parse_date(text)
    return day if isinstance(day, date) else None


def _stages_line(stages: dict[str, int], lang: str) -> str:
    parts = [f"{config.label('stages', code, lang)} {fmt_int(count, lang)}" for code, count in stages.items()]
    return join_list(parts, lang)


def _print_text(result: dict, lang: str) -> None:
    scope = config.label("districts", result["district"], lang) if result["district"] else t("figures.city", lang)
    day = fmt_date(date.fromisoformat(result["at"]), lang)
    print(t("figures.heading", lang, day=day, scope=scope, count=result["communities"]))
    print("  " + _stages_line(result["stages"], lang))
    target = result["named_target"]
    if target["target"]:
        print(
            "  "
            + t(
                "figures.target",
                lang,
                year=target["year"],
                target=fmt_int(target["target"], lang),
                share=fmt_pct(target["share"], lang, 1),
            )
        )
    if result["derived"]:
        print("  " + t("figures.derived", lang, count=result["derived"]))
    for row in result["by_district"] if not result["district"] else []:
        name = config.label("districts", row["district"], lang)
        print(t("figures.district_line", lang, district=name, count=row["communities"], stages=_stages_line(row["stages"], lang)))


def cmd_figures(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    day = _day(args.at) if args.at else config.today()
    if day is None:
        print(t("figures.bad_date", lang, value=args.at), file=sys.stderr)
        return USAGE
    district = resolve_district(args.district) if args.district else None
    if args.district and district is None:
        known = [f"{c} ({config.label('districts', c, lang)})" for c in config.codes("districts")]
        print(t("brief_files.bad_district", lang, district=args.district, known=join_list(known, lang)), file=sys.stderr)
        return USAGE
    result = figures_at(store.load_dataset(get_engine()), day, district)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_text(result, lang)
    return OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "figures", help="the headline stage figures as at a day (default today)", description=__doc__.split("\n\n")[1]
    )
    p.add_argument("--at", metavar="DATE", help="the day (2026-09-30, 2026/9/30 or 2026年9月30日); default: today in Xining")
    p.add_argument("--district", help="a district (code, Chinese or English name); default: the whole city")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    add_lang_option(p)
    p.set_defaults(run=cmd_figures)
