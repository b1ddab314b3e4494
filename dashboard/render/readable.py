"""A table's rows as the staff who wrote them read them: their template's headers, names for codes, plain days.

The desk's preview holds rows in the contract's types (codes, timestamps, snake_case names); a Chinese reader
checking what an upload will add sees 文体活动 under 活动类别 and 2025-03-01, as in the file they made.
"""

from __future__ import annotations

import pandas as pd

from dashboard.i18n import join_list
from dashboard.schema import MONTH, TABLES, Column


def readable(frame: pd.DataFrame, table: str, lang: str) -> pd.DataFrame:
    """``frame`` with headers in ``lang`` (``Column.header``), names for codes, days without a time, months as
    2025-03. Columns outside the contract stay as they are."""
    known = {column.name: column for column in TABLES[table].columns}
    shown = {}
    for name in frame.columns:
        column = known.get(str(name))
        shown[column.header(lang) if column else name] = _values(frame[name], column, lang) if column else frame[name]
    return pd.DataFrame(shown, index=frame.index)


def _values(values: pd.Series, column: Column, lang: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m" if column.kind == MONTH else "%Y-%m-%d")
    if column.vocabulary:
        return values.map(lambda code: column.as_typed(code, lang))
    return values


def field_names(fields: str, table: str, lang: str) -> str:
    """A comma-separated list of contract names ("latitude,longitude") as the reader's headers (纬度、经度)."""
    known = {column.name: column for column in TABLES[table].columns}
    names = [known[name].header(lang) if name in known else name for name in (f.strip() for f in fields.split(",")) if name]
    return join_list(names, lang)
