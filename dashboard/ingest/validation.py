"""Validating a whole staff file against the data contract, collecting every problem.

Like pandera's lazy validation, nothing stops at the first failure: the report
lists every problem with the spreadsheet row, the column as the file names it,
the value and a sentence in the reader's language. A valid file yields a typed
frame ready for storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard import config
from dashboard.coords import to_wgs84
from dashboard.ingest import parsing, scoping
from dashboard.ingest.headers import HeaderMap, detect_table, match_headers
from dashboard.ingest.problems import Issue, Problem
from dashboard.ingest.reading import RawTable
from dashboard.ingest.scoping import Territory
from dashboard.ingest.stage_dates import findings as stage_date_findings
from dashboard.schema import DATE, INTEGER, MONTH, NUMBER, TABLES, TEXT, Column, Table
from dashboard.scope import CITY, Scope
from dashboard.storage import arrow_frames

MAX_LISTED = 1000  # problems listed one by one; the rest are counted
MAX_ROWS_NAMED = 10  # rows named in one whole-column message
INTEGER_LIMIT = 2**53 - 1  # the largest whole number a float (and so the number parser) holds exactly


@dataclass
class Report:
    """The outcome of validating one file."""

    table: str | None
    rows: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    unlisted: int = 0  # errors beyond MAX_LISTED
    arrow: pa.Table | None = None  # a valid file's typed rows, as storage takes them (``arrow_frames``)

    @cached_property
    def frame(self) -> pd.DataFrame | None:
        """The typed rows as the contract's frame (``dataset.typed_frame``'s dtypes), made when first asked for.

        An import stores ``arrow`` as it is; only a preview or a test needs the frame.
        """
        return arrow_frames.to_frame(self.table, self.arrow) if self.arrow is not None and self.table else None

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.unlisted

    def as_dict(self, lang: str) -> dict:
        """The JSON report of ``validate`` and ``import``."""
        return {
            "valid": self.valid,
            "table": self.table,
            "rows": self.rows,
            "error_count": self.error_count,
            "errors": [i.as_dict(lang) for i in self.errors],
            "warnings": [i.as_dict(lang) for i in self.warnings],
        }


class _Collector:
    """Gathers problems, listing at most MAX_LISTED."""

    def __init__(self, report: Report, headers: HeaderMap) -> None:
        self.report, self.headers = report, headers

    def add(self, mask: pd.Series, code: Problem, column: str, values: pd.Series, **params) -> None:
        flagged = mask[mask.fillna(False).astype(bool)].index
        room = max(0, MAX_LISTED - len(self.report.errors))
        shown = self.headers.shown.get(column, column)
        for row in flagged[:room]:
            value = values.get(row)
            text = None if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
            self.report.errors.append(Issue(code, row=int(row), column=shown, value=text, params=dict(params)))
        self.report.unlisted += max(0, len(flagged) - room)


def validate(
    raw: RawTable,
    table_name: str | None = None,
    known_communities: set[str] | None = None,
    *,
    scope: Scope = CITY,
    territory: Territory | None = None,
) -> Report:
    """Check every cell of ``raw`` against the contract; return the full report.

    With a ``territory`` (where the active rows belong), every row outside ``scope`` is a problem too.
    """
    table = TABLES.get(table_name) if table_name else detect_table(raw.headers)
    if table is None:
        code = Problem.TABLE_WRONG_NAME if table_name else Problem.TABLE_UNKNOWN
        params = {"choices": ", ".join(TABLES)} if table_name else {}
        return Report(None, errors=[Issue(code, value=table_name, params=params)])
    headers = match_headers(raw.headers, table)
    report = Report(table.name, rows=len(raw.frame), warnings=list(headers.warnings))
    if raw.other_sheets:  # one table a file: the sheet read is said, and the ones left alone
        others = {"sheets": raw.other_sheets, "table": table.name}
        report.warnings.insert(0, Issue(Problem.OTHER_SHEETS, value=raw.sheet, params=others))
    report.errors.extend(headers.issues)
    report.errors.extend(_blank_headers(raw))
    if raw.frame.empty:
        report.errors.append(Issue(Problem.FILE_NO_ROWS))
        return report
    # Cells are checked even when the header has problems, so one round of corrections fixes everything.
    collector = _Collector(report, headers)
    cells = {name: _cells(table.column(name), raw.frame[pos]) for name, pos in headers.positions.items()}
    typed = {
        col.name: _check_column(col, cells.get(col.name), raw.frame.index, collector, bounded=col.name not in table.point)
        for col in table.columns
    }
    frame = pd.DataFrame(typed, index=raw.frame.index)
    if table.point:
        frame = _check_coordinates(table, frame, cells, collector)
    _check_duplicates(table, frame, cells, collector)
    for finding in stage_date_findings(table, frame, cells, headers.shown, config.today()):
        collector.add(finding.mask, finding.code, finding.column, cells[finding.column], **finding.params)
    if known_communities is not None and "community_id" in cells and table.name != "communities":
        unknown = frame["community_id"].notna() & ~frame["community_id"].isin(known_communities)
        collector.add(unknown, Problem.UNKNOWN_COMMUNITY, "community_id", cells["community_id"])
    if territory is not None:
        _check_scope(table.name, frame, cells, collector, scope=scope, territory=territory)
    if report.valid:
        report.arrow = arrow_frames.to_arrow(table.name, frame, table.stored_names)  # input-only columns have done their work
    return report


def _check_scope(
    table: str, frame: pd.DataFrame, cells: dict, collector: _Collector, *, scope: Scope, territory: Territory
) -> None:
    """Rows a scoped account may not change, one problem per row, grouped by the district they belong to."""
    for breach in scoping.breaches(table, frame, scope, territory):
        if breach.column not in cells:
            continue  # the missing column is already reported
        for district in breach.district[breach.mask].unique():
            known = pd.notna(district)
            rows = breach.mask & (breach.district == district if known else breach.district.isna())
            params = {"district": district if known else None, "scope": scope.text()}
            collector.add(rows, breach.code, breach.column, cells[breach.column], **params)


def _cells(col: Column, values: pd.Series) -> pd.Series:
    """A text column's cells without the apostrophe our exports put before formula-like text (round trip)."""
    return parsing.unneutralised(values) if col.kind == TEXT else values


def _blank_headers(raw: RawTable) -> list[Issue]:
    """Columns with data but no header name, with the rows that hold it (so stray cells can be found)."""
    issues = []
    for position, header in enumerate(raw.headers):
        if header or position not in raw.frame:
            continue
        rows = raw.frame.index[raw.frame[position].notna()].tolist()
        if rows:
            listed = ", ".join(str(r) for r in rows[:MAX_ROWS_NAMED]) + (" …" if len(rows) > MAX_ROWS_NAMED else "")
            issues.append(Issue(Problem.BLANK_HEADER, params={"position": position + 1, "rows": listed}))
    return issues


def _check_column(
    col: Column, values: pd.Series | None, index: pd.Index, collector: _Collector, bounded: bool = True
) -> pd.Series:
    """Parse one column, report what cannot be parsed, return typed values.

    ``bounded=False`` leaves the column's bounds to a later check (a point is checked in WGS84).
    """
    if values is None:
        if col.kind in (DATE, MONTH):  # an optional date column left out: no dates, typed as dates
            return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
        filler = col.default if col.default is not None else None
        return pd.Series([filler] * len(index), index=index, dtype=object)
    if col.required:
        collector.add(values.isna(), Problem.REQUIRED, col.name, values)
    if col.kind in (INTEGER, NUMBER):
        return _check_number(col, values, collector, bounded)
    if col.kind in (DATE, MONTH):
        return _check_date(col, values, collector)
    if col.vocabulary:
        return _check_choice(col, values, collector)
    return values  # Arrow-backed text, kept as it is all the way into storage


def _check_number(col: Column, values: pd.Series, collector: _Collector, bounded: bool) -> pd.Series:
    parsed, bad = parsing.numbers(values)
    code = Problem.NOT_INTEGER if col.kind == INTEGER else Problem.NOT_NUMBER
    if col.kind == INTEGER:
        bad = bad | (parsed.notna() & (parsed % 1 != 0))
    collector.add(bad, code, col.name, values)
    parsed = parsed.mask(bad)
    low, high = _limits(col)
    if bounded:
        if low is not None:
            collector.add(parsed < low, Problem.BELOW_MINIMUM, col.name, values, minimum=_num(low))
        if high is not None:
            collector.add(parsed > high, Problem.ABOVE_MAXIMUM, col.name, values, maximum=_num(high))
    if col.kind != INTEGER:
        return parsed
    return parsed.mask(parsed.abs() > INTEGER_LIMIT).round().astype("Int64")  # out of range: reported above


def _limits(col: Column) -> tuple[float | None, float | None]:
    """The column's bounds; a whole-number column is also bounded by what it can store.

    Without that bound a pasted 20-digit code in "households" would crash the
    cast to integers instead of being reported at its row.
    """
    if col.kind != INTEGER:
        return col.minimum, col.maximum
    low = -INTEGER_LIMIT if col.minimum is None else max(col.minimum, -INTEGER_LIMIT)
    high = INTEGER_LIMIT if col.maximum is None else min(col.maximum, INTEGER_LIMIT)
    return low, high


def _num(value: float) -> str:
    """A bound as people write it: 2000 rather than 2000.0, 36.5 as is."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _check_date(col: Column, values: pd.Series, collector: _Collector) -> pd.Series:
    """ISO dates in one vectorised pass; every other form is parsed once per distinct value."""
    result = parsing.iso_dates(values) if col.kind == DATE else pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    rest = values[result.isna() & values.notna()]
    if rest.empty:
        return result
    parser = parsing.parse_date if col.kind == DATE else parsing.parse_month
    parsed = parsing.by_distinct(rest, parser)
    collector.add(parsed == parsing.BAD, Problem.BAD_DATE if col.kind == DATE else Problem.BAD_MONTH, col.name, values)
    collector.add(parsed == parsing.IMPOSSIBLE, Problem.IMPOSSIBLE_DATE, col.name, values)
    collector.add(parsed == parsing.FAR, Problem.DATE_OUT_OF_RANGE, col.name, values, low=parsing.YEARS[0], high=parsing.YEARS[1])
    good = parsed[parsed.map(lambda v: not isinstance(v, str))]
    result.loc[good.index] = pd.to_datetime(good.astype(object)).astype("datetime64[ns]")
    return result


def _check_choice(col: Column, values: pd.Series, collector: _Collector) -> pd.Series:
    codes = parsing.enum_codes(values, col.kind)
    unknown = values.notna() & codes.isna()
    for value in values[unknown].unique():
        suggestion = parsing.suggest(value, col.kind)
        code = Problem.BAD_CHOICE_SUGGEST if suggestion else Problem.BAD_CHOICE
        params = {"vocab": col.kind, **({"suggestion": suggestion} if suggestion else {})}
        collector.add(unknown & (values == value), code, col.name, values, **params)
    filled = codes.where(values.notna(), col.default)
    return filled.astype(object).where(filled.notna(), None)


def _within(col: Column, values: pd.Series) -> pd.Series:
    """Which values lie inside the column's declared bounds (missing values do not)."""
    low = -np.inf if col.minimum is None else col.minimum
    high = np.inf if col.maximum is None else col.maximum
    return values.between(low, high)


def _check_coordinates(table: Table, frame: pd.DataFrame, cells: dict, collector: _Collector) -> pd.DataFrame:
    """Swapped columns, then the point inside its columns' bounds (the municipality) after conversion to WGS84."""
    lat_name, lon_name = table.point
    if lat_name not in cells or lon_name not in cells:
        return frame  # the missing column is already reported
    lat_col, lon_col = table.column(lat_name), table.column(lon_name)
    lat, lon = frame[lat_name], frame[lon_name]
    swapped = _within(lon_col, lat) & _within(lat_col, lon)
    collector.add(swapped, Problem.LAT_LOOKS_LIKE_LON, lat_name, cells[lat_name])
    lon_is_lat = ~swapped & lon.between(0, 60) & lat.between(0, 60)
    collector.add(lon_is_lat, Problem.LON_LOOKS_LIKE_LAT, lon_name, cells[lon_name])
    systems = frame[table.datum].fillna(table.column(table.datum).default)
    for system in systems.unique():
        rows = systems == system
        w_lat, w_lon = to_wgs84(lat[rows].to_numpy(), lon[rows].to_numpy(), system)
        frame.loc[rows, lat_name], frame.loc[rows, lon_name] = w_lat, w_lon
    present = lat.notna() & lon.notna() & ~swapped & ~lon_is_lat
    inside = _within(lat_col, frame[lat_name]) & _within(lon_col, frame[lon_name])
    bounds = {"lat_min": lat_col.minimum, "lat_max": lat_col.maximum, "lon_min": lon_col.minimum, "lon_max": lon_col.maximum}
    for row in frame.index[present & ~inside]:
        point = {"lat": cells[lat_name][row], "lon": cells[lon_name][row]}
        collector.add(pd.Series(True, index=[row]), Problem.OUTSIDE_CITY, lat_name, cells[lat_name], **point, **bounds)
    return frame


def _check_duplicates(table: Table, frame: pd.DataFrame, cells: dict, collector: _Collector) -> None:
    """Rows sharing a key: every such row is named with its twins."""
    key = list(table.key)
    present = frame[key].notna().all(axis=1)
    dup = present & frame[key].duplicated(keep=False)
    if not dup.any():
        return
    by = key[0] if len(key) == 1 else key  # a one-element list makes pandas 3 warn about future group keys
    groups = frame[dup].groupby(by, sort=False).groups
    for rows in groups.values():
        rows_text = ", ".join(str(r) for r in rows)
        shown = " / ".join(str(cells[k][rows[0]]) for k in key if k in cells)
        mask = pd.Series(True, index=rows)
        collector.add(mask, Problem.DUPLICATE_KEY, key[0], pd.Series(shown, index=rows), rows=rows_text)
