"""When each community first reached each stage, read from the stored versions: the source of derived stage dates.

Staff need not type a stage date: where one is missing, the dashboard takes the time of the first stored version
of the communities table in which the community had reached that stage (or a later one: a community first
imported at ``named`` had applied, built and been assessed by then). A row of the history is part of every version
from ``vfrom`` until it is superseded, so the first version holding a community at a stage or beyond is the smallest
``vfrom`` of its rows at those stages. The time is read as a day on the campaign's clock (``config.CAMPAIGN_TZ``).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection

from dashboard import config

STAGES = tuple(config.codes("stages"))


def empty() -> pd.DataFrame:
    """No history: one column per stage, no community."""
    columns = {"community_id": pd.Series([], dtype=object)}
    columns |= {stage: pd.Series([], dtype="datetime64[ns]") for stage in STAGES}
    return pd.DataFrame(columns)


def reached(conn: Connection, upto: int) -> pd.DataFrame:
    """Per community of the history up to version ``upto``: the day it was first stored at each stage or beyond.

    One column per stage (``datetime64[ns]`` days, NaT where the community never reached it), in the stages' order.
    """
    rows = conn.execute(
        text(
            "SELECT c.community_id, c.stage, v.created_at FROM "
            "(SELECT community_id, stage, min(vfrom) AS first FROM communities WHERE vfrom <= :upto "
            "GROUP BY community_id, stage) c "
            "JOIN dataset_versions v ON v.table_name = 'communities' AND v.version = c.first"
        ),
        {"upto": int(upto)},
    ).all()
    if not rows:
        return empty()
    # plain tuples: from SQLAlchemy's rows pandas probed each row for attributes it lacks (half the function's time)
    frame = pd.DataFrame([tuple(row) for row in rows], columns=["community_id", "stage", "created_at"])
    frame["day"] = _campaign_days(frame["created_at"])
    rank = frame["stage"].map({stage: i for i, stage in enumerate(STAGES)})
    out = pd.DataFrame({"community_id": sorted(frame["community_id"].unique())})
    for i, stage in enumerate(STAGES):
        first = frame[rank >= i].groupby("community_id")["day"].min()
        out[stage] = pd.Series(first.reindex(out["community_id"]).to_numpy(), dtype="datetime64[ns]")
    return out


def _campaign_days(times: pd.Series) -> pd.Series:
    """Stored times (UTC; SQLite may hand back text) as the day they fell on in Xining."""
    stamps = pd.to_datetime(times, utc=True, format="mixed")
    return stamps.dt.tz_convert(config.CAMPAIGN_TZ).dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")
