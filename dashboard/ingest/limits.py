"""How big a staff file may be, checked before it is parsed, so a hostile file is refused in moments.

A 4.8 MB .xlsx whose sheet unpacks to gigabytes, or a CSV of 100,000 columns, used to hold the
server for minutes. Each limit here is measured on what is cheap to see before any parser or
frame exists, and refuses with a Problem in the reader's language:

- an .xlsx is a ZIP: its parts' unpacked size and each part's compression ratio come from the
  ZIP's directory (``zipfile`` then holds every part to its declared size: it cannot unpack to
  more), and an XML part that declares a DOCTYPE (entities, the "billion laughs", external
  files) is refused: Excel and WPS never write one. openpyxl parses with defusedxml besides.
- a CSV's rows, columns and longest line are counted on its bytes (quoted cells understood, in
  blocks, so memory stays flat) before pandas or Python's csv module run; cells are measured only
  when some line is long enough to hold a cell over the limit. Arrow's parser, which only takes
  rows as wide as the header, may run first when line breaks and the header's separators alone
  show the file is within the row and column limits; its cells are then measured in Arrow.
- an .xlsx's rows, columns and cells are checked row by row as openpyxl streams the sheet,
  before the cells become a frame.

The numbers are settings (``config.MAX_ROWS`` and the rest), read once per file.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from defusedxml import DefusedXmlException

from dashboard import config
from dashboard.ingest.problems import FileProblem, Issue, Problem

MAX_PARTS = 10_000  # a workbook Excel writes has a few dozen parts
RATIO_FLOOR = 1_048_576  # parts smaller than this unpack harmlessly, however well they compress
PROLOG_BYTES = 1_048_576  # an XML part's prolog (before its first element) longer than this is not Excel's
BLOCK = 1_048_576  # CSV bytes counted per block (a few MB of working arrays, whatever the file's size)
QUOTE, NEWLINE = ord('"'), ord("\n")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
MB = 1_048_576


@dataclass(frozen=True)
class Limits:
    """The limits in force for one file."""

    rows: int
    columns: int
    cell_chars: int
    unpacked_mb: float
    ratio: float

    @classmethod
    def configured(cls) -> Limits:
        return cls(
            config.MAX_ROWS.value(),
            config.MAX_COLUMNS.value(),
            config.MAX_CELL_CHARS.value(),
            config.XLSX_MAX_UNPACKED_MB.value(),
            config.XLSX_MAX_RATIO.value(),
        )


def upload_too_large(size: int) -> Issue | None:
    """A file of ``size`` bytes over DASHBOARD_UPLOAD_LIMIT_MB, refused from its size alone (desk and command line).

    Checked before a byte is parsed: a file of gigabytes would otherwise be read whole before any other limit looks.
    """
    limit_mb = config.UPLOAD_LIMIT_MB.value()
    if size <= limit_mb * MB:
        return None
    return Issue(Problem.FILE_TOO_LARGE, params={"size_mb": size / MB, "limit_mb": limit_mb})


def delimiter(first_line: str) -> str:
    """The field separator: comma unless the header clearly uses tab or semicolon."""
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] > 0 else ","


# --- .xlsx: the package, before openpyxl opens it ---------------------------------------------------------------


def check_xlsx(data: bytes, limits: Limits) -> None:
    """Refuse a workbook that unpacks too large, compresses like a ZIP bomb, or declares XML entities."""
    if data.count(b"PK\x01\x02") > MAX_PARTS:  # each part has one central-directory header
        raise FileProblem(Problem.FILE_NOT_TABLE)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileProblem(Problem.FILE_NOT_TABLE) from exc
    with archive:
        parts = archive.infolist()
        unpacked = sum(part.file_size for part in parts)
        if unpacked > limits.unpacked_mb * MB:
            raise FileProblem(Problem.XLSX_TOO_LARGE, size_mb=unpacked / MB, limit_mb=limits.unpacked_mb)
        for part in parts:
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size > RATIO_FLOOR and ratio > limits.ratio:
                raise FileProblem(Problem.XLSX_BOMB, part=part.filename, ratio=ratio, limit=limits.ratio)
        for part in parts:
            if part.filename.lower().endswith((".xml", ".rels", ".vml")) and _declares_doctype(archive, part):
                raise FileProblem(Problem.XLSX_ENTITIES, part=part.filename)


# The prolog of an XML document: what may come before its first element, a DOCTYPE among it.
_PROLOG = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->|(?P<doctype><!DOCTYPE|<!ENTITY)|(?P<element><[^?!])", re.S | re.I)


def _declares_doctype(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """Whether the part's prolog declares a document type (only there can entities be declared)."""
    with archive.open(part) as stream:
        head = stream.read(PROLOG_BYTES)
    if head.startswith(UTF16_BOMS) or head[:2] in (b"<\x00", b"\x00<"):
        text = head.decode("utf-16-le" if head[:1] in (b"\xff", b"<") else "utf-16-be", errors="ignore")
    else:
        text = head.decode("latin-1")  # every byte a character: the markup is ASCII whatever the encoding
    text, position = text.lstrip("\ufeff\xef\xbb\xbf"), 0
    while position < len(text):
        match = _PROLOG.match(text, position)
        if match is None or match.group("element"):
            return False  # text before the root (not XML: openpyxl says so) or the root element
        if match.group("doctype"):
            return True
        position = match.end()
    return part.file_size > PROLOG_BYTES  # a prolog longer than any workbook's: refuse rather than guess


# --- .xlsx: the sheet, row by row as openpyxl streams it ------------------------------------------------------------


def sheet_rows(rows: Iterable[tuple[object, ...]], limits: Limits) -> Iterator[tuple[object, ...]]:
    """The sheet's rows (header first), refusing as soon as one breaks a limit."""
    headers: tuple[object, ...] = ()
    for number, cells in enumerate(_parsed(rows), start=1):
        if number > limits.rows + 1:
            raise FileProblem(Problem.TOO_MANY_ROWS, limit=limits.rows)
        row = cells[: limits.columns]  # cells beyond are empty (formatting only) or the row is refused
        if len(cells) > limits.columns:
            width = max((i + 1 for i, value in enumerate(cells) if value is not None), default=0)
            if width > limits.columns:
                raise FileProblem(Problem.TOO_MANY_COLUMNS, found=width, limit=limits.columns)
        for position, value in enumerate(row):
            if isinstance(value, str) and len(value) > limits.cell_chars:
                raise _long_cell(number, position, headers, len(value), limits)
        headers = headers or row
        yield row


def _parsed(rows: Iterable[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    """The rows openpyxl parses, its XML errors as the reader's problems (never a traceback)."""
    try:
        yield from rows
    except DefusedXmlException as exc:  # openpyxl parses with defusedxml: entities never expand
        raise FileProblem(Problem.XLSX_ENTITIES, part="xl/worksheets") from exc
    except (SyntaxError, ValueError, KeyError, zipfile.BadZipFile) as exc:  # ElementTree's ParseError is a SyntaxError
        raise FileProblem(Problem.FILE_NOT_TABLE) from exc


def _long_cell(row: int, position: int, headers: tuple[object, ...] | list[object], length: int, limits: Limits) -> FileProblem:
    header = headers[position] if position < len(headers) and headers[position] else f"#{position + 1}"
    problem = FileProblem(Problem.CELL_TOO_LONG, found=length, limit=limits.cell_chars)
    problem.issue = replace(problem.issue, row=row, column=str(header).strip())
    return problem


# --- CSV: counted on the bytes, before any parser ------------------------------------------------------------------


@dataclass(frozen=True)
class TextShape:
    """What counting a CSV's bytes found: lines (rows, the header included), the widest row, the longest line."""

    lines: int
    widest: int
    longest: int


def csv_shape(data: bytes) -> TextShape | None:
    """Rows, fields per row and line lengths of UTF-8 or GB18030 CSV bytes (None for UTF-16).

    Separators and line breaks inside quoted cells are not counted: a quote toggles "inside",
    and a doubled quote toggles twice. In GB18030, as in UTF-8, no byte of a Chinese character
    is a quote, comma, tab, semicolon or line break, so the bytes can be counted as they are.
    """
    if data.startswith(UTF16_BOMS) or b"\x00" in data[:4096]:
        return None
    first = data[: data.find(b"\n")] if b"\n" in data[:65536] else data[:65536]
    sep = ord(delimiter(first.decode("utf-8", errors="ignore")))
    inside, lines, widest, longest = 0, 0, 0, 0
    fields, line_start = 1, 0  # of the line still open at the end of the previous block
    for start in range(0, len(data), BLOCK):
        block = np.frombuffer(data, dtype=np.uint8, count=min(BLOCK, len(data) - start), offset=start)
        quoted = np.bitwise_xor.accumulate((block == QUOTE).view(np.uint8)) ^ inside
        outside = quoted == 0
        ends = np.flatnonzero((block == NEWLINE) & outside)
        seps = np.cumsum((block == sep) & outside, dtype=np.int32)
        if len(ends):
            per_line = np.diff(seps[ends], prepend=0)
            per_line[0] += fields - 1
            widest = max(widest, int(per_line.max()) + 1)
            lengths = np.diff(ends, prepend=-1)
            lengths[0] += start - line_start
            longest = max(longest, int(lengths.max()))
            lines += len(ends)
            fields = 1 + int(seps[-1] - seps[ends[-1]])
            line_start = start + int(ends[-1]) + 1
        else:
            fields += int(seps[-1]) if len(seps) else 0
        inside = int(quoted[-1]) if len(quoted) else inside
    if line_start < len(data):  # the last line, without a line break after it
        lines += 1
        widest, longest = max(widest, fields), max(longest, len(data) - line_start)
    return TextShape(lines, widest, longest)


def surely_within(data: bytes, limits: Limits) -> bool:
    """True when a CSV's rows and columns cannot exceed the limits, judged by upper bounds that cost one byte count.

    Every line break counts as a row (one inside a quoted cell makes a row fewer) and every separator byte of
    the first line as a column (one inside a quoted header cell makes a column fewer). Arrow's parser, which
    takes a file only when every row is as wide as the header, may then read it without :func:`csv_shape`'s
    count (0.3 s at a million rows); a file it gives back goes through :func:`check_csv` before any other parser.
    """
    if data.startswith(UTF16_BOMS) or b"\x00" in data[:4096]:
        return False
    end = data.find(b"\n", 0, 65536)
    if end < 0:
        return False
    first = data[:end]
    separator = delimiter(first.decode("utf-8", errors="ignore")).encode()
    return data.count(b"\n") <= limits.rows and first.count(separator) + 1 <= limits.columns


def check_csv(data: bytes, limits: Limits) -> bool:
    """Refuse CSV bytes with too many rows or columns; True when a cell may be too long (see :func:`check_cells`)."""
    shape = csv_shape(data)
    if shape is None:
        return True
    if shape.lines - 1 > limits.rows:
        raise FileProblem(Problem.TOO_MANY_ROWS, limit=limits.rows)
    if shape.widest > limits.columns:
        raise FileProblem(Problem.TOO_MANY_COLUMNS, found=shape.widest, limit=limits.columns)
    return shape.longest > limits.cell_chars


def check_cells(headers: list[str], frame: pd.DataFrame, limits: Limits) -> None:
    """Refuse text cells longer than the limit, naming the first (before any typed frame is built)."""
    for position in frame.columns:
        lengths = frame[position].str.len()
        if (lengths > limits.cell_chars).any():
            row = lengths.index[(lengths > limits.cell_chars).to_numpy()][0]
            raise _long_cell(int(row), int(position), list(headers), int(lengths[row]), limits)
