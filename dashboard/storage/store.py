"""Versioned storage of the four tables: the one interface the rest of the dashboard uses.

Every table keeps its whole history: an import or a restore adds a version,
never changes one, and the newest version is the active one (``history``
says which rows make up each). The work is in modules of one concern each:

- ``commit``: validated frames become new versions, all or nothing, under the write lock;
- ``restore``: an earlier version becomes active again, as a new version;
- ``loading``: a table's rows, or every table's active rows as a ``Dataset``;
- ``history``: the version list, the data-version token for caches, spans;
- ``lookups``: small queries of the active rows (community codes and districts).

Callers import this module only, so those modules can change without them.
"""

from __future__ import annotations

from dashboard.storage.commit import (
    MODES,
    Commit,
    OutOfScope,
    UnknownCommunities,
    VersionConflict,
    commit_frame,
    commit_frames,
)
from dashboard.storage.history import ImportMeta, Span, data_version, last_import, latest_version, list_versions
from dashboard.storage.loading import load_dataset, load_table
from dashboard.storage.lookups import activity_communities, community_districts, community_ids
from dashboard.storage.restore import restore

__all__ = [
    "MODES",
    "Commit",
    "ImportMeta",
    "OutOfScope",
    "Span",
    "UnknownCommunities",
    "VersionConflict",
    "activity_communities",
    "commit_frame",
    "commit_frames",
    "community_districts",
    "community_ids",
    "data_version",
    "last_import",
    "latest_version",
    "list_versions",
    "load_dataset",
    "load_table",
    "restore",
]
