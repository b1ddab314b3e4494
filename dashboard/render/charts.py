"""The campaign's charts: pure builders that return Altair charts in the reader's language.

Pages render them with ``st.altair_chart``; ``dashboard.render.chart_export`` turns them
into PNG, SVG and CSV. Codes are shown as labels in ``lang``, each in its colour
from ``config.colors`` (``chart_style``: the same in both languages and on the
map legend). A builder returns None when there is nothing to draw, so the
page shows a message instead of an empty frame.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from dashboard import config
from dashboard.i18n import fmt_int, fmt_pct, unknown
from dashboard.render import bar_labels, chart_figures
from dashboard.render import chart_style as style
from dashboard.render.bar_labels import INK
from dashboard.render.chart_figures import kept
from dashboard.render.chart_style import GREY, Chart
from dashboard.render.map_legend import progress_color

# Satisfaction has no codes: a sequential blue for the mean and its spread, grey for the reference.
SATISFACTION_COLORS = {"mean": "#08519c", "band50": "#9ecae1", "band80": "#deebf7", "reference": INK}
MONTHLY_MEASURES = ("participants", "volunteer_hours", "activities")
PROGRESS_MEASURES = ("named_share", "progress")


def funnel_chart(funnel_df: pd.DataFrame, lang: str, subtitle: str | None = None) -> Chart | None:
    """Where each district's communities stand on the way to the brand (``queries.funnel``); ``subtitle``: as at when."""
    if style.empty(funnel_df) or funnel_df["communities"].sum() == 0:
        return None
    stages = style.ordered("stages", [*config.codes("stages"), *funnel_df["stage"]])
    districts = style.ordered("districts", funnel_df["district"])
    total = funnel_df.groupby("district")["communities"].transform("sum")
    frame = style.labelled(style.labelled(funnel_df, "district", "districts", lang), "stage", "stages", lang)
    frame = frame.assign(share=(frame["communities"] / total).fillna(0.0))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(
                "district_label:N",
                title=style.phrase("district", lang),
                sort=style.labels("districts", districts, lang),
                axis=alt.Axis(labelOverlap=False),
            ),
            x=alt.X(
                "communities:Q", title=style.phrase("communities", lang), stack="zero", axis=alt.Axis(format=",d", tickMinStep=1)
            ),
            color=alt.Color("stage_label:N", title=style.phrase("stage", lang), scale=style.scale("stages", stages, lang)),
            order=alt.Order("stage_order:Q"),
            tooltip=[
                style.tip("district_label:N", "district", lang),
                style.tip("stage_label:N", "stage", lang),
                style.tip("communities:Q", "communities", lang, ",d"),
                style.tip("share:Q", "share_of_district", lang, ".0%"),
            ],
        )
    )
    title = (
        style.phrase("funnel_title", lang)
        if subtitle is None
        else alt.Title(style.phrase("funnel_title", lang), subtitle=[subtitle])
    )
    return kept(style.finish(chart, title, style.rows_height(len(districts))), chart_figures.funnel(funnel_df, lang))


def monthly_chart(monthly_df: pd.DataFrame, lang: str, measure: str = "participants") -> Chart | None:
    """What each month brought, split by activity category (``queries.monthly_activity``)."""
    if measure not in MONTHLY_MEASURES:
        raise ValueError(f"measure must be one of {MONTHLY_MEASURES}, not {measure!r}")
    if style.empty(monthly_df):
        return None
    categories = style.ordered("categories", monthly_df["category"])
    title = style.phrase(measure, lang)
    chart = (
        alt.Chart(style.labelled(monthly_df, "category", "categories", lang))
        .mark_bar()
        .encode(
            x=style.month_x(lang, bars=True),
            y=alt.Y(f"sum({measure}):Q", title=title, stack="zero", axis=alt.Axis(format=",~f")),
            color=alt.Color(
                "category_label:N", title=style.phrase("category", lang), scale=style.scale("categories", categories, lang)
            ),
            order=alt.Order("category_order:Q"),
            tooltip=[
                style.month_tip(lang),
                style.tip("category_label:N", "category", lang),
                style.tip(f"sum({measure}):Q", measure, lang, ",.1f" if measure == "volunteer_hours" else ",d"),
            ],
        )
    )
    return kept(
        style.finish(chart, style.phrase("monthly_title", lang, measure=title)), chart_figures.monthly(monthly_df, measure, lang)
    )


def satisfaction_chart(trend_df: pd.DataFrame, lang: str, district_average: pd.DataFrame | float | None = None) -> Chart | None:
    """The mean satisfaction with how far communities spread around it (``queries.satisfaction_trend``).

    ``district_average`` (a trend frame, raw survey rows or a number) is drawn as a dashed reference line.
    """
    if style.empty(trend_df):
        return None
    reference = style.reference_series(district_average, trend_df["month"])
    keys = ["mean", "band50", "band80", *(["reference"] if reference is not None else [])]
    names = {
        "mean": "satisfaction_mean",
        "band50": "satisfaction_band50",
        "band80": "satisfaction_band80",
        "reference": "satisfaction_district_average",
    }
    scale = alt.Scale(domain=[style.phrase(names[k], lang) for k in keys], range=[SATISFACTION_COLORS[k] for k in keys])

    def series(chart: alt.Chart, key: str) -> alt.Chart:
        """A layer drawn as the legend entry ``key`` (one colour scale shared by every layer)."""
        label = json.dumps(style.phrase(names[key], lang))
        return chart.transform_calculate(series=label).encode(color=alt.Color("series:N", scale=scale, title=None))

    x, base = style.month_x(lang), alt.Chart(trend_df)
    y = alt.Y("p10:Q", title=style.phrase("satisfaction_axis", lang), scale=alt.Scale(zero=False))
    layers = [
        series(base.mark_area().encode(x, y, alt.Y2("p90:Q")), "band80"),
        series(base.mark_area().encode(x, alt.Y("p25:Q"), alt.Y2("p75:Q")), "band50"),
        series(base.mark_line(strokeWidth=3, point=True).encode(x, alt.Y("mean:Q")), "mean"),
    ]
    if reference is not None:
        layers.append(
            series(
                alt.Chart(reference)
                .mark_line(strokeWidth=2, strokeDash=[6, 4])
                .encode(
                    x,
                    alt.Y("value:Q"),
                    tooltip=[style.month_tip(lang), style.tip("value:Q", "satisfaction_district_average", lang, ".1f")],
                ),
                "reference",
            )
        )
    spread = [alt.Tooltip(f"{k}:Q", title=k.upper(), format=".1f") for k in ("p10", "p25", "p75", "p90")]
    hover = base.mark_circle(size=120, opacity=0).encode(
        x,
        alt.Y("mean:Q"),
        tooltip=[
            style.month_tip(lang),
            style.tip("mean:Q", "satisfaction_mean", lang, ".1f"),
            *spread,
            style.tip("communities:Q", "communities", lang, ",d"),
        ],
    )
    built = style.finish(alt.LayerChart(layer=[*layers, hover]), style.phrase("satisfaction_title", lang))
    return kept(built, chart_figures.satisfaction(trend_df, lang))


def district_progress_chart(progress_df: pd.DataFrame, lang: str, measure: str = "named_share") -> Chart | None:
    """Each district's share of its named target (or mean stage progress), the target marked at 100 %.

    Progress bars take the map's progress colours; named shares the "named" stage colour.
    """
    if measure not in PROGRESS_MEASURES:
        raise ValueError(f"measure must be one of {PROGRESS_MEASURES}, not {measure!r}")
    if style.empty(progress_df):
        return None
    frame = style.labelled(progress_df, "district", "districts", lang)
    target = frame["target_named_communities"]
    # A district without a target, or with a target of 0, keeps its row: an empty bar and the reason in words.
    why = [unknown("zero_target" if tg == 0 else "no_target", lang) for tg in target]
    frame = frame.assign(
        colour=frame[measure].map(progress_color) if measure == "progress" else config.colors("stages").get("named", GREY),
        text=[
            (f"{fmt_int(n, lang)} / {fmt_int(tg, lang, missing=w)}" if measure == "named_share" else fmt_pct(p, lang))
            for n, tg, p, w in zip(frame["named"], target, frame["progress"], why, strict=True)
        ],
        target_text=[fmt_int(tg, lang, missing=w) for tg, w in zip(target, why, strict=True)],
        share_text=[fmt_pct(v, lang, missing=w) for v, w in zip(frame["named_share"], why, strict=True)],
        progress_text=frame["progress"].map(lambda p: fmt_pct(p, lang)),
        **{measure: frame[measure].fillna(0.0)},
    )
    districts = style.ordered("districts", frame["district"])
    top = max(1.0, float(frame[measure].max())) * 1.15
    frame = bar_labels.placed(frame, measure, frame["colour"].tolist(), rule=1.0, top=top)
    y = alt.Y("district_label:N", title=style.phrase("district", lang), sort=style.labels("districts", districts, lang))
    x = alt.X(
        f"{measure}:Q",
        title=style.phrase(f"progress_{measure}", lang),
        axis=alt.Axis(format=".0%"),
        scale=alt.Scale(domain=[0, top]),
    )
    tooltip = [
        style.tip("district_label:N", "district", lang),
        style.tip("communities:Q", "communities", lang, ",d"),
        style.tip("named:Q", "named", lang, ",d"),
        style.tip("target_text:N", "progress_target", lang),
        style.tip("share_text:N", "progress_named_share", lang),
        style.tip("progress_text:N", "progress_progress", lang),
    ]
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(y, x, color=alt.Color("colour:N", scale=None), tooltip=tooltip)
    labels = bar_labels.layers(base, y, x, "text:N", size=14)
    mark = alt.Chart(pd.DataFrame({"x": [1.0], "label": [style.phrase(f"progress_mark_{measure}", lang)]}))
    rule = mark.mark_rule(color=INK, strokeDash=[6, 4], strokeWidth=2).encode(x=alt.X("x:Q"))
    rule_label = mark.mark_text(align="left", dx=4, dy=-6, baseline="bottom", fontSize=14, color=INK).encode(
        x=alt.X("x:Q"), y=alt.value(0), text="label:N"
    )
    chart = alt.LayerChart(layer=[bars, *labels, rule, rule_label])
    built = style.finish(chart, style.phrase(f"progress_title_{measure}", lang), style.rows_height(len(districts)))
    return kept(built, chart_figures.progress(progress_df, measure, lang))


def _icon(code: str) -> str:
    try:
        return config.term("types", code).icon
    except KeyError:
        return ""


def type_mix_chart(communities_df: pd.DataFrame, lang: str) -> Chart | None:
    """How many communities chose each characteristic, in the map's type colours and icons."""
    if style.empty(communities_df):
        return None
    counts = communities_df.groupby("characteristic").agg(
        communities=("characteristic", "size"), named=("stage", lambda s: int((s == "named").sum()))
    )
    types = style.ordered("types", counts.index)
    labels = [f"{_icon(c)} {config.label('types', c, lang)}".strip() for c in types]
    frame = counts.reindex(types).reset_index(names="characteristic").assign(type_label=labels)
    frame["share"] = frame["communities"] / frame["communities"].sum()
    y = alt.Y("type_label:N", title=style.phrase("type", lang), sort=labels)
    x = alt.X("communities:Q", title=style.phrase("communities", lang), axis=alt.Axis(format=",d", tickMinStep=1))
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(
        y,
        x,
        color=alt.Color("type_label:N", scale=style.scale("types", types, lang, labels), legend=None),
        tooltip=[
            style.tip("type_label:N", "type", lang),
            style.tip("communities:Q", "communities", lang, ",d"),
            style.tip("share:Q", "share_of_all", lang, ".0%"),
            style.tip("named:Q", "named", lang, ",d"),
        ],
    )
    text = base.mark_text(align="left", dx=6, fontSize=14, color=INK).encode(y, x, text=alt.Text("communities:Q", format=",d"))
    top = frame.sort_values(["communities", "characteristic"], ascending=[False, True]).iloc[0]
    figure = chart_figures.most(
        frame["communities"].sum(), "communities", config.label("types", top["characteristic"], lang), top["communities"], lang
    )
    return kept(
        style.finish(alt.LayerChart(layer=[bars, text]), style.phrase("type_mix_title", lang), style.rows_height(len(types))),
        figure,
    )
