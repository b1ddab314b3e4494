"""A table's typed frame as the Arrow table the database stores, and back, column by column.

The contract's kinds map to one Arrow type each: text → string, integer →
int64, number → float64, date and month → date32 (SQLite keeps it as the
ISO text SQLAlchemy's ``Date`` writes, PostgreSQL as ``date``). Reading back
gives exactly the dtypes of ``dataset.typed_frame`` (a test checks), so
nothing downstream sees where the rows came from.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.schema import DATE, INTEGER, MONTH, NUMBER, TABLES

ARROW_TYPES = {INTEGER: pa.int64(), NUMBER: pa.float64(), DATE: pa.date32(), MONTH: pa.date32()}


def arrow_type(table: str, column: str) -> pa.DataType:
    """The Arrow type a stored column is written and read as."""
    return ARROW_TYPES.get(TABLES[table].column(column).kind, pa.string())


def to_arrow(table: str, frame: pd.DataFrame | pa.Table, columns: list[str]) -> pa.Table:
    """``frame``'s ``columns`` as Arrow; missing values (None, NaN, NA, NaT) become nulls.

    An Arrow table (the validator's ``Report.arrow``) only has its columns picked and typed.
    """
    if isinstance(frame, pa.Table):
        return pa.table({name: pc.cast(frame.column(name), arrow_type(table, name)) for name in columns})
    return pa.table({name: _arrow_column(frame[name], arrow_type(table, name)) for name in columns})


def _arrow_column(series: pd.Series, kind: pa.DataType) -> pa.Array | pa.ChunkedArray:
    if pa.types.is_date32(kind):  # datetime64 (a day, or a month's first day): the day, as the old writer stored it
        stamps = pa.array(series, from_pandas=True)
        return pc.cast(stamps, kind, safe=False) if not pa.types.is_date32(stamps.type) else stamps
    return pa.array(series, type=kind, from_pandas=True)


def conform(table: str, data: pa.Table) -> pa.Table:
    """``data`` with each column in the Arrow type the table stores it as, so that parts read apart join.

    SQLite's driver gives dates as ISO text and types a column holding only nulls as integers.
    """
    columns = {}
    for name in data.column_names:
        kind, column = arrow_type(table, name), data.column(name)
        if column.type != kind:
            column = (
                pa.chunked_array([pa.nulls(len(column), kind)]) if column.null_count == len(column) else pc.cast(column, kind)
            )
        columns[name] = column
    return pa.table(columns)


def to_frame(table: str, data: pa.Table) -> pd.DataFrame:
    """Rows read from the database as the contract's typed frame (``dataset.typed_frame``'s dtypes)."""
    contract = TABLES[table]
    columns = {
        name: _typed_column(contract.column(name).kind, data.column(name), unique=contract.column(name).unique)
        for name in data.column_names
    }
    return pd.DataFrame(columns, index=pd.RangeIndex(data.num_rows))


def _typed_column(kind: str, column: pa.ChunkedArray, *, unique: bool) -> pd.Series:
    """One column in the contract's dtype: Int64, float64, datetime64[ns] or object text (None where missing)."""
    if kind == INTEGER:
        values = pc.cast(column, pa.int64())
        numbers = pc.fill_null(values, 0).to_numpy()
        missing = values.is_null().to_numpy(zero_copy_only=False)
        return pd.Series(pd.arrays.IntegerArray(numbers.astype("int64", copy=False), missing))
    if kind == NUMBER:
        return pd.Series(pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False), dtype="float64")
    if kind in (DATE, MONTH):  # ISO text from SQLite, date32 from PostgreSQL
        if column.null_count == len(column):  # SQLite's driver types a column of nulls only as int64
            column = pa.chunked_array([pa.nulls(len(column), pa.date32())])
        days = pc.cast(column, pa.date32()) if not pa.types.is_date32(column.type) else column
        stamps = pc.cast(days, pa.timestamp("ns"))
        return pd.Series(stamps.to_numpy(zero_copy_only=False), dtype="datetime64[ns]")
    return pd.Series(_text_objects(pc.cast(column, pa.string()), unique=unique), dtype=object)


def _text_objects(column: pa.ChunkedArray, *, unique: bool) -> np.ndarray:
    """Text as Python strings, one object per distinct value (None where missing).

    A million activities name a few thousand communities, ten categories and a
    dozen titles: one str object per distinct text instead of one per cell
    keeps about 200 MB out of the server's memory at that size. Columns whose
    values are unique (activity_id) are converted as they are.
    """
    if unique:
        return column.to_numpy(zero_copy_only=False)
    encoded = column.combine_chunks().dictionary_encode()
    words = np.append(encoded.dictionary.to_numpy(zero_copy_only=False).astype(object), [None])
    codes = pc.fill_null(encoded.indices, len(words) - 1).to_numpy()  # missing → the trailing None
    return words[codes]
