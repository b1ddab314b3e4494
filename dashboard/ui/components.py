"""Small rendering pieces several pages share: page header, figures, tables of communities."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from urllib.parse import quote

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard import config
from dashboard.dataset import Dataset
from dashboard.figures.filters import Filters
from dashboard.figures.queries import Figure
from dashboard.i18n import community_names, fmt_date, fmt_int, fmt_num, fmt_pct, join_list, t, unknown
from dashboard.render import chart_text
from dashboard.render.chart_rows import chart_rows
from dashboard.render.title_lines import WIDE_LINE_EM, WIDE_SUBTITLE_EM, with_title_lines
from dashboard.ui import data


def scope_text(f: Filters, lang: str) -> str:
    """The districts (or the whole city) a view covers, in words."""
    if not f.districts:
        return t("ui.scope_city", lang)
    return join_list((config.label("districts", d, lang) for d in f.districts), lang)


def header(title_key: str, f: Filters, ds: Dataset, day: date, lang: str) -> None:
    """Page title, what it covers and how fresh the data is."""
    st.title(t(title_key, lang))
    st.caption(f"{scope_text(f, lang)} · " + t("ui.data_as_of", lang, day=fmt_date(day, lang), version=ds.version))


def empty_notice(lang: str) -> None:
    st.info(t("ui.no_match", lang), icon=":material/filter_alt_off:")


def metric(container, label: str, fig: Figure, kind: str, lang: str, *, help_text: str | None = None) -> None:
    """One headline figure with its change (absent when there is nothing to compare).

    A change that rounds to nothing as shown ("-0.0") is drawn as no change: grey, without an arrow, never as a fall.
    """
    fmt = FORMATS[kind]
    delta, colour, arrow = None, "normal", "auto"
    if fig.delta is not None:
        delta = fmt(fig.delta, lang)
        if not any(ch in "123456789" for ch in delta):
            delta, colour, arrow = fmt(0.0, lang), "off", "off"
        elif fig.delta > 0:
            delta = "+" + delta
    value = fmt(fig.value, lang, missing=unknown(fig.reason, lang))
    container.metric(label, value, delta=delta, delta_color=colour, delta_arrow=arrow, help=help_text, border=True)


FORMATS: dict[str, Callable[..., str]] = {"int": fmt_int, "num": fmt_num, "pct": fmt_pct}


def in_words(frame: pd.DataFrame, lang: str, figures: dict[str, tuple[str, str]]) -> Styler:
    """``frame`` for ``st.dataframe`` with its figures through the null-safe path, never "None" or NaN.

    ``figures`` maps a column to (kind, reason): its numbers as ``fmt_int``/``fmt_num``/``fmt_pct``
    write them, a missing one as the reason in words (``i18n.unknown``: "no activity yet"); any
    other missing cell shows "—". The data underneath stays numeric, so sorting still sorts numbers.
    """
    formatter = {
        column: partial(FORMATS[kind], lang=lang, missing=unknown(reason, lang)) for column, (kind, reason) in figures.items()
    }
    for column in frame.columns.difference(list(formatter)):  # other numbers too, never Styler's "1.500000"
        if pd.api.types.is_float_dtype(frame[column]):
            formatter[column] = partial(fmt_num, lang=lang)
        elif pd.api.types.is_integer_dtype(frame[column]) and column != "#":
            formatter[column] = partial(fmt_int, lang=lang)
    others = [column for column in frame.columns if column not in formatter]  # na_rep would override a formatter
    return frame.style.format(formatter).format(na_rep="—", subset=others)  # type: ignore[arg-type]


def profile_url(community_id: str, lang: str) -> str:
    """The profile page of a community, as a relative link in the reader's language.

    A link opens a new page load, hence a new session: without ``lang`` an
    English reader would land on the Chinese profile.
    """
    return f"./profile?community={quote(str(community_id), safe='')}&lang={lang}"


ROW_PX = 35  # a data grid's row, and its header, at Streamlit's default row height


def fitted_height(rows: int, most: int) -> int:
    """A table's height in pixels: its header and rows, but at most ``most`` (then it scrolls); no empty rows below."""
    return min(most, (rows + 1) * ROW_PX + 3)


def community_table(
    frame: pd.DataFrame,
    columns: dict[str, str],
    lang: str,
    key: str,
    height: int | None = None,
    *,
    figures: dict[str, tuple[str, str]] | None = None,
) -> None:
    """Communities with readable labels and a link to each profile.

    ``columns`` maps frame columns to message keys for their headers; ``figures`` maps some of those
    frame columns to (kind, reason) for :func:`in_words`.
    """
    shown = pd.DataFrame(
        {
            t("ui.col_community", lang): community_names(frame, lang),
        }
    )
    for column, message in columns.items():
        values = frame[column]
        if column in ("district", "characteristic", "stage"):
            vocab = {"district": "districts", "characteristic": "types", "stage": "stages"}[column]
            values = values.map(lambda code, v=vocab: config.label(v, code, lang))
        shown[t(message, lang)] = values.to_numpy()
    shown[t("ui.col_profile", lang)] = frame["community_id"].map(lambda cid: profile_url(cid, lang)).to_numpy()
    worded = {t(columns[column], lang): how for column, how in (figures or {}).items()}
    st.dataframe(
        in_words(shown, lang, worded) if worded else shown,
        hide_index=True,
        key=key,
        height=fitted_height(len(shown), height) if height else "auto",
        column_config={t("ui.col_profile", lang): st.column_config.LinkColumn(display_text=t("ui.open_profile", lang))},
    )


def district_pace_table(progress: pd.DataFrame, lang: str) -> None:
    """Districts with their pace against the target first (the figure that matters, seen in a third of 1280 px),
    then year-to-date activities, target and projection."""
    shown = pd.DataFrame(
        {
            t("ui.col_district", lang): progress["district"].map(lambda d: config.label("districts", d, lang)),
            t("ui.col_pace", lang): progress["activities_pace"] * 100,
            t("ui.col_ytd", lang): progress["activities_ytd"].astype(int),
            t("ui.col_target", lang): progress["target_activities"],
            t("ui.col_projection", lang): progress["activities_projection"].round(),
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        key="tbl_behind",
        column_config={
            t("ui.col_pace", lang): st.column_config.ProgressColumn(format="%.0f%%", min_value=0, max_value=100, width="small"),
            t("ui.col_target", lang): st.column_config.NumberColumn(format="%d"),
            t("ui.col_projection", lang): st.column_config.NumberColumn(format="%d"),
        },
    )


def chart(
    built,
    lang: str,
    key: str,
    data: pd.DataFrame | None = None,
    name: str = "chart",
    *,
    narrow: bool = False,
    panels: bool = False,
) -> None:
    """Show an Altair chart with PNG, SVG and CSV downloads rendered on the server only when clicked.

    ``narrow``: the chart sits in one of the page's columns, so a long title is drawn on several lines
    (Vega would cut it with "…"); otherwise a title or subtitle line too long for a tablet's page (468 px) is.
    The downloads keep the builder's lines.
    ``panels``: small multiples, whose panels have a fixed width (Vega-Lite cannot fit them to their container):
    where the page is narrower (a tablet), the chart scrolls sideways in a row of its own instead of being cut.

    The chart is named for screen readers by its title, subtitle and the main figure its builder kept on it
    (``chart_text``, ``chart_figures``), so every chart says its figure the same way, on the page and on a slide.
    """
    from dashboard.render import chart_export as charts  # noqa: PLC0415 - vl-convert loads only when needed

    if built is None:
        st.info(t("ui.no_activities", lang))
        return
    text = chart_text.alt_text(built)
    built = chart_text.described(built, text)
    shown = with_title_lines(built) if narrow else with_title_lines(built, WIDE_LINE_EM, WIDE_SUBTITLE_EM)
    # named by the description in its spec (a second name logged a warning)
    if panels:
        st.container(horizontal=True, wrap=False).altair_chart(shown, width="stretch", key=key)
    else:
        st.altair_chart(shown, width="stretch", key=key)
    frame = data if data is not None else chart_rows(built)
    downloads: list[tuple[str, Callable[[], bytes | str], str, str]] = [
        ("png", lambda: charts.chart_png(built), "image/png", ":material/image:"),
        ("svg", lambda: charts.chart_svg(built), "image/svg+xml", ":material/draw:"),
    ]
    if frame is not None:
        downloads.append(("csv", lambda: charts.chart_csv(frame), "text/csv", ":material/table:"))
    for col, (kind, make, mime, icon) in zip(st.columns(len(downloads)), downloads, strict=True):
        col.download_button(
            kind.upper(), data=make, file_name=f"{name}.{kind}", mime=mime, key=f"{key}_{kind}", on_click="ignore", icon=icon
        )


def targets_note(f: Filters, lang: str) -> None:
    """Say, when a type or stage is chosen, that the target shares set those communities against whole districts.

    Targets are set per district, year and measure, never per type or stage: the chosen communities' figures are
    still compared with their districts' whole targets, and a share of 18 % is their part of it, not a fall behind.
    """
    if f.types or f.stages:
        st.caption(t("ui.targets_per_district", lang))


def sample_notice(lang: str) -> None:
    """Say that the figures are illustrative while the bundled sample is what is active."""
    if data.sample_is_active(data.data_version()):
        st.caption(t("ui.illustrative", lang))
