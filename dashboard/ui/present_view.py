"""The presentation page's pieces: the briefing cached per data version, the cover's inputs, the slide, slide mode.

Slide mode (``?show=1``) is the projector: only the slide, filling the
screen, with the controls hidden; a clicker's keys move it (←/→, PageUp/
PageDown, space) and Esc leaves it. The keys are Streamlit buttons with
shortcuts, kept in the page but out of sight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial

import streamlit as st

from dashboard import config
from dashboard.briefing import bundle, content
from dashboard.briefing.content import Briefing
from dashboard.briefing.period import default_period
from dashboard.briefing.slide_html import slide_html
from dashboard.figures.filters import Filters
from dashboard.i18n import t
from dashboard.render.chart_export import chart_png
from dashboard.ui import data, per_version, state

KEYS = (("left", -1), ("pageup", -1), ("right", 1), ("pagedown", 1), ("space", 1))
# Slide mode: Streamlit's chrome and the key buttons out of sight, the slide over the whole window, nothing to scroll.
PROJECTOR_CSS = """<style>
[data-testid="stHeader"],[data-testid="stSidebar"],[data-testid="stSidebarCollapsedControl"],[data-testid="stToolbar"],
[data-testid="stDecoration"],[data-testid="stStatusWidget"]{display:none!important}
[data-testid="stMain"],[data-testid="stAppViewContainer"]{overflow:hidden!important}
[data-testid="stMainBlockContainer"]{padding:0!important;max-width:100vw!important}
[data-testid="stMainBlockContainer"]>div{gap:0!important}
.st-key-present_keys{position:fixed!important;left:-10000px;top:0;width:1px;height:1px;overflow:hidden}
.jp-frame.jp-full{position:fixed;inset:0;z-index:10}
</style>"""


@dataclass(frozen=True)
class Request:
    """What a briefing is asked for: the scope, the period, the language and the cover (a cache key)."""

    district: str | None
    start: date | None
    end: date | None
    lang: str
    cover: content.Cover = field(default_factory=content.Cover)


@per_version.cache
@st.cache_resource(show_spinner=False, max_entries=16)
def briefing(version: str, request: Request) -> Briefing:
    """The briefing for a request, built once per data version."""
    ds = data.dataset()
    period = default_period(ds, request.district, request.start, request.end)
    return content.build(ds, period, request.lang, request.cover, data_date=data.last_import(version))


@per_version.cache
@st.cache_data(show_spinner=False, max_entries=128)
def _picture(version: str, request: Request, key: str) -> bytes | None:
    """One slide's chart as the deck's picture (type sized for a slide), rendered on the server once."""
    slide = next(s for s in briefing(version, request).slides if s.key == key)
    return None if slide.chart is None else chart_png(bundle.slide_chart(slide.chart), scale=bundle.PNG_SCALE)


def slide_block(version: str, request: Request, index: int, full: bool) -> str:
    """The HTML of slide ``index``, with its chart's picture when it has one."""
    brief = briefing(version, request)
    key = brief.slides[index].key
    picture = _picture(version, request, key)
    return slide_html(brief, index, {key: picture} if picture else {}, full=full)


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


def cover_inputs(lang: str) -> content.Cover:
    """汇报单位, the meeting and its date for the cover; empty fields take the defaults (DASHBOARD_ORG_NAME, today)."""
    with st.expander(t("present.cover", lang)):
        cols = st.columns([2, 2, 1])
        org = cols[0].text_input(t("present.org", lang), key="present_org", placeholder=config.ORG_NAME.value() or None)
        meeting = cols[1].text_input(t("present.meeting", lang), key="present_meeting")
        day = cols[2].date_input(t("present.meeting_date", lang), value=config.today(), key="present_day", format="YYYY-MM-DD")
    cover = content.Cover(org.strip(), meeting.strip(), day if isinstance(day, date) else None)
    st.session_state["present_cover"] = cover  # slide mode shows the cover asked for here
    return cover


def _move(step: int, total: int) -> None:
    """Button callback: runs before the script, so the URL written next already names the new slide."""
    index = (st.session_state.get("present_slide", 0) + step) % total
    st.session_state["present_slide"] = index
    st.query_params["slide"] = str(index + 1)


def _show(on: bool) -> None:
    if on:
        st.query_params["show"] = "1"
    elif "show" in st.query_params:
        del st.query_params["show"]


def in_slide_mode() -> bool:
    return state.page_param("show") == "1"


def slide_index(total: int) -> int:
    if "present_slide" not in st.session_state:  # first visit: the URL may name a slide
        wanted = state.page_param("slide") or "1"
        st.session_state["present_slide"] = int(wanted) - 1 if wanted.isdigit() else 0
    return min(max(st.session_state["present_slide"], 0), total - 1)


def controls(columns, total: int, lang: str) -> int:
    """Previous / counter / next in ``columns``, also on the ← and → keys; returns the slide index."""
    index = slide_index(total)
    left, middle, right = columns
    left.button(
        t("present.previous", lang), on_click=_move, args=(-1, total), shortcut="left", key="present_prev", width="stretch"
    )
    middle.markdown(f"**{t('present.counter', lang, n=index + 1, total=total)}**", text_alignment="center")
    right.button(t("present.next", lang), on_click=_move, args=(1, total), shortcut="right", key="present_next", width="stretch")
    return index


def start_button(lang: str) -> None:
    st.button(
        t("present.start", lang),
        on_click=_show,
        args=(True,),
        key="present_start",
        icon=":material/slideshow:",
        type="primary",
        width="stretch",
    )


def slide_show(version: str, f: Filters, lang: str) -> None:
    """Slide mode: the chrome-hiding style, the keys (out of sight), and the slide over the whole window."""
    district = f.districts[0] if len(f.districts) == 1 else None
    request = Request(district, f.start, f.end, lang, st.session_state.get("present_cover") or content.Cover())
    total = len(briefing(version, request).slides)
    index = slide_index(total)
    st.html(PROJECTOR_CSS)
    with st.container(key="present_keys"):
        for key, step in KEYS:
            st.button(key, on_click=_move, args=(step, total), shortcut=key, key=f"present_key_{key}")
        st.button(t("present.stop", lang), on_click=_show, args=(False,), shortcut="esc", key="present_key_esc")
    st.html(slide_block(version, request, index, full=True))


def downloads(briefing_: Briefing, lang: str) -> None:
    """PowerPoint, PDF and the charts' pictures and data, made on the server only when asked for."""
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
