"""Files for people: the active table as CSV or Excel, safe to open in a spreadsheet."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from dashboard.ingest.parsing import NEUTRALISER, needs_neutralising
from dashboard.render.readable import readable
from dashboard.schema import DATE, MONTH, TABLES


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe (the import takes exactly it off)."""
    if isinstance(value, str) and needs_neutralising(value):
        return NEUTRALISER + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot start a formula (CSV/Excel injection)."""
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object or pd.api.types.is_string_dtype(out[name]):
            out[name] = out[name].map(neutralise)
    return out


def contract_frame(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The stored rows in the contract's columns and text formats (dates as ISO, months as YYYY-MM)."""
    out = pd.DataFrame(index=frame.index)
    for col in TABLES[table].columns:
        if not col.stored:  # an input-only column: stored rows are in its default (coordinates in WGS84)
            out[col.name] = col.default
        elif col.kind == DATE:
            out[col.name] = frame[col.name].dt.strftime("%Y-%m-%d")
        elif col.kind == MONTH:
            out[col.name] = frame[col.name].dt.strftime("%Y-%m")
        else:
            out[col.name] = frame[col.name]
    return out


def for_reader(table: str, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A contract frame as the staff's template in ``lang`` has it, to edit and upload again.

    Chinese: the columns' Chinese headers and the vocabulary's Chinese names (城中区, 已命名) instead of codes, as in
    the Chinese template; the import reads both back to the same rows. English: the contract's own names and codes,
    as the command line's export writes them.
    """
    return readable(frame, table, lang) if lang == "zh" else frame


def sheet_name(table: str, lang: str) -> str:
    """A workbook's data sheet: the table's name in the reader's language, as on the templates."""
    return TABLES[table].zh if lang == "zh" else table


def write_table_file(frame: pd.DataFrame, out: Path, sheet: str = "data") -> Path:
    """Write a frame as CSV (UTF-8 with BOM, so Excel reads Chinese) or .xlsx, by extension."""
    out = Path(out)
    safe = safe_frame(frame)
    if out.suffix.lower() == ".xlsx":
        safe.to_excel(out, index=False, sheet_name=sheet)
    elif out.suffix.lower() == ".csv":
        safe.to_csv(out, index=False, encoding="utf-8-sig")
    else:
        raise ValueError(f"unsupported file type {out.suffix!r}: use .csv or .xlsx")
    return out


def table_bytes(frame: pd.DataFrame, kind: str, sheet: str = "data") -> bytes:
    """The same file as bytes, for download buttons."""
    safe = safe_frame(frame)
    if kind == "xlsx":
        buffer = io.BytesIO()
        safe.to_excel(buffer, index=False, sheet_name=sheet)
        return buffer.getvalue()
    return safe.to_csv(index=False).encode("utf-8-sig")
