"""One community's profile: identity, curated notes, activity and survey history."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

import pandas as pd

from dashboard import config
from dashboard.dataset import Dataset

NOTES_FILE = config.DATA_DIR / "community_notes.toml"


@cache
def _notes() -> dict[str, dict[str, str]]:
    if not NOTES_FILE.exists():
        return {}
    return tomllib.loads(NOTES_FILE.read_text(encoding="utf-8"))


def note(community_id: str, field: str, lang: str) -> str | None:
    """A curated detail (party_branch, service_method, story) in ``lang``, where known."""
    entry = _notes().get(community_id, {})
    return entry.get(f"{field}_{lang}") or entry.get(f"{field}_zh")


@dataclass(frozen=True)
class Profile:
    """Everything the profile page shows about one community."""

    community: pd.Series
    activities: pd.DataFrame
    surveys: pd.DataFrame
    district_surveys: pd.DataFrame  # the district's monthly average satisfaction


def find(ds: Dataset, community_id: str | None) -> pd.Series | None:
    """The community row with this id, or None."""
    if not community_id:
        return None
    rows = ds.communities[ds.communities["community_id"] == community_id]
    return None if rows.empty else rows.iloc[0]


def search(ds: Dataset, text: str, limit: int = 20) -> pd.DataFrame:
    """Communities whose Chinese or English name, brand or code contains ``text``."""
    c = ds.communities
    needle = text.strip().casefold()
    if not needle:
        return c.head(0)
    haystack = (
        c["name_zh"].fillna("") + " " + c["name_en"].fillna("") + " " + c["brand_name"].fillna("") + " " + c["community_id"]
    ).str.casefold()
    return c[haystack.str.contains(needle, regex=False)].head(limit)


def build(ds: Dataset, community_id: str) -> Profile | None:
    """The profile of ``community_id`` from the (unfiltered) dataset."""
    row = find(ds, community_id)
    if row is None:
        return None
    acts = ds.activities[ds.activities["community_id"] == community_id].sort_values("date")
    surveys = ds.surveys[ds.surveys["community_id"] == community_id].sort_values("period")
    peers = ds.communities.loc[ds.communities["district"] == row["district"], "community_id"]
    district = ds.surveys[ds.surveys["community_id"].isin(peers)].groupby("period")["satisfaction"].mean()
    return Profile(row, acts, surveys, district.reset_index())
