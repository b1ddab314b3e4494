"""Hostile staff files, made on the spot: ZIP bombs, XML entities, too many rows, columns, characters.

Shared by tests/test_hostile_files.py, the browser test and benchmarks/bench_hostile.py. Each
builder returns the file's bytes; the bombs are made by streaming a repeated row through
deflate, so a 1 GB sheet costs about 10 s to make and 3 MB to keep.
"""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
ROW = b'<row><c t="inlineStr"><is><t>aaaaaaaaaa</t></is></c></row>'
LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10) for n in range(1, 10))
    + b"]>"
)
EXTERNAL = b'<!-- <a> --><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def workbook(cells: dict[str, object]) -> bytes:
    """A real workbook (openpyxl) with ``cells`` set, e.g. {"A1": "community_id"}."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for ref, value in cells.items():
        sheet[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewritten(data: bytes, change) -> bytes:
    """The workbook with each part passed through ``change(name, bytes) -> bytes`` (or written by it, when it is a writer)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            change(target, info, source.read(info.filename))
    return out.getvalue()


def zip_bomb(unpacked_mb: int) -> bytes:
    """An .xlsx whose sheet unpacks to ``unpacked_mb`` MB of identical rows (about 1:330)."""

    def change(target: zipfile.ZipFile, info: zipfile.ZipInfo, part: bytes) -> None:
        if info.filename != SHEET:
            target.writestr(info, part)
            return
        with target.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD)
            chunk = ROW * (1_048_576 // len(ROW))
            for _ in range(unpacked_mb):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")

    return _rewritten(workbook({"A1": "community_id"}), change)


def with_entities(declaration: bytes = LAUGHS, entity: bytes = b"&lol9;") -> bytes:
    """An .xlsx whose sheet declares entities (the billion laughs, or an external file) and uses one in a cell."""

    def change(target: zipfile.ZipFile, info: zipfile.ZipInfo, part: bytes) -> None:
        if info.filename in (SHEET, "xl/sharedStrings.xml"):
            part = part.replace(b"<t>x</t>", b"<t>" + entity + b"</t>")
            part = part.replace(b"?>", b"?>" + declaration, 1) if part.startswith(b"<?xml") else declaration + part
        target.writestr(info, part)

    return _rewritten(workbook({"A1": "community_id", "A2": "x"}), change)


def wide_csv(columns: int = 100_000) -> bytes:
    """A CSV whose header and one row have ``columns`` columns."""
    return (",".join(f"c{i}" for i in range(columns)) + "\n" + ",".join("1" for _ in range(columns)) + "\n").encode()


def ragged_csv(columns: int = 100_000, rows: int = 1000) -> bytes:
    """A tidy two-column CSV with one row of ``columns`` fields at the end (padding every row to it would be the bomb)."""
    return ("community_id,name_zh\n" + "a,b\n" * rows + "," * (columns - 1) + "\n").encode()


def tall_csv(rows: int) -> bytes:
    """A header and ``rows`` rows of one short cell."""
    return b"community_id\n" + b"x\n" * rows


def long_cell_csv(chars: int) -> bytes:
    """A communities-like CSV whose one name has ``chars`` characters (quoted, with line breaks in it)."""
    name = ("长" * 99 + "\n") * (chars // 100)
    return f'community_id,name_zh\n630102009001,"{name}"\n'.encode()
