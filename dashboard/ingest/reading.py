"""Turning a staff file (CSV in any Chinese Excel encoding, or .xlsx) into text cells.

Everything here keeps the spreadsheet's row numbers (header = row 1) so every
later message can point at the row the user sees. Nothing is typed yet: all
cells stay text, and ``validation`` decides what they mean.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

import pandas as pd
from charset_normalizer import from_bytes
from openpyxl import load_workbook
from pyarrow.lib import ArrowInvalid

from dashboard.ingest.problems import FileProblem, Problem

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls and other OLE files
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class RawTable:
    """A file's header and cells as text; ``frame.index`` is the spreadsheet row."""

    headers: list[str]
    frame: pd.DataFrame
    encoding: str
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)


def read_upload(data: bytes, filename: str = "", sheet_hint: tuple[str, ...] = ()) -> RawTable:
    """Read a CSV or .xlsx file given as bytes, whatever its encoding."""
    if not data.strip():
        raise FileProblem(Problem.FILE_EMPTY)
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, sheet_hint)
    if data.startswith(OLE_MAGIC):
        raise FileProblem(Problem.FILE_OLD_EXCEL)
    text, encoding = decode_text(data)
    return _read_csv_text(text, encoding)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), then GB18030, then a detector.

    GB18030 is a superset of GBK/GB2312, which Chinese Excel and WPS write.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise FileProblem(Problem.FILE_NOT_TABLE)
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise FileProblem(Problem.FILE_NOT_TABLE)
    return data.decode(best.encoding, errors="replace"), best.encoding


def _delimiter(first_line: str) -> str:
    """The field separator: comma unless the header clearly uses tab or semicolon."""
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] > 0 else ","


def _read_csv_text(text: str, encoding: str) -> RawTable:
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise FileProblem(Problem.FILE_EMPTY)  # a BOM or blank lines only: nothing to read
    first_line = text.split("\n", 1)[0]
    if _looks_binary(text[:4096]):
        raise FileProblem(Problem.FILE_NOT_TABLE)
    sep = _delimiter(first_line)
    try:
        frame = _fast_frame(text, sep) if _BLANK_LINE.search(text) is None else None
        if frame is None:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                header=None,
                engine="c",
                quoting=csv.QUOTE_MINIMAL,
            )
    except pd.errors.ParserError:
        frame = _ragged_frame(text, sep)
    except ValueError as exc:
        raise FileProblem(Problem.FILE_UNREADABLE, detail=str(exc).splitlines()[0][:200]) from exc
    return _with_header(frame, encoding)


_BLANK_LINE = re.compile(r"\n[ \t\r]*\n[^\n]")  # an empty line inside the file (a trailing one is harmless)


def _fast_frame(text: str, sep: str) -> pd.DataFrame | None:
    """Arrow's parser, ~5x faster at a million rows; None when it cannot take the file.

    Only for files without blank lines: Arrow skips them, which would shift
    the spreadsheet row numbers that every message names.
    """
    try:
        return pd.read_csv(
            io.BytesIO(text.encode("utf-8")), sep=sep, dtype=str, keep_default_na=False, header=None, engine="pyarrow"
        )
    except (ValueError, pd.errors.ParserError, ArrowInvalid):
        return None


def _ragged_frame(text: str, sep: str) -> pd.DataFrame:
    """Rows of uneven length, padded: the fast parser gives up at the first long row.

    Cells beyond the header then sit under a blank header, and validation names
    every row that has them instead of rejecting the file with one parser error.
    """
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=False))
    except csv.Error as exc:
        raise FileProblem(Problem.FILE_UNREADABLE, detail=str(exc)[:200]) from exc
    width = max(len(r) for r in rows)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object).astype(str)


def _looks_binary(sample: str) -> bool:
    """Control characters other than tab/newline mean this is not a text table."""
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return controls > max(2, len(sample) // 100)


def _with_header(frame: pd.DataFrame, encoding: str, sheet: str | None = None) -> RawTable:
    """Split row 1 off as the header; index the rest by spreadsheet row number."""
    if frame.empty:
        raise FileProblem(Problem.FILE_EMPTY)
    headers = [str(h).strip() if h is not None else "" for h in frame.iloc[0].tolist()]
    body = frame.iloc[1:].copy()
    body.columns = pd.RangeIndex(len(headers))
    body.index = pd.RangeIndex(2, 2 + len(body))
    body = body.apply(_stripped).replace("", None)
    body = body.dropna(how="all")
    return RawTable(headers=headers, frame=body, encoding=encoding, sheet=sheet)


_SPACES = (" ", "\t", "\r", "\n", "\u3000", "\xa0")  # incl. the full-width space of Chinese input methods


def _stripped(column: pd.Series) -> pd.Series:
    """Cells without surrounding spaces; only the cells that have any are touched."""
    text = column.astype(str)
    padded = text.str.startswith(_SPACES) | text.str.endswith(_SPACES)
    if padded.any():
        text = text.where(~padded, text[padded].str.strip())
    return text


def _read_xlsx(data: bytes, sheet_hint: tuple[str, ...]) -> RawTable:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileProblem(Problem.FILE_NOT_TABLE) from exc
    try:
        wanted = {h.casefold() for h in sheet_hint}
        sheet = next((ws for ws in book.worksheets if ws.title.strip().casefold() in wanted), book.worksheets[0])
        sheet.reset_dimensions()  # read-only mode trusts the stored size, which some writers get wrong ("A1")
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        title = sheet.title
    finally:
        book.close()
    if not rows:
        raise FileProblem(Problem.FILE_EMPTY)
    width = max(len(r) for r in rows)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object).astype(str)
    return _with_header(frame, "xlsx", sheet=title)


def _cell_text(value: object) -> str:
    """An Excel cell as the text a user would have typed."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
