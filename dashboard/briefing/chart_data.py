"""The rows behind each chart slide, with headings in the deck's language: the ZIP ships them as CSV and Excel.

Like Metabase's and Superset's exports, a picture comes with its numbers, so
an office can check a bar or redraw it in its own template.
"""

from __future__ import annotations

import pandas as pd

from dashboard import config
from dashboard.briefing.period import Period
from dashboard.dataset import Dataset
from dashboard.figures import queries
from dashboard.i18n import t
from dashboard.render import bars
from dashboard.render.bars import PACE_METRICS


def _col(key: str, lang: str) -> str:
    return t(f"brief.col_{key}", lang)


def _labels(kind: str, codes: pd.Series, lang: str) -> list[str]:
    return [config.label(kind, c, lang) for c in codes]


def map_data(scoped: Dataset, period: Period, lang: str) -> pd.DataFrame:
    """Communities and named ones per district (the city) or per 街道 (a district; blank 街道 as "—")."""
    c = scoped.communities
    if period.district is None:
        key, heading = c["district"], _col("district", lang)
    else:
        key, heading = c["subdistrict"].astype(object).where(c["subdistrict"].notna(), "—"), _col("subdistrict", lang)
    grouped = (
        pd.DataFrame({"key": key, "named": c["stage"] == "named"}).groupby("key").agg(n=("named", "size"), named=("named", "sum"))
    )
    grouped = grouped.reset_index().sort_values("n", ascending=False)
    if period.district is None:
        grouped["key"] = _labels("districts", grouped["key"], lang)
    return pd.DataFrame(
        {
            heading: grouped["key"],
            _col("communities", lang): grouped["n"].astype(int),
            _col("named", lang): grouped["named"].astype(int),
        }
    ).reset_index(drop=True)


def stage_data(stages: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            _col("district", lang): _labels("districts", stages["district"], lang),
            _col("stage", lang): _labels("stages", stages["stage"], lang),
            _col("communities", lang): stages["communities"].astype(int).to_numpy(),
        }
    )


def pace_data(progress: pd.DataFrame, period: Period, lang: str) -> pd.DataFrame:
    """Each district's completion of each target to the period's end (``progress``: the facts'), and the year gone."""
    rows = []
    for metric in PACE_METRICS:
        frame = bars.completion(progress, metric)
        for _, r in frame.iterrows():
            rows.append(
                {
                    _col("district", lang): config.label("districts", r["district"], lang),
                    _col("metric", lang): config.label("metrics", metric, lang),
                    _col("done", lang): r["actual"],
                    _col("target", lang): r["target"],
                    _col("rate", lang): round(float(r["rate"]), 4),
                    _col("elapsed", lang): round(queries.year_fraction(period.end), 4),
                }
            )
    return pd.DataFrame(rows)


def category_data(activities: pd.DataFrame, lang: str) -> pd.DataFrame:
    grouped = activities.groupby("category").agg(
        n=("category", "size"), participants=("participants", "sum"), hours=("volunteer_hours", "sum")
    )
    grouped = grouped.reset_index().sort_values("n", ascending=False)
    return pd.DataFrame(
        {
            _col("category", lang): _labels("categories", grouped["category"], lang),
            _col("activities", lang): grouped["n"].astype(int).to_numpy(),
            _col("participants", lang): grouped["participants"].astype(int).to_numpy(),
            _col("hours", lang): grouped["hours"].astype(float).round(1).to_numpy(),
        }
    )


def trend_data(trend: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            _col("month", lang): trend["month"].dt.strftime("%Y-%m"),
            _col("satisfaction_mean", lang): trend["mean"].round(2),
            "P10": trend["p10"].round(2),
            "P25": trend["p25"].round(2),
            "P75": trend["p75"].round(2),
            "P90": trend["p90"].round(2),
            _col("communities", lang): trend["communities"].astype(int),
        }
    )
