"""Blank files for staff: each table's columns, two example rows and a data dictionary.

Generated from ``schema.TABLES`` (the validator's own declaration), so the
template and the checks can never disagree.
"""

from __future__ import annotations

import io

import pandas as pd

from dashboard import config
from dashboard.i18n import t
from dashboard.render.exports import safe_frame, sheet_name
from dashboard.schema import TABLES

EXAMPLES: dict[str, list[dict[str, str]]] = {
    "communities": [
        {
            "community_id": "630103003002",
            "name_zh": "前营街社区",
            "name_en": "Qianying Street Community",
            "district": "chengzhong",
            "subdistrict": "仓门街街道",
            "characteristic": "harmony",
            "brand_name": "好邻居",
            "stage": "named",
            "latitude": "36.6186",
            "longitude": "101.7786",
            "coord_system": "WGS84",
            "households": "4,294",
            "residents": "11,900",
            "applied_on": "2024-03-15",
            "building_on": "2024-05-06",
            "assessed_on": "2025-04-28",
            "named_on": "2025年6月30日",
        },
        {
            "community_id": "630104001002",
            "name_zh": "南气象巷社区",
            "name_en": "South Qixiang Lane Community",
            "district": "chengxi",
            "subdistrict": "西关大街街道",
            "characteristic": "caring",
            "brand_name": "暖心驿站",
            "stage": "assessed",
            "latitude": "36.6265",
            "longitude": "101.7597",
            "coord_system": "GCJ02",
            "households": "3,120",
            "residents": "8,600",
            "applied_on": "2024/4/1",
            "building_on": "",
            "assessed_on": "2026-09-18",
            "named_on": "",
        },
    ],
    "activities": [
        {
            "activity_id": "A2026-0001",
            "community_id": "630103003002",
            "date": "2026-03-05",
            "category": "cleanup",
            "title": "5号院环境整治",
            "participants": "45",
            "volunteer_hours": "90",
            "party_members": "12",
        },
        {
            "activity_id": "A2026-0002",
            "community_id": "630104001002",
            "date": "2026年10月29日",
            "category": "elderly_care",
            "title": "重阳节敬老宴",
            "participants": "120",
            "volunteer_hours": "240.5",
            "party_members": "20",
        },
    ],
    "surveys": [
        {"community_id": "630103003002", "period": "2026-03", "satisfaction": "88.5", "respondents": "120"},
        {"community_id": "630104001002", "period": "2026年3月", "satisfaction": "84", "respondents": "96"},
    ],
    "targets": [
        {"district": "chengzhong", "year": "2026", "metric": "named_communities", "target": "14"},
        {"district": "chengxi", "year": "2026", "metric": "activities", "target": "4,000"},
    ],
}


def example_frame(table: str, lang: str) -> pd.DataFrame:
    """The template's header and two example rows, headers in ``lang``."""
    columns = TABLES[table].columns
    rows = [[c.as_typed(row.get(c.name, ""), lang) for c in columns] for row in EXAMPLES[table]]  # names, not codes
    headers = [c.header(lang) for c in columns]
    return pd.DataFrame(rows, columns=headers)


def dictionary_frame(table: str, lang: str) -> pd.DataFrame:
    """One row per column: names in both languages, kind, required, rule and allowed values."""
    rows = []
    for c in TABLES[table].columns:
        allowed = ""
        if c.vocabulary:
            allowed = "; ".join(f"{term.code} / {term.en} / {term.zh}" for term in config.terms(c.vocabulary))
        rows.append(
            {
                t("templates.col_column", lang): c.name,
                t("templates.col_header_zh", lang): c.zh,
                t("templates.col_kind", lang): t(f"templates.kind_{c.kind}", lang),
                t("templates.col_required", lang): t("templates.yes" if c.required else "templates.no", lang),
                t("templates.col_rule", lang): c.help_zh if lang == "zh" else c.help_en,
                t("templates.col_allowed", lang): allowed,
            }
        )
    return pd.DataFrame(rows)


def template_bytes(table: str, lang: str, kind: str) -> bytes:
    """A CSV (header + examples, UTF-8 with BOM) or an .xlsx with a data-dictionary sheet."""
    examples = safe_frame(example_frame(table, lang))
    if kind == "csv":
        return examples.to_csv(index=False).encode("utf-8-sig")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        examples.to_excel(writer, index=False, sheet_name=sheet_name(table, lang))
        dictionary_frame(table, lang).to_excel(writer, index=False, sheet_name=t("templates.dictionary", lang))
    return buffer.getvalue()
