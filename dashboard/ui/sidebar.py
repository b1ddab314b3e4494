"""The sidebar every page shares: language switch and filters."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Literal

import streamlit as st

from dashboard import config
from dashboard.figures.filters import Filters
from dashboard.i18n import t
from dashboard.ui import state

LANG_LABELS = {"zh": "中文", "en": "English"}
# Filter field (also the campaign.toml vocabulary it draws from) → widget key.
FILTER_KEYS = {"districts": "f_district", "types": "f_type", "stages": "f_stage"}


def _on_lang() -> None:
    state.set_lang(st.session_state["w_lang"])


def _on_filters(full_range: tuple[date, date]) -> None:
    """The widgets' values as the shared filters.

    The date box shows the data's whole range until someone picks another: that is no date filter (no ``from``
    and ``to`` in the link), so changing a district keeps the Overview's default period, this year.
    """
    chosen = {field: tuple(st.session_state.get(key) or ()) for field, key in FILTER_KEYS.items()}
    span: tuple[date, ...] = tuple(st.session_state.get("f_dates") or ())  # a range being picked has one date
    start, end = (span[0], span[1]) if len(span) == 2 and span != tuple(full_range) else (None, None)
    state.set_filters(Filters(**chosen, start=start, end=end))


def _reset() -> None:
    state.set_filters(Filters())
    for key in (*FILTER_KEYS.values(), "f_dates"):
        st.session_state.pop(key, None)


def _clamped(day: date | None, full_range: tuple[date, date], default: date) -> date:
    """A date inside the data's range (a bookmark or an import may have moved it outside)."""
    return min(max(day or default, full_range[0]), full_range[1])


def _seed_widgets(f: Filters, full_range: tuple[date, date]) -> None:
    """Give the widgets the shared values (they were reset if the user left a page).

    Dates outside the data's range would make the date widget fail, so they are
    brought inside it, and the shared filters follow.
    """
    for field, key in FILTER_KEYS.items():
        st.session_state.setdefault(key, list(getattr(f, field)))
    span = st.session_state.get("f_dates") or ()
    if len(span) == 2 and not all(full_range[0] <= d <= full_range[1] for d in span):
        st.session_state.pop("f_dates")
    if f.start or f.end:
        start, end = _clamped(f.start, full_range, full_range[0]), _clamped(f.end, full_range, full_range[1])
        if (start, end) != (f.start or start, f.end or end):
            state.set_filters(f.with_range(min(start, end), max(start, end)))
            f = state.filters()
    st.session_state.setdefault("f_dates", (f.start or full_range[0], f.end or full_range[1]))
    st.session_state.setdefault("w_lang", state.lang())


def render(full_range: tuple[date, date]) -> None:
    """Draw the language switch and the filters; changes go to the shared state."""
    lang = state.lang()
    _seed_widgets(state.filters(), full_range)
    with st.sidebar:
        language_switch(lang)
        st.subheader(t("ui.filters", lang), help=t("ui.filters_help", lang))
        for vocab, key in FILTER_KEYS.items():
            st.multiselect(
                t(f"ui.{key.removeprefix('f_')}", lang),
                config.codes(vocab),
                key=key,
                format_func=partial(_option_label, vocab, lang=lang),
                placeholder=t("ui.all", lang),
                on_change=_on_filters,
                select_all=False,  # an empty filter already means all; Streamlit's "Select all" is English only
                args=(full_range,),
            )
        st.date_input(
            t("ui.date_range", lang),
            key="f_dates",
            min_value=full_range[0],
            max_value=full_range[1],
            on_change=_on_filters,
            args=(full_range,),
            format="YYYY-MM-DD",
        )
        st.button(t("ui.reset_filters", lang), on_click=_reset, key="f_reset", width="stretch")


def language_switch(lang: str, label_visibility: Literal["visible", "hidden", "collapsed"] = "visible") -> None:
    """中文 / English, shared by the sidebar and the presentation page."""
    st.session_state.setdefault("w_lang", state.lang())
    st.segmented_control(
        t("ui.language", lang),
        list(LANG_LABELS),
        format_func=LANG_LABELS.__getitem__,
        key="w_lang",
        on_change=_on_lang,
        selection_mode="single",
        label_visibility=label_visibility,
    )


def _option_label(vocab: str, code: str, lang: str) -> str:
    term = config.term(vocab, code)
    return f"{term.icon} {term.label(lang)}".strip()
