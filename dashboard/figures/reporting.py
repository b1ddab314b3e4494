"""Reporting status: for each district, the last upload of each table and by whom, and the communities gone quiet.

District offices and the city chase reports with it. "Quiet" is a community
with no activity recorded in the last full calendar month before ``today``.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from dashboard import config
from dashboard.dataset import Dataset
from dashboard.schema import TABLES


def last_full_month(today: date) -> tuple[date, date]:
    """The first day of the month before ``today``'s and the first day of ``today``'s (the end, excluded)."""
    end = today.replace(day=1)
    return (end - timedelta(days=1)).replace(day=1), end


def status(uploads: list[dict], ds: Dataset, today: date) -> pd.DataFrame:
    """One row per district (the vocabulary's order): communities, quiet ones, and each table's last upload.

    Columns: district, communities, quiet, and ``<table>_at`` (ISO time or None) and ``<table>_by`` for each table.
    """
    start, end = last_full_month(today)
    days = ds.activities["date"]
    active_ids = set(ds.activities.loc[(days >= pd.Timestamp(start)) & (days < pd.Timestamp(end)), "community_id"])
    communities = ds.communities
    rows = []
    for district in config.codes("districts"):
        mine = communities[communities["district"] == district]
        row: dict = {"district": district, "communities": len(mine), "quiet": int((~mine["community_id"].isin(active_ids)).sum())}
        for table in TABLES:
            last = next((u for u in uploads if u["table"] == table and u["district"] == district), None)
            row[f"{table}_at"], row[f"{table}_by"] = (last["created_at"], last["user"]) if last else (None, None)
        rows.append(row)
    return pd.DataFrame(rows)


def quiet(ds: Dataset, today: date) -> pd.DataFrame:
    """The quiet communities (no activity in the last full month): id, names, district and their last activity, if any."""
    start, end = last_full_month(today)
    acts = ds.activities
    in_month = (acts["date"] >= pd.Timestamp(start)) & (acts["date"] < pd.Timestamp(end))
    communities = ds.communities[~ds.communities["community_id"].isin(set(acts.loc[in_month, "community_id"]))]
    last = acts.groupby("community_id")["date"].max()
    frame = communities[["community_id", "name_zh", "name_en", "district"]].copy()
    # reindex, not map: Series.map with an empty mapper casts it to float64, which dates refuse (no activities at all)
    frame["last_activity"] = last.reindex(frame["community_id"]).to_numpy()
    order = {code: i for i, code in enumerate(config.codes("districts"))}
    return frame.sort_values(["district", "community_id"], key=lambda c: c.map(order) if c.name == "district" else c)
