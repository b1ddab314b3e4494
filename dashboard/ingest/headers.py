"""Recognising a file's header row: which table it is and which column is which.

Staff write headers in English or Chinese, in any case, with stray spaces,
full-width brackets or a unit in brackets ("志愿服务时长（小时）").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from dashboard.ingest.problems import Issue, Problem
from dashboard.schema import TABLES, Table


def normalise_header(text: str) -> str:
    """A header reduced to what identifies it: " Community ID " and "社区 编号（12位）" → "communityid", "社区编号".

    Separators are dropped rather than unified, so "CommunityID", "community-id"
    and a space typed inside a Chinese header all match; no two contract columns
    differ only by a separator. NFKC turns full-width brackets into ASCII ones;
    【】 and 〔〕 have no ASCII form, so they are removed explicitly.
    """
    text = unicodedata.normalize("NFKC", text or "").strip().casefold()
    text = re.sub(r"\(.*?\)|\[.*?\]|【.*?】|〔.*?〕", "", text)
    return re.sub(r"[\s\-_]+", "", text)


def _aliases(table: Table) -> dict[str, str]:
    names: dict[str, str] = {}
    for col in table.columns:
        for form in (col.name, col.zh, col.name.replace("_", " ")):
            names[normalise_header(form)] = col.name
    return names


@dataclass
class HeaderMap:
    """Which file column (by position) holds which contract column."""

    table: Table
    positions: dict[str, int] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)  # contract name → header as written
    issues: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


def match_headers(headers: list[str], table: Table) -> HeaderMap:
    """Map the header row onto ``table``; collect missing, unknown and repeated columns."""
    aliases = _aliases(table)
    result = HeaderMap(table)
    for position, header in enumerate(headers):
        name = aliases.get(normalise_header(header))
        if not header:
            continue
        if name is None:
            result.warnings.append(
                Issue(Problem.UNKNOWN_COLUMN, column=header, params={"table": table.name, "columns_of": table.name})
            )
        elif name in result.positions:
            result.issues.append(Issue(Problem.DUPLICATE_COLUMN, column=header))
        else:
            result.positions[name] = position
            result.shown[name] = header
    for col in table.columns:
        if col.required and col.name not in result.positions:
            result.issues.append(Issue(Problem.MISSING_COLUMN, column=col.name, params={"zh": col.zh}))
    return result


def detect_table(headers: list[str]) -> Table | None:
    """The table whose columns the headers match best, required columns first."""
    best, best_score = None, (0, 0)
    for table in TABLES.values():
        found = set(match_headers(headers, table).positions)
        required = [c.name for c in table.columns if c.required]
        score = (sum(n in found for n in required) == len(required), len(found))
        if score > best_score:
            best, best_score = table, score
    return best if best_score[1] >= 2 else None
