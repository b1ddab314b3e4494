"""The campaign's charts: pure builders that return Altair charts in the reader's language.

Pages render them with ``st.altair_chart``; ``dashboard.render.chart_export`` turns them
into PNG, SVG and CSV. Codes are shown as labels in ``lang``, and every colour
comes from ``config.colors`` through a scale whose domain is those labels in
the vocabulary's order: a code keeps its colour in both languages and matches
the map legend. A builder returns None when there is nothing to draw, so the
page shows a message instead of an empty frame.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TypeVar

import altair as alt
import pandas as pd

from dashboard import config
from dashboard.i18n import fmt_int, fmt_pct, t, unknown
from dashboard.render import bar_labels, chart_figures
from dashboard.render.bar_labels import INK
from dashboard.render.chart_figures import kept
from dashboard.render.maps import progress_color

Chart = alt.Chart | alt.LayerChart | alt.HConcatChart
ChartT = TypeVar("ChartT", bound=Chart)

FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
HEIGHT = 380
ROW_HEIGHT = 40  # px per bar row: room for a 15 px label on a projector
GREY = "#999999"
TEXT = "#0E1116"  # the app's body text (.streamlit/config.toml)
# Districts declare no colour in campaign.toml yet; until they do, ColorBrewer Dark2 in declared order.
DISTRICT_FALLBACK = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")
# Satisfaction has no codes: a sequential blue for the mean and its spread, grey for the reference.
SATISFACTION_COLORS = {"mean": "#08519c", "band50": "#9ecae1", "band80": "#deebf7", "reference": INK}
PACE_METRICS = ("activities", "volunteer_hours", "named_communities")
MONTHLY_MEASURES = ("participants", "volunteer_hours", "activities")
PROGRESS_MEASURES = ("named_share", "progress")


def themed(chart: ChartT) -> ChartT:
    """One look for every chart: the CJK font (glyphs match in browser and PNG), sizes for a projector.

    Every text colour is set here, at least 4.5:1 on white (WCAG AA): Streamlit's chart theme would otherwise
    draw axis text in #808495 (3.7:1).
    """
    return (
        chart.configure(font=FONT)
        .configure_title(fontSize=20, color=TEXT, subtitleFontSize=14, subtitleColor=INK, anchor="start", offset=12)
        .configure_axis(
            labelFontSize=14, titleFontSize=15, labelLimit=280, titleFontWeight="normal", labelColor=INK, titleColor=INK
        )
        .configure_legend(
            orient="bottom",
            columns=3,
            labelFontSize=14,
            titleFontSize=15,
            labelLimit=360,
            symbolSize=180,
            titleFontWeight="normal",
            labelColor=INK,
            titleColor=INK,
        )
        .configure_view(stroke=None)
    )


def _finish(chart: Chart, title: str | alt.Title, height: int = HEIGHT) -> Chart:
    """Title and size on the outermost chart (the width follows the page), then the theme."""
    return themed(chart.properties(title=title, width="container", height=height))


def _t(key: str, lang: str, **values: object) -> str:
    return t(f"charts.{key}", lang, **values)


def _tip(field: str, key: str, lang: str, fmt: str | None = None) -> alt.Tooltip:
    """A tooltip row titled by the message ``charts.<key>``."""
    return alt.Tooltip(field, title=_t(key, lang)) if fmt is None else alt.Tooltip(field, title=_t(key, lang), format=fmt)


def _ordered(kind: str, present: Iterable[str]) -> list[str]:
    """The codes present, in the vocabulary's order (unknown codes last, so nothing is dropped)."""
    present = {str(c) for c in present if not pd.isna(c)}
    known = config.codes(kind)
    return [c for c in known if c in present] + sorted(present - set(known))


def _colors(kind: str) -> dict[str, str]:
    if kind != "districts":
        return config.colors(kind)
    default = config.Term.__dataclass_fields__["color"].default
    return {
        code: colour if colour != default else DISTRICT_FALLBACK[i % len(DISTRICT_FALLBACK)]
        for i, (code, colour) in enumerate(config.colors("districts").items())
    }


def _labels(kind: str, codes: Iterable[str], lang: str) -> list[str]:
    return [config.label(kind, c, lang) for c in codes]


def _scale(kind: str, codes: list[str], lang: str, labels: list[str] | None = None) -> alt.Scale:
    """Labels → config colours, so a code has the same colour in zh and en."""
    colours = _colors(kind)
    return alt.Scale(domain=labels or _labels(kind, codes, lang), range=[colours.get(c, GREY) for c in codes])


def _labelled(frame: pd.DataFrame, column: str, kind: str, lang: str) -> pd.DataFrame:
    """``frame`` with ``<column>_label`` (in lang) and ``<column>_order`` (vocabulary order) added."""
    order = {c: i for i, c in enumerate(_ordered(kind, frame[column]))}
    return frame.assign(
        **{
            f"{column}_label": frame[column].map(lambda c: config.label(kind, c, lang)),
            f"{column}_order": frame[column].map(order),
        }
    )


def _month_format(lang: str) -> str:
    return "%Y年%-m月" if lang == "zh" else "%b %Y"


def _day_format(lang: str) -> str:
    return "%Y年%-m月%-d日" if lang == "zh" else "%-d %b %Y"


def _month_x(lang: str, bars: bool = False) -> alt.X:
    """Months on x: a band per month for bars (labels under the bars), a time axis for lines and dots."""
    axis = alt.Axis(format=_month_format(lang), formatType="time", labelAngle=0, labelOverlap="greedy", labelSeparation=12)
    if bars:
        return alt.X("yearmonth(month):O", title=_t("month", lang), axis=axis)
    return alt.X("yearmonth(month):T", title=_t("month", lang), axis=axis, scale=alt.Scale(padding=18))


def _month_tip(lang: str) -> alt.Tooltip:
    return _tip("yearmonth(month):T", "month", lang, _month_format(lang))


def _rows_height(rows: int) -> int:
    """Height for a bar per row: Streamlit fits title, axis and legend inside it, so they get room too."""
    return 170 + ROW_HEIGHT * max(rows, 2)


def _empty(frame: pd.DataFrame | None) -> bool:
    return frame is None or frame.empty


def funnel_chart(funnel_df: pd.DataFrame, lang: str, subtitle: str | None = None) -> Chart | None:
    """Where each district's communities stand on the way to the brand (``queries.funnel``); ``subtitle``: as at when."""
    if _empty(funnel_df) or funnel_df["communities"].sum() == 0:
        return None
    stages = _ordered("stages", [*config.codes("stages"), *funnel_df["stage"]])
    districts = _ordered("districts", funnel_df["district"])
    total = funnel_df.groupby("district")["communities"].transform("sum")
    frame = _labelled(_labelled(funnel_df, "district", "districts", lang), "stage", "stages", lang)
    frame = frame.assign(share=(frame["communities"] / total).fillna(0.0))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(
                "district_label:N",
                title=_t("district", lang),
                sort=_labels("districts", districts, lang),
                axis=alt.Axis(labelOverlap=False),
            ),
            x=alt.X("communities:Q", title=_t("communities", lang), stack="zero", axis=alt.Axis(format=",d", tickMinStep=1)),
            color=alt.Color("stage_label:N", title=_t("stage", lang), scale=_scale("stages", stages, lang)),
            order=alt.Order("stage_order:Q"),
            tooltip=[
                _tip("district_label:N", "district", lang),
                _tip("stage_label:N", "stage", lang),
                _tip("communities:Q", "communities", lang, ",d"),
                _tip("share:Q", "share_of_district", lang, ".0%"),
            ],
        )
    )
    title = _t("funnel_title", lang) if subtitle is None else alt.Title(_t("funnel_title", lang), subtitle=[subtitle])
    return kept(_finish(chart, title, _rows_height(len(districts))), chart_figures.funnel(funnel_df, lang))


def monthly_chart(monthly_df: pd.DataFrame, lang: str, measure: str = "participants") -> Chart | None:
    """What each month brought, split by activity category (``queries.monthly_activity``)."""
    if measure not in MONTHLY_MEASURES:
        raise ValueError(f"measure must be one of {MONTHLY_MEASURES}, not {measure!r}")
    if _empty(monthly_df):
        return None
    categories = _ordered("categories", monthly_df["category"])
    title = _t(measure, lang)
    chart = (
        alt.Chart(_labelled(monthly_df, "category", "categories", lang))
        .mark_bar()
        .encode(
            x=_month_x(lang, bars=True),
            y=alt.Y(f"sum({measure}):Q", title=title, stack="zero", axis=alt.Axis(format=",~f")),
            color=alt.Color("category_label:N", title=_t("category", lang), scale=_scale("categories", categories, lang)),
            order=alt.Order("category_order:Q"),
            tooltip=[
                _month_tip(lang),
                _tip("category_label:N", "category", lang),
                _tip(f"sum({measure}):Q", measure, lang, ",.1f" if measure == "volunteer_hours" else ",d"),
            ],
        )
    )
    return kept(_finish(chart, _t("monthly_title", lang, measure=title)), chart_figures.monthly(monthly_df, measure, lang))


def _reference(reference: pd.DataFrame | float | None, months: pd.Series) -> pd.DataFrame | None:
    """A comparison series as (month, value): a trend frame (month/period, mean/satisfaction) or one number."""
    if reference is None:
        return None
    if not isinstance(reference, pd.DataFrame):
        return pd.DataFrame({"month": sorted(months.unique()), "value": float(reference)})
    month = "month" if "month" in reference else "period"
    value = "mean" if "mean" in reference else "satisfaction"
    frame = reference.groupby(month, as_index=False)[[value]].mean().rename(columns={month: "month", value: "value"})
    return frame[(frame["month"] >= months.min()) & (frame["month"] <= months.max())]


def satisfaction_chart(trend_df: pd.DataFrame, lang: str, district_average: pd.DataFrame | float | None = None) -> Chart | None:
    """The mean satisfaction with how far communities spread around it (``queries.satisfaction_trend``).

    ``district_average`` (a trend frame, raw survey rows or a number) is drawn as a dashed reference line.
    """
    if _empty(trend_df):
        return None
    reference = _reference(district_average, trend_df["month"])
    keys = ["mean", "band50", "band80", *(["reference"] if reference is not None else [])]
    names = {
        "mean": "satisfaction_mean",
        "band50": "satisfaction_band50",
        "band80": "satisfaction_band80",
        "reference": "satisfaction_district_average",
    }
    scale = alt.Scale(domain=[_t(names[k], lang) for k in keys], range=[SATISFACTION_COLORS[k] for k in keys])

    def series(chart: alt.Chart, key: str) -> alt.Chart:
        """A layer drawn as the legend entry ``key`` (one colour scale shared by every layer)."""
        label = json.dumps(_t(names[key], lang))
        return chart.transform_calculate(series=label).encode(color=alt.Color("series:N", scale=scale, title=None))

    x, base = _month_x(lang), alt.Chart(trend_df)
    y = alt.Y("p10:Q", title=_t("satisfaction_axis", lang), scale=alt.Scale(zero=False))
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
                    x, alt.Y("value:Q"), tooltip=[_month_tip(lang), _tip("value:Q", "satisfaction_district_average", lang, ".1f")]
                ),
                "reference",
            )
        )
    spread = [alt.Tooltip(f"{k}:Q", title=k.upper(), format=".1f") for k in ("p10", "p25", "p75", "p90")]
    hover = base.mark_circle(size=120, opacity=0).encode(
        x,
        alt.Y("mean:Q"),
        tooltip=[
            _month_tip(lang),
            _tip("mean:Q", "satisfaction_mean", lang, ".1f"),
            *spread,
            _tip("communities:Q", "communities", lang, ",d"),
        ],
    )
    built = _finish(alt.LayerChart(layer=[*layers, hover]), _t("satisfaction_title", lang))
    return kept(built, chart_figures.satisfaction(trend_df, lang))


def district_progress_chart(progress_df: pd.DataFrame, lang: str, measure: str = "named_share") -> Chart | None:
    """Each district's share of its named target (or mean stage progress), the target marked at 100 %.

    Progress bars take the map's progress colours; named shares the "named" stage colour.
    """
    if measure not in PROGRESS_MEASURES:
        raise ValueError(f"measure must be one of {PROGRESS_MEASURES}, not {measure!r}")
    if _empty(progress_df):
        return None
    frame = _labelled(progress_df, "district", "districts", lang)
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
    districts = _ordered("districts", frame["district"])
    top = max(1.0, float(frame[measure].max())) * 1.15
    frame = bar_labels.placed(frame, measure, frame["colour"].tolist(), rule=1.0, top=top)
    y = alt.Y("district_label:N", title=_t("district", lang), sort=_labels("districts", districts, lang))
    x = alt.X(
        f"{measure}:Q", title=_t(f"progress_{measure}", lang), axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, top])
    )
    tooltip = [
        _tip("district_label:N", "district", lang),
        _tip("communities:Q", "communities", lang, ",d"),
        _tip("named:Q", "named", lang, ",d"),
        _tip("target_text:N", "progress_target", lang),
        _tip("share_text:N", "progress_named_share", lang),
        _tip("progress_text:N", "progress_progress", lang),
    ]
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(y, x, color=alt.Color("colour:N", scale=None), tooltip=tooltip)
    labels = bar_labels.layers(base, y, x, "text:N", size=14)
    mark = alt.Chart(pd.DataFrame({"x": [1.0], "label": [_t(f"progress_mark_{measure}", lang)]}))
    rule = mark.mark_rule(color=INK, strokeDash=[6, 4], strokeWidth=2).encode(x=alt.X("x:Q"))
    rule_label = mark.mark_text(align="left", dx=4, dy=-6, baseline="bottom", fontSize=14, color=INK).encode(
        x=alt.X("x:Q"), y=alt.value(0), text="label:N"
    )
    chart = alt.LayerChart(layer=[bars, *labels, rule, rule_label])
    built = _finish(chart, _t(f"progress_title_{measure}", lang), _rows_height(len(districts)))
    return kept(built, chart_figures.progress(progress_df, measure, lang))


def _icon(code: str) -> str:
    try:
        return config.term("types", code).icon
    except KeyError:
        return ""


def type_mix_chart(communities_df: pd.DataFrame, lang: str) -> Chart | None:
    """How many communities chose each characteristic, in the map's type colours and icons."""
    if _empty(communities_df):
        return None
    counts = communities_df.groupby("characteristic").agg(
        communities=("characteristic", "size"), named=("stage", lambda s: int((s == "named").sum()))
    )
    types = _ordered("types", counts.index)
    labels = [f"{_icon(c)} {config.label('types', c, lang)}".strip() for c in types]
    frame = counts.reindex(types).reset_index(names="characteristic").assign(type_label=labels)
    frame["share"] = frame["communities"] / frame["communities"].sum()
    y = alt.Y("type_label:N", title=_t("type", lang), sort=labels)
    x = alt.X("communities:Q", title=_t("communities", lang), axis=alt.Axis(format=",d", tickMinStep=1))
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(
        y,
        x,
        color=alt.Color("type_label:N", scale=_scale("types", types, lang, labels), legend=None),
        tooltip=[
            _tip("type_label:N", "type", lang),
            _tip("communities:Q", "communities", lang, ",d"),
            _tip("share:Q", "share_of_all", lang, ".0%"),
            _tip("named:Q", "named", lang, ",d"),
        ],
    )
    text = base.mark_text(align="left", dx=6, fontSize=14, color=INK).encode(y, x, text=alt.Text("communities:Q", format=",d"))
    top = frame.sort_values(["communities", "characteristic"], ascending=[False, True]).iloc[0]
    figure = chart_figures.most(
        frame["communities"].sum(), "communities", config.label("types", top["characteristic"], lang), top["communities"], lang
    )
    return kept(_finish(alt.LayerChart(layer=[bars, text]), _t("type_mix_title", lang), _rows_height(len(types))), figure)


def community_activity_chart(activities_df: pd.DataFrame, lang: str) -> Chart | None:
    """One community's activities as a timeline: a dot per month and category, sized by how many."""
    if _empty(activities_df):
        return None
    month = activities_df["date"].dt.to_period("M").dt.to_timestamp()
    grouped = (
        activities_df.assign(month=month)
        .groupby(["month", "category"])
        .agg(activities=("category", "size"), participants=("participants", "sum"), volunteer_hours=("volunteer_hours", "sum"))
    )
    frame = _labelled(grouped.reset_index(), "category", "categories", lang)
    categories = _ordered("categories", frame["category"])
    chart = (
        alt.Chart(frame)
        .mark_circle(opacity=0.9)
        .encode(
            x=_month_x(lang),
            y=alt.Y("category_label:N", title=_t("category", lang), sort=_labels("categories", categories, lang)),
            size=alt.Size(
                "activities:Q",
                title=_t("activities", lang),
                scale=alt.Scale(range=[80, 900], zero=False),
                legend=alt.Legend(format=",d", tickMinStep=1, tickCount=4),
            ),
            color=alt.Color("category_label:N", scale=_scale("categories", categories, lang), legend=None),
            tooltip=[
                _month_tip(lang),
                _tip("category_label:N", "category", lang),
                _tip("activities:Q", "activities", lang, ",d"),
                _tip("participants:Q", "participants", lang, ",d"),
                _tip("volunteer_hours:Q", "volunteer_hours", lang, ",.1f"),
            ],
        )
    )
    built = _finish(chart, _t("community_activity_title", lang), _rows_height(len(categories)))
    return kept(built, chart_figures.community_activities(activities_df, lang))


def community_satisfaction_chart(
    community_surveys: pd.DataFrame, district_avg: pd.DataFrame | float | None, lang: str
) -> Chart | None:
    """One community's satisfaction against its district's average (trend frame, survey rows or a number)."""
    if _empty(community_surveys):
        return None
    mine = community_surveys.rename(columns={"period": "month", "satisfaction": "value"})
    reference = _reference(district_avg, mine["month"])
    own, avg = _t("satisfaction_this_community", lang), _t("satisfaction_district_average", lang)
    parts = [mine.assign(series=own), *([] if reference is None else [reference.assign(series=avg)])]
    columns = ["month", "value", "series", *(["respondents"] if "respondents" in mine else [])]
    frame = pd.concat(parts, ignore_index=True)[columns]
    tooltip = [_month_tip(lang), _tip("series:N", "satisfaction_series", lang), _tip("value:Q", "satisfaction_axis", lang, ".1f")]
    if "respondents" in frame:  # blank for a survey without it and for the district's line: "—", never Vega's "0"
        frame = frame.assign(respondents_text=frame["respondents"].map(lambda n: fmt_int(n, lang)))
        tooltip.append(_tip("respondents_text:N", "satisfaction_respondents", lang))
    chart = (
        alt.Chart(frame)
        .mark_line(strokeWidth=3, point=True)
        .encode(
            x=_month_x(lang),
            y=alt.Y("value:Q", title=_t("satisfaction_axis", lang), scale=alt.Scale(zero=False)),
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
        _finish(chart, _t("community_satisfaction_title", lang)), chart_figures.own_against_district(mine, reference, lang)
    )
