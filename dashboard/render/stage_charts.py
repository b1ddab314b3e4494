"""Charts of the campaign's stages over time: the funnel month by month, time in stage, a profile timeline (the naming
pace is in ``pace_charts``).

Builders in the style of ``charts`` (with ``chart_style``): pure, they take the frames of ``figures.stages`` and
return Altair charts in the reader's language (None when there is nothing to draw). Stage colours are the vocabulary's,
as on the map and the funnel; a date derived from the stored versions is drawn dashed and labelled as derived.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard import config
from dashboard.i18n import fmt_date, fmt_int, t
from dashboard.render import chart_figures
from dashboard.render import chart_style as style
from dashboard.render.bar_labels import INK
from dashboard.render.chart_figures import kept
from dashboard.render.chart_style import GREY, Chart

ACTUAL, PROJECTED = "#08519c", "#6b6b6b"  # the count so far in a dark blue, the projection in grey (dashed)
HEADROOM = 1.4  # the time line's bars reach 1 / 1.4 of its height: its stage names are written above them
STEP_PANEL_WIDTH = 250  # px per step in time in stage, two to a row beside their district or type names


def panel_header() -> alt.Header:
    """A panel's name in the small multiples, dark enough to read (4.5:1 and more)."""
    return alt.Header(labelFontSize=15, labelColor=INK)


def _s(key: str, lang: str, **values: object) -> str:
    return t(f"stage_charts.{key}", lang, **values)


def named_colour() -> str:
    return config.colors("stages").get(config.codes("stages")[-1], GREY)


def short_month(lang: str) -> str:
    """A month within the chart's year (the year is in the title): 3月 / Mar."""
    return "%-m月" if lang == "zh" else "%b"


def funnel_over_time_chart(counts: pd.DataFrame, lang: str) -> Chart | None:
    """Communities at each stage at every month's end, stacked (``stages.stage_counts_by_month``)."""
    if counts.empty or counts["communities"].sum() == 0:
        return None
    codes = style.ordered("stages", [*config.codes("stages"), *counts["stage"]])
    labels = style.labels("stages", codes, lang)
    order = {code: i for i, code in enumerate(codes)}
    frame = counts.assign(stage_label=style.labels("stages", counts["stage"], lang), stage_order=counts["stage"].map(order))
    chart = (
        alt.Chart(frame)
        .mark_area(opacity=0.9, interpolate="step-after")
        .encode(
            style.month_x(lang),
            alt.Y("communities:Q", title=_s("communities", lang), stack="zero", axis=alt.Axis(format=",d", tickMinStep=1)),
            alt.Color("stage_label:N", title=_s("stage", lang), scale=style.scale("stages", codes, lang), sort=labels),
            alt.Order("stage_order:Q"),
            tooltip=[
                style.month_tip(lang),
                alt.Tooltip("stage_label:N", title=_s("stage", lang)),
                alt.Tooltip("communities:Q", title=_s("communities", lang), format=",d"),
            ],
        )
    )
    built = style.finish(chart, alt.Title(_s("funnel_time_title", lang), subtitle=[_s("funnel_time_subtitle", lang)]))
    return kept(built, chart_figures.stages_at_last_month(counts, lang))


def step_label(step: str, lang: str) -> str:
    """ "applied→named" as "申报 → 命名" / "Applied → Named"."""
    first, last = step.split("→")
    return f"{config.label('stages', first, lang)} → {config.label('stages', last, lang)}"


def time_in_stage_chart(summary: pd.DataFrame, by: str, lang: str, steps: list[str]) -> Chart | None:
    """Days each step took per group: the middle half as a bar, 10th–90th percentile as a line, the median marked.

    ``summary`` is ``stages.time_in_stage(ds, by)``; one panel per step, in ``steps``' order.
    """
    if summary.empty:
        return None
    kind = "districts" if by == "district" else "types"
    groups = style.ordered(kind, summary[by])
    labels = style.labels(kind, groups, lang)
    frame = summary.assign(
        group=style.labels(kind, summary[by], lang),
        step_label=[step_label(s, lang) for s in summary["step"]],
        median_text=[_s("days", lang, days=fmt_int(m, lang)) for m in summary["median"]],
    )
    y = alt.Y("group:N", title=None, sort=labels)
    tooltip = [
        alt.Tooltip("group:N", title=_s("district" if by == "district" else "type", lang)),
        alt.Tooltip("step_label:N", title=_s("step", lang)),
        alt.Tooltip("communities:Q", title=_s("communities", lang), format=",d"),
        alt.Tooltip("median:Q", title=_s("median", lang), format=",.0f"),
        alt.Tooltip("p25:Q", title=_s("p25", lang), format=",.0f"),
        alt.Tooltip("p75:Q", title=_s("p75", lang), format=",.0f"),
        alt.Tooltip("p10:Q", title=_s("p10", lang), format=",.0f"),
        alt.Tooltip("p90:Q", title=_s("p90", lang), format=",.0f"),
        alt.Tooltip("derived:Q", title=_s("derived_count", lang), format=",d"),
    ]
    axis = alt.X("p10:Q", title=_s("days_axis", lang), axis=alt.Axis(format=",d"))
    spread = alt.Chart().mark_rule(color=INK, strokeWidth=2).encode(y, axis, alt.X2("p90:Q"), tooltip=tooltip)
    middle = (
        alt.Chart().mark_bar(color="#9ecae1", height={"band": 0.6}).encode(y, alt.X("p25:Q"), alt.X2("p75:Q"), tooltip=tooltip)
    )
    median = alt.Chart().mark_tick(color=ACTUAL, thickness=4, size=22).encode(y, alt.X("median:Q"), tooltip=tooltip)
    text = alt.Chart().mark_text(align="left", dx=8, fontSize=13, color=INK).encode(y, alt.X("p90:Q"), text="median_text:N")
    order = [step_label(s, lang) for s in steps if s in set(summary["step"])]
    chart = (
        alt.layer(spread, middle, median, text, data=frame)
        .properties(width=STEP_PANEL_WIDTH, height=34 * max(len(groups), 2))
        .facet(facet=alt.Facet("step_label:N", title=None, sort=order, header=panel_header()), columns=2)
        .resolve_scale(x="independent")
    )
    title = alt.Title(_s("time_title", lang), subtitle=[_s("time_subtitle", lang)])
    return kept(style.themed(chart.properties(title=title)), chart_figures.slowest(frame, lang))


def profile_timeline_chart(milestones: pd.DataFrame, activities: pd.DataFrame, lang: str) -> Chart | None:
    """One community's stages on the time axis of its activities: a rule per stage date (dashed when derived).

    ``milestones``: stage, date, derived (one row per stage reached with a known date); ``activities``: its rows.
    """
    if milestones.empty and activities.empty:
        return None
    marks = milestones.assign(
        label=[
            _s("with_derived", lang, text=config.label("stages", s, lang)) if d else config.label("stages", s, lang)
            for s, d in zip(milestones["stage"], milestones["derived"], strict=True)
        ],
        when=[fmt_date(d.date(), lang) for d in milestones["date"]],
        line=[4 + 20 * i for i in range(len(milestones))],  # one text line per stage: two stages on one day stay legible
        kind=[_s("derived" if d else "typed", lang) for d in milestones["derived"]],
    )
    monthly = (
        activities.assign(month=activities["date"].dt.to_period("M").dt.to_timestamp())
        .groupby("month")
        .agg(activities=("date", "size"), participants=("participants", "sum"))
        .reset_index()
        if not activities.empty
        else pd.DataFrame({"month": pd.Series([], dtype="datetime64[ns]"), "activities": [], "participants": []})
    )
    x = alt.X(
        "month:T",
        title=None,
        axis=alt.Axis(format=style.month_format(lang), formatType="time", labelAngle=0, labelOverlap="greedy"),
    )
    layers: list[alt.Chart] = []
    if not monthly.empty:
        layers.append(
            alt.Chart(monthly)
            .mark_bar(color="#9ecae1", size=max(4, min(22, 700 // max(len(monthly), 1))))
            .encode(
                x,
                alt.Y(
                    "activities:Q",
                    title=_s("activities_per_month", lang),
                    axis=alt.Axis(format=",d", tickMinStep=1),
                    # headroom above the busiest month for the stage names written at the top, one line a stage
                    scale=alt.Scale(domain=[0, float(monthly["activities"].max()) * HEADROOM], nice=True),
                ),
                tooltip=[
                    style.month_tip(lang),
                    alt.Tooltip("activities:Q", title=_s("activities_per_month", lang), format=",d"),
                    alt.Tooltip("participants:Q", title=_s("participants", lang), format=",d"),
                ],
            )
        )
    if not marks.empty:
        codes = style.ordered("stages", marks["stage"])
        colour = alt.Color("stage_label:N", title=_s("stage", lang), scale=style.scale("stages", codes, lang))
        dash = alt.StrokeDash(
            "kind:N", title=None, scale=alt.Scale(domain=[_s("typed", lang), _s("derived", lang)], range=[[1, 0], [6, 4]])
        )
        base = alt.Chart(marks.assign(stage_label=style.labels("stages", marks["stage"], lang), month=marks["date"]))
        tooltip = [
            alt.Tooltip("stage_label:N", title=_s("stage", lang)),
            alt.Tooltip("when:N", title=_s("date", lang)),
            alt.Tooltip("kind:N", title=" "),
        ]
        layers.append(base.mark_rule(strokeWidth=3).encode(alt.X("month:T"), colour, dash, tooltip=tooltip))
        layers.append(
            base.mark_text(align="left", baseline="top", dx=5, fontSize=14, fontWeight="bold", color=INK).encode(
                alt.X("month:T"), alt.Y("line:Q", scale=None), text="label:N", tooltip=tooltip
            )
        )
    built = style.finish(
        alt.LayerChart(layer=layers), alt.Title(_s("timeline_title", lang), subtitle=[_s("timeline_subtitle", lang)])
    )
    return kept(built, chart_figures.timeline(milestones, activities, lang))
