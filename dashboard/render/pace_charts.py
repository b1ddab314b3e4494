"""The naming pace: named communities month by month against the year's target, with the projection to December, for
the scope and per district (small multiples). Builders in the style of ``stage_charts``, whose helpers they share."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from dashboard.i18n import fmt_date, fmt_int, t
from dashboard.render import chart_figures
from dashboard.render import chart_style as style
from dashboard.render.bar_labels import INK
from dashboard.render.chart_figures import kept
from dashboard.render.chart_style import Chart
from dashboard.render.stage_charts import ACTUAL, PROJECTED, named_colour, panel_header, short_month

PANEL_WIDTH = 190  # px per district in the small multiples, three to a row: with their axes they fit the page at 1280 px


def _s(key: str, lang: str, **values: object) -> str:
    return t(f"stage_charts.{key}", lang, **values)


def _year_months(day: date) -> list[pd.Timestamp]:
    return [pd.Timestamp(date(day.year, m, 1)) for m in range(1, 13)]


def _pace_lines(pace: pd.DataFrame, day: date, projected: float | None) -> pd.DataFrame:
    """The cumulative count up to ``day``'s month and, when there is one, the projection from there to December."""
    actual = pace[["month", "cumulative"]].rename(columns={"cumulative": "value"}).assign(series="actual")
    if projected is None or pace.empty:
        return actual
    last = pace["month"].max()
    end = pd.Timestamp(date(day.year, 12, 1))
    ahead = pd.DataFrame({"month": [last, end], "value": [float(pace["cumulative"].iloc[-1]), projected], "series": "projection"})
    return pd.concat([actual, ahead], ignore_index=True) if end > last else actual


def naming_pace_chart(
    pace: pd.DataFrame, target: float | None, projected: float | None, day: date, lang: str, *, title: str | None = None
) -> Chart | None:
    """Communities named each month (bars) and named in all (line) in ``day``'s year, against the year's target.

    ``pace`` is one scope's ``stages.named_by_month``; the dashed grey line goes on to December at this year's pace
    (``stages.projection``) and a dashed rule marks the target. None when nothing was named and there is no target.
    """
    if pace.empty or (not target and pace["cumulative"].max() == 0):
        return None
    months = _year_months(day)
    x = alt.X(
        "month:T",
        title=None,
        scale=alt.Scale(domain=[months[0].isoformat(), months[-1].isoformat()], padding=20),
        axis=alt.Axis(format=short_month(lang), formatType="time", labelAngle=0, tickCount=12),
    )
    bars = (
        alt.Chart(pace)
        .mark_bar(color=named_colour(), opacity=0.55, size=18)
        .encode(
            x,
            alt.Y("named:Q", title=_s("communities_named", lang), axis=alt.Axis(format=",d", tickMinStep=1)),
            tooltip=[style.month_tip(lang), alt.Tooltip("named:Q", title=_s("named_in_month", lang), format=",d")],
        )
    )
    counts = (
        alt.Chart(pace[pace["named"] > 0])
        .mark_text(baseline="bottom", dy=-3, fontSize=13, color=INK)
        .encode(x, alt.Y("named:Q"), text=alt.Text("named:Q", format=",d"))
    )
    lines = _pace_lines(pace, day, projected)
    keys = {"actual": _s("named_so_far", lang), "projection": _s("projection", lang)}
    lines = lines.assign(series=lines["series"].map(keys))
    shown = [keys[k] for k in ("actual", "projection") if keys[k] in set(lines["series"])]
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=shown, range=[ACTUAL, PROJECTED][: len(shown)]))
    dash = alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=shown, range=[[1, 0], [6, 4]][: len(shown)]))
    line = (
        alt.Chart(lines)
        .mark_line(strokeWidth=3, point=True)
        .encode(
            x,
            alt.Y("value:Q"),
            colour,
            dash,
            tooltip=[style.month_tip(lang), alt.Tooltip("series:N", title=" "), alt.Tooltip("value:Q", title=" ", format=",.0f")],
        )
    )
    layers: list[alt.Chart] = [bars, counts, line]
    if target:
        mark = alt.Chart(pd.DataFrame({"y": [float(target)], "label": [_s("target_line", lang, target=fmt_int(target, lang))]}))
        layers.append(mark.mark_rule(color=INK, strokeDash=[2, 3], strokeWidth=2).encode(y="y:Q"))
        layers.append(
            mark.mark_text(align="left", baseline="bottom", dx=4, dy=-4, fontSize=14, color=INK).encode(
                y="y:Q", x=alt.value(0), text="label:N"
            )
        )
    subtitle = [_s("pace_subtitle", lang, day=fmt_date(day, lang))]
    if projected is not None:
        subtitle.append(_s("projection_note", lang, projected=fmt_int(projected, lang)))
    heading = title or _s("pace_title", lang, year=day.year)
    built = style.finish(alt.LayerChart(layer=layers).resolve_scale(y="shared"), alt.Title(heading, subtitle=subtitle))
    return kept(built, chart_figures.naming_pace(pace, target, projected, lang))


def naming_pace_by_district(pace: pd.DataFrame, targets: pd.Series, projections: pd.Series, day: date, lang: str) -> Chart | None:
    """Small multiples: each district's named count this year (line), its projection (dashed) and target (rule).

    ``pace`` is ``stages.named_by_month`` per district; ``targets`` and ``projections`` are indexed by district.
    """
    if pace.empty:
        return None
    parts = []
    for district, rows in pace.groupby("district", sort=False):
        projected = projections.get(district)
        lines = _pace_lines(rows, day, None if pd.isna(projected) else float(projected))
        target = targets.get(district)
        parts.append(lines.assign(district=district, target=float(target) if target and not pd.isna(target) else None))
    frame = pd.concat(parts, ignore_index=True)
    # a district without a target has none: concat made an object column of floats and NaNs, which Altair writes as
    # NaN (invalid JSON); as numbers, Altair writes the missing ones as null (no rule)
    frame = frame.assign(district_label=style.labels("districts", frame["district"], lang), target=pd.to_numeric(frame["target"]))
    keys = {"actual": _s("named_so_far", lang), "projection": _s("projection", lang)}
    frame["series"] = frame["series"].map(keys)
    order = style.labels("districts", style.ordered("districts", frame["district"]), lang)
    months = _year_months(day)
    x = alt.X(
        "month:T",
        title=None,
        scale=alt.Scale(domain=[months[0].isoformat(), months[-1].isoformat()]),
        axis=alt.Axis(format=short_month(lang), formatType="time", labelOverlap="greedy", tickCount=6),
    )
    domain = [keys["actual"], keys["projection"]]
    line = (
        alt.Chart()
        .mark_line(strokeWidth=2.5, point=True)
        .encode(
            x,
            alt.Y("value:Q", title=_s("communities_named", lang), axis=alt.Axis(format=",d", tickMinStep=1)),
            alt.Color("series:N", title=None, scale=alt.Scale(domain=domain, range=[ACTUAL, PROJECTED])),
            alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=domain, range=[[1, 0], [6, 4]])),
            tooltip=[style.month_tip(lang), alt.Tooltip("series:N", title=" "), alt.Tooltip("value:Q", title=" ", format=",.0f")],
        )
    )
    rule = (
        alt.Chart()
        .mark_rule(color=INK, strokeDash=[2, 3], strokeWidth=2)
        .encode(y="max(target):Q", tooltip=[alt.Tooltip("max(target):Q", title=_s("target", lang), format=",.0f")])
    )
    chart = (
        alt.layer(line, rule, data=frame)
        .properties(width=PANEL_WIDTH, height=150)
        .facet(facet=alt.Facet("district_label:N", title=None, sort=order, header=panel_header()), columns=3)
        .resolve_scale(y="independent")
    )
    title = alt.Title(_s("pace_by_district_title", lang, year=day.year), subtitle=[_s("pace_by_district_subtitle", lang)])
    return kept(style.themed(chart.properties(title=title)), chart_figures.naming_by_district(pace, lang))
