"""Ranked bar charts that read from across a room: target completion against the year elapsed, activities by category.

The pace chart replaced one line per district (seven tangled lines, no labels):
a bar per district of "年度目标完成率", ranked, each with its value written at
its end, and one rule for the share of the year gone, so "behind" is a bar
that stops short of the rule. One district is drawn as a bar per target.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from dashboard import config
from dashboard.dataset import Dataset
from dashboard.figures import queries
from dashboard.i18n import fmt_date, fmt_pct, join_list
from dashboard.render import bar_labels, chart_figures
from dashboard.render import chart_style as style
from dashboard.render.bar_labels import INK
from dashboard.render.chart_style import Chart

AHEAD, BEHIND = "#2166ac", "#d6604d"  # blue and orange-red: told apart with red-green colour blindness
LABEL_SIZE = 15
PACE_METRICS = ("activities", "volunteer_hours", "named_communities")


ACTUAL = {"named_communities": "named", "activities": "activities_ytd", "volunteer_hours": "hours_ytd"}


def completion(progress: pd.DataFrame, metric: str = "activities") -> pd.DataFrame:
    """One row per district with a target for ``metric``: reached so far, target, and their ratio (``rate``), best first.

    ``progress`` is :func:`queries.district_progress` (one pass over the activities for every metric).
    """
    frame = pd.DataFrame(
        {
            "district": progress["district"],
            "actual": progress[ACTUAL[metric]].astype(float),
            "target": progress[f"target_{metric}"].astype(float),
        }
    )
    frame = frame[frame["target"] > 0].assign(rate=lambda f: f["actual"] / f["target"])
    return frame.sort_values(["rate", "district"], ascending=[False, True]).reset_index(drop=True)


def _bars(frame: pd.DataFrame, elapsed: float, lang: str, title: alt.Title) -> Chart:
    """Ranked horizontal bars of ``rate`` with their labels, coloured ahead/behind, and the elapsed-year rule."""
    ahead, behind = style.phrase("pace_ahead", lang), style.phrase("pace_behind", lang)
    on_pace = [r >= elapsed for r in frame["rate"]]  # a rate that cannot be computed (NaN) is not on pace
    frame = frame.assign(
        status=[ahead if on else behind for on in on_pace],
        text=[fmt_pct(r, lang) for r in frame["rate"]],
    )
    top = max(1.0, float(frame["rate"].max()), elapsed) * 1.18
    frame = bar_labels.placed(frame, "rate", [AHEAD if on else BEHIND for on in on_pace], rule=elapsed, top=top)
    y = alt.Y("label:N", title=None, sort=frame["label"].tolist())
    x = alt.X("rate:Q", title=style.phrase("pace_share", lang), axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, top]))
    tooltip = [
        alt.Tooltip("label:N", title=style.phrase("pace_item", lang)),
        alt.Tooltip("actual:Q", title=style.phrase("pace_actual", lang), format=",.0f"),
        alt.Tooltip("target:Q", title=style.phrase("progress_target", lang), format=",.0f"),
        style.tip("rate:Q", "pace_share", lang, ".0%"),
    ]
    base = alt.Chart(frame)
    colour = alt.Color("status:N", title=None, scale=alt.Scale(domain=[ahead, behind], range=[AHEAD, BEHIND]))
    bars = base.mark_bar(height={"band": 0.7}).encode(y, x, colour, tooltip=tooltip)
    values = bar_labels.layers(base, y, x, "text:N", size=LABEL_SIZE, bold=True)
    mark = alt.Chart(pd.DataFrame({"x": [elapsed], "label": [style.phrase("pace_elapsed", lang, share=fmt_pct(elapsed, lang))]}))
    rule = mark.mark_rule(color=INK, strokeDash=[6, 4], strokeWidth=2).encode(x=alt.X("x:Q"))
    rule_label = mark.mark_text(align="right", dx=-5, dy=-4, baseline="bottom", fontSize=LABEL_SIZE, color=INK).encode(
        x=alt.X("x:Q"), y=alt.value(0), text="label:N"
    )
    built = style.finish(alt.LayerChart(layer=[bars, *values, rule, rule_label]), title, style.rows_height(len(frame)))
    return chart_figures.kept(built, chart_figures.pace(on_pace, elapsed, lang))


def pace_chart(
    ds: Dataset, day: date, lang: str, metric: str = "activities", progress: pd.DataFrame | None = None
) -> Chart | None:
    """Each district's share of its annual ``metric`` target reached by ``day``, ranked, against the year elapsed.

    With one district in ``ds``, a bar for each of its targets instead. None when no district has a target.
    ``progress`` (``queries.district_progress(ds, day)``) may be passed when the caller has it already.
    """
    if metric not in PACE_METRICS:
        raise ValueError(f"metric must be one of {PACE_METRICS}, not {metric!r}")
    districts = style.ordered("districts", ds.communities["district"])
    if not districts:
        return None
    progress = queries.district_progress(ds, day) if progress is None else progress
    elapsed = queries.year_fraction(day)
    subtitle = [
        style.phrase("pace_subtitle_bars", lang, day=fmt_date(day, lang)),
        style.phrase("pace_subtitle_rule", lang, share=fmt_pct(elapsed, lang)),
    ]
    if len(districts) == 1:
        rows = [completion(progress, m).assign(label=config.label("metrics", m, lang)) for m in PACE_METRICS]
        frame = pd.concat([r for r in rows if not r.empty], ignore_index=True) if any(not r.empty for r in rows) else None
        heading = style.phrase("pace_title_one", lang, year=day.year)
    else:
        frame = completion(progress, metric)
        frame = frame.assign(label=style.labels("districts", frame["district"], lang))
        missing = [d for d in districts if d not in set(frame["district"])]
        if missing:
            subtitle.append(
                style.phrase("pace_no_target", lang, districts=join_list(style.labels("districts", missing, lang), lang))
            )
        heading = style.phrase("pace_title", lang, metric=config.label("metrics", metric, lang), year=day.year)
    if frame is None or frame.empty:
        return None
    return _bars(frame, elapsed, lang, alt.Title(heading, subtitle=subtitle))


def category_chart(activities: pd.DataFrame, lang: str) -> Chart | None:
    """Activities of the period by category, most first, each bar with its count (and participants in the tooltip)."""
    if activities.empty:
        return None
    grouped = activities.groupby("category").agg(activities=("category", "size"), participants=("participants", "sum"))
    frame = grouped.reset_index().sort_values(["activities", "category"], ascending=[False, True])
    frame = frame.assign(
        label=style.labels("categories", frame["category"], lang), participants=frame["participants"].astype(float)
    )
    colours = style.colors("categories")
    palette = [colours.get(c, "#999999") for c in frame["category"]]
    y = alt.Y("label:N", title=None, sort=frame["label"].tolist())
    x = alt.X("activities:Q", title=style.phrase("activities", lang), axis=alt.Axis(format=",d", tickMinStep=1))
    top = float(frame["activities"].max()) * 1.15
    base = alt.Chart(frame)
    bars = base.mark_bar(height={"band": 0.7}).encode(
        y,
        x.scale(domain=[0, top]),
        color=alt.Color(
            "label:N",
            legend=None,
            scale=alt.Scale(domain=frame["label"].tolist(), range=palette),
        ),
        tooltip=[
            style.tip("label:N", "category", lang),
            style.tip("activities:Q", "activities", lang, ",d"),
            style.tip("participants:Q", "participants", lang, ",d"),
        ],
    )
    values = base.mark_text(align="left", dx=6, fontSize=LABEL_SIZE, fontWeight="bold", color=INK).encode(
        y, x.scale(domain=[0, top]), text=alt.Text("activities:Q", format=",d")
    )
    built = style.finish(
        alt.LayerChart(layer=[bars, values]), style.phrase("category_title", lang), style.rows_height(len(frame))
    )
    first = frame.iloc[0]  # most first
    figure = chart_figures.most(frame["activities"].sum(), "said_activities", first["label"], first["activities"], lang)
    return chart_figures.kept(built, figure)
