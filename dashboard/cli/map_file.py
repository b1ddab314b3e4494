"""``python -m dashboard map --out FILE.html``: a standalone map of the communities.

One HTML file with Leaflet inlined, so it opens from disk with no internet.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard import config
from dashboard.cli.common import OK, USAGE, add_lang_option, lang_of
from dashboard.i18n import t
from dashboard.storage import store
from dashboard.storage.database import get_engine


def cmd_map(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        print(t("cli.map_extension", lang), file=sys.stderr)
        return USAGE
    from dashboard.render import maps  # noqa: PLC0415 - folium loads only for this command

    communities = store.load_table(get_engine(), "communities")
    if args.district:
        communities = communities[communities["district"] == args.district]
    if args.type:
        communities = communities[communities["characteristic"] == args.type]
    m = maps.build_map(communities, maps.load_districts(), lang=lang, layer=args.layer, basemap="none", assets="inline")
    try:
        maps.save_standalone_map(m, out)
    except OSError as error:
        print(t("cli.cannot_write", lang, path=out, reason=error.strerror or error), file=sys.stderr)
        return USAGE
    print(t("cli.map_written", lang, count=len(communities), path=out))
    return OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("map", help="write a standalone HTML map of the communities (works offline)")
    p.add_argument("--out", required=True)
    p.add_argument("--district", choices=config.codes("districts"))
    p.add_argument("--type", choices=config.codes("types"))
    p.add_argument("--layer", choices=["type", "stage"], default="type")
    add_lang_option(p)
    p.set_defaults(run=cmd_map)
