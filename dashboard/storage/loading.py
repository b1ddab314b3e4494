"""Reading versions back: a table's rows, or every table's active rows as one ``Dataset``.

A read fetches a version's rows straight into Arrow through ADBC (``bulk``),
a large span in two halves at once (``split_read``), before typing them
column by column (``arrow_frames``).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from sqlalchemy.engine import Engine

from dashboard.dataset import Dataset
from dashboard.schema import TABLES
from dashboard.storage import arrow_frames, bulk, history, milestones, split_read
from dashboard.storage.bulk import BulkConnection
from dashboard.storage.history import Span
from dashboard.storage.tables import STORED_COLUMNS


def load_table(engine: Engine, table: str, version: int | None = None) -> pd.DataFrame:
    """The rows of a table's active version (or of ``version``), typed per the contract."""
    with engine.connect() as conn:
        span = history.span(conn, table, version)
    with bulk.connect(engine) as reader:
        return _load(engine, reader, table, span)


def _load(engine: Engine, conn: BulkConnection, table: str, span: Span, columns: list[str] | None = None) -> pd.DataFrame:
    """A span's rows in insertion order, read into Arrow and typed column by column.

    Rows of versions from ``base`` on are stored after every older row (row
    ids grow and writers take turns), so the query walks the primary key from
    the base's first row: in order, without a sort, and past the history.
    Committed versions never change, so any connection reads the same rows (a large span is read in two halves at
    once, ``split_read``). ``conn`` reads outside any write transaction. ``columns``: all stored unless given.
    """
    columns = columns or STORED_COLUMNS[table]
    first = None
    if span.version > 0:
        first = conn.execute(
            f"SELECT row_id FROM {table} WHERE vfrom >= :base ORDER BY vfrom, row_id LIMIT 1",  # noqa: S608
            {"base": span.base},
        ).scalar()
    if first is None:
        empty = pa.table({name: pa.array([], arrow_frames.arrow_type(table, name)) for name in columns})
        return arrow_frames.to_frame(table, empty)
    where = span.where().replace("vfrom BETWEEN", "+vfrom BETWEEN", 1)  # "+": walk row_id, not the vfrom index
    select = f"SELECT {', '.join(columns)} FROM {table} WHERE {where} AND row_id >= {{}} AND row_id < {{}} ORDER BY row_id"  # noqa: S608
    last = int(conn.execute(f"SELECT MAX(row_id) FROM {table}").scalar()) + 1  # noqa: S608
    return arrow_frames.to_frame(table, split_read.read(engine, conn, table, select, (int(first), last)))


def load_dataset(engine: Engine) -> Dataset:
    """The active version of every table (the columns pages read: ``Table.dataset_names``), with its data version.

    The spans and the token come from one read of the history, so the frames
    match the token even when an import commits while they load.
    """
    with engine.connect() as conn:
        spans, token = history.active_spans(conn)
        reached = milestones.reached(conn, spans["communities"].version)  # for derived stage dates
    with bulk.connect(engine) as reader:
        frames = {name: _load(engine, reader, name, spans[name], TABLES[name].dataset_names) for name in TABLES}
    return Dataset(**frames, version=token, reached=reached)
