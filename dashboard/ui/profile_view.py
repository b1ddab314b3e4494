"""Pieces of the community profile page."""

from __future__ import annotations

from typing import Literal

import pandas as pd
import streamlit as st

from dashboard import config
from dashboard.figures import profiles
from dashboard.i18n import community_name, community_names, fmt_date, fmt_int, fmt_num, t, unknown
from dashboard.ui import components, flow
from dashboard.ui.text import md_escape

BadgeColor = Literal["red", "orange", "yellow", "blue", "green", "violet", "gray", "grey", "primary"]  # st.badge's
BADGE_COLORS: dict[str, BadgeColor] = {
    "clean_government": "blue",
    "health": "red",
    "caring": "violet",
    "green": "green",
    "ethnic_unity": "orange",
    "harmony": "blue",
}


def search(ds, chosen: str | None, lang: str) -> None:
    """A search box; choosing a result opens that community's profile."""
    query = st.text_input(t("ui.search_community", lang), key="profile_search")
    if not query:
        return
    found = profiles.search(ds, query)
    if found.empty:
        st.warning(t("ui.search_none", lang, text=md_escape(query)))
        return
    picked = pick(found, lang)
    if picked and picked != chosen:
        st.query_params["community"] = picked
        st.rerun()


def pick(found: pd.DataFrame, lang: str) -> str | None:
    """Let the user choose among search results; return the chosen id."""
    names = dict(zip(found["community_id"], _names(found, lang), strict=True))
    return st.selectbox(
        t("ui.search_results", lang),
        list(names),
        format_func=names.__getitem__,
        index=None,
        key="profile_pick",
        placeholder=t("ui.search_results", lang),
    )


def _names(frame: pd.DataFrame, lang: str) -> list[str]:
    districts = frame["district"].map(lambda d: config.label("districts", d, lang))
    return (community_names(frame, lang) + " · " + districts).tolist()


def identity(c: pd.Series, lang: str) -> None:
    """Names in both languages, type badge, brand, district and subdistrict."""
    title = community_name(c, lang)
    st.title(md_escape(title))
    other = community_name(c, "en" if lang == "zh" else "zh")  # the name in the other language, when there is one
    if other != title:
        st.caption(md_escape(other))
    term = config.term("types", c["characteristic"])
    st.badge(f"{term.icon} {term.label(lang)}", color=BADGE_COLORS.get(term.code, "gray"))
    brand = c["brand_name"] or t("ui.no_brand", lang)
    place = " · ".join(p for p in (config.label("districts", c["district"], lang), c["subdistrict"]) if p)
    st.markdown(f"**{t('ui.brand', lang)}:** {md_escape(brand)}  \n**{t('ui.subdistrict', lang)}:** {md_escape(place)}")


def headline(profile: profiles.Profile, lang: str) -> None:
    """Households, activities so far, the last activity and the latest satisfaction."""
    c = profile.community
    last = profile.activities["date"].max() if not profile.activities.empty else None
    latest = profile.surveys["satisfaction"].iloc[-1] if not profile.surveys.empty else None
    # the date is the widest value (at 1280 px an equal share cut it); two to a line on a tablet
    cols = flow.row("profile_figures", [flow.Part(10, 150), flow.Part(10, 150), flow.Part(14, 190), flow.Part(10, 150)])
    cols[0].metric(t("ui.households", lang), fmt_int(c["households"], lang), border=True)
    cols[1].metric(t("ui.activities_total", lang), fmt_int(len(profile.activities), lang), border=True)
    cols[2].metric(
        t("ui.last_activity", lang),
        last.date().isoformat() if last is not None else unknown("no_activity", lang),
        border=True,
        help=fmt_date(last.date(), lang) if last is not None else None,
    )
    cols[3].metric(t("ui.latest_satisfaction", lang), fmt_num(latest, lang, missing=unknown("no_survey", lang)), border=True)


def notes(community_id: str, lang: str) -> None:
    """Party branch, service method and news story, where known."""
    for field in ("party_branch", "service_method", "story"):
        text = profiles.note(community_id, field, lang)
        if text:
            st.markdown(f"**{t(f'ui.{field}', lang)}:** {md_escape(text)}")


def recent_activities(activities: pd.DataFrame, lang: str, limit: int = 15) -> None:
    """The latest activities as a plain table (text from data is never HTML)."""
    recent = activities.sort_values("date", ascending=False).head(limit)
    shown = pd.DataFrame(
        {
            t("ui.col_date", lang): recent["date"].dt.date,
            t("ui.col_title", lang): recent["title"],
            t("ui.col_category", lang): recent["category"].map(lambda c: config.label("categories", c, lang)),
            t("ui.col_participants", lang): recent["participants"],
            t("ui.col_hours", lang): recent["volunteer_hours"],
        }
    )
    figures = {t("ui.col_participants", lang): ("int", "no_data"), t("ui.col_hours", lang): ("num", "no_data")}
    st.dataframe(
        components.in_words(shown, lang, figures),  # a blank title or hours shows "—", never "None"
        hide_index=True,
        key="tbl_recent",
    )
