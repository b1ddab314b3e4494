"""The campaign's headline stage figures as at one day, as plain data (``python -m dashboard figures --json``).

Scripts and other systems read the same numbers as the dashboard: the communities in the campaign on the day,
how many stood at each stage (``stage_dating.as_at``), per district, and the named-communities target of that year.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from dashboard import config
from dashboard.dataset import Dataset
from dashboard.figures import queries, stage_dating
from dashboard.figures.filters import Filters, apply_filters

NAMED = stage_dating.STAGES[-1]  # the last stage: a community with the brand


def _stage_counts(counts: pd.DataFrame) -> dict[str, int]:
    by_stage = counts.groupby("stage")["communities"].sum()
    return {stage: int(by_stage.get(stage, 0)) for stage in stage_dating.STAGES}


def _share(done: int, target: float) -> float | None:
    return round(done / target, 4) if target > 0 else None


def figures_at(ds: Dataset, day: date, district: str | None = None) -> dict:
    """``at``, ``district``, ``communities``, ``stages`` {stage: count}, ``derived`` (counted on a derived date),
    ``named_target`` {year, target, share} and ``by_district`` [{district, communities, stages, named_target}]."""
    scoped = ds if district is None else apply_filters(ds, Filters(districts=(district,)), dates=False)
    counts = queries.funnel(scoped, day)
    dates = stage_dating.stage_dates(scoped)
    on = stage_dating.stage_on(dates, day)
    derived = sum(int((dates.derived[s] & (on == s)).sum()) for s in stage_dating.STAGES)
    rows = []
    for code in [d for d in config.codes("districts") if d in set(counts["district"])]:
        mine = _stage_counts(counts[counts["district"] == code])
        target = queries.target_total(
            replace(scoped, targets=scoped.targets[scoped.targets["district"] == code]), day.year, "named_communities"
        )
        rows.append(
            {
                "district": code,
                "communities": sum(mine.values()),
                "stages": mine,
                "named_target": {
                    "year": day.year,
                    "target": target or None,
                    "share": _share(mine[NAMED], target),
                },
            }
        )
    total = _stage_counts(counts)
    target = queries.target_total(scoped, day.year, "named_communities")
    return {
        "at": day.isoformat(),
        "district": district,
        "communities": sum(total.values()),
        "stages": total,
        "derived": derived,
        "named_target": {"year": day.year, "target": target or None, "share": _share(total[NAMED], target)},
        "by_district": rows,
    }
