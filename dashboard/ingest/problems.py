"""Problems found in staff files, kept as codes so each reader gets their language.

Every code is a member of ``Problem`` (like pandera's ``SchemaErrorReason``); its
value is the ``"code"`` of the JSON reports and names the message
``validation.<code>`` in both languages (a test checks both ways).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from dashboard import config
from dashboard.i18n import fmt_date, fmt_int, fmt_num, join_list, t
from dashboard.schema import TABLES
from dashboard.scope import Scope


class Problem(StrEnum):
    """What can be wrong with a staff file; the value is the code reports and messages use."""

    # the file as a whole
    FILE_EMPTY = "file_empty"
    FILE_NO_ROWS = "file_no_rows"
    FILE_NOT_TABLE = "file_not_table"
    FILE_OLD_EXCEL = "file_old_excel"
    FILE_UNREADABLE = "file_unreadable"
    FILE_TOO_LARGE = "file_too_large"  # over DASHBOARD_UPLOAD_LIMIT_MB: refused before it is read (the command line)
    # limits checked before the file is parsed (ingest.limits)
    TOO_MANY_ROWS = "too_many_rows"
    TOO_MANY_COLUMNS = "too_many_columns"
    CELL_TOO_LONG = "cell_too_long"
    XLSX_TOO_LARGE = "xlsx_too_large"
    XLSX_BOMB = "xlsx_bomb"
    XLSX_ENTITIES = "xlsx_entities"
    TABLE_UNKNOWN = "table_unknown"
    TABLE_WRONG_NAME = "table_wrong_name"
    # the header row
    MISSING_COLUMN = "missing_column"
    UNKNOWN_COLUMN = "unknown_column"  # a warning: the column is ignored
    OTHER_SHEETS = "other_sheets"  # a warning: a workbook's other sheets are not read
    DUPLICATE_COLUMN = "duplicate_column"
    BLANK_HEADER = "blank_header"
    # cells
    REQUIRED = "required"
    NOT_INTEGER = "not_integer"
    NOT_NUMBER = "not_number"
    BELOW_MINIMUM = "below_minimum"
    ABOVE_MAXIMUM = "above_maximum"
    LAT_LOOKS_LIKE_LON = "lat_looks_like_lon"
    LON_LOOKS_LIKE_LAT = "lon_looks_like_lat"
    OUTSIDE_CITY = "outside_city"
    BAD_CHOICE = "bad_choice"
    BAD_CHOICE_SUGGEST = "bad_choice_suggest"
    BAD_DATE = "bad_date"
    IMPOSSIBLE_DATE = "impossible_date"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    BAD_MONTH = "bad_month"
    # stage dates (ingest.stage_dates)
    STAGE_DATE_FUTURE = "stage_date_future"
    STAGE_DATES_ORDER = "stage_dates_order"
    STAGE_DATE_BEYOND_STAGE = "stage_date_beyond_stage"
    # rows together, and other tables
    DUPLICATE_KEY = "duplicate_key"
    UNKNOWN_COMMUNITY = "unknown_community"
    # the account's districts (ingest.scoping)
    OUT_OF_SCOPE_COMMUNITY = "out_of_scope_community"
    OUT_OF_SCOPE_MOVE = "out_of_scope_move"  # one of the account's communities named as another district's
    OUT_OF_SCOPE_ACTIVITY = "out_of_scope_activity"
    OUT_OF_SCOPE_TARGET = "out_of_scope_target"


@dataclass(frozen=True)
class Issue:
    """One problem in one place of a file (row and column may be unknown)."""

    code: Problem
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict = field(default_factory=dict, hash=False)

    def message(self, lang: str) -> str:
        """The full sentence: where, what is wrong and what to do."""
        params = _localised(self.params, lang)
        body = t(f"validation.{self.code}", lang, value=self.value or "", column=self.column or "", **params)
        if self.row is not None and self.column:
            where = t("validation.where_row_column", lang, row=self.row, column=self.column)
        elif self.row is not None:
            where = t("validation.where_row", lang, row=self.row)
        elif self.column:
            where = t("validation.where_column", lang, column=self.column)
        else:
            return body
        return where + body

    def as_dict(self, lang: str) -> dict:
        """The JSON form of the command line and downloadable reports."""
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "code": self.code.value,
            "message": self.message(lang),
        }


def _localised(params: dict, lang: str) -> dict:
    """Fill in the parts of a message that depend on the reader's language."""
    out = dict(params)
    vocab = out.pop("vocab", None)
    if vocab:
        out["kind"] = t(f"validation.kind_{vocab}", lang)
        out["choices"] = join_list(config.labels(vocab, lang), lang)
        if out.get("suggestion"):
            out["suggestion"] = config.label(config.ENUM_VOCAB[vocab], out["suggestion"], lang)
    columns_of = out.pop("columns_of", None)
    if columns_of:  # Chinese readers get the Chinese headers they would type
        names = [c.header(lang) for c in TABLES[columns_of].columns]
        out["choices"] = join_list(names, lang)
    if "table" in out:
        out["table"] = t(f"validation.table_{out['table']}", lang)
    for key in FIGURES.intersection(out):  # numbers in messages go through the one null-safe path
        out[key] = _megabytes(out[key], lang) if key in ("size_mb", "limit_mb") else _figure(key, out[key], lang)
    for stage in ("current_stage", "date_stage"):  # stage codes of the stage-date rules
        if stage in out:
            out[stage] = config.label("stages", out[stage], lang)
    if "today" in out:
        out["today"] = fmt_date(date.fromisoformat(out["today"]), lang)
    if "district" in out:  # where a row belongs (None: its community is no longer in the data)
        out["district"] = (
            config.label("districts", out["district"], lang) if out["district"] else t("scope.district_unknown", lang)
        )
    if "scope" in out:
        out["scope"] = Scope.stored(out["scope"]).label(lang)
    if "sheets" in out:  # names of a workbook's sheets, each in the curly quotes both languages' messages use
        out["sheets"] = join_list([f"“{name}”" for name in out["sheets"]], lang)
    return out


FIGURES = frozenset({"found", "limit", "size_mb", "limit_mb", "ratio"})  # message parameters that are numbers


def _megabytes(value: float, lang: str) -> str:
    """Whole megabytes as whole numbers, others to one decimal (a 50.4 MB file is not "50 MB" against a 50 MB limit)."""
    whole = isinstance(value, int | float) and float(value).is_integer()
    return fmt_num(value, lang, digits=0 if whole else 1)


def _figure(key: str, value: float, lang: str) -> str:
    return fmt_num(value, lang, digits=0) if key == "ratio" else fmt_int(value, lang)


class FileProblem(Exception):
    """The file as a whole cannot be read as a table."""

    def __init__(self, code: Problem, **params: object) -> None:
        super().__init__(code)
        self.issue = Issue(code, params=params)
