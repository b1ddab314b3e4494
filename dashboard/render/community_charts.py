"""One community's charts for its profile: its activities month by month, its satisfaction against its district's.

Builders like those of ``charts`` (with ``chart_style``): pure, a frame in, an Altair chart in the reader's language
out, None when the community has nothing to draw.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.i18n import fmt_int
from dashboard.render import chart_figures
from dashboard.render import chart_style as style
from dashboard.render.chart_figures import kept
from dashboard.render.chart_style import Chart
from dashboard.render.charts import SATISFACTION_COLORS


def community_activity_chart(activities_df: pd.DataFrame, lang: str) -> Chart | None:
    """One community's activities as a timeline: a dot per month and category, sized by how many."""
    if style.empty(activities_df):
        return None
    month = activities_df["date"].dt.to_period("M").dt.to_timestamp()
    grouped = (
        activities_df.assign(month=month)
        .groupby(["month", "category"])
        .agg(activities=("category", "size"), participants=("participants", "sum"), volunteer_hours=("volunteer_hours", "sum"))
    )
    frame = style.labelled(grouped.reset_index(), "category", "categories", lang)
    categories = style.ordered("categories", frame["category"])
    chart = (
        alt.Chart(frame)
        .mark_circle(opacity=0.9)
        .encode(
            x=style.month_x(lang),
            y=alt.Y("category_label:N", title=style.phrase("category", lang), sort=style.labels("categories", categories, lang)),
            size=alt.Size(
                "activities:Q",
                title=style.phrase("activities", lang),
                scale=alt.Scale(range=[80, 900], zero=False),
                legend=alt.Legend(format=",d", tickMinStep=1, tickCount=4),
            ),
            color=alt.Color("category_label:N", scale=style.scale("categories", categories, lang), legend=None),
            tooltip=[
                style.month_tip(lang),
                style.tip("category_label:N", "category", lang),
                style.tip("activities:Q", "activities", lang, ",d"),
                style.tip("participants:Q", "participants", lang, ",d"),
                style.tip("volunteer_hours:Q", "volunteer_hours", lang, ",.1f"),
            ],
        )
    )
    built = style.finish(chart, style.phrase("community_activity_title", lang), style.rows_height(len(categories)))
    return kept(built, chart_figures.community_activities(activities_df, lang))


def community_satisfaction_chart(
    community_surveys: pd.DataFrame, district_avg: pd.DataFrame | float | None, lang: str
) -> Chart | None:
    """One community's satisfaction against its district's average (trend frame, survey rows or a number)."""
    if style.empty(community_surveys):
        return None
    mine = community_surveys.rename(columns={"period": "month", "satisfaction": "value"})
    reference = style.reference_series(district_avg, mine["month"])
    own, avg = style.phrase("satisfaction_this_community", lang), style.phrase("satisfaction_district_average", lang)
    parts = [mine.assign(series=own), *([] if reference is None else [reference.assign(series=avg)])]
    columns = ["month", "value", "series", *(["respondents"] if "respondents" in mine else [])]
    frame = pd.concat(parts, ignore_index=True)[columns]
    tooltip = [
        style.month_tip(lang),
        style.tip("series:N", "satisfaction_series", lang),
        style.tip("value:Q", "satisfaction_axis", lang, ".1f"),
    ]
    if "respondents" in frame:  # blank for a survey without it and for the district's line: "—", never Vega's "0"
        frame = frame.assign(respondents_text=frame["respondents"].map(lambda n: fmt_int(n, lang)))
        tooltip.append(style.tip("respondents_text:N", "satisfaction_respondents", lang))
    chart = (
        alt.Chart(frame)
        .mark_line(strokeWidth=3, point=True)
        .encode(
            x=style.month_x(lang),
            y=alt.Y("value:Q", title=style.phrase("satisfaction_axis", lang), scale=alt.Scale(zero=False)),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=[own, avg], range=[SATISFACTION_COLORS["mean"], SATISFACTION_COLORS["reference"]]),
            ),
            strokeDash=alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=[own, avg], range=[[1, 0], [6, 4]])),
            tooltip=tooltip,
        )
    )
    return kept(
        style.finish(chart, style.phrase("community_satisfaction_title", lang)),
        chart_figures.own_against_district(mine, reference, lang),
    )
