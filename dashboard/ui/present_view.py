"""The presentation page's pieces: the briefing cached per data version, controls, one slide at a time."""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from dashboard import config
from dashboard.briefing import bundle, content
from dashboard.briefing.content import Briefing, Slide
from dashboard.briefing.period import default_period
from dashboard.briefing.static_map import static_map
from dashboard.figures.filters import Filters
from dashboard.i18n import t
from dashboard.render.chart_export import chart_png
from dashboard.ui import data, state
from dashboard.ui.text import md_escape


@st.cache_resource(show_spinner=False, max_entries=16)
def briefing(version: str, district: str | None, start: date | None, end: date | None, lang: str) -> Briefing:
    """The briefing for a scope and period, built once per data version."""
    ds = data.dataset()
    return content.build(ds, default_period(ds, district, start, end), lang)


@st.cache_data(show_spinner=False, max_entries=32)
def _map_png(district: str | None, lang: str, version: str) -> bytes:
    ds = data.dataset()
    communities = ds.communities if district is None else ds.communities[ds.communities["district"] == district]
    return chart_png(static_map(communities, lang, district, width=760, height=400), scale=1)


def scope_picker(f: Filters, lang: str) -> str | None:
    """City or one district; the choice is shared with the other pages (and the URL)."""
    options = [None, *config.codes("districts")]
    current = f.districts[0] if len(f.districts) == 1 else None
    chosen = st.selectbox(
        t("present.scope", lang),
        options,
        index=options.index(current),
        key="present_scope",
        label_visibility="collapsed",
        format_func=lambda c: t("present.whole_city", lang) if c is None else config.label("districts", c, lang),
    )
    if (chosen,) != f.districts[:1] or len(f.districts) > 1:
        state.set_filters(Filters(districts=(chosen,) if chosen else (), start=f.start, end=f.end))
    return chosen


def _move(step: int, total: int) -> None:
    """Button callback: runs before the script, so the URL written next already names the new slide."""
    index = (st.session_state.get("present_slide", 0) + step) % total
    st.session_state["present_slide"] = index
    st.query_params["slide"] = str(index + 1)


def full_screen_url(lang: str) -> str:
    """This view without Streamlit's chrome (``embed=true``), for the projector."""
    params = {"embed": "true", "lang": lang, **state.filters().to_params()}
    if slide := state.page_param("slide"):
        params["slide"] = slide
    return "./present?" + "&".join(f"{k}={v}" for k, v in params.items())


def controls(columns, total: int, lang: str) -> int:
    """Previous / counter / next in ``columns``, also on the ← and → keys; returns the slide index."""
    if "present_slide" not in st.session_state:  # first visit: the URL may name a slide
        wanted = state.page_param("slide") or "1"
        st.session_state["present_slide"] = int(wanted) - 1 if wanted.isdigit() else 0
    index = min(max(st.session_state["present_slide"], 0), total - 1)
    left, middle, right = columns
    left.button(
        t("present.previous", lang), on_click=_move, args=(-1, total), shortcut="left", key="present_prev", width="stretch"
    )
    middle.markdown(f"**{t('present.counter', lang, n=index + 1, total=total)}**", text_alignment="center")
    right.button(t("present.next", lang), on_click=_move, args=(1, total), shortcut="right", key="present_next", width="stretch")
    return index


def show(slide: Slide, briefing_: Briefing) -> None:
    """One slide in large type: title, figures or chart or bullets, then the source line."""
    st.title(slide.title)
    if slide.subtitle and slide.chart is None:
        st.subheader(slide.subtitle)
    if slide.cards:
        cols = st.columns(3)
        for i, card in enumerate(slide.cards):
            cols[i % 3].metric(card.label, card.value, border=True)
    if slide.key == "map" and slide.chart is not None:
        # GeoJSON inline data is not something st.altair_chart can convert: show the server-rendered picture.
        st.image(_map_png(briefing_.facts.period.district, briefing_.lang, data.data_version()), width="content")
    elif slide.chart is not None:
        st.altair_chart(slide.chart, width="stretch", height=380, key=f"present_chart_{slide.key}")
    for line in slide.bullets:
        st.markdown(f"### {md_escape(line)}")
    st.caption(f"{briefing_.source} · {briefing_.dates}")


def downloads(briefing_: Briefing, lang: str) -> None:
    """PowerPoint, PDF and the charts' pictures, made on the server only when asked for."""
    st.markdown(f"**{t('present.downloads', lang)}**")
    cols = st.columns(3)
    for col, (suffix, label, icon) in zip(
        cols,
        (
            (".pptx", "present.download_pptx", ":material/slideshow:"),
            (".pdf", "present.download_pdf", ":material/picture_as_pdf:"),
            (".zip", "present.download_zip", ":material/photo_library:"),
        ),
        strict=True,
    ):
        col.download_button(
            t(label, lang),
            data=partial(bundle.render, briefing_, suffix),
            file_name=bundle.file_name(briefing_, suffix),
            mime=bundle.MEDIA_TYPES[suffix],
            key=f"present_dl{suffix}",
            on_click="ignore",
            icon=icon,
            width="stretch",
        )
