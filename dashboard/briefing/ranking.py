"""The district ranking (各区县排名): completion of each annual target, satisfaction and its change, ranked.

Districts are ranked by the mean of their target completion rates (named
communities, activities, volunteer hours: those they have a target for), a
number a meeting can check on the table itself. The deck shows it as a native,
editable PowerPoint table; the ZIP ships the same rows as CSV and Excel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from dashboard import config
from dashboard.briefing import wording
from dashboard.briefing.period import Period, named_by_district
from dashboard.dataset import Dataset
from dashboard.figures import queries
from dashboard.i18n import fmt_num, fmt_pct, pd_isna, t

RATES = ("named_rate", "activities_rate", "hours_rate")


@dataclass
class Table:
    """A table slide: header cells, body rows, and which rows are the leader, the last and the deck's own district."""

    header: list[str]
    rows: list[list[str]]
    widths: list[float] = field(default_factory=list)  # relative column widths
    leader: int | None = None
    last: int | None = None
    own: int | None = None


def _satisfaction(ds: Dataset, period: Period) -> tuple[pd.Series, pd.Series]:
    """Each district's mean satisfaction in the city's latest surveyed month to the period's end, and the month before."""
    s = ds.surveys[ds.surveys["period"] <= pd.Timestamp(period.end)]
    if s.empty:
        empty = pd.Series(dtype=float)
        return empty, empty
    district = s["community_id"].map(ds.communities.drop_duplicates("community_id").set_index("community_id")["district"])
    by = s.groupby([district, s["period"]])["satisfaction"].mean()
    month = s["period"].max()
    previous = month - pd.DateOffset(months=1)

    def at(stamp: pd.Timestamp) -> pd.Series:
        return by.xs(stamp, level=1) if stamp in by.index.get_level_values(1) else pd.Series(dtype=float)

    return at(month), at(previous)


def district_ranking(ds: Dataset, period: Period, progress: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per district of the whole city (whatever the deck's scope), best first, with ``rank`` from 1.

    ``progress`` is the city's ``queries.district_progress`` when the caller has it already.
    """
    day = period.end
    progress = queries.district_progress(ds, day) if progress is None else progress
    if progress.empty:
        return progress
    city = Period(None, period.start, period.end)
    frame = progress[["district", "communities", "activities_ytd", "hours_ytd"]].copy()
    frame["named"] = frame["district"].map(named_by_district(ds, city)).fillna(0).astype(int)
    frame["target_named"] = progress["target_named_communities"]
    frame["target_activities"] = progress["target_activities"]
    frame["target_hours"] = progress["target_volunteer_hours"]
    frame["named_rate"] = frame["named"] / frame["target_named"]
    frame["activities_rate"] = frame["activities_ytd"] / frame["target_activities"]
    frame["hours_rate"] = frame["hours_ytd"] / frame["target_hours"]
    now, before = _satisfaction(ds, period)
    frame["satisfaction"] = frame["district"].map(now)
    frame["satisfaction_change"] = frame["satisfaction"] - frame["district"].map(before)
    frame["score"] = frame[list(RATES)].replace([float("inf")], float("nan")).mean(axis=1, skipna=True)
    frame = frame.sort_values(["score", "activities_rate"], ascending=False, na_position="last").reset_index(drop=True)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def _done(done: float, target: float, lang: str, with_target: bool = False, *, large: bool | None = None) -> str:
    """The figure reached ("3,300", "23.4万"; ``large``: in 万 as its column is), or "11 / 14" against its target."""
    shown = wording.number(done, lang, large=large)
    if not with_target or pd_isna(target) or not target:
        return shown
    return f"{shown} / {wording.number(target, lang)}"


def _rate(rate: float, target: float, lang: str) -> str:
    return t("brief.no_target", lang) if pd_isna(target) or not target else fmt_pct(rate, lang)


def _change(value: float, lang: str) -> str:
    """提高0.4 / 下降0.2 / 持平 (up 0.4, down 0.2, level): never a bare + or −."""
    if pd_isna(value):
        return t("brief.no_figure", lang)
    if abs(value) < wording.LEVEL_POINTS:
        return t("brief.table_level", lang)
    return t("brief.table_up" if value > 0 else "brief.table_down", lang, value=fmt_num(abs(value), lang))


def table(frame: pd.DataFrame, lang: str, own: str | None = None) -> Table:
    """The ranking as table cells in ``lang``; the first and last rows marked, and ``own`` district's row found."""
    keys = ("rank", "district", "named", "named_rate", "activities", "activities_rate", "hours", "hours_rate")
    header = [t(f"brief.rank_{key}", lang) for key in (*keys, "satisfaction", "change", "score")]
    rows, last = [], len(frame) - 1
    large = {column: wording.column_is_large(frame[column], lang) for column in ("activities_ytd", "hours_ytd")}
    for i, r in frame.iterrows():
        mark = t("brief.rank_leader", lang) if i == 0 else t("brief.rank_last", lang) if i == last and last > 0 else ""
        rows.append(
            [
                f"{r['rank']}{mark}",
                config.label("districts", r["district"], lang),
                _done(r["named"], r["target_named"], lang, with_target=True),
                _rate(r["named_rate"], r["target_named"], lang),
                _done(r["activities_ytd"], r["target_activities"], lang, large=large["activities_ytd"]),
                _rate(r["activities_rate"], r["target_activities"], lang),
                _done(r["hours_ytd"], r["target_hours"], lang, large=large["hours_ytd"]),
                _rate(r["hours_rate"], r["target_hours"], lang),
                fmt_num(r["satisfaction"], lang),
                _change(r["satisfaction_change"], lang),
                fmt_pct(r["score"], lang),
            ]
        )
    position = frame.index[frame["district"] == own].tolist() if own else []
    widths = [1.3, 1.4, 1.15, 1.0, 1.1, 1.0, 1.2, 1.0, 1.1, 1.15, 1.1]
    leader, last_row = (0 if rows else None), (last if last > 0 else None)
    return Table(header, rows, widths, leader=leader, last=last_row, own=position[0] if position else None)


def data_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The ranking's figures with headings in ``lang``, for the ZIP's CSV and Excel (numbers, not text)."""
    columns = {
        "rank": "rank",
        "district": "district",
        "named": "named",
        "target_named": "target_named",
        "named_rate": "named_rate",
        "activities_ytd": "activities",
        "target_activities": "target_activities",
        "activities_rate": "activities_rate",
        "hours_ytd": "hours",
        "target_hours": "target_hours",
        "hours_rate": "hours_rate",
        "satisfaction": "satisfaction_value",
        "satisfaction_change": "satisfaction_change",
        "score": "score",
    }
    out = frame[list(columns)].assign(district=[config.label("districts", d, lang) for d in frame["district"]])
    return out.rename(columns={k: t(f"brief.col_{v}", lang) for k, v in columns.items()})
