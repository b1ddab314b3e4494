"""What a commit would do to the active version: rows added, changed (which fields) and removed, by key."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.schema import TABLES
from dashboard.storage.tables import STORED_COLUMNS


@dataclass(frozen=True)
class Preview:
    """Keys added, changed and removed; ``changed`` lists the fields that differ per key."""

    table: str
    mode: str
    added: pd.DataFrame
    changed: pd.DataFrame  # key columns + "fields" (comma-separated contract names)
    removed: pd.DataFrame
    unchanged: int

    @property
    def summary(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed), "unchanged": self.unchanged}


def _key_text(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
    parts = []
    for name in key:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            col = col.dt.strftime("%Y-%m-%d")
        parts.append(col.astype("string").fillna(""))
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + " / " + part
    return joined


def _isin(values: pd.Series | pd.Index, others: pd.Series | pd.Index) -> np.ndarray:
    """``values.isin(others)`` through Arrow's hash table.

    pandas 3's ``isin`` on Arrow-backed text walks ``others`` in Python: about
    a second per million keys, several times per preview of a large import.
    """
    wanted = pa.array(others, type=pa.string(), from_pandas=True)
    return pc.is_in(pa.array(values, type=pa.string(), from_pandas=True), value_set=wanted).to_numpy(zero_copy_only=False)


def _comparable(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Values as text so that 1 == 1.0 and missing == missing; floats rounded to 6 places."""
    out = pd.DataFrame(index=frame.index)
    for name in columns:
        col = frame[name]
        if pd.api.types.is_float_dtype(col):
            col = col.round(6)
        elif pd.api.types.is_datetime64_any_dtype(col):
            col = col.dt.strftime("%Y-%m-%d")
        out[name] = col.astype("string").fillna("")
    return out


def preview(table: str, active: pd.DataFrame, incoming: pd.DataFrame, mode: str) -> Preview:
    """Compare the file with the active rows as ``store.commit_frame`` would apply it.

    Rows without a key (activities with no activity_id) are always added in
    append mode; in replace mode such a row that the active data holds exactly
    is unchanged, so re-importing the same file shows no change.
    """
    key = TABLES[table].key
    if active.empty:  # a first import: everything is added (and a million rows need no key work for that)
        nothing = pd.DataFrame({**{k: pd.Series(dtype=object) for k in key}, "fields": pd.Series(dtype=object)})
        return Preview(table, mode, incoming, nothing, active, unchanged=0)
    columns = [c for c in STORED_COLUMNS[table] if c not in key]
    keyed, had_key = incoming[key[0]].notna().to_numpy(), active[key[0]].notna().to_numpy()
    new_keys, old_keys = _key_text(incoming, key), _key_text(active, key)
    new_index = pd.Series(incoming.index, index=new_keys)[keyed]
    old_index = pd.Series(active.index, index=old_keys)[had_key]
    common = new_index.index.intersection(old_index.index)
    keyless_new, keyless_old = incoming[~keyed], active[~had_key]
    same_new, same_old = _same_rows(table, keyless_new, keyless_old) if mode == "replace" else (keyless_new.head(0),) * 2
    added = pd.concat([incoming[keyed & ~_isin(new_keys, old_index.index)], keyless_new.drop(same_new.index)])
    if mode == "replace":
        gone = active.loc[old_index[~_isin(old_index.index, new_index.index)].to_numpy()]
        removed = pd.concat([gone, keyless_old.drop(same_old.index)])
    else:
        removed = active.head(0)
    new_vals = _comparable(incoming.loc[new_index[common].to_numpy()], columns).reset_index(drop=True)
    old_vals = _comparable(active.loc[old_index[common].to_numpy()], columns).reset_index(drop=True)
    differs = new_vals.ne(old_vals)
    changed_rows = differs.any(axis=1)
    fields = [", ".join(differs.columns[row]) for row in differs[changed_rows].to_numpy()]
    changed = incoming.loc[new_index[common].to_numpy()][list(key)].reset_index(drop=True)[changed_rows.to_numpy()]
    changed = changed.assign(fields=fields)
    unchanged = int((~changed_rows).sum()) + len(same_new)
    return Preview(table, mode, added, changed.reset_index(drop=True), removed, unchanged=unchanged)


def _same_rows(table: str, new: pd.DataFrame, old: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows without a key that both hold with every value equal, paired one to one (a repeated row pairs as often)."""
    columns = STORED_COLUMNS[table]

    def signed(frame: pd.DataFrame) -> pd.Series:
        text = _comparable(frame, columns).agg("\x1f".join, axis=1) if len(frame) else pd.Series([], dtype=str)
        return text + "\x1e" + text.groupby(text).cumcount().astype(str)

    new_sig, old_sig = signed(new), signed(old)
    return new[_isin(new_sig, old_sig)], old[_isin(old_sig, new_sig)]


def moved_communities(active: pd.DataFrame, incoming: pd.DataFrame, metres: float = 50.0) -> pd.DataFrame:
    """Incoming communities that are new or whose point moved more than ``metres``."""
    merged = incoming.merge(
        active[["community_id", "latitude", "longitude"]], on="community_id", how="left", suffixes=("", "_old")
    )
    shift = ((merged["latitude"] - merged["latitude_old"]) ** 2 + (merged["longitude"] - merged["longitude_old"]) ** 2) ** 0.5
    moved = merged["latitude_old"].isna() | (shift * 111_000 > metres)
    return incoming[moved.to_numpy()]
